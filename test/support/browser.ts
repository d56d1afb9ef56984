import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium (installed by .ci/run); Playwright's own browser download cannot be used here. */
export function chromiumPath(): string {
  for (const p of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (p && existsSync(p)) return p;
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Chromium not found: install it with `apt-get install -y chromium` (as .ci/run does) or set CHROMIUM_PATH");
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Opens the tab at `url` and signs in there as head of service with the development sign-in (local mode, loopback). */
export async function signInAsHead(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Sign in as").selectOption("head");
  await page.getByRole("button", { name: "Sign in (development)" }).click();
  await page.getByText("Signed in as head (development sign-in) (head of service).").waitFor();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}
