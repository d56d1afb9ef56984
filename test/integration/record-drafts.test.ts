import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amendClosedStrat, closeStrat } from "../../src/app/strat-commands.js";
import type { AppContext } from "../../src/app/context.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { StandIn } from "../../src/infra/graph-stand-in/stand-in.js";
import { openDatabase } from "../../src/infra/store/open-database.js";
import type { JobKind } from "../../src/ports/jobs.js";
import type { Database } from "../../src/ports/store.js";
import { appContext, testClock } from "../support/app-context.js";
import { freePort } from "../support/browser.js";
import { appStore, type AppStore } from "../support/databases.js";
import { fullStrat } from "../support/full-strat.js";
import { startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 13 point 3 (PLATFORM-FACTS §6: sendMail answers 202 with no id): each record mail is a draft per recipient,
 * tagged with a single-value extended property (its job's key), then sent by id; a retry looks the key up in Sent
 * Items (sent → done) and Drafts (created → send that draft) first. 12 recipients, both stores, the real stand-in
 * (contract-validated, faults injected), the durable queue: every recipient has exactly one record mail per version.
 */
const KINDS: JobKind[] = ["record.distribute", "graph.mail"];
const chair = { id: "00000000-0000-4000-8000-0000000000c1", name: "Sam Chair" };
const TWELVE = { children: 2, invitees: 12, actions: 3 };

/** A strat with 12 invitees ready to close (the record tests' full strat before verification). */
async function openReady(ctx: AppContext, caseRef: string): Promise<Strat> {
  const full = fullStrat(TWELVE);
  const { strat } = await ctx.strats.open({
    caseRef, profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
    chairId: chair.id, chairName: chair.name, conversationId: null, requestId: `req-${caseRef}`,
    state: {
      ...full.state, closure: null, amendments: [],
      recordFields: { reason: { value: "Bruising seen at school.", at: "2026-11-23T12:40:00.000Z", by: chair.id }, mode: { value: "teams", at: "2026-11-23T12:40:00.000Z", by: chair.id } },
    },
  }, { actor: chair.id, action: "open" });
  return strat;
}
const addresses = (s: Strat) => s.state.invitees.filter((i) => i.address).map((i) => i.address!.toLowerCase()).sort();
/** Record mails received per mailbox and version (subject ends "version N" or "version N (amendment)"). */
async function received(db: Database, ref: string): Promise<Map<string, number>> {
  const rows = await db.query<{ mailbox: string; subject: string }>(
    "SELECT mailbox, subject FROM standin_inbox WHERE kind = 'mail' AND subject LIKE $1", [`Strategy discussion record ${ref} %`]);
  const n = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.mailbox} v${/version (\d+)/.exec(r.subject)![1]}`;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return n;
}
const once = (s: Strat, versions: number[]) => new Map(addresses(s).flatMap((a) => versions.map((v) => [`${a} v${v}`, 1] as const)));

describe("record mail: a draft per recipient, exactly once (issue 13 point 3)", () => {
  let h: Harness;
  let store: AppStore;
  const clock = testClock("2026-11-23T13:00:00Z");
  const settle = async () => {
    for (let i = 0; i < 200; i++) {
      if ((await h.app.jobs.runOnce({ kinds: KINDS })) > 0) continue;
      const next = (await h.app.db.query<{ at: Date | null }>(
        "SELECT min(run_at) AS at FROM background_jobs WHERE state IN ('pending', 'running') AND kind = ANY($1)", [KINDS]))[0]!.at;
      if (!next) return;
      clock.set(new Date(Math.max(new Date(next).getTime(), clock.now().getTime()) + 1000).toISOString());
    }
    throw new Error("the distribution did not settle");
  };
  const mailRequests = async (since: number) => h.app.db.query<{ method: string; path: string; status: number }>(
    "SELECT method, path, status FROM standin_requests WHERE id > $1 AND (path ILIKE '%/messages%' OR path ILIKE '%/sendMail') ORDER BY id", [since]);
  const lastRequest = async () => Number((await h.app.db.query<{ n: string | null }>("SELECT max(id) AS n FROM standin_requests"))[0]!.n ?? 0);

  beforeAll(async () => {
    store = await appStore({ persistent: true });
    h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" }, clock);
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await store?.drop();
  });

  it("fault-free: 12 recipients, each one draft then one send (≤ 2 Graph requests each), the drafts in Sent Items tagged", async () => {
    const s = await openReady(h.app.ctx, "CASE-DRAFT-1");
    const since = await lastRequest();
    await closeStrat(h.app.ctx, chair, s.id);
    await settle();
    expect(await received(h.app.db, s.ref)).toEqual(once(s, [1]));
    const reqs = await mailRequests(since);
    const creates = reqs.filter((r) => r.method === "POST" && /\/messages$/i.test(r.path));
    const sends = reqs.filter((r) => r.method === "POST" && /\/messages\/[^/]+\/send$/i.test(r.path));
    console.log(`issue 13 point 3: 12 recipients, ${reqs.length} Graph mail requests (${(reqs.length / 12).toFixed(2)} per recipient; ${creates.length} drafts, ${sends.length} sends)`);
    expect(creates.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(sends.map((r) => r.status)).toEqual(Array(12).fill(202));
    expect(reqs.length).toBeLessThanOrEqual(2 * 12);
    // Exchange's behaviour: each sent draft is in Sent Items with its tag, none is left in Drafts.
    const items = await h.app.db.query<{ folder: string; n: number }>(
      "SELECT data->>'folder' AS folder, count(*)::int AS n FROM standin_objects WHERE kind = 'mail-item' GROUP BY 1 ORDER BY 1");
    expect(items).toEqual([{ folder: "sentitems", n: 12 }]);
  }, 120_000);

  it("about 30 % of the mail requests refused or dropped after Graph did the work → exactly once per recipient per version", async () => {
    const s = await openReady(h.app.ctx, "CASE-DRAFT-2");
    const standIn = h.app.graph.standIn as StandIn;
    const from = "/users/";
    // ~26 requests per version: 8 faults. A drop = the draft was created (or sent) and the answer lost.
    standIn.faults.push(
      { kind: "drop", count: 3, match: "/send" },
      { kind: "drop", count: 2, match: `POST ${from}` },
      { status: 503, retryAfterSeconds: 0, count: 2, match: "/send" },
      { status: 500, count: 1, match: "/mailFolders/" },
    );
    await closeStrat(h.app.ctx, chair, s.id);
    await settle();
    expect(standIn.faults.filter((f) => f.count > 0)).toEqual([]);
    expect(await received(h.app.db, s.ref)).toEqual(once(s, [1]));
    standIn.faults.push({ kind: "drop", count: 4, match: "/send" }, { kind: "drop", count: 4, match: "POST /users/" });
    await amendClosedStrat(h.app.ctx, chair, s.id, { section: "plan", text: "Address confirmed", why: "It was missing" });
    await settle();
    expect(await received(h.app.db, s.ref)).toEqual(once(s, [1, 2]));
    // A lost answer to a create was recovered from Drafts, not created again: one message per recipient and version, all sent.
    const items = await h.app.db.query<{ folder: string; n: number }>(
      "SELECT data->>'folder' AS folder, count(*)::int AS n FROM standin_objects WHERE kind = 'mail-item' AND data->'message'->>'subject' LIKE $1 GROUP BY 1", [`%${s.ref}%`]);
    expect(items).toEqual([{ folder: "sentitems", n: 24 }]);
  }, 120_000);

  it("sending a draft that does not exist is a 404 ErrorItemNotFound, in Graph's error shape", async () => {
    const standIn = h.app.graph.standIn as StandIn;
    const r = await fetch(`${standIn.graphBaseUrl}/users/chair%40council.example/messages/AAMkAGInope/send`, { method: "POST", headers: { authorization: "Bearer x" } });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("ErrorItemNotFound");
  });
});

describe("record mail under kill -9 of the app mid-distribution (real process)", () => {
  let store: AppStore | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    }
    await store?.drop();
  });

  it("12 recipients, the process killed after a few sends and restarted: each has exactly one record mail", async () => {
    store = await appStore({ persistent: true });
    const dbUrl = store.env.DATABASE_URL;
    // The strat is closed on the store before the app starts: its start picks the distribution up.
    const setup = await openDatabase({ databaseUrl: dbUrl, dataDir: store.env.DATA_DIR });
    const ctx = appContext(setup, { now: () => new Date() });
    const s = await openReady(ctx, "CASE-DRAFT-KILL");
    await closeStrat(ctx, chair, s.id);
    await setup.close();

    const [port, standin] = [await freePort(), await freePort()];
    const gstand = `http://127.0.0.1:${standin}`;
    const env = {
      ...process.env, PORT: String(port), GRAPH_STANDIN_PORT: String(standin), DATA_DIR: store.env.DATA_DIR, DATABASE_URL: dbUrl ?? "", PLAYGROUND: "false", LOG_LEVEL: "warn",
      GRAPH_LEASE_MS: "4000", GRAPH_TIMEOUT_MS: "2000", JOBS_POLL_MS: "100",
    };
    const start = async () => {
      const c = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: "ignore" });
      for (const until = Date.now() + 90_000; Date.now() < until;) {
        const up = (u: string) => fetch(u).then((r) => r.ok, () => false);
        if ((await up(`http://127.0.0.1:${port}/healthz`)) && (await up(`${gstand}/mailboxes`))) return c;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the app did not start");
    };
    const requests = async () => (await (await fetch(`${gstand}/_standin/requests`)).json()) as { method: string; path: string; status: number }[];
    const isSend = (r: { path: string }) => /\/messages\/[^/]+\/send$/i.test(r.path) || /\/sendMail$/i.test(r.path);
    const sends = async () => (await requests()).filter(isSend).length;

    child = await start();
    // Kill as soon as some mails went, the rest mid-way (drafts created, sends in flight).
    for (const until = Date.now() + 60_000; Date.now() < until && (await sends()) < 3;) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));
    const sentBeforeKill = await (async () => {
      const db = await openDatabase({ databaseUrl: dbUrl, dataDir: store!.env.DATA_DIR });
      const n = (await received(db, s.ref)).size;
      await db.close();
      return n;
    })();
    expect(sentBeforeKill).toBeGreaterThan(0);
    expect(sentBeforeKill).toBeLessThan(12);

    child = await start();
    // Until 12 sends were accepted and Graph has been quiet for 3 s (a duplicate would come in that time too).
    for (let last = -1, quietSince = Date.now(), until = Date.now() + 120_000; Date.now() < until;) {
      const all = await requests();
      if (all.length !== last) [last, quietSince] = [all.length, Date.now()];
      else if (all.filter(isSend).filter((r) => r.status === 202).length >= 12 && Date.now() - quietSince > 3000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill("SIGTERM");
    await new Promise((r) => child!.once("exit", r));
    child = undefined;
    const db = await openDatabase({ databaseUrl: dbUrl, dataDir: store.env.DATA_DIR });
    const got = await received(db, s.ref);
    await db.close();
    expect(got).toEqual(once(s, [1]));
  }, 300_000);
});
