/**
 * Issue 15 point 3's budget: the tab's first view (the entry script of tabs/dist/index.html and every chunk it imports
 * statically) stays under 300 KB gzipped; the charts (@fluentui/react-charts) are dynamic imports, loaded after the figures.
 * tabs/dist is built by the global setup (test/support/tab-build.ts) when missing or older than tabs/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const DIST = fileURLToPath(new URL("../../tabs/dist/", import.meta.url));
const BUDGET_KB = 300;
/** A built chunk's static imports (`import{…}from"./x.js"`, `import"./x.js"`), not its dynamic `import(…)`s. */
const STATIC_IMPORT = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']\.\/([\w.-]+\.js)["']/g;

/** The entry chunk and everything it imports statically, each with its gzipped size in KB. */
export function firstView(): { file: string; kb: number }[] {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  const entry = /<script type="module"[^>]*src="\/tab\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error("tabs/dist/index.html has no module entry script");
  const seen = new Map<string, number>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const code = readFileSync(join(DIST, file));
    seen.set(file, gzipSync(code, { level: 9 }).length / 1024);
    for (const m of code.toString("utf8").matchAll(STATIC_IMPORT)) visit(`assets/${m[1]}`);
  };
  visit(entry);
  return [...seen].map(([file, kb]) => ({ file, kb: Math.round(kb * 10) / 10 }));
}

describe("the tab's first-view budget", () => {
  it(`the entry's static imports are under ${BUDGET_KB} KB gzipped, and the charts are not among them`, () => {
    const chunks = firstView();
    const total = chunks.reduce((n, c) => n + c.kb, 0);
    console.log(`tab first view: ${chunks.map((c) => `${c.file} ${c.kb} KB`).join(", ")}; total ${total.toFixed(1)} KB gzipped`);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.map((c) => c.file).join(" ")).not.toMatch(/DashboardChart|FiguresChart|Legends/);
    expect(total).toBeLessThan(BUDGET_KB);
  });
});
