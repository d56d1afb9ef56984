import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import helmet from "helmet";

/**
 * Security headers on every response (issue 11 point 15): `helmet`'s defaults, with these differences on purpose:
 * - `frame-ancestors` lists the hosts Microsoft documents for Teams, Outlook and Microsoft 365 tabs, and
 *   nothing else ('self' included): the tab and the link pages are framed there only;
 * - no `X-Frame-Options` (it cannot list several hosts; `frame-ancestors` governs framing);
 * - no `upgrade-insecure-requests` (local mode is plain http on 127.0.0.1; in a tenant HTTPS is the front end's);
 * - `Cross-Origin-Opener-Policy: same-origin-allow-popups`: a tab's sign-in pop-up (teams-js
 *   `authentication.authenticate`) must keep its opener;
 * - `script-src` also allows the inline scripts of our own pages, by hash;
 * - `connect-src` also allows teams-js's list of valid host domains on Microsoft's CDN (fetched by `app.initialize()`
 *   inside Teams, Outlook and Microsoft 365; the managers' tab, issue 15 point 1);
 * - `style-src` is helmet's default `'self' https: 'unsafe-inline'`, which the tab's Fluent UI needs: its CSS-in-JS
 *   (Griffel) inserts <style> elements at run time. Scripts stay `'self'` (plus hashes): the built tab has no inline script.
 * `Referrer-Policy: no-referrer` everywhere (the response link's token is in its URL), and `Cache-Control:
 * no-store` on the API, the link pages and the Graph notifications (case data and tokens are never cached).
 */
export const FRAME_ANCESTORS = [
  "teams.microsoft.com", "*.teams.microsoft.com", "*.skype.com", "teams.cloud.microsoft", "*.cloud.microsoft",
  "outlook.office.com", "outlook.office365.com", "*.office.com", "*.microsoft365.com", "*.office365.com",
] as const;

/** Where teams-js reads its list of valid host domains (connect-src). */
export const TEAMS_JS_CDN = "https://res.cdn.office.net";

const NO_STORE_PATHS = /^\/(api|respond|graph)(\/|$)/;

/** The CSP sources (`'sha256-…'`) of the inline scripts of these HTML pages; JSON data blocks are not scripts. */
export function inlineScriptSources(pages: readonly string[]): string[] {
  const sources = new Set<string>();
  for (const html of pages) {
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      const attrs = m[1] ?? "";
      if (/\bsrc\s*=/.test(attrs) || /type\s*=\s*["']?application\/(ld\+)?json/.test(attrs)) continue;
      sources.add(`'sha256-${createHash("sha256").update(m[2] ?? "").digest("base64")}'`);
    }
  }
  return [...sources];
}

export function securityHeaders(o: { inlineScripts: readonly string[] }): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        "frame-ancestors": [...FRAME_ANCESTORS],
        "script-src": ["'self'", ...o.inlineScripts],
        "connect-src": ["'self'", TEAMS_JS_CDN],
        "upgrade-insecure-requests": null,
      },
    },
    crossOriginOpenerPolicy: { policy: "same-origin-allow-popups" },
    frameguard: false,
    referrerPolicy: { policy: "no-referrer" },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (NO_STORE_PATHS.test(req.path)) res.setHeader("Cache-Control", "no-store");
    headers(req, res, next);
  };
}
