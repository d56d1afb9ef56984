import { getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distributionJobs } from "../../src/app/distribute-record.js";
import { recordHandOver } from "../../src/app/run-due-jobs.js";
import { assembleRecord, recordJson } from "../../src/domain/record/record.js";
import type { StratState } from "../../src/domain/strat/state.js";
import { testClock } from "../support/app-context.js";
import type { StandIn } from "../../src/infra/graph-stand-in/stand-in.js";
import { adaptiveCard15 } from "../support/contracts.js";
import { fullStrat } from "../support/full-strat.js";
import { activity, cardsIn, startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 13 point 2, the channel record (DOMAIN.md R-*, T-REC): on verification the bot posts the record's summary
 * card as a new thread in the strat's Teams channel (PLATFORM-FACTS §4b), Graph uploads the PDF to the channel's
 * Files folder (the local Graph stand-in keeps it), its link is a reply in the thread; an amendment is a reply in the
 * same thread (§4c) with a versioned PDF. A redelivered hand-over posts nothing twice. Real HTTP, botbuilder, store.
 */
const CHANNEL = "19:strats@thread.tacv2";
const HOME = `${CHANNEL};messageid=1700000000000`;
let h: Harness;
/** The app's clock: the channel card's refreshes are coalesced over 5 s windows of it. */
const clock = testClock("2026-11-23T13:00:02Z");

beforeAll(async () => {
  h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
  // the chair spoke to the bot in the team's channel: Teams sends the team and channel ids in channelData
  await h.post(activity({
    text: "help", conversation: { id: HOME, conversationType: "channel", isGroup: true, tenantId: "tenant-1" },
    channelData: { team: { id: "team-1" }, channel: { id: CHANNEL }, tenant: { id: "tenant-1" } },
  }, h.serviceUrl));
}, 60_000);
afterAll(async () => h?.stop());

/** Record cards the bot posted as a new channel thread or in that thread (not its answer to "help"). */
const recordCards = (threadId: string) => h.sent.filter((x) =>
  (x.path === "/v3/conversations" || x.path.startsWith(`/v3/conversations/${encodeURIComponent(threadId)}/`)) && cardsIn([x.body.activity ?? x.body]).length > 0);
const posted = (from: number) => h.sent.slice(from);

describe("the channel record", () => {
  it("close → one summary card in a new channel thread, the PDF in the channel's Files linked in the thread; amend → a reply with v2; redelivery posts nothing twice", async () => {
    const full = fullStrat();
    const verified: StratState = { ...full.state, amendments: [] }; // version 1: the verified record
    const { strat } = await h.app.ctx.strats.open({
      caseRef: full.caseRef, profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
      chairId: "chair", chairName: "Chair", conversationId: HOME, requestId: "req-channel-record", state: verified,
    }, { actor: "chair", action: "open" });
    const now = h.app.ctx.clock.now();
    const handOver = (state = verified) => h.app.ctx.strats.mutate(strat.id, (cur) => ({
      change: { state, status: "closed", closedAt: now }, audit: { actor: "chair", action: "test.handover" }, result: null,
      jobs: [recordHandOver(cur, new Date(now.getTime() + 86_400_000), "T-REC", now)],
    }));

    // --- close: the record.publish job (what closeStrat writes) ---
    const before = h.sent.length;
    await handOver();
    expect(await h.app.jobs.runOnce({ kinds: ["record.publish"] })).toBe(1);
    const thread = posted(before).filter((x) => x.path.endsWith("/v3/conversations"));
    expect(thread).toHaveLength(1); // a new thread (createConversation) in the channel
    expect(thread[0]!.body).toMatchObject({ isGroup: true, channelData: { channel: { id: CHANNEL } } });
    const card = cardsIn([thread[0]!.body.activity])[0];
    expect(adaptiveCard15()(card), JSON.stringify(adaptiveCard15().errors)).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    const words = JSON.stringify(card);
    for (const part of ["Decisions", "Interim safety plan", "The child stays with the grandmother", "Actions (3)", "Owner 1", "Dissent", "Police wish to investigate", "Attendance and quorum", "Distribution", "version 1"]) {
      expect(words).toContain(part);
    }
    expect(words).not.toContain("C-1000"); // a summary: no children's references
    expect(card.body[0].text).toMatch(/^Verified record · SD-\d{4}-\d+ · case CASE-777$/);

    // the PDF goes to the channel's Files folder through Graph (filesFolder + PUT), then its link is a reply in the thread
    const upload = (await h.app.ctx.jobs!.list({ kind: "graph.upload" })).filter((j) => j.stratId === strat.id);
    expect(upload).toHaveLength(1);
    const afterCard = h.sent.length;
    expect(await h.app.jobs.runOnce({ kinds: ["graph.upload"] })).toBe(1);
    const threadId = `${CHANNEL};messageid=${1_000_000 + before + 1}`;
    const link = posted(afterCard).filter((x) => x.path.includes(`/v3/conversations/${encodeURIComponent(threadId)}/activities`));
    expect(link).toHaveLength(1);
    const fileUrl = /\((http[^)]+SD-[^)]+-record-v1\.pdf)\)/.exec(String(link[0]!.body.text))![1]!;
    const pdf = new Uint8Array(await (await fetch(fileUrl)).arrayBuffer());
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
    const doc = await getDocumentProxy(pdf);
    const att = Object.values((await doc.getAttachments()) as Record<string, { filename: string; content: Uint8Array }>).find((f) => f.filename === "record.json")!;
    const stored = (await h.app.ctx.strats.get(strat.id))!;
    expect(Buffer.from(att.content).toString("utf8")).toBe(recordJson(assembleRecord(stored, h.app.ctx.profiles.get(stored.profileId, { includeHistory: true }))));
    expect(await (await fetch(`${h.app.graph.standIn!.url}/files`)).text()).toContain(`${stored.ref}-record-v1.pdf`);

    // --- a redelivered hand-over (the worker died after posting, before completing) posts nothing ---
    const beforeRedelivery = h.sent.length;
    await h.app.db.query("UPDATE background_jobs SET state = 'pending', done_at = NULL WHERE kind IN ('record.publish', 'graph.upload') AND strat_id = $1", [strat.id]);
    await h.app.jobs.runOnce({ kinds: ["record.publish", "graph.upload"] });
    expect(posted(beforeRedelivery).filter((x) => x.path.includes("/v3/conversations"))).toEqual([]);

    // --- amend: a reply in the same thread saying what changed, and a v2 PDF ---
    const beforeAmend = h.sent.length;
    await handOver(full.state); // the full state carries one amendment (version 2)
    expect(await h.app.jobs.runOnce({ kinds: ["record.publish"] })).toBe(1);
    const replies = posted(beforeAmend).filter((x) => x.path.includes("/v3/conversations"));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.path.startsWith(`/v3/conversations/${encodeURIComponent(threadId)}/activities`)).toBe(true); // in the thread (§4c)
    const amended = JSON.stringify(cardsIn([replies[0]!.body])[0]);
    // what changed (the section in words), why and who (point 6)
    expect(amended).toMatch(/Version 2 amends the interim safety plan: Grandmother's address confirmed\. Why: Address was missing\. By Chair, [^"]+\./);
    await h.app.jobs.runOnce({ kinds: ["graph.upload"] });
    expect(await (await fetch(`${h.app.graph.standIn!.url}/files`)).text()).toContain(`${stored.ref}-record-v2.pdf`);
    expect(recordCards(threadId)).toHaveLength(2); // v1 (the thread) and v2 (its reply), each once
  }, 90_000);

  it("the root card's distribution status is live: N mails → one coalesced refresh → the card updated in place to \"Sent to 12 of 12 … complete at HH:MM\"", async () => {
    const full = fullStrat({ children: 2, invitees: 12, actions: 3 });
    const verified: StratState = { ...full.state, amendments: [] };
    const { strat } = await h.app.ctx.strats.open({
      caseRef: "CASE-LIVE", profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
      chairId: "chair", chairName: "Chair", conversationId: HOME, requestId: "req-channel-live", state: verified,
    }, { actor: "chair", action: "open" });
    const now = h.app.ctx.clock.now();
    const due = new Date(now.getTime() + 86_400_000);
    await h.app.ctx.strats.mutate(strat.id, (cur) => ({
      change: { status: "closed", closedAt: now }, audit: { actor: "chair", action: "test.handover" }, result: null,
      jobs: [recordHandOver(cur, due, "T-REC", now), ...distributionJobs(cur.id, 1, due, now)],
    }));
    const before = h.sent.length;
    expect(await h.app.jobs.runOnce({ kinds: ["record.publish"] })).toBe(1);
    const root = posted(before).find((x) => x.path.endsWith("/v3/conversations"))!;
    expect(JSON.stringify(cardsIn([root.body.activity])[0])).toContain("Sending by mail");
    const rootId = `${1_000_000 + before + 1}`;
    const threadId = `${CHANNEL};messageid=${rootId}`;

    // every recipient's mail: each change asks for a refresh; they coalesce into one job per strat, version and few seconds
    await h.app.jobs.runOnce({ kinds: ["record.distribute"] });
    for (let i = 0; i < 20 && (await h.app.jobs.runOnce({ kinds: ["graph.mail"] })) > 0;);
    const refreshes = () => h.app.ctx.jobs!.ofStrat(strat.id, "record.channel-refresh");
    const pending = (await refreshes()).filter((j) => j.state === "pending");
    expect(pending).toHaveLength(1);
    expect(pending[0]!.runAt.getTime()).toBe(Date.parse("2026-11-23T13:00:05Z")); // the end of the first change's 5 s window
    const beforeRefresh = h.sent.length;
    expect(await h.app.jobs.runOnce({ kinds: ["record.channel-refresh"] })).toBe(0); // not before then
    clock.advance(5_000);
    expect(await h.app.jobs.runOnce({ kinds: ["record.channel-refresh"] })).toBe(1);
    const updates = posted(beforeRefresh);
    expect(updates.map((x) => `${x.method} ${x.path}`)).toEqual([`PUT /v3/conversations/${encodeURIComponent(threadId)}/activities/${rootId}`]);
    const card = cardsIn([updates[0]!.body])[0];
    expect(adaptiveCard15()(card), JSON.stringify(adaptiveCard15().errors)).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    const words = JSON.stringify(card);
    expect(words).toMatch(/Sent to 12 of 12; complete at \d\d:\d\d/);
    expect(words).toContain("Verified record");
    for (const c of strat.referral.children) for (const secret of [c.ref, c.dob ?? ""].filter(Boolean)) expect(words).not.toContain(secret);

    // nothing changed since: a further refresh updates nothing
    await h.app.ctx.jobs!.enqueue([{ kind: "record.channel-refresh", dedupeKey: `again:${strat.id}`, stratId: strat.id, runAt: new Date(0), payload: { stratId: strat.id } }]);
    const beforeAgain = h.sent.length;
    await h.app.jobs.runOnce({ kinds: ["record.channel-refresh"] });
    expect(posted(beforeAgain)).toEqual([]);
  }, 90_000);

  it("a refused mail: the card names the agency that failed (not its address, not a child) and does not say complete", async () => {
    const full = fullStrat({ children: 2, invitees: 3, actions: 1 });
    const { strat } = await h.app.ctx.strats.open({
      caseRef: "CASE-LIVE-FAIL", profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
      chairId: "chair", chairName: "Chair", conversationId: HOME, requestId: "req-channel-live-fail", state: { ...full.state, amendments: [] },
    }, { actor: "chair", action: "open" });
    const now = h.app.ctx.clock.now();
    const due = new Date(now.getTime() + 86_400_000);
    await h.app.ctx.strats.mutate(strat.id, (cur) => ({
      change: { status: "closed", closedAt: now }, audit: { actor: "chair", action: "test.handover" }, result: null,
      jobs: [recordHandOver(cur, due, "T-REC", now), ...distributionJobs(cur.id, 1, due, now)],
    }));
    await h.app.jobs.runOnce({ kinds: ["record.publish"] });
    (h.app.graph.standIn as StandIn).faults.push({ status: 403, count: 1, match: "/send" }); // a permanent refusal: that mail is dead
    await h.app.jobs.runOnce({ kinds: ["record.distribute"] });
    for (let i = 0; i < 20 && (await h.app.jobs.runOnce({ kinds: ["graph.mail"] })) > 0;);
    clock.advance(5_000);
    const before = h.sent.length;
    await h.app.jobs.runOnce({ kinds: ["record.channel-refresh"] });
    const updates = posted(before).filter((x) => x.method === "PUT");
    expect(updates).toHaveLength(1);
    const words = JSON.stringify(cardsIn([updates[0]!.body])[0]);
    expect(words).toMatch(/Sent to 2 of 3; 1 failed \(Agency \d\)/);
    expect(words).not.toContain("complete at");
    expect(words).not.toMatch(/person\d@agency\d/);
  }, 60_000);

  it("exactly once across a crash: the post is made, the worker dies before storing it; the retry finds the card in the channel through Graph and adopts it (one card)", async () => {
    const full = fullStrat();
    const { strat } = await h.app.ctx.strats.open({
      caseRef: "CASE-CRASH", profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
      chairId: "chair", chairName: "Chair", conversationId: HOME, requestId: "req-channel-record-crash", state: { ...full.state, amendments: [] },
    }, { actor: "chair", action: "open" });
    const now = h.app.ctx.clock.now();
    await h.app.ctx.strats.mutate(strat.id, (cur) => ({
      change: { status: "closed", closedAt: now }, audit: { actor: "chair", action: "test.handover" }, result: null,
      jobs: [recordHandOver(cur, new Date(now.getTime() + 86_400_000), "T-REC", now)],
    }));
    // the crash: the first write after the post (the thread's marker) fails, as if the process died there
    const refs = h.app.ctx.conversations;
    const save = refs.save.bind(refs);
    refs.save = async (key, ...rest) => {
      if (key.startsWith("record-thread:")) { refs.save = save; throw new Error("injected crash after the post"); }
      return save(key, ...rest);
    };
    const before = h.sent.length;
    await h.app.jobs.runOnce({ kinds: ["record.publish"] });
    expect(refs.save).toBe(save); // the crash happened
    const first = posted(before).filter((x) => x.path.endsWith("/v3/conversations"));
    expect(first).toHaveLength(1);
    // Teams shows the bot's post in the channel: Graph lists it (the stand-in is told what the Bot Connector got)
    const rootId = `${1_000_000 + before + 1}`;
    const card = cardsIn([first[0]!.body.activity])[0];
    expect(JSON.stringify(card)).toContain(`record-post-${strat.ref}-v1`); // the marker: strat reference and version, no child data
    await (h.app.graph.standIn as StandIn).botPosted({ teamId: "team-1", channelId: CHANNEL, id: rootId, replyToId: null, card });

    // the retry (the job comes round again)
    await h.app.db.query("UPDATE background_jobs SET state = 'pending', done_at = NULL, run_at = $2 WHERE kind = 'record.publish' AND strat_id = $1", [strat.id, new Date(0)]);
    const retry = h.sent.length;
    expect(await h.app.jobs.runOnce({ kinds: ["record.publish"] })).toBe(1);
    const again = posted(retry);
    expect(again.filter((x) => x.method === "POST" && x.path.includes("/v3/conversations"))).toEqual([]); // nothing posted anew
    const threadId = `${CHANNEL};messageid=${rootId}`;
    expect(again.map((x) => `${x.method} ${x.path}`)).toEqual([`PUT /v3/conversations/${encodeURIComponent(threadId)}/activities/${rootId}`]); // adopted, updated in place
    // later steps use the adopted thread: the PDF's link is a reply in it
    await h.app.jobs.runOnce({ kinds: ["graph.upload"] });
    expect(h.sent.slice(retry).some((x) => x.path.startsWith(`/v3/conversations/${encodeURIComponent(threadId)}/activities`) && String(x.body.text).includes(`${strat.ref}-record-v1.pdf`))).toBe(true);
    expect(h.sent.slice(before).filter((x) => x.path.endsWith("/v3/conversations"))).toHaveLength(1); // one card in the channel
  }, 60_000);

  it("a strat opened in a personal chat (no channel, no RECORD_CHANNEL): the card goes to the chat with a note, nothing is uploaded", async () => {
    await h.post(activity({ text: "help" }, h.serviceUrl)); // the chair's personal chat
    const full = fullStrat();
    const { strat } = await h.app.ctx.strats.open({
      caseRef: "CASE-CHAT", profileId: full.profileId, referral: full.referral, dueAt: full.dueAt, dueRule: full.dueRule, targetAt: null, applied: [],
      chairId: "chair", chairName: "Chair", conversationId: "conv-personal-chair", requestId: "req-channel-record-chat", state: { ...full.state, amendments: [] },
    }, { actor: "chair", action: "open" });
    const now = h.app.ctx.clock.now();
    await h.app.ctx.strats.mutate(strat.id, (cur) => ({
      change: { status: "closed", closedAt: now }, audit: { actor: "chair", action: "test.handover" }, result: null,
      jobs: [recordHandOver(cur, new Date(now.getTime() + 86_400_000), "T-REC", now)],
    }));
    const before = h.sent.length;
    expect(await h.app.jobs.runOnce({ kinds: ["record.publish"] })).toBe(1);
    const sent = posted(before);
    expect(sent.map((x) => x.path.split("/activities")[0])).toEqual(["/v3/conversations/conv-personal-chair"]);
    const card = JSON.stringify(cardsIn([sent[0]!.body])[0]);
    expect(card).toContain("No Teams channel is bound to this strategy discussion");
    expect((await h.app.ctx.jobs!.list({ kind: "graph.upload" })).filter((j) => j.stratId === strat.id)).toEqual([]);
  }, 60_000);
});
