import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsCsv } from "../../src/domain/record/actions-csv.js";
import { assembleRecord, recordJson, ZStratRecord } from "../../src/domain/record/record.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { loadProfiles } from "../../src/infra/profiles/read-profile-files.js";
import { openDatabase } from "../../src/infra/store/open-database.js";
import { createStratRepository } from "../../src/infra/store/strat-repository.js";
import { appStore, type AppStore } from "../support/databases.js";
import { fullStrat } from "../support/full-strat.js";

/**
 * Issue 13 point 1: `npm run -s record -- export SD-… --format pdf|json|csv [--out FILE]` on the configured store
 * (PGlite, or PostgreSQL when DATABASE_URL is set): a strat stored through the repository, its state built by the
 * transitions (test/support/full-strat.ts); the three exports agree; bad arguments are named, an unknown ref exits 1.
 */
let store: AppStore;
let stored: Strat;
const dir = mkdtempSync(join(tmpdir(), "strat-record-cli-"));

const run = async (...args: string[]) => {
  const r = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/record.ts", ...args], {
    env: { ...process.env, ...store.env, DATABASE_URL: store.env.DATABASE_URL ?? "" }, encoding: "buffer", maxBuffer: 20_000_000,
  }).catch((e: { stdout: Buffer; stderr: Buffer; code: number }) => e);
  return { out: r.stdout, err: r.stderr.toString("utf8"), code: "code" in r ? r.code : 0 };
};

beforeAll(async () => {
  store = await appStore({ persistent: true });
  const db = await openDatabase({ dataDir: store.env.DATA_DIR, databaseUrl: store.env.DATABASE_URL });
  try {
    const repo = createStratRepository(db, () => new Date("2026-11-23T09:05:00Z"));
    const full = fullStrat();
    const { strat } = await repo.open({
      caseRef: full.caseRef, profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
      chairId: "chair", chairName: "Chair", conversationId: null, requestId: "req-record-cli", state: full.state,
    }, { actor: "chair", action: "open" });
    stored = (await repo.mutate(strat.id, () => ({ change: { status: "closed", closedAt: new Date("2026-11-23T13:00:00Z") }, audit: { actor: "chair", action: "close" }, result: null }))).strat;
  } finally {
    await db.close();
  }
}, 60_000);

afterAll(async () => {
  await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("record export (CLI)", () => {
  it("exports JSON (valid, the stored strat's record), CSV of the actions and a PDF embedding the same JSON", async () => {
    const expected = assembleRecord(stored, loadProfiles().get(stored.profileId, { includeHistory: true }));
    const json = await run("export", stored.ref, "--format", "json");
    expect(json.code, json.err).toBe(0);
    expect(json.out.toString("utf8")).toBe(recordJson(expected));
    expect(ZStratRecord.parse(JSON.parse(json.out.toString("utf8")))).toMatchObject({ stratRef: stored.ref, status: "closed", actions: expect.any(Array) });

    const csv = await run("export", stored.ref, "--format", "csv");
    expect(csv.out.toString("utf8")).toBe(actionsCsv(expected));

    const file = join(dir, "record.pdf");
    const pdf = await run("export", stored.ref, "--format", "pdf", "--out", file);
    expect(pdf.code, pdf.err).toBe(0);
    expect(pdf.err).toMatch(new RegExp(`record ${stored.ref} \\(pdf, \\d+ bytes\\) written to `));
    const doc = await getDocumentProxy(new Uint8Array(readFileSync(file)));
    const att = Object.values((await doc.getAttachments()) as Record<string, { filename: string; content: Uint8Array }>).find((f) => f.filename === "record.json");
    expect(Buffer.from(att!.content).toString("utf8")).toBe(json.out.toString("utf8"));
  }, 60_000);

  it("an amended record: --version 1 exports the verified version as it was (footer version 1, its own hash), the default the latest (point 6)", async () => {
    const latest = assembleRecord(stored, loadProfiles().get(stored.profileId, { includeHistory: true }));
    expect(latest.version).toBe(2);
    const v1 = await run("export", stored.ref, "--format", "json", "--version", "1");
    expect(v1.code, v1.err).toBe(0);
    const first = ZStratRecord.parse(JSON.parse(v1.out.toString("utf8")));
    expect(first).toMatchObject({ version: 1, amendments: [] });
    expect(first.contentHash).not.toBe(latest.contentHash);
    const file = join(dir, "record-v1.pdf");
    expect((await run("export", stored.ref, "--format", "pdf", "--version", "1", "--out", file)).code).toBe(0);
    const page = await (await (await getDocumentProxy(new Uint8Array(readFileSync(file)))).getPage(1)).getTextContent();
    const text = page.items.map((i) => ("str" in i ? i.str : "")).join(" ");
    expect(text).toContain("version 1");
    expect(text).toContain(first.contentHash);
    expect(await run("export", stored.ref, "--format", "json", "--version", "3")).toMatchObject({ code: 2, err: `record: version: ${stored.ref} has record versions 1 to 2 (not 3).\n` });
    expect(await run("export", stored.ref, "--format", "json", "--version", "one")).toMatchObject({ code: 2, err: 'record: --version must be a version number, 1 or more (not "one")\n' });
  }, 60_000);

  it("names the bad argument (exit 2) and says an unknown reference is unknown (exit 1), without a stack", async () => {
    expect(await run("export", stored.ref, "--format", "docx")).toMatchObject({ code: 2, err: 'record: --format must be one of pdf, json, csv (not "docx")\n' });
    expect(await run("export", stored.ref)).toMatchObject({ code: 2, err: "record: --format is required: one of pdf, json, csv\n" });
    expect((await run("export", "--format", "json")).err).toMatch(/^record: the strat reference is missing/);
    expect((await run("export", stored.ref, "--format", "json", "--colour", "red")).err).toMatch(/^record: unknown option --colour/);
    const unknown = await run("export", "SD-1999-9999", "--format", "pdf");
    expect(unknown).toMatchObject({ code: 1, err: "record: ref: No strategy discussion SD-1999-9999: check the reference (e.g. SD-2026-0042).\n" });
    expect(unknown.out.length).toBe(0);
  }, 60_000);
});
