import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup (vitest.config.ts): the browser tests load the built tab (tabs/dist, served at /tab/), so
 * build it (`npm run build:tab`'s config) when it is missing or older than a source under tabs/.
 */
const TABS = fileURLToPath(new URL("../../tabs/", import.meta.url));
const BUILT = join(TABS, "dist", "index.html");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "dist") continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const builtAt = (): number => {
  try {
    return statSync(BUILT).mtimeMs;
  } catch {
    return 0;
  }
};

export default async function setup(): Promise<void> {
  if (builtAt() >= newest(TABS)) return;
  const { build } = await import("vite");
  // Vitest runs with NODE_ENV=test, which would make Vite build React's development bundle: build as `npm run build:tab` does.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ configFile: join(TABS, "vite.config.ts"), mode: "production", logLevel: "warn" });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}
