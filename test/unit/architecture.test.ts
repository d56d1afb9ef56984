/**
 * Import boundaries (ARCHITECTURE.md §1): src/domain imports nothing of ours outside src/domain; src/app
 * imports neither src/infra nor bot/ nor tabs/; and there is no import cycle among our files. Import
 * specifiers are read from the source text (static `from "…"`, side-effect `import "…"`, dynamic `import("…")`).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIRS = ["src", "bot", "tabs"];

function tsFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = path.join(dir, n);
    if (n === "node_modules") return [];
    return statSync(p).isDirectory() ? tsFiles(p) : /\.tsx?$/.test(n) && !n.endsWith(".d.ts") ? [p] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** Our files each file imports (relative specifiers resolved; .js → .ts as TypeScript's NodeNext maps them). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1]!;
    if (!spec.startsWith(".")) continue;
    const abs = path.resolve(path.dirname(file), spec);
    const candidates = [abs.replace(/\.js$/, ".ts"), abs.replace(/\.js$/, ".tsx"), abs, `${abs}.ts`, path.join(abs, "index.ts")];
    out.push(candidates.find((c) => { try { return statSync(c).isFile(); } catch { return false; } }) ?? abs);
  }
  return out;
}

const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join("/");
const files = DIRS.flatMap((d) => tsFiles(path.join(ROOT, d)));
const graph = new Map(files.map((f) => [rel(f), importsOf(f).map(rel)]));

/** Every import cycle's path (a → b → … → a), one per strongly connected group. */
function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, "active");
    stack.push(n);
    for (const m of g.get(n) ?? []) {
      if (!g.has(m)) continue;
      if (state.get(m) === "active") found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of [...g.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

describe("import boundaries", () => {
  it("finds our files and their imports", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("src/main.ts")).toContain("src/config.ts");
  });

  it("src/domain imports nothing outside src/domain", () => {
    const bad = [...graph].flatMap(([f, deps]) => (f.startsWith("src/domain/") ? deps.filter((d) => !d.startsWith("src/domain/")).map((d) => `${f} → ${d}`) : []));
    expect(bad, bad.join("\n")).toEqual([]);
  });

  it("src/app imports neither src/infra nor bot/ nor tabs/", () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      f.startsWith("src/app/") ? deps.filter((d) => /^(src\/infra\/|bot\/|tabs\/)/.test(d)).map((d) => `${f} → ${d}`) : []);
    expect(bad, bad.join("\n")).toEqual([]);
  });

  it("no import cycles among our files", () => {
    const found = cycles(graph).map((c) => c.join(" → "));
    expect(found, `import cycles:\n${found.join("\n")}`).toEqual([]);
  });

  it("the cycle check would see one (a → b → a)", () => {
    expect(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual([["a", "b", "c", "a"]]);
  });
});
