/**
 * Where the tab runs (issue 15 point 1): inside Teams, Outlook or Microsoft 365 (teams-js answers within a short
 * time) or in a plain browser (local mode: the development sign-in, and `?theme=light|dark|contrast`).
 */
import { app, authentication } from "@microsoft/teams-js";

export type ThemeName = "light" | "dark" | "contrast";

export interface Host {
  /** "Teams", "Outlook", "Office" … inside a Microsoft 365 host; null in a plain browser. */
  name: string | null;
  theme: ThemeName;
  /** Inside a host: the Teams SSO token for `Authorization: Bearer …`; outside, none (the dev sign-in's cookie goes by itself). */
  token(): Promise<string | null>;
  /** Calls back when the host's theme changes (inside a host only). */
  onThemeChange(handler: (theme: ThemeName) => void): void;
}

const INIT_TIMEOUT_MS = 1500;

/** A host theme ("default", "dark", "contrast") or a `?theme=` value as one of ours; light when unknown. */
export function themeFrom(value: string | null | undefined): ThemeName {
  return value === "dark" ? "dark" : value === "contrast" ? "contrast" : "light";
}

const timeout = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error("not in a Microsoft 365 host")), ms));

/**
 * Teams, Outlook and Microsoft 365 run a tab in a frame (web, desktop) or a mobile app's web view (its native
 * interface); a page that is neither is a plain browser, where teams-js is not even started.
 */
const maybeInHost = (): boolean => window.parent !== window || "nativeInterface" in window;

/** The browser host: `?theme=` picks the theme; no token (the development sign-in's cookie goes by itself). */
const browserHost = (search: string): Host => ({
  name: null, theme: themeFrom(new URLSearchParams(search).get("theme")), token: async () => null, onThemeChange: () => undefined,
});

/** Initialises teams-js with a short timeout inside a possible host; a plain browser (or a failure) is the browser host. */
export async function detectHost(search: string): Promise<Host> {
  if (!maybeInHost()) return browserHost(search);
  try {
    await Promise.race([app.initialize(), timeout(INIT_TIMEOUT_MS)]);
    const context = await app.getContext();
    return {
      name: context.app.host.name,
      theme: themeFrom(context.app.theme),
      token: () => authentication.getAuthToken(),
      onThemeChange: (handler) => app.registerOnThemeChangeHandler((t) => handler(themeFrom(t))),
    };
  } catch {
    return browserHost(search);
  }
}
