import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/contracts.js";

/**
 * Issue 10 point 1: a clone of this repository alone (no steering folder beside it) starts and tests.
 * Nothing the app, the tests, the benchmarks or the scripts run may name a path outside the repository;
 * Microsoft's contracts are read from the copies in test/contracts/.
 */
const NEEDLE = ["..", "shared"].join("/"); // spelled this way so this file does not match itself
const ROOTS = ["src", "bot", "tabs", "test", "bench", "scripts", ".ci", "vitest.config.ts", "package.json"];
const CODE = /\.(ts|mts|mjs|js|json|html|sh)$|^run$/;

function files(p: string): string[] {
  const abs = path.join(REPO_ROOT, p);
  if (statSync(abs).isFile()) return [p];
  return readdirSync(abs).flatMap((n) => (n === "node_modules" || n === "artifacts" ? [] : files(path.join(p, n))));
}

describe("self-contained clone", () => {
  const all = ROOTS.flatMap(files).filter((f) => CODE.test(path.basename(f)));
  it("scans the code", () => expect(all.length).toBeGreaterThan(100));
  it("no code, test or script reads outside the repository", () => {
    const offenders = all.filter((f) => readFileSync(path.join(REPO_ROOT, f), "utf8").includes(NEEDLE));
    expect(offenders).toEqual([]);
  });
  it("the contract copies named in test/contracts/README.md are all present", () => {
    const readme = readFileSync(path.join(REPO_ROOT, "test/contracts/README.md"), "utf8");
    const named = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThanOrEqual(6);
    for (const f of named) expect(statSync(path.join(REPO_ROOT, "test/contracts", f)).size, f).toBeGreaterThan(1000);
  });
});
