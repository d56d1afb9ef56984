import type { Logger } from "pino";
import type { Clock } from "../../ports/clock.js";
import type { CalendarEvents, InvitationResponse } from "../../ports/scheduler.js";
import type { JobOf, JobPayload, JobPayloadInput } from "../../ports/jobs.js";
import type { Database, Sql } from "../../ports/store.js";
import { createJobWorker, type Failure, type JobHandler, type JobHandlers, type JobRun, type JobWorker, type WorkerOptions } from "../queue/worker.js";
import { classifyGraphError, explainPermanentFailure, GraphCallError } from "./graph-errors.js";
import type { GatewayAttendee, GatewayEvent, GraphGateway, InvitedAttendee } from "./graph-gateway.js";
import { invitationHtml, invitationSubject, responseLinkMail, type InvitationFacts } from "./invitation-template.js";
import { enqueue, enqueueUnlessPending, type GraphKind } from "./outbox-store.js";
import { transactionIdFor } from "./graph-scheduler.js";

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

/** The one worker's own settings (src/infra/queue/worker.ts; concurrency: Outlook allows 4 requests per mailbox at once), plus Graph's. */
export interface WorkerSettings extends Partial<Pick<WorkerOptions, "workerId" | "leaseMs" | "batch" | "concurrency" | "baseDelayMs" | "maxDelayMs">> {
  /** Polling fallback (no working subscription): one delta round per mailbox this often. */
  pollIntervalMs?: number;
  notifications: NotificationSettings;
}

export interface GraphHandlerDeps { db: Database; gateway: GraphGateway; events: CalendarEvents; clock: Clock; log: Logger; settings: WorkerSettings }
export type WorkerDeps = GraphHandlerDeps;

interface BookingRow {
  strat_id: string; attempt: number; organizer: string; transaction_id: string; intent_id: string; state: string;
  event_id: string | null; join_url: string | null; start_at: Date; end_at: Date;
  attendees: InvitedAttendee[];
}

/** The attendees as the booking row keeps them: lower-case addresses, once each (required wins), never the organizer. */
function invitedAttendees(l: readonly InvitedAttendee[], organizer: string): InvitedAttendee[] {
  const by = new Map<string, InvitedAttendee>();
  for (const a of l) {
    const address = a.address.toLowerCase();
    const prev = by.get(address);
    by.set(address, { address, name: a.name ?? prev?.name ?? null, required: a.required || (prev?.required ?? false) });
  }
  by.delete(organizer.toLowerCase());
  return [...by.values()];
}

type Facts = Pick<JobPayload<"graph.book">, "caseRef" | "stratRef" | "presentingIssues" | "chairLabel">;
const facts = (p: Facts, start: Date, end: Date): InvitationFacts => ({
  caseRef: p.caseRef, stratRef: p.stratRef, presentingIssues: p.presentingIssues, chairLabel: p.chairLabel, start, end,
});

/** The mailbox a failed Graph job was acting for (named in the chair's message). */
function mailboxOf(job: JobOf<GraphKind>): string | null {
  const p = job.payload;
  if ("organizer" in p && p.organizer) return p.organizer;
  if ("from" in p) return p.from;
  if ("mailbox" in p) return p.mailbox;
  return null;
}

/** Graph kinds whose permanent failure the chair is told about (and their words in explainPermanentFailure). */
const TOLD: Partial<Record<GraphKind, string>> = {
  "graph.book": "book", "graph.move": "move", "graph.cancel": "cancel", "graph.mail": "mail", "graph.channel-post": "channel-post", "graph.upload": "upload",
};

/**
 * The handlers of the Graph kinds (`graph.*` calls, `calendar.*` callbacks into the strat use cases) for
 * the one job worker, and the maintenance it runs before each round (subscription renewals, polling).
 */
export function graphJobHandlers(d: GraphHandlerDeps): { handlers: JobHandlers; maintain(): Promise<void>; maintainThrottled(): Promise<void> } {
  const s = {
    pollIntervalMs: d.settings.pollIntervalMs ?? 5 * 60_000,
    n: d.settings.notifications,
  };
  const { db, gateway: g, clock } = d;
  const now = () => clock.now();

  const booking = async (sql: Sql, stratId: string) =>
    (await sql.query<BookingRow>("SELECT * FROM graph_bookings WHERE strat_id = $1", [stratId]))[0] ?? null;

  const deliver = async <K extends Extract<GraphKind, `calendar.${string}`>>(sql: Sql, kind: K, payload: GraphJobInput<K>, dedupeKey: string) => {
    await enqueue(sql, { kind, stratId: (payload as { stratId?: string | null }).stratId ?? null, dedupeKey, payload, runAt: now(), now: now() });
  };

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
      const sameAnswer = k && k.response === a.response && (k.responded_at ? new Date(k.responded_at).getTime() : null) === (a.at ? new Date(a.at).getTime() : null);
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
        await deliver(sql, "calendar.response", { stratId: b.strat_id, address: a.address, response: a.response, at },
          `resp:${b.strat_id}:${a.address}:${a.response}:${at.toISOString()}`);
        changed++;
      }
    }
    return changed;
  }

  async function ensureSubscriptionQueued(sql: Sql, mailbox: string) {
    if (!s.n.enabled) return;
    const active = await sql.query("SELECT 1 FROM graph_subscriptions WHERE mailbox = $1 AND state = 'active' AND expires_at > $2", [mailbox, now()]);
    if (!active.length) await enqueueUnlessPending(sql, { kind: "graph.subscribe", key: mailbox, payload: { mailbox }, runAt: now(), now: now() });
  }

  /**
   * The booking row of this intent. Enqueued by the scheduler, it is there already; enqueued with a strat
   * change (the payload carries the slot and attendees), the first run records it. An older attempt's row
   * is replaced; a newer one means this intent was superseded (null).
   */
  async function bookingFor(job: JobOf<"graph.book">): Promise<BookingRow | null> {
    const p = job.payload;
    const b = await booking(db, p.stratId);
    if (b && (b.attempt > p.attempt || (b.attempt === p.attempt && b.intent_id !== job.id))) return null;
    if (b && b.attempt === p.attempt) return b;
    if (!p.start || !p.end || !p.attendees?.length) return null;
    const attendees = invitedAttendees(p.attendees, p.organizer);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO graph_bookings (strat_id, attempt, organizer, transaction_id, intent_id, state, start_at, end_at, attendees, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9)
         ON CONFLICT (strat_id) DO UPDATE SET attempt = EXCLUDED.attempt, organizer = EXCLUDED.organizer, transaction_id = EXCLUDED.transaction_id,
           intent_id = EXCLUDED.intent_id, state = 'pending', event_id = NULL, join_url = NULL, error = NULL,
           start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at, attendees = EXCLUDED.attendees, updated_at = EXCLUDED.updated_at
         WHERE graph_bookings.attempt < EXCLUDED.attempt`,
        [p.stratId, p.attempt, p.organizer, transactionIdFor(p.stratId, p.attempt), job.id, p.start, p.end, JSON.stringify(attendees), now()],
      );
      await tx.query("DELETE FROM graph_responses WHERE strat_id = $1 AND $2::boolean", [p.stratId, !b]);
    });
    const again = await booking(db, p.stratId);
    return again && again.attempt === p.attempt && again.intent_id === job.id ? again : null;
  }

  /** Graph's errors: transient ones are retried (Retry-After honoured), the rest are permanent; both in codes only. */
  const graphFailure = (e: unknown, job: JobOf<GraphKind>): Failure => {
    const c = classifyGraphError(e);
    const op = TOLD[job.kind];
    return {
      retry: c.transient, error: `${c.status ?? "-"} ${c.code}`, retryAfterMs: (c.retryAfterSeconds ?? 0) * 1000,
      ...(op ? { message: explainPermanentFailure(op, c, mailboxOf(job)) } : {}),
    };
  };
  /** A Graph call that cannot succeed: the booking says so and the chair is told, in the same transaction as the dead letter. */
  const toldOnDead = async (tx: Sql, job: JobOf<GraphKind>, f: Failure) => {
    const op = TOLD[job.kind];
    if (!op) return;
    const message = f.message ?? explainPermanentFailure(op, new GraphCallError(null, f.error, false), mailboxOf(job));
    if (job.kind === "graph.book") {
      await tx.query("UPDATE graph_bookings SET state = 'failed', error = $2, updated_at = $3 WHERE strat_id = $1 AND intent_id = $4", [job.stratId, message, now(), job.id]);
    }
    await deliver(tx, "calendar.failure", { stratId: job.stratId, intentId: job.id, operation: op, message }, `failure:${job.id}`);
  };
  /**
   * The personal response link of each of `to` (those with one in `p.responseLinks`) by its own email, once per
   * booking attempt (`key` tells a move's newly invited apart from the booking's, so one re-added gets it again).
   */
  async function sendResponseLinks(
    tx: Sql, b: BookingRow, p: Facts & { responseLinks: Record<string, string> }, to: readonly string[],
    at: { start: Date; end: Date; joinUrl: string | null }, key: string,
  ) {
    const links = new Map(Object.entries(p.responseLinks).map(([a, l]) => [a.toLowerCase(), { address: a, link: l }]));
    for (const address of to) {
      const l = links.get(address.toLowerCase());
      if (!l) continue;
      const m = responseLinkMail({ ...facts(p, at.start, at.end), link: l.link, joinUrl: at.joinUrl });
      await enqueue(tx, {
        kind: "graph.mail", stratId: b.strat_id, dedupeKey: `link:${b.strat_id}:${b.attempt}:${l.address.toLowerCase()}${key}`,
        payload: { from: b.organizer, to: [l.address], subject: m.subject, html: m.html }, runAt: now(), now: now(),
      });
    }
  }

  const graph = <K extends GraphKind>(run: (job: JobOf<K>, r: JobRun) => Promise<void>): JobHandler<K> => ({
    run, classify: (e, job) => graphFailure(e, job), onDead: (tx, job, f) => toldOnDead(tx, job, f),
  });
  /** Our own callbacks: kept trying (bounded by the job's attempts), never an answer lost silently. */
  const callback = <K extends GraphKind>(run: (job: JobOf<K>) => Promise<void>): JobHandler<K> => ({
    run, classify: (e) => ({ retry: true, error: `handler ${e instanceof Error ? e.name : "error"}`, level: "error" }),
  });

  const handlers: { [K in GraphKind]: JobHandler<K> } = {
    "graph.book": graph(async (job, r) => {
      const p = job.payload;
      const b = await bookingFor(job);
      if (!b || b.state === "cancelled") return void (await r.complete(db, { skipped: "superseded" }));
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
        if (!(await r.complete(tx, { eventId: created.id }))) return;
        const warning = created.joinUrl ? null
          : "The meeting was booked and the invitations sent, but Microsoft 365 did not add a Teams link. Ask IT to allow Teams meetings (teamsForBusiness) in the chair's calendar, then add a Teams link to the meeting in Outlook.";
        await tx.query(
          `UPDATE graph_bookings SET state = 'booked', event_id = $2, join_url = $3, error = $4, updated_at = $5 WHERE strat_id = $1`,
          [b.strat_id, created.id, created.joinUrl, warning, now()],
        );
        await applyAttendees(tx, b, created.attendees);
        await deliver(tx, "calendar.booked", { stratId: b.strat_id, intentId: job.id, eventId: created.id, joinUrl: created.joinUrl, start, end }, `booked:${job.id}`);
        if (warning) await deliver(tx, "calendar.failure", { stratId: b.strat_id, intentId: job.id, operation: "book", message: warning }, `nolink:${job.id}`);
        await sendResponseLinks(tx, b, p, Object.keys(p.responseLinks), { start, end, joinUrl: created.joinUrl }, "");
        await ensureSubscriptionQueued(tx, b.organizer.toLowerCase());
      });
    }),

    "graph.move": graph(async (job, r) => {
      const p = job.payload;
      const b = await booking(db, p.stratId);
      if (!b || b.state === "cancelled") return void (await r.complete(db, { skipped: "no meeting" }));
      if (b.state !== "booked" || !b.event_id) throw new GraphCallError(404, "no_meeting_to_move", false);
      const start = p.start ?? new Date(b.start_at);
      const end = p.end ?? new Date(b.end_at);
      // Issue 12 point 3: the attendees as the strat now invites them (none given, or no one left: time only).
      const invited = p.attendees ? invitedAttendees(p.attendees, b.organizer) : [];
      const attendees = invited.length ? invited : null;
      const before = new Set(b.attendees.map((a) => a.address));
      const added = (attendees ?? []).filter((a) => !before.has(a.address)).map((a) => a.address);
      await g.updateEvent(b.organizer, b.event_id, { start, end, html: invitationHtml(facts(p, start, end)), ...(attendees ? { attendees } : {}) });
      await db.transaction(async (tx) => {
        if (!(await r.complete(tx))) return;
        await tx.query("UPDATE graph_bookings SET start_at = $2, end_at = $3, attendees = COALESCE($5::jsonb, attendees), updated_at = $4 WHERE strat_id = $1",
          [b.strat_id, start, end, now(), attendees ? JSON.stringify(attendees) : null]);
        await sendResponseLinks(tx, b, p, added, { start, end, joinUrl: b.join_url }, `:${job.id}`);
        await deliver(tx, "calendar.moved", { stratId: b.strat_id, intentId: job.id, start, end }, `moved:${job.id}`);
      });
    }),

    "graph.cancel": graph(async (job, r) => {
      const b = await booking(db, job.payload.stratId);
      if (!b) return void (await r.complete(db, { skipped: "no booking" }));
      if (b.state === "booked" && b.event_id) {
        try {
          await g.cancelEvent(b.organizer, b.event_id, job.payload.reason);
        } catch (e) {
          const c = classifyGraphError(e);
          if (c.status !== 404) throw c; // already gone: the cancellation holds
        }
      }
      await db.transaction(async (tx) => {
        if (!(await r.complete(tx))) return;
        await tx.query("UPDATE graph_bookings SET state = 'cancelled', updated_at = $2 WHERE strat_id = $1", [b.strat_id, now()]);
        await deliver(tx, "calendar.cancelled", { stratId: b.strat_id, intentId: job.id }, `cancelled:${job.id}`);
      });
    }),

    "graph.mail": graph(async (job) => {
      const p = job.payload;
      // Email has no Graph idempotency key: the message carries its job's identity, a draft per recipient is sent
      // by id, and a retry (an earlier attempt may have created or sent it before its answer was lost) looks first.
      await g.sendMailOnce(p.from, p, `strat-mail:${job.id}`, job.attempts > 1);
    }),

    "graph.channel-post": graph(async (job, r) => {
      const res = await g.postChannelMessage(job.payload.teamId, job.payload.channelId, job.payload.html);
      await r.complete(db, { messageId: res.id });
    }),

    "graph.upload": graph(async (job, r) => {
      const p = job.payload;
      const res = await g.uploadToChannel(p.teamId, p.channelId, p.fileName, Buffer.from(p.contentBase64, "base64"));
      // Before completing: a failed hand-over retries the (idempotent) PUT; the receiver posts the link once.
      await d.events.onUploaded?.({ stratId: job.stratId, fileName: p.fileName, webUrl: res.webUrl });
      await r.complete(db, { itemId: res.id, webUrl: res.webUrl });
    }),

    "graph.sync-event": graph(async (job, r) => {
      const { mailbox, eventId } = job.payload;
      const b = (await db.query<BookingRow>(
        "SELECT * FROM graph_bookings WHERE lower(organizer) = lower($1) AND event_id = $2", [mailbox, eventId]))[0];
      if (!b) return void (await r.complete(db, { skipped: "not ours" }));
      const ev = await g.getEvent(b.organizer, eventId);
      await db.transaction(async (tx) => {
        if (!(await r.complete(tx))) return;
        if (ev) await applyAttendees(tx, b, ev.attendees);
      });
    }),

    "graph.resync": graph(async (job, r) => {
      const mailbox = job.payload.mailbox.toLowerCase();
      const sync = (await db.query<{ delta_link: string | null }>("SELECT delta_link FROM graph_sync WHERE mailbox = $1", [mailbox]))[0];
      const t = now().getTime();
      const window = { start: new Date(t - 7 * 86_400_000), end: new Date(t + 90 * 86_400_000) };
      let res;
      try {
        res = await g.calendarDelta(mailbox, sync?.delta_link ?? null, window);
      } catch (e) {
        const c = classifyGraphError(e);
        if (!sync?.delta_link || (c.status !== 410 && c.status !== 400)) throw c;
        // The delta link expired (syncStateNotFound): start a fresh round.
        res = await g.calendarDelta(mailbox, null, window);
      }
      const delta = res;
      const bookings = await db.query<BookingRow>("SELECT * FROM graph_bookings WHERE lower(organizer) = $1 AND event_id IS NOT NULL", [mailbox]);
      const byEvent = new Map(bookings.map((b) => [b.event_id!, b]));
      await db.transaction(async (tx) => {
        if (!(await r.complete(tx, { events: delta.events.length }))) return;
        for (const ev of delta.events) {
          const b = byEvent.get(ev.id);
          if (b) await applyAttendees(tx, b, ev.attendees);
        }
        await tx.query(
          `INSERT INTO graph_sync (mailbox, delta_link, last_sync_at) VALUES ($1, $2, $3)
           ON CONFLICT (mailbox) DO UPDATE SET delta_link = EXCLUDED.delta_link, last_sync_at = EXCLUDED.last_sync_at`,
          [mailbox, delta.deltaLink, now()],
        );
      });
    }),

    "graph.subscribe": graph(async (job, r) => {
      const mailbox = job.payload.mailbox.toLowerCase();
      if (!s.n.enabled) return void (await r.complete(db, { skipped: "notifications off" }));
      const lifetimeMs = Math.min(s.n.lifetimeMinutes, MAX_SUBSCRIPTION_MINUTES) * 60_000;
      const cur = (await db.query<{ id: string; expires_at: Date; created_at: Date; renewed_at: Date | null }>(
        "SELECT id, expires_at, created_at, renewed_at FROM graph_subscriptions WHERE mailbox = $1 AND state = 'active' ORDER BY expires_at DESC LIMIT 1", [mailbox]))[0];
      const t = now().getTime();
      if (cur && new Date(cur.expires_at).getTime() > t) {
        const since = new Date(cur.renewed_at ?? cur.created_at).getTime();
        const halfLife = (new Date(cur.expires_at).getTime() - since) / 2;
        if (t < since + halfLife && !job.payload.force) return void (await r.complete(db, { kept: cur.id }));
        try {
          const renewed = await g.renewSubscription(cur.id, new Date(t + lifetimeMs));
          await db.transaction(async (tx) => {
            if (!(await r.complete(tx, { renewed: cur.id }))) return;
            await tx.query("UPDATE graph_subscriptions SET expires_at = $2, renewed_at = $3 WHERE id = $1", [cur.id, renewed.expires, now()]);
          });
          return;
        } catch (e) {
          const c = classifyGraphError(e);
          if (c.status !== 404) throw c;
          await db.query("UPDATE graph_subscriptions SET state = 'removed' WHERE id = $1", [cur.id]);
        }
      }
      const created = await g.createSubscription({
        mailbox, notificationUrl: s.n.notificationUrl, lifecycleUrl: s.n.lifecycleUrl, clientState: s.n.clientState, expires: new Date(t + lifetimeMs),
      });
      await db.transaction(async (tx) => {
        if (!(await r.complete(tx, { created: created.id }))) return;
        await tx.query("UPDATE graph_subscriptions SET state = 'removed' WHERE mailbox = $1 AND state = 'active'", [mailbox]);
        await tx.query(
          "INSERT INTO graph_subscriptions (id, mailbox, resource, expires_at, created_at, state) VALUES ($1, $2, $3, $4, $5, 'active') ON CONFLICT (id) DO UPDATE SET state = 'active', expires_at = EXCLUDED.expires_at",
          [created.id, mailbox, `/users/${mailbox}/events`, created.expires, now()],
        );
        // Answers given while there was no subscription: one delta round catches them up.
        await enqueueUnlessPending(tx, { kind: "graph.resync", key: mailbox, payload: { mailbox }, runAt: now(), now: now() });
      });
    }),

    "calendar.booked": callback((job) => d.events.onBooked(job.payload)),
    "calendar.moved": callback((job) => d.events.onMoved(job.payload)),
    "calendar.cancelled": callback((job) => d.events.onCancelled(job.payload)),
    "calendar.response": callback((job) => d.events.onResponse(job.payload)),
    "calendar.failure": callback((job) => d.events.onPermanentFailure(job.payload)),
  };

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
          await enqueueUnlessPending(db, { kind: "graph.subscribe", key: mailbox, payload: { mailbox }, runAt: t, now: t });
        }
        continue;
      }
      if (s.n.enabled) await enqueueUnlessPending(db, { kind: "graph.subscribe", key: mailbox, payload: { mailbox }, runAt: t, now: t });
      const sync = (await db.query<{ last_sync_at: Date | null }>("SELECT last_sync_at FROM graph_sync WHERE mailbox = $1", [mailbox]))[0];
      if (!sync?.last_sync_at || t.getTime() - new Date(sync.last_sync_at).getTime() >= s.pollIntervalMs) {
        await enqueueUnlessPending(db, { kind: "graph.resync", key: mailbox, payload: { mailbox }, runAt: t, now: t });
      }
    }
  }

  let lastMaintenance = -Infinity;
  async function maintainThrottled(): Promise<void> {
    const t = now().getTime();
    if (t - lastMaintenance < Math.min(60_000, s.pollIntervalMs)) return;
    lastMaintenance = t;
    await maintain();
  }

  return { handlers: handlers as JobHandlers, maintain, maintainThrottled };
}

type GraphJobInput<K extends GraphKind> = JobPayloadInput<K>;

/**
 * A worker for the Graph kinds only (tests and the bench drive Graph on its own); the app runs one worker
 * for every kind (src/main.ts).
 */
export function createOutboxWorker(d: WorkerDeps): JobWorker & { maintain(): Promise<void> } {
  const graph = graphJobHandlers(d);
  const worker = createJobWorker({
    db: d.db, clock: d.clock, log: d.log, handlers: graph.handlers, beforeRound: graph.maintainThrottled,
    workerId: d.settings.workerId, leaseMs: d.settings.leaseMs, batch: d.settings.batch, concurrency: d.settings.concurrency,
    baseDelayMs: d.settings.baseDelayMs, maxDelayMs: d.settings.maxDelayMs,
  });
  return { ...worker, maintain: graph.maintain };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
