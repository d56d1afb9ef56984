import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction } from "../support/harness.js";
import { freePort } from "../support/browser.js";
import { appStore, type AppStore } from "../support/databases.js";
import { openDatabase } from "../../src/infra/store/open-database.js";

/**
 * Issue 6, "the app killed mid-booking and restarted": the real `src/main.ts` in a child process, the
 * Graph create held by the stand-in, the process killed with SIGKILL, then started again on the same
 * store (PGlite in a folder, or with DATABASE_URL a fresh PostgreSQL database). The queue resumes the
 * intent when its lease runs out and the strat gets exactly one meeting.
 */
describe("killed mid-booking (real process, SIGKILL)", () => {
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

  it("books exactly one meeting after a restart", async () => {
    store = await appStore({ persistent: true });
    const [port, standin] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    const gstand = `http://127.0.0.1:${standin}`;
    const env = {
      ...process.env, PORT: String(port), GRAPH_STANDIN_PORT: String(standin), DATA_DIR: store.env.DATA_DIR, DATABASE_URL: store.env.DATABASE_URL ?? "", PLAYGROUND: "false", LOG_LEVEL: "warn",
      GRAPH_LEASE_MS: "4000", GRAPH_TIMEOUT_MS: "2000", JOBS_POLL_MS: "200",
    };
    const start = async () => {
      const c = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: "ignore" });
      // a cold start under tsx: ~5 s alone, over 30 s beside the rest of the suite on 2 cores
      for (const until = Date.now() + 90_000; Date.now() < until;) {
        // the HTTP host answers before the Graph stand-in listens: wait for both
        const up = (u: string) => fetch(u).then((r) => r.ok, () => false);
        if ((await up(`${base}/healthz`)) && (await up(`${gstand}/mailboxes`))) return c;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the app did not start");
    };
    const post = async (a: Record<string, unknown>) =>
      (await fetch(`${base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(a) })).json() as Promise<any>;
    const say = async (text: string) => cardsIn((await post(activity({ text, deliveryMode: "expectReplies" }))).activities)[0];
    const press = async (verb: string, data: Record<string, unknown>) =>
      (await post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }))).value;

    child = await start();
    const form = await say("new");
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-KILL-1", profile: "bromley-2023", concerns: "serious-harm",
      receivedDate: "2026-11-23", receivedTime: "09:30", child1Ref: "C1", child1Dob: "2016-01-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    await say(`invitees ${ref}`);
    const sched = await say(`schedule ${ref}`);
    // the stand-in holds the next event create for 30 s: the worker is mid-request when the process dies
    const f = await fetch(`${gstand}/_standin/faults`, { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "delay", delayMs: 30_000, count: 1, match: "POST /users/" }) });
    expect(f.ok).toBe(true);
    await press("schedule", { ...findAction(sched, "schedule").data, slot: "other", date: "2026-11-23", time: "15:00", minutes: "60" });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));

    child = await start();
    const subject = `Strategy Discussion – case LCS-KILL-1 (${ref})`;
    let page = "";
    for (const until = Date.now() + 60_000; Date.now() < until;) {
      page = await (await fetch(`${gstand}/mailboxes/${encodeURIComponent("SNMailbox-PublicProtectionReferrals@met.police.uk")}`)).text();
      if (page.includes(subject)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(page).toContain(subject);
    expect(page.split(subject).length - 1).toBe(1); // one meeting for the strat

    // the queue shows the crash: the booking job was claimed again after the lost claim, and finished once
    child.kill("SIGTERM");
    await new Promise((r) => child!.once("exit", r));
    child = undefined;
    const db = await openDatabase({ databaseUrl: store.env.DATABASE_URL, dataDir: store.env.DATA_DIR });
    const rows = await db.query<{ kind: string; state: string; attempts: number }>("SELECT kind, state, attempts FROM background_jobs WHERE kind = 'graph.book'");
    await db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe("done");
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
