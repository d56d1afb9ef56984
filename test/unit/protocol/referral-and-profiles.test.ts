import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { AppError } from "../../../src/domain/errors.js";
import { parseReferral } from "../../../src/domain/protocol/index.js";
import { loadProfiles } from "../../../src/infra/profiles/read-profile-files.js";
import { referral, repoRoot } from "./helpers.js";

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).field;
  }
  throw new Error("expected an error");
}

describe("referral validation names the field", () => {
  it.each([
    ["naive receivedAt", { receivedAt: "2026-06-01T10:00:00" }, "receivedAt"],
    ["unknown concern", { concerns: ["neglect"] }, "concerns[0]"],
    ["no concerns", { concerns: [] }, "concerns"],
    ["invalid dob 2026-02-30", { children: [{ ref: "C1", dob: "2026-02-30" }] }, "children[0].dob"],
    ["dob after receivedAt", { children: [{ ref: "C1", dob: "2026-06-02" }] }, "children[0].dob"],
    ["no children, not unborn", { children: [] }, "children"],
    ["unknown field", { colour: "red" }, "colour"],
    ["unknown child field", { children: [{ ref: "C1", dob: "2015-01-01", name: "Jo" }] }, "children[0].name"],
    ["missing concern without missing", { concerns: ["missing"], missing: null }, "missing"],
    ["naive missing.reportedAt", { concerns: ["missing"], missing: { reportedAt: "2026-06-01 10:00", particularConcerns: true } }, "missing.reportedAt"],
    ["bad email", { referrer: { name: "A", email: "nope", professional: true } }, "referrer.email"],
  ])("%s → %s", (_n, over, field) => {
    expect(fieldOf(() => parseReferral(referral(over as never)))).toBe(field);
  });
  it("accepts an unborn-only referral with zero children, and offsets like +01:00", () => {
    const r = parseReferral(referral({ unborn: true, children: [], receivedAt: "2026-06-01T10:00:00+01:00" }));
    expect(r.receivedAt.toISOString()).toBe("2026-06-01T09:00:00.000Z");
  });
  it("a missing object without the missing concern is fine", () => {
    expect(parseReferral(referral({ missing: { reportedAt: "2026-06-01T08:00:00Z", particularConcerns: false } })).missing).not.toBeNull();
  });
});

describe("profiles load, validate and compose", () => {
  it("lists the shipped profiles; bromley-2017 is history only", () => {
    const reg = loadProfiles();
    expect(reg.list().map((p) => [p.id, p.selectable])).toEqual([
      ["bedford", true],
      ["bristol-2024", true],
      ["bromley-2017", false],
      ["bromley-2023", true],
      ["bromley-missing-2020", true],
    ]);
    expect(() => reg.get("bromley-2017")).toThrow(AppError);
    expect(reg.get("bromley-2017", { includeHistory: true }).id).toBe("bromley-2017");
    expect(fieldOf(() => reg.get("leeds"))).toBe("profile");
  });
  it("an extra directory adds a local authority's profile without code", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "profiles-"));
    const bedford = JSON.parse(readFileSync(path.join(repoRoot, "src/domain/protocol/profiles/bedford.json"), "utf8"));
    writeFileSync(path.join(dir, "luton.json"), JSON.stringify({ ...bedford, id: "luton", title: "Luton" }));
    expect(loadProfiles({ extraDir: dir }).get("luton").rules.has("T-STD")).toBe(true);
  });
  it("an invalid profile stops start-up with file, path and what is wrong", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "profiles-"));
    const bedford = JSON.parse(readFileSync(path.join(repoRoot, "src/domain/protocol/profiles/bedford.json"), "utf8"));
    bedford.id = "bad";
    bedford.convening[0].timing = { kind: "workingDays", n: 0 };
    writeFileSync(path.join(dir, "bad.json"), JSON.stringify(bedford));
    try {
      loadProfiles({ extraDir: dir });
      throw new Error("no error");
    } catch (e) {
      expect((e as AppError).code).toBe("profile_invalid");
      expect((e as AppError).userMessage).toMatch(/bad\.json: convening\[0\]\.timing\.n: /);
    }
  });
});

/**
 * Rules DOMAIN.md names that a later issue implements (issue 12 point 3: out-of-hours hospital routing).
 * Each is asserted NOT implemented yet, so this list cannot go stale: implementing one fails the test below
 * until it is taken off the list.
 */
const PENDING: Record<string, string> = {};

describe("every rule id in DOMAIN.md is implemented by every profile that names it", () => {
  // docs/spec/DOMAIN.md is the product's rule book, copied into the repo (a clone has no steering folder beside it).
  const domain = readFileSync(path.resolve(repoRoot, "docs/spec/DOMAIN.md"), "utf8");
  const reg = loadProfiles();
  // §3 table: | rule | bromley-2023 | bedford | bristol-2024 |
  const rows = domain.split("\n").filter((l) => /^\| T-[A-Z0-9]+/.test(l));
  const cases: [string, string][] = [];
  for (const row of rows) {
    const cells = row.split("|").slice(1, -1).map((c) => c.trim());
    const rule = cells[0]!.split(/\s/)[0]!;
    (["bromley-2023", "bedford", "bristol-2024"] as const).forEach((p, i) => {
      const cell = cells[i + 1] ?? "";
      if (cell !== "—" && cell !== "-" && cell !== "" && cell.toLowerCase() !== "none") cases.push([rule, p]);
    });
  }
  // §4 Bromley directory: every I-* row is implemented by bromley-2023.
  for (const l of domain.split("\n")) {
    const m = /^\| (I-[A-Z-]+) \|/.exec(l);
    if (m) cases.push([m[1]!, "bromley-2023"]);
  }
  for (const p of ["bromley-2023", "bedford", "bristol-2024"]) cases.push(["Q-1", p]);
  cases.push(["M-RAG", "bromley-2023"]);
  it("parsed the tables", () => {
    expect(rows.length).toBeGreaterThanOrEqual(17);
    expect(cases.length).toBeGreaterThan(50);
  });
  const implemented = cases.filter(([rule]) => !(rule in PENDING));
  const pending = cases.filter(([rule]) => rule in PENDING);
  it.each(implemented)("%s is implemented by %s", (rule, p) => {
    expect([...reg.get(p).rules]).toContain(rule);
  });
  it.each(pending)("%s by %s is still pending (take it off PENDING when it lands)", (rule, p) => {
    expect([...reg.get(p).rules], `${rule} (${PENDING[rule]})`).not.toContain(rule);
  });
  it("T-TGT is none outside bromley", () => {
    expect(reg.get("bedford").rules.has("T-TGT")).toBe(false);
  });
});

describe("CLI", () => {
  const run = (args: string[], env: Record<string, string> = {}) => {
    try {
      return { out: execFileSync(process.execPath, ["--import", "tsx", "src/cli/strat.ts", ...args], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } }), code: 0, err: "" };
    } catch (e) {
      const x = e as { status: number; stderr: string; stdout: string };
      return { out: x.stdout, code: x.status, err: x.stderr };
    }
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), "cli-"));
  const file = path.join(dir, "r.json");
  writeFileSync(file, JSON.stringify(referral({ receivedAt: "2026-12-24T16:59:00Z", concerns: ["standard", "serious-harm"] })));
  it("deadline prints JSON", () => {
    const r = run(["deadline", "--profile", "bromley-2023", "--referral", file]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ due: "2026-12-24T23:59:59.999Z", rule: "T-SH", target: "2026-12-25T16:59:00.000Z" });
    expect(j.applied).toEqual(expect.arrayContaining([expect.objectContaining({ rule: "T-STD", due: "2026-12-31T17:00:00.000Z" })]));
  });
  it("T-MIS: deadline for a missing child without particular concerns → reportedAt + 72 h (bromley-2023 Appendix 5)", () => {
    const f = path.join(dir, "missing.json");
    writeFileSync(f, JSON.stringify(referral({ receivedAt: "2026-12-24T16:59:00Z", concerns: ["missing"], missing: { reportedAt: "2026-12-24T10:00:00Z", particularConcerns: false } })));
    const j = JSON.parse(run(["deadline", "--profile", "bromley-2023", "--referral", f]).out);
    expect(j).toMatchObject({ rule: "T-MIS", due: "2026-12-27T10:00:00.000Z" });
  });
  it("invitees prints JSON with quorum roles", () => {
    const j = JSON.parse(run(["invitees", "--profile", "bromley-2023", "--referral", file, "--at", "2026-12-24T17:30:00Z"]).out);
    expect(j[0]).toMatchObject({ address: "SNMailbox.OperationsRoom@met.police.uk", rule: "I-POL-OOH", quorumRole: "police" });
  });
  it("bad input → one line on stderr, exit 2", () => {
    writeFileSync(path.join(dir, "bad.json"), JSON.stringify(referral({ children: [{ ref: "C1", dob: "2026-02-30" } as never] })));
    const r = run(["deadline", "--profile", "bromley-2023", "--referral", path.join(dir, "bad.json")]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/children\[0\]\.dob/);
    const u = run(["deadline", "--profile", "nowhere", "--referral", file]);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/profile/);
    expect(run(["invitees", "--profile", "bedford", "--referral", file, "--at", "2026-12-24T17:30:00"]).err).toMatch(/at/);
  });
  it("child references follow CHILD_REFERENCE_PATTERN, never a name or a date (issue 11 point 12); a wrong pattern is named", () => {
    const named = path.join(dir, "named.json");
    writeFileSync(named, JSON.stringify(referral({ children: [{ ref: "C1", dob: "2015-03-01" }, { ref: "Jane Smith", dob: "2016-03-01" }] as never })));
    const r = run(["invitees", "--profile", "bromley-2023", "--referral", named, "--at", "2026-12-24T10:00:00Z"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("error: invalid_input: children[1].ref: Child 2 reference: use the case system's reference (letters, digits, - or /, up to 20), never a name or date of birth.\n");
    const dated = path.join(dir, "dated.json");
    writeFileSync(dated, JSON.stringify(referral({ children: [{ ref: "14032017", dob: "2017-03-14" }] as never })));
    expect(run(["deadline", "--profile", "bromley-2023", "--referral", dated]).err).toMatch(/Child 1 reference/);
    expect(run(["deadline", "--profile", "bromley-2023", "--referral", file], { CHILD_REFERENCE_PATTERN: "[0-9]{7}" }).err).toMatch(/Child 1 reference: use the case system's reference \(in the format the council set\)/);
    const bad = run(["deadline", "--profile", "bromley-2023", "--referral", file], { CHILD_REFERENCE_PATTERN: "[" });
    expect([bad.code, bad.err]).toEqual([2, "error: config: CHILD_REFERENCE_PATTERN is not a valid regular expression\n"]);
    // the invitees' outside reasons are printed beside the chair's
    const ok = JSON.parse(run(["invitees", "--profile", "bromley-2023", "--referral", file, "--at", "2026-12-24T10:00:00Z"]).out);
    expect(ok.find((i: { rule: string }) => i.rule === "I-EDU")).toMatchObject({ reason: expect.stringContaining("C1"), publicReason: expect.not.stringContaining("C1") });
  });
  it("rag and profiles", () => {
    writeFileSync(path.join(dir, "a.json"), JSON.stringify({ "vulnerability.1": 3, "risk-factors.8": 3, "pull.13": 3, "pull.14": 3 }));
    expect(JSON.parse(run(["rag", "--answers", path.join(dir, "a.json")]).out)).toMatchObject({ score: 12, band: "green" });
    expect(JSON.parse(run(["profiles"]).out).map((p: { id: string }) => p.id)).toContain("bristol-2024");
  });
});
