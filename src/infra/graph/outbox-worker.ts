import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "../../ports/clock.js";
import type { CalendarEvents, InvitationResponse } from "../../ports/scheduler.js";
import type { Database, Sql } from "../../ports/store.js";
import { classifyGraphError, explainPermanentFailure, GraphCallError } from "./graph-errors.js";
import type { GatewayAttendee, GatewayEvent, GraphGateway } from "./graph-gateway.js";
import { invitationHtml, invitationSubject, responseLinkMail, type InvitationFacts } from "./invitation-template.js";
import { claim, complete, enqueue, enqueueUnlessPending, failPermanently, retryLater, type OutboxJob } from "./outbox-store.js";

/** Outlook event subscriptions: ask for ≤ 4,230 minutes and renew at half-life (PLATFORM-FACTS 4c, consequence 7). */
export const MAX_SUBSCRIPTION_MINUTES = 4230;

export interface NotificationSettings {
  enabled: boolean;
  /** Public https URL of POST /graph/notifications (and /graph/lifecycle). */
  notificationUrl: string;
  lifecycleUrl: string;
  clientState: string;
  lifetimeMinutes: number;
}

export interface WorkerSettings {
  workerId?: string;
  leaseMs?: number;
  batch?: number;
  /** Outlook: 4 concurrent requests per mailbox; the worker runs at most this many jobs at once. */
  concurrency?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  /** Polling fallback (no working subscription): one delta round per mailbox this often. */
  pollIntervalMs?: number;
  notifications: NotificationSettings;
}

export interface WorkerDeps { db: Database; gateway: GraphGateway; events: CalendarEvents; clock: Clock; log: Logger; settings: WorkerSettings }

interface BookingRow {
  strat_id: string; attempt: number; organizer: string; transaction_id: string; intent_id: string; state: string;
  event_id: string | null; join_url: string | null; start_at: Date; end_at: Date;
  attendees: { address: string; name: string | null; required: boolean }[];
}

const facts = (p: Record<string, any>, start: Date, end: Date): InvitationFacts => ({
  caseRef: String(p.caseRef), stratRef: String(p.stratRef), presentingIssues: Array.isArray(p.presentingIssues) ? p.presentingIssues.map(String) : [],
  chairLabel: p.chairLabel ?? null, start, end,
});

/** Thrown by a handler to say "not yet, try again later" without counting as a Graph failure. */
class NotYet extends Error {}

export function createOutboxWorker(d: WorkerDeps) {
  const s = {
    workerId: d.settings.workerId ?? `w-${randomUUID().slice(0, 8)}`,
    leaseMs: d.settings.leaseMs ?? 120_000,
    batch: d.settings.batch ?? 16,
    concurrency: d.settings.concurrency ?? 4,
    baseDelayMs: d.settings.baseDelayMs ?? 5_000,
    maxDelayMs: d.settings.maxDelayMs ?? 15 * 60_000,
    maxAttempts: d.settings.maxAttempts ?? 10,
    pollIntervalMs: d.settings.pollIntervalMs ?? 5 * 60_000,
    n: d.settings.notifications,
  };
  const { db, gateway: g, clock, log } = d;
  const now = () => clock.now();

  const booking = async (sql: Sql, stratId: string) =>
    (await sql.query<BookingRow>("SELECT * FROM graph_bookings WHERE strat_id = $1", [stratId]))[0] ?? null;

  const deliver = (sql: Sql, event: string, data: Record<string, unknown>, dedupeKey?: string) =>
    enqueue(sql, { kind: "deliver", stratId: (data.stratId as string | null) ?? null, dedupeKey: dedupeKey ?? null, payload: { event, data }, runAt: now(), now: now() });

  /** Compares Graph's attendee answers with the last known ones; changes are stored and delivered once. */
  async function applyAttendees(sql: Sql, b: BookingRow, attendees: GatewayAttendee[]): Promise<number> {
    const invited = new Set(b.attendees.map((a) => a.address.toLowerCase()));
    const known = new Map(
      (await sql.query<{ address: string; response: InvitationResponse; responded_at: Date | null }>(
        "SELECT address, response, responded_at FROM graph_responses WHERE strat_id = $1", [b.strat_id],
      )).map((r) => [r.address, r]),
    );
    let changed = 0;
    for (const a of attendees) {
      if (!invited.has(a.address)) continue;
      const k = known.get(a.address);
      const sameAnswer = k && k.response === a.response && (k.responded_at?.getTime?.() ?? null) === (a.at ? new Date(a.at).getTime() : null);
      if (sameAnswer) continue;
      // An older answer never overwrites a newer one (notifications and polls can cross).
      if (k?.responded_at && a.at && new Date(k.responded_at).getTime() > a.at.getTime()) continue;
      await sql.query(
        `INSERT INTO graph_responses (strat_id, address, response, responded_at, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (strat_id, address) DO UPDATE SET response = EXCLUDED.response, responded_at = EXCLUDED.responded_at, updated_at = EXCLUDED.updated_at`,
        [b.strat_id, a.address, a.response, a.at, now()],
      );
      if (k || a.response !== "none") {
        const at = a.at ?? now();
        await deliver(sql, "response", { stratId: b.strat_id, address: a.address, response: a.response, at: at.toISOString() },
          `resp:${b.strat_id}:${a.address}:${a.response}:${at.toISOString()}`);
        changed++;
      }
    }
    return changed;
  }

  async function ensureSubscriptionQueued(sql: Sql, mailbox: string) {
    if (!s.n.enabled) return;
    const active = await sql.query("SELECT 1 FROM graph_subscriptions WHERE mailbox = $1 AND state = 'active' AND expires_at > $2", [mailbox, now()]);
    if (!active.length) await enqueueUnlessPending(sql, { kind: "subscribe", field: "mailbox", value: mailbox, payload: { mailbox }, runAt: now(), now: now() });
  }

  const handlers: Record<OutboxJob["kind"], (job: OutboxJob) => Promise<void>> = {
    async book(job) {
      const p = job.payload;
      const b = await booking(db, p.stratId);
      if (!b || b.intent_id !== job.id || b.state === "cancelled") {
        await complete(db, job, s.workerId, now(), { skipped: "superseded" });
        return;
      }
      const start = new Date(b.start_at);
      const end = new Date(b.end_at);
      // A previous attempt may have reached Graph before we lost its answer: look before creating again.
      let ev: GatewayEvent | null = null;
      if (job.attempts > 1) {
        ev = await g.findByTransactionId(b.organizer, b.transaction_id, new Date(start.getTime() - 86_400_000), new Date(end.getTime() + 86_400_000));
      }
      ev ??= await g.createEvent(b.organizer, {
        subject: invitationSubject(facts(p, start, end)),
        html: invitationHtml(facts(p, start, end)),
        start, end,
        attendees: b.attendees,
        transactionId: b.transaction_id,
      });
      const created = ev;
      await db.transaction(async (tx) => {
        if (!(await complete(tx, job, s.workerId, now(), { eventId: created.id }))) return;
        const warning = created.joinUrl ? null
          : "The meeting was booked and the invitations sent, but Microsoft 365 did not add a Teams link. Ask IT to allow Teams meetings (teamsForBusiness) in the chair's calendar, then add a Teams link to the meeting in Outlook.";
        await tx.query(
          `UPDATE graph_bookings SET state = 'booked', event_id = $2, join_url = $3, error = $4, updated_at = $5 WHERE strat_id = $1`,
          [b.strat_id, created.id, created.joinUrl, warning, now()],
        );
        await applyAttendees(tx, b, created.attendees);
        await deliver(tx, "booked", { stratId: b.strat_id, intentId: job.id, eventId: created.id, joinUrl: created.joinUrl, start: start.toISOString(), end: end.toISOString() }, `booked:${job.id}`);
        if (warning) await deliver(tx, "failure", { stratId: b.strat_id, intentId: job.id, operation: "book", message: warning }, `nolink:${job.id}`);
        for (const [address, link] of Object.entries((p.responseLinks ?? {}) as Record<string, string>)) {
          const m = responseLinkMail({ ...facts(p, start, end), link, joinUrl: created.joinUrl });
          await enqueue(tx, {
            kind: "mail", stratId: b.strat_id, dedupeKey: `link:${b.strat_id}:${b.attempt}:${address.toLowerCase()}`,
            payload: { from: b.organizer, to: [address], subject: m.subject, html: m.html }, runAt: now(), now: now(),
          });
        }
        await ensureSubscriptionQueued(tx, b.organizer.toLowerCase());
      });
    },

    async move(job) {
      const b = await booking(db, job.payload.stratId);
      if (!b || b.state === "cancelled") return void (await complete(db, job, s.workerId, now(), { skipped: "no meeting" }));
      if (b.state !== "booked" || !b.event_id) throw new GraphCallError(404, "no_meeting_to_move", false);
      const start = new Date(b.start_at);
      const end = new Date(b.end_at);
      await g.updateEvent(b.organizer, b.event_id, { start, end, html: invitationHtml(facts(job.payload, start, end)) });
      await db.transaction(async (tx) => {
        if (!(await complete(tx, job, s.workerId, now()))) return;
        await deliver(tx, "moved", { stratId: b.strat_id, intentId: job.id, start: start.toISOString(), end: end.toISOString() }, `moved:${job.id}`);
      });
    },

    async cancel(job) {
      const b = await booking(db, job.payload.stratId);
      if (!b) return void (await complete(db, job, s.workerId, now(), { skipped: "no booking" }));
      if (b.state === "booked" && b.event_id) {
        try {
          await g.cancelEvent(b.organizer, b.event_id, job.payload.reason);
        } catch (e) {
          const c = classifyGraphError(e);
          if (c.status !== 404) throw c; // already gone: the cancellation holds
        }
      }
      await db.transaction(async (tx) => {
        if (!(await complete(tx, job, s.workerId, now()))) return;
        await tx.query("UPDATE graph_bookings SET state = 'cancelled', updated_at = $2 WHERE strat_id = $1", [b.strat_id, now()]);
        await deliver(tx, "cancelled", { stratId: b.strat_id, intentId: job.id }, `cancelled:${job.id}`);
      });
    },

    async mail(job) {
      const p = job.payload;
      await g.sendMail(p.from, p.to, p.subject, p.html);
      await complete(db, job, s.workerId, now());
    },

    async "channel-post"(job) {
      const r = await g.postChannelMessage(job.payload.teamId, job.payload.channelId, job.payload.html);
      await complete(db, job, s.workerId, now(), { messageId: r.id });
    },

    async upload(job) {
      const p = job.payload;
      const r = await g.uploadToChannel(p.teamId, p.channelId, p.fileName, Buffer.from(p.contentBase64, "base64"));
      await complete(db, job, s.workerId, now(), { itemId: r.id, webUrl: r.webUrl });
    },

    async "sync-event"(job) {
      const { mailbox, eventId } = job.payload as { mailbox: string; eventId: string };
      const b = (await db.query<BookingRow>(
        "SELECT * FROM graph_bookings WHERE lower(organizer) = lower($1) AND event_id = $2", [mailbox, eventId]))[0];
      if (!b) return void (await complete(db, job, s.workerId, now(), { skipped: "not ours" }));
      const ev = await g.getEvent(b.organizer, eventId);
      await db.transaction(async (tx) => {
        if (!(await complete(tx, job, s.workerId, now()))) return;
        if (ev) await applyAttendees(tx, b, ev.attendees);
      });
    },

    async resync(job) {
      const mailbox = String(job.payload.mailbox).toLowerCase();
      const sync = (await db.query<{ delta_link: string | null }>("SELECT delta_link FROM graph_sync WHERE mailbox = $1", [mailbox]))[0];
      const t = now().getTime();
      let r;
      try {
        r = await g.calendarDelta(mailbox, sync?.delta_link ?? null, { start: new Date(t - 7 * 86_400_000), end: new Date(t + 90 * 86_400_000) });
      } catch (e) {
        const c = classifyGraphError(e);
        if (!sync?.delta_link || (c.status !== 410 && c.status !== 400)) throw c;
        // The delta link expired (syncStateNotFound): start a fresh round.
        r = await g.calendarDelta(mailbox, null, { start: new Date(t - 7 * 86_400_000), end: new Date(t + 90 * 86_400_000) });
      }
      const bookings = await db.query<BookingRow>("SELECT * FROM graph_bookings WHERE lower(organizer) = $1 AND event_id IS NOT NULL", [mailbox]);
      const byEvent = new Map(bookings.map((b) => [b.event_id!, b]));
      await db.transaction(async (tx) => {
        if (!(await complete(tx, job, s.workerId, now(), { events: r.events.length }))) return;
        for (const ev of r.events) {
          const b = byEvent.get(ev.id);
          if (b) await applyAttendees(tx, b, ev.attendees);
        }
        await tx.query(
          `INSERT INTO graph_sync (mailbox, delta_link, last_sync_at) VALUES ($1, $2, $3)
           ON CONFLICT (mailbox) DO UPDATE SET delta_link = EXCLUDED.delta_link, last_sync_at = EXCLUDED.last_sync_at`,
          [mailbox, r.deltaLink, now()],
        );
      });
    },

    async subscribe(job) {
      const mailbox = String(job.payload.mailbox).toLowerCase();
      if (!s.n.enabled) return void (await complete(db, job, s.workerId, now(), { skipped: "notifications off" }));
      const lifetimeMs = Math.min(s.n.lifetimeMinutes, MAX_SUBSCRIPTION_MINUTES) * 60_000;
      const cur = (await db.query<{ id: string; expires_at: Date; created_at: Date; renewed_at: Date | null }>(
        "SELECT id, expires_at, created_at, renewed_at FROM graph_subscriptions WHERE mailbox = $1 AND state = 'active' ORDER BY expires_at DESC LIMIT 1", [mailbox]))[0];
      const t = now().getTime();
      if (cur && new Date(cur.expires_at).getTime() > t) {
        const since = new Date(cur.renewed_at ?? cur.created_at).getTime();
        const halfLife = (new Date(cur.expires_at).getTime() - since) / 2;
        if (t < since + halfLife && !job.payload.force) return void (await complete(db, job, s.workerId, now(), { kept: cur.id }));
        try {
          const r = await g.renewSubscription(cur.id, new Date(t + lifetimeMs));
          await db.transaction(async (tx) => {
            if (!(await complete(tx, job, s.workerId, now(), { renewed: cur.id }))) return;
            await tx.query("UPDATE graph_subscriptions SET expires_at = $2, renewed_at = $3 WHERE id = $1", [cur.id, r.expires, now()]);
          });
          return;
        } catch (e) {
          const c = classifyGraphError(e);
          if (c.status !== 404) throw c;
          await db.query("UPDATE graph_subscriptions SET state = 'removed' WHERE id = $1", [cur.id]);
        }
      }
      const r = await g.createSubscription({
        mailbox, notificationUrl: s.n.notificationUrl, lifecycleUrl: s.n.lifecycleUrl, clientState: s.n.clientState, expires: new Date(t + lifetimeMs),
      });
      await db.transaction(async (tx) => {
        await tx.query("UPDATE graph_subscriptions SET state = 'removed' WHERE mailbox = $1 AND state = 'active'", [mailbox]);
        await tx.query(
          "INSERT INTO graph_subscriptions (id, mailbox, resource, expires_at, created_at, state) VALUES ($1, $2, $3, $4, $5, 'active') ON CONFLICT (id) DO UPDATE SET state = 'active', expires_at = EXCLUDED.expires_at",
          [r.id, mailbox, `/users/${mailbox}/events`, r.expires, now()],
        );
        await complete(tx, job, s.workerId, now(), { created: r.id });
        // Answers given while there was no subscription: one delta round catches them up.
        await enqueueUnlessPending(tx, { kind: "resync", field: "mailbox", value: mailbox, payload: { mailbox }, runAt: now(), now: now() });
      });
    },

    async deliver(job) {
      const { event, data } = job.payload as { event: string; data: Record<string, any> };
      const e = d.events;
      if (event === "booked") await e.onBooked({ ...data, start: new Date(data.start), end: new Date(data.end) } as never);
      else if (event === "moved") await e.onMoved({ ...data, start: new Date(data.start), end: new Date(data.end) } as never);
      else if (event === "cancelled") await e.onCancelled(data as never);
      else if (event === "response") await e.onResponse({ ...data, at: new Date(data.at) } as never);
      else if (event === "failure") await e.onPermanentFailure(data as never);
      await complete(db, job, s.workerId, now());
    },
  };

  function backoff(job: OutboxJob, retryAfterSeconds: number | null): Date {
    const exp = Math.min(s.baseDelayMs * 2 ** Math.max(0, job.attempts - 1), s.maxDelayMs);
    const jitter = Math.floor(Math.random() * Math.min(1000, exp / 4));
    const wait = Math.max(exp + jitter, (retryAfterSeconds ?? 0) * 1000);
    return new Date(now().getTime() + wait);
  }

  const mailboxOf = (job: OutboxJob): string | null => (job.payload.organizer ?? job.payload.from ?? job.payload.mailbox ?? null) as string | null;

  async function runJob(job: OutboxJob): Promise<void> {
    try {
      await handlers[job.kind](job);
    } catch (e) {
      if (e instanceof NotYet) return void (await retryLater(db, job, s.workerId, backoff(job, null), "waiting"));
      if (job.kind === "deliver") {
        // Our own callback failed: keep trying (bounded), never lose an answer silently.
        log.error({ jobId: job.id, event: job.payload.event, attempts: job.attempts, err: { type: (e as Error)?.name } }, "calendar event handler failed");
        if (job.attempts >= s.maxAttempts * 2) await failPermanently(db, job, s.workerId, now(), "handler failed");
        else await retryLater(db, job, s.workerId, backoff(job, null), `handler ${(e as Error)?.name ?? "error"}`);
        return;
      }
      const c = classifyGraphError(e);
      const detail = `${c.status ?? "-"} ${c.code}`;
      if (c.transient && job.attempts < s.maxAttempts) {
        log.warn({ jobId: job.id, kind: job.kind, stratId: job.stratId, attempts: job.attempts, status: c.status, code: c.code }, "graph call failed; will retry");
        await retryLater(db, job, s.workerId, backoff(job, c.retryAfterSeconds), detail);
        return;
      }
      log.error({ jobId: job.id, kind: job.kind, stratId: job.stratId, attempts: job.attempts, status: c.status, code: c.code }, "graph call failed permanently");
      const message = explainPermanentFailure(job.kind, c, mailboxOf(job));
      await db.transaction(async (tx) => {
        if (!(await failPermanently(tx, job, s.workerId, now(), detail))) return;
        if (job.kind === "book") {
          await tx.query("UPDATE graph_bookings SET state = 'failed', error = $2, updated_at = $3 WHERE strat_id = $1 AND intent_id = $4", [job.stratId, message, now(), job.id]);
        }
        if (["book", "move", "cancel", "mail", "channel-post", "upload"].includes(job.kind)) {
          await deliver(tx, "failure", { stratId: job.stratId, intentId: job.id, operation: job.kind, message }, `failure:${job.id}`);
        }
      });
    }
  }

  let lastMaintenance = -Infinity;
  /**
   * Subscriptions past half-life are renewed; mailboxes with live meetings and no working subscription
   * (notifications off, or creation failed) are polled with one delta round per poll interval.
   */
  async function maintain(): Promise<void> {
    const t = now();
    const mailboxes = await db.query<{ mailbox: string }>(
      "SELECT DISTINCT lower(organizer) AS mailbox FROM graph_bookings WHERE state = 'booked' AND end_at > $1", [new Date(t.getTime() - 7 * 86_400_000)]);
    for (const { mailbox } of mailboxes) {
      const sub = s.n.enabled
        ? (await db.query<{ expires_at: Date; created_at: Date; renewed_at: Date | null }>(
          "SELECT expires_at, created_at, renewed_at FROM graph_subscriptions WHERE mailbox = $1 AND state = 'active' AND expires_at > $2 ORDER BY expires_at DESC LIMIT 1", [mailbox, t]))[0]
        : undefined;
      if (sub) {
        const since = new Date(sub.renewed_at ?? sub.created_at).getTime();
        if (t.getTime() >= since + (new Date(sub.expires_at).getTime() - since) / 2) {
          await enqueueUnlessPending(db, { kind: "subscribe", field: "mailbox", value: mailbox, payload: { mailbox }, runAt: t, now: t });
        }
        continue;
      }
      if (s.n.enabled) await enqueueUnlessPending(db, { kind: "subscribe", field: "mailbox", value: mailbox, payload: { mailbox }, runAt: t, now: t });
      const sync = (await db.query<{ last_sync_at: Date | null }>("SELECT last_sync_at FROM graph_sync WHERE mailbox = $1", [mailbox]))[0];
      if (!sync?.last_sync_at || t.getTime() - new Date(sync.last_sync_at).getTime() >= s.pollIntervalMs) {
        await enqueueUnlessPending(db, { kind: "resync", field: "mailbox", value: mailbox, payload: { mailbox }, runAt: t, now: t });
      }
    }
  }

  async function runOnce(): Promise<number> {
    const t = now().getTime();
    if (t - lastMaintenance >= Math.min(60_000, s.pollIntervalMs)) {
      lastMaintenance = t;
      await maintain();
    }
    const jobs = await claim(db, s.workerId, now(), s.leaseMs, s.batch);
    for (let i = 0; i < jobs.length; i += s.concurrency) await Promise.all(jobs.slice(i, i + s.concurrency).map(runJob));
    return jobs.length;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  return {
    workerId: s.workerId,
    runOnce,
    maintain,
    /** Runs rounds until nothing is due (tests, bench). */
    async drain(maxRounds = 50): Promise<number> {
      let total = 0;
      for (let i = 0; i < maxRounds; i++) {
        const n = await runOnce();
        total += n;
        if (n === 0) break;
      }
      return total;
    },
    start(intervalMs = 1000) {
      stopped = false;
      const tick = () => {
        running = runOnce()
          .catch((e) => log.error({ err: { type: (e as Error)?.name } }, "outbox round failed"))
          .finally(() => {
            running = null;
            if (!stopped) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
