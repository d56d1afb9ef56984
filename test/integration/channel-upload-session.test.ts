import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHandOver } from "../../src/app/run-due-jobs.js";
import type { StratState } from "../../src/domain/strat/state.js";
import { appStore, type AppStore } from "../support/databases.js";
import { fullStrat } from "../support/full-strat.js";
import { activity, startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 13 point 3 (PLATFORM-FACTS §5b): a record PDF over the simple-upload limit (4 MB) goes to the channel's Files
 * through an upload session (createUploadSession, then byte ranges PUT to its uploadUrl), not one PUT; the file in the
 * stand-in is the whole PDF and the link in the record's thread opens it. Real HTTP, botbuilder, both stores.
 */
const CHANNEL = "19:uploads@thread.tacv2";
const HOME = `${CHANNEL};messageid=1700000000001`;

describe("a large record PDF: upload session", () => {
  let h: Harness;
  let store: AppStore;
  beforeAll(async () => {
    store = await appStore({ persistent: true });
    h = await startHarness({ ...store.env, JOBS_POLL_MS: "0" });
    await h.post(activity({
      text: "help", conversation: { id: HOME, conversationType: "channel", isGroup: true, tenantId: "tenant-1" },
      channelData: { team: { id: "team-1" }, channel: { id: CHANNEL }, tenant: { id: "tenant-1" } },
    }, h.serviceUrl));
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await store?.drop();
  });

  it("a 5 MB record PDF goes through createUploadSession in ranges; the stand-in keeps all of it and the thread links it", async () => {
    const full = fullStrat();
    const verified: StratState = { ...full.state, amendments: [] };
    const { strat } = await h.app.ctx.strats.open({
      caseRef: "CASE-BIG-PDF", profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
      chairId: "chair", chairName: "Chair", conversationId: HOME, requestId: "req-big-pdf", state: verified,
    }, { actor: "chair", action: "open" });
    const now = h.app.ctx.clock.now();
    await h.app.ctx.strats.mutate(strat.id, (cur) => ({
      change: { state: verified, status: "closed", closedAt: now }, audit: { actor: "chair", action: "test.handover" }, result: null,
      jobs: [recordHandOver(cur, new Date(now.getTime() + 86_400_000), "T-REC", now)],
    }));
    expect(await h.app.jobs.runOnce({ kinds: ["record.publish"] })).toBe(1);

    // The queued upload's PDF padded past the simple-upload limit (bytes after %%EOF: still the same PDF).
    const job = (await h.app.db.query<{ id: string; payload: { contentBase64: string } }>(
      "SELECT id, payload FROM background_jobs WHERE kind = 'graph.upload' AND strat_id = $1", [strat.id]))[0]!;
    const padded = Buffer.concat([Buffer.from(job.payload.contentBase64, "base64"), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    await h.app.db.query("UPDATE background_jobs SET payload = jsonb_set(payload, '{contentBase64}', to_jsonb($2::text)) WHERE id = $1", [job.id, padded.toString("base64")]);
    const since = Number((await h.app.db.query<{ n: string | null }>("SELECT max(id) AS n FROM standin_requests"))[0]!.n ?? 0);
    const before = h.sent.length;

    expect(await h.app.jobs.runOnce({ kinds: ["graph.upload"] })).toBe(1);
    const reqs = await h.app.db.query<{ method: string; path: string; status: number }>("SELECT method, path, status FROM standin_requests WHERE id > $1 ORDER BY id", [since]);
    expect(reqs.filter((r) => /\/createUploadSession$/.test(r.path)).map((r) => r.status)).toEqual([200]);
    expect(reqs.filter((r) => /:\/content$/.test(r.path))).toEqual([]); // no simple upload
    const item = (await h.app.db.query<{ data: { name: string; size: number; contentBase64: string } }>(
      "SELECT data FROM standin_objects WHERE kind = 'drive-item' AND data->>'name' LIKE $1", [`%${strat.ref}-record-v1.pdf`]))[0]!.data;
    expect(item.size).toBe(padded.length);
    expect(Buffer.from(item.contentBase64, "base64").equals(padded)).toBe(true);
    const link = h.sent.slice(before).find((x) => String(x.body.text ?? "").includes(`${strat.ref}-record-v1.pdf`));
    const fileUrl = /\((http[^)]+-record-v1\.pdf)\)/.exec(String(link?.body.text))![1]!;
    const got = Buffer.from(await (await fetch(fileUrl)).arrayBuffer());
    expect(got.length).toBe(padded.length);
    expect(got.subarray(0, 5).toString()).toBe("%PDF-");
  }, 90_000);
});
