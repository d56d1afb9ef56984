import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_KINDS } from "../../src/infra/graph/outbox-store.js";
import { claimJobs, createJobQueue } from "../../src/infra/queue/job-store.js";
import { bookingJob } from "../../src/ports/jobs.js";
import { createOutboxWorker } from "../../src/infra/graph/outbox-worker.js";
import { createLogger } from "../../src/infra/log/logger.js";
import { testStores } from "../support/databases.js";
import { bookingFor, startGraphRig, type GraphRig } from "../support/graph.js";

/**
 * Issue 6 point 9, fault tests: a 429 storm, timeouts, a 500 in the middle of a batch, the process killed
 * after the intent (and after Graph did the work) — one meeting per strat and every answer kept.
 */
const sid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** Runs everything that is due, moving the clock to the next back-off until the outbox is empty. */
async function settleAll(rig: GraphRig, rounds = 40): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await rig.settle();
    const next = (await rig.db.query<{ at: Date | null }>("SELECT min(run_at) AS at FROM background_jobs WHERE state IN ('pending', 'running')"))[0]!.at;
    if (!next) return;
    const lease = (await rig.db.query<{ at: Date | null }>("SELECT min(lease_until) AS at FROM background_jobs WHERE state = 'running'"))[0]!.at;
    const to = Math.max(new Date(next).getTime(), lease ? new Date(lease).getTime() + 1 : 0);
    if (to > rig.clock.now().getTime()) rig.clock.set(new Date(to));
  }
  throw new Error("outbox did not settle");
}

const eventsIn = async (rig: GraphRig) =>
  (await rig.db.query<{ tx: string | null; n: number }>("SELECT data->>'transactionId' AS tx, count(*)::int AS n FROM standin_events WHERE deleted = false GROUP BY 1"));

for (const store of testStores()) {
  describe(`Graph faults (${store.name})`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let rig: GraphRig;
    // One store per suite (opening one is the slow part); every test starts from empty Graph tables.
    beforeAll(async () => {
      db = await store.open();
    });
    afterEach(async () => {
      await rig?.stop();
      await db.exec(`TRUNCATE background_jobs, graph_bookings, graph_responses, graph_subscriptions, graph_sync,
        standin_events, standin_inbox, standin_subscriptions, standin_objects, standin_requests`);
    });
    afterAll(async () => {
      await db?.drop();
    });

    it("a 429 storm: Retry-After is followed, every strat gets exactly one meeting", async () => {
      rig = await startGraphRig(db, { notifications: false });
      rig.standIn.faults.push({ status: 429, retryAfterSeconds: 0, count: 14, match: "POST /users/" });
      for (let i = 1; i <= 6; i++) await rig.scheduler.requestBooking(bookingFor(sid(i), { stratRef: `SD-2026-000${i}` }));
      await settleAll(rig);
      const ev = await eventsIn(rig);
      expect(ev).toHaveLength(6);
      expect(ev.every((e) => e.n === 1)).toBe(true);
      for (let i = 1; i <= 6; i++) expect((await rig.scheduler.bookingStatus(sid(i))).state).toBe("booked");
      expect(rig.sent.filter((r) => r.status === 429).length).toBe(14);
      expect(rig.events.log.failures).toEqual([]);
    });

    it("waits as long as Retry-After says", async () => {
      rig = await startGraphRig(db, { notifications: false });
      rig.standIn.faults.push({ status: 503, retryAfterSeconds: 1, count: 1, match: "getSchedule" });
      const t0 = performance.now();
      await rig.scheduler.findSlots({ organizer: "chair@council.example", internalAttendees: [], genericMailboxes: [], durationMinutes: 60, notBefore: rig.clock.now(), dueBy: new Date("2026-03-05T00:00:00Z") });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
      expect(rig.sent.map((r) => r.status)).toEqual([503, 200]);
    });

    it("a 500 in the middle of a batch and a lost answer: retried with back-off, no duplicates, no lost answers", async () => {
      rig = await startGraphRig(db, { worker: { concurrency: 1 } });
      rig.standIn.faults.push({ status: 500, count: 2, match: "POST /users/chair@council.example/events" });
      // the first two creates succeed, then two 500s, then the rest
      rig.standIn.faults.unshift({ kind: "delay", delayMs: 0, count: 2, match: "POST /users/chair@council.example/events" });
      for (let i = 1; i <= 5; i++) await rig.scheduler.requestBooking(bookingFor(sid(10 + i)));
      await settleAll(rig);
      const ev = await eventsIn(rig);
      expect(ev).toHaveLength(5);
      expect(ev.every((e) => e.n === 1)).toBe(true);
      expect(rig.sent.filter((r) => r.status === 500)).toHaveLength(2);

      // Answers while reading the event fails: the sync job retries until the answer is in.
      const s = await rig.scheduler.bookingStatus(sid(11));
      rig.standIn.faults.push({ status: 500, count: 3, match: "GET /users/" });
      await rig.standIn.respond("bromh.safeguardingchildren@nhs.net", s.eventId!, "accepted");
      await settleAll(rig);
      expect(rig.events.log.responses.filter((r) => r.stratId === sid(11)).map((r) => r.response)).toEqual(["accepted"]);
    });

    it("a timeout after Graph created the event: the retry looks first and finds it (even without transactionId dedupe)", async () => {
      rig = await startGraphRig(db, { notifications: false, timeoutMs: 400, transactionDedupe: false });
      rig.standIn.faults.push({ kind: "delay", delayMs: 900, count: 1, match: "POST /users/" });
      await rig.scheduler.requestBooking(bookingFor(sid(21)));
      await rig.settle();
      expect((await rig.scheduler.bookingStatus(sid(21))).state).toBe("pending");
      await new Promise((r) => setTimeout(r, 1200)); // the stand-in finishes the slow create meanwhile
      await settleAll(rig);
      const ev = await eventsIn(rig);
      expect(ev).toEqual([{ tx: expect.any(String), n: 1 }]);
      expect((await rig.scheduler.bookingStatus(sid(21))).state).toBe("booked");
      expect(rig.sent.some((r) => /calendarView\/delta/.test(r.url))).toBe(true);
    });

    it("the connection drops after Graph did the work: one meeting", async () => {
      rig = await startGraphRig(db, { notifications: false, transactionDedupe: false });
      rig.standIn.faults.push({ kind: "drop", count: 1, match: "POST /users/" });
      await rig.scheduler.requestBooking(bookingFor(sid(31)));
      await settleAll(rig);
      expect(await eventsIn(rig)).toEqual([{ tx: expect.any(String), n: 1 }]);
      expect(rig.events.log.booked).toHaveLength(1);
    });

    it("the process killed after the intent, and killed after Graph created the event: resumed once, no duplicate", async () => {
      rig = await startGraphRig(db, { notifications: false, transactionDedupe: false });
      // 1. killed right after storing the intent: nothing ran; a new instance picks it up.
      await rig.scheduler.requestBooking(bookingFor(sid(41)));
      // 2. killed after Graph created the event but before it was recorded as done.
      await rig.scheduler.requestBooking(bookingFor(sid(42)));
      const dead = await claimJobs(db, { workerId: "dead-worker", now: rig.clock.now(), leaseMs: 60_000, limit: 10, kinds: GRAPH_KINDS });
      expect(dead.map((j) => j.kind).sort()).toEqual(["graph.book", "graph.book"]);
      const b42 = (await db.query<{ transaction_id: string }>("SELECT transaction_id FROM graph_bookings WHERE strat_id = $1", [sid(42)]))[0]!;
      await rig.gateway.createEvent("chair@council.example", {
        subject: "Strategy Discussion – case CASE-1234 (SD-2026-0001)", html: "<p>x</p>", start: new Date("2026-03-02T10:00:00Z"),
        end: new Date("2026-03-02T11:00:00Z"), attendees: [{ address: "a@nhs.net", name: null, required: true }], transactionId: b42.transaction_id,
      });
      // the dead worker never completes; its lease runs out; a fresh worker (another instance) resumes.
      const survivor = createOutboxWorker({
        db, gateway: rig.gateway, events: rig.events.events, clock: rig.clock, log: createLogger("silent"),
        settings: { notifications: { enabled: false, notificationUrl: "", lifecycleUrl: "", clientState: "x", lifetimeMinutes: 60 } },
      });
      rig.clock.advance(61_000);
      await survivor.drain();
      await settleAll(rig);
      const ev = await eventsIn(rig);
      expect(ev).toHaveLength(2);
      expect(ev.every((e) => e.n === 1)).toBe(true);
      expect((await rig.scheduler.bookingStatus(sid(41))).state).toBe("booked");
      expect((await rig.scheduler.bookingStatus(sid(42))).state).toBe("booked");
      expect(rig.events.log.booked.map((b) => b.stratId).sort()).toEqual([sid(41), sid(42)]);
    });

    it("a permanent failure (403) is not retried and reaches the chair in plain words", async () => {
      rig = await startGraphRig(db, { notifications: false });
      rig.standIn.faults.push({ status: 403, count: 1, match: "POST /users/" });
      await rig.scheduler.requestBooking(bookingFor(sid(51)));
      await settleAll(rig);
      const st = await rig.scheduler.bookingStatus(sid(51));
      expect(st.state).toBe("failed");
      expect(st.error).toMatch(/administrator/);
      expect(rig.events.log.failures).toHaveLength(1);
      expect(rig.events.log.failures[0]!.message).toMatch(/did not allow the app to use this mailbox/);
      expect(rig.sent.filter((r) => r.method === "POST")).toHaveLength(1);
      // booking again (attempt 2) is allowed after a failure
      await rig.scheduler.requestBooking(bookingFor(sid(51), { attempt: 2 }));
      await settleAll(rig);
      expect((await rig.scheduler.bookingStatus(sid(51))).state).toBe("booked");
    });

    it("a booking intent enqueued as a job (as a use case returns it with its strat change) records the booking and books once", async () => {
      rig = await startGraphRig(db, { notifications: false });
      const req = bookingFor(sid(71));
      const [id] = await createJobQueue(db, rig.clock.now).enqueue([bookingJob(req, rig.clock.now()), bookingJob(req, rig.clock.now())]);
      expect((await db.query("SELECT 1 FROM background_jobs WHERE kind = 'graph.book'"))).toHaveLength(1);
      await settleAll(rig);
      expect(await eventsIn(rig)).toEqual([{ tx: expect.any(String), n: 1 }]);
      const st = await rig.scheduler.bookingStatus(sid(71));
      expect(st.state).toBe("booked");
      expect(rig.events.log.booked.map((b) => [b.stratId, b.intentId])).toEqual([[sid(71), id]]);
      // the scheduler sees the same intent: asking again for this attempt books nothing more
      expect((await rig.scheduler.requestBooking(req)).intentId).toBe(id);
      await settleAll(rig);
      expect(await eventsIn(rig)).toHaveLength(1);
    });

    /**
     * Issue 11 point 18: a dropped sendMail response (Graph sent the mail, the answer was lost) was retried
     * blind, and 50 recipients got 5 duplicate link emails (one mailbox 3). Each message now carries an identity
     * derived from its job, and a retry after an unknown outcome looks in the sender's Sent Items first; since
     * issue 13 point 3 each mail is a tagged draft sent by id, and the retry looks in Drafts too.
     */
    it("send responses dropped after the mail went: every one of 50 recipients gets their link email exactly once", async () => {
      rig = await startGraphRig(db, { notifications: false });
      const recipients = Array.from({ length: 50 }, (_, i) => `agency${String(i + 1).padStart(2, "0")}@partner.example`);
      const responseLinks = Object.fromEntries(recipients.map((a, i) => [a, `https://strats.council.example/respond/token-${i}`]));
      // the first 20 sends are carried out and then the connection is cut: retries meet drops too
      rig.standIn.faults.push({ kind: "drop", count: 20, match: "/send" });
      // then 5 refused before sending (500): the look-up finds the draft and the retry sends it
      rig.standIn.faults.push({ status: 500, count: 5, match: "/send" });
      await rig.scheduler.requestBooking(bookingFor(sid(81), { responseLinks }));
      await settleAll(rig, 80);
      const got = await db.query<{ mailbox: string; n: number }>(
        "SELECT mailbox, count(*)::int AS n FROM standin_inbox WHERE kind = 'mail' GROUP BY mailbox ORDER BY mailbox");
      const sendMails = rig.sent.filter((r) => /\/messages\/[^/]+\/send$/.test(new URL(r.url).pathname)).length;
      const lookups = rig.sent.filter((r) => /\/mailFolders\/[^/]+\/messages$/.test(new URL(r.url).pathname)).length;
      console.log(`issue 11 point 18: ${recipients.length} recipients, 20 dropped send responses, 5 refused → ${got.reduce((n, r) => n + r.n, 0)} emails delivered, max ${Math.max(...got.map((r) => r.n))} per mailbox; ${sendMails} send calls, ${lookups} Sent Items/Drafts look-ups`);
      expect(got.map((r) => r.mailbox)).toEqual(recipients);
      expect(got.filter((r) => r.n !== 1)).toEqual([]);
      expect(rig.standIn.responseProblems).toEqual([]);
      expect(await db.query("SELECT method, path FROM standin_requests WHERE contract = 'invalid'")).toEqual([]);
      expect(await db.query("SELECT kind FROM background_jobs WHERE state <> 'done'")).toEqual([]);
    }, 60_000);

    it("two workers on one store never run the same intent twice", async () => {
      rig = await startGraphRig(db, { notifications: false });
      for (let i = 1; i <= 8; i++) await rig.scheduler.requestBooking(bookingFor(sid(60 + i)));
      const other = createOutboxWorker({
        db, gateway: rig.gateway, events: rig.events.events, clock: rig.clock, log: createLogger("silent"),
        settings: { batch: 3, notifications: { enabled: false, notificationUrl: "", lifecycleUrl: "", clientState: "x", lifetimeMinutes: 60 } },
      });
      await Promise.all([rig.worker.drain(), other.drain(), rig.worker.drain(), other.drain()]);
      await settleAll(rig);
      expect(rig.sent.filter((r) => r.method === "POST" && /\/events$/.test(r.url))).toHaveLength(8);
      expect(await eventsIn(rig)).toHaveLength(8);
    });
  });
}
