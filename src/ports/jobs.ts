import { z } from "zod";

/**
 * The one durable queue (issue 10 point 2): every piece of background work — reminders, the record
 * hand-over, Microsoft Graph writes and their follow-ups, housekeeping — is a row of one table, claimed
 * with a lease and a fencing token, retried with exponential back-off and jitter, and dead-lettered after
 * its last attempt. Each kind has a zod schema; a payload is parsed when the job is claimed, so a handler
 * only ever sees a typed payload (a row that does not parse goes dead with the reason, it never crashes
 * the worker).
 *
 * Child data: payloads carry ids, case and strat references only (DOMAIN.md I-WORD); mail bodies are
 * built from those references.
 */

const id = z.string().min(1).max(200);
const isoDate = z.coerce.date();
const email = z.string().min(3).max(320);

const ZAttendee = z.object({ address: email, name: z.string().max(200).nullable(), required: z.boolean() });

/** A file attached inline to a mail (base64), e.g. the record's PDF (issue 13 point 3). */
export const ZMailAttachment = z.object({
  name: z.string().min(1).max(200), contentType: z.string().min(1).max(100), contentBase64: z.string().max(4_200_000),
});
export type MailAttachment = z.infer<typeof ZMailAttachment>;

/** What the invitation text is built from: references only. */
const ZInvitationFacts = z.object({
  stratId: id,
  caseRef: z.string().max(100),
  stratRef: z.string().max(100),
  presentingIssues: z.array(z.string().max(200)).max(50).default([]),
  chairLabel: z.string().max(200).nullable().default(null),
});

export const ZJobPayloads = {
  /** Due-time countdown (issue 5 point 11): at pct% of the time to the strat's due instant. */
  "reminder.due": z.object({ stratId: id, pct: z.number().int().min(1).max(100) }),
  /** An action that is past its by-when and still open. */
  /** The overdue notice; `due`: the due time it was written for (absent in jobs written before due times could move). */
  "reminder.action": z.object({ stratId: id, actionId: id, due: z.string().min(1).max(40).optional() }),
  /**
   * Issue 13 point 5: an open action's owner is reminded before its by-when (`due`, the instant it was written for:
   * a moved due time writes a new job and makes this one stale; a done action is not reminded).
   */
  "reminder.action-owner": z.object({ stratId: id, actionId: id, due: z.string().min(1).max(40) }),
  /**
   * A follow-on deadline (issue 13 point 5: T-ICPC, T-S47, T-SEE, the follow-up strat): a reminder before it
   * ("before") and the chair told when it is overdue ("overdue"). `key` names the deadline within the strat,
   * `due` the instant it was written for (a changed decision that moves or drops it makes this job stale).
   */
  "reminder.followon": z.object({ stratId: id, key: z.string().min(1).max(100), stage: z.enum(["before", "overdue"]), due: z.string().min(1).max(40) }),
  /**
   * Issue 14 point 5 (T-RHI): the return home interview of a missing episode: a reminder to the chair 24 h before it
   * is due ("before") and the overdue notice at the due instant ("overdue"); dropped once its outcome is recorded.
   */
  "missing.rhi": z.object({ episodeId: id, stage: z.enum(["before", "overdue"]), due: z.string().min(1).max(40) }),
  /**
   * Issue 14 point 4 (T-MDCS, T-MHOS): one escalation step of a missing episode (`key`: the profile's step key), written
   * with the episode; when due and the child is still missing, the configured role is told once and it is recorded on
   * the episode. A return before it drops it quietly.
   */
  "missing.escalate": z.object({ episodeId: id, rule: z.enum(["T-MDCS", "T-MHOS"]), key: z.string().min(1).max(100) }),
  /**
   * Issue 14 point 3 (T-MWK): the next weekly missing-child meeting, due 7 days after the meeting of strat `stratId`
   * (written when it closes): a reminder to its chair a day before ("before") and the overdue notice at it ("overdue");
   * dropped when the child has returned or a later strat was linked to the episode (it carries the cadence on).
   */
  "missing.weekly": z.object({ episodeId: id, stratId: id, stage: z.enum(["before", "overdue"]), due: z.string().min(1).max(40) }),
  /** The verified record is handed over (T-REC): by `recordDue`, under `recordRule`. */
  "record.publish": z.object({ stratId: id, recordDue: z.string().min(1), recordRule: z.string().min(1).max(50) }),
  /**
   * Issue 13 point 3: record version `version` of the strat goes by mail to every recipient (one graph.mail each,
   * keyed by strat + version + address, so each gets each version exactly once), before T-REC (T-OOH).
   */
  "record.distribute": z.object({ stratId: id, version: z.number().int().min(1) }),
  /**
   * The channel record's card shows the distribution live (issue 13 points 2, 3): a change of a record mail asks for
   * one refresh per strat and few seconds (coalesced by its dedupe key); the card is updated in place.
   */
  "record.channel-refresh": z.object({ stratId: id }),
  /** One hour before the record's deadline (`before`) and at it (`due`): an incomplete distribution is told to the chair and SENIOR_MANAGER. */
  "record.distribution-check": z.object({ stratId: id, version: z.number().int().min(1), at: z.enum(["before", "due"]) }),

  /**
   * Book the strat's meeting. `start`/`end`/`attendees` make the intent self-sufficient: enqueued from a
   * strat mutation, the worker records the booking on first run; enqueued by the scheduler, the booking row
   * already says the same.
   */
  "graph.book": ZInvitationFacts.extend({
    attempt: z.number().int().min(1),
    organizer: email,
    start: isoDate.optional(),
    end: isoDate.optional(),
    attendees: z.array(ZAttendee).max(500).optional(),
    responseLinks: z.record(z.string(), z.string().max(2000)).default({}),
  }),
  /**
   * Move the strat's meeting. With `start`/`end` (enqueued with the strat change, see moveJob) the job carries
   * the new slot and records it on the booking when Graph has moved the event; without them (enqueued by the
   * scheduler) the booking row already holds it. With `attendees` (issue 12 point 3: a move re-routes out of
   * hours) the event's attendee list is replaced too and the newly invited get their `responseLinks`; without
   * them (older stored jobs, the scheduler's moves) only the time changes.
   */
  "graph.move": ZInvitationFacts.extend({
    reason: z.string().max(500).nullable().default(null), start: isoDate.optional(), end: isoDate.optional(),
    attendees: z.array(ZAttendee).max(500).optional(),
    responseLinks: z.record(z.string(), z.string().max(2000)).default({}),
  }),
  "graph.cancel": z.object({ stratId: id, organizer: email.optional(), reason: z.string().max(500).default("") }),
  /** One mail; `attachments` (optional, older payloads have none) go inline, each under Graph's 3 MB limit (PLATFORM-FACTS §6). */
  "graph.mail": z.object({
    from: email, to: z.array(email).min(1).max(500), subject: z.string().max(500), html: z.string().max(200_000),
    attachments: z.array(ZMailAttachment).max(10).optional(),
  }),
  "graph.channel-post": z.object({ teamId: id, channelId: id, html: z.string().max(200_000) }),
  "graph.upload": z.object({ teamId: id, channelId: id, fileName: z.string().min(1).max(200), contentBase64: z.string() }),
  /** A change notification for one event: read it and take the attendees' answers. */
  "graph.sync-event": z.object({ mailbox: email, eventId: z.string().min(1).max(500), changeType: z.string().max(100).nullable().optional() }),
  /** One delta round over a mailbox's calendar (missed notifications, no subscription). */
  "graph.resync": z.object({ mailbox: email }),
  /** Create or renew the change-notification subscription of a mailbox. */
  "graph.subscribe": z.object({ mailbox: email, force: z.boolean().optional() }),

  /** Calendar outcomes handed to the strat use cases (CalendarEvents), each once. */
  "calendar.booked": z.object({ stratId: id, intentId: id, eventId: z.string().min(1), joinUrl: z.string().nullable(), start: isoDate, end: isoDate }),
  "calendar.moved": z.object({ stratId: id, intentId: id, start: isoDate, end: isoDate }),
  "calendar.cancelled": z.object({ stratId: id, intentId: id }),
  "calendar.response": z.object({
    stratId: id, address: email, response: z.enum(["accepted", "declined", "tentativelyAccepted", "none"]), at: isoDate,
  }),
  "calendar.failure": z.object({ stratId: id.nullable(), intentId: id, operation: z.string().max(50), message: z.string().max(2000) }),

  /**
   * The invitation card to a Teams invitee in their own chat with the bot (proactive, through the bot's
   * stored conversation reference), written with the chair's "Send invitations". If that chat is gone the
   * card goes to the conversation the chair sent from (`fallbackConversationId`).
   */
  "teams.invitation": z.object({ stratId: id, inviteeId: id, conversationId: id, fallbackConversationId: id }),

  /**
   * The chair is told that an agency declined or is sending a delegate (issue 11 point 8): a proactive message
   * in the strat's conversation, written with the answer (ids and the answer's time only: the reason and the
   * delegate are read from the strat when the message is sent).
   */
  "notify.answer": z.object({ stratId: id, inviteeId: id, at: z.string().min(1).max(40) }),
  /** The chair is told of an owner's update of an action (bristol-2024 4.8): its n-th update, read from the strat when sent. */
  "notify.action": z.object({ stratId: id, actionId: id, n: z.number().int().min(1) }),

  /**
   * A notify-only recipient (the Missing.Children mailbox, the Atlas analyst: invitee action "notify") is told
   * of the strat by mail (case and strat reference only), written with the chair's "Send invitations" or the
   * booking: one job per recipient per strat (dedupe key `notify:<strat>:<invitee>`, see notifyJob).
   */
  "notify.info": z.object({ stratId: id, inviteeId: id }),
  /**
   * an inquorate strat is escalated to SENIOR_MANAGER (a mail or a Teams message), written with the
   * attendance; `recordedAt` names the attendance recording it is about (a re-recording is its own escalation).
   */
  "escalate.inquorate": z.object({ stratId: id, recordedAt: z.string().min(1).max(40) }),

  /** Housekeeping: forget Teams activity ids (redelivery keys) older than `keepDays`; re-schedules itself. */
  "maintenance.prune-activities": z.object({ keepDays: z.number().int().min(1).max(3650) }),
  /** PGlite only (no autovacuum): refresh the planner's statistics (ANALYZE); re-schedules itself daily. */
  "maintenance.analyze": z.object({}),
  /** Issue 13 point 4: sign a checkpoint over every strat's latest audit hash; re-schedules itself daily. */
  "audit.checkpoint": z.object({}),
} as const;

export type JobKind = keyof typeof ZJobPayloads;
/** The payload a handler receives (parsed: dates are Dates, defaults filled). */
export type JobPayload<K extends JobKind> = z.output<(typeof ZJobPayloads)[K]>;
/** The payload a caller writes (before defaults). */
export type JobPayloadInput<K extends JobKind> = z.input<(typeof ZJobPayloads)[K]>;

export const isJobKind = (k: string): k is JobKind => Object.hasOwn(ZJobPayloads, k);

/** Parses a stored payload for its kind; the error names the kind and the first bad field in plain words. */
export function parseJobPayload<K extends JobKind>(kind: K, payload: unknown): { ok: true; payload: JobPayload<K> } | { ok: false; error: string } {
  const r = ZJobPayloads[kind].safeParse(payload);
  if (r.success) return { ok: true, payload: r.data as JobPayload<K> };
  const i = r.error.issues[0];
  const at = i?.path.length ? i.path.join(".") : "payload";
  return { ok: false, error: `payload of ${kind} does not match its schema: ${at}: ${i?.message ?? "invalid"}` };
}

interface JobRequestOf<K extends JobKind> {
  kind: K;
  payload: JobPayloadInput<K>;
  runAt: Date;
  /**
   * Idempotency key: a second request with the same key is the same job. Written with a strat change (or
   * with onDuplicate "replace"), a job not yet done takes the new run time and payload; a done job stays done.
   */
  dedupeKey?: string;
  /** Jobs with the same key run one at a time, in the order they were requested (a strat's calendar writes). */
  orderingKey?: string;
  /** The strat the job is about: its dead letters are shown to its chair. */
  stratId?: string | null;
  maxAttempts?: number;
}

/** A durable follow-up, typed by kind: written in the same statement as the change that causes it. */
export type JobRequest = { [K in JobKind]: JobRequestOf<K> }[JobKind];

/** A claimed job, its payload parsed for its kind. `token` fences its completion. */
export type Job = {
  [K in JobKind]: { id: string; kind: K; payload: JobPayload<K>; attempts: number; maxAttempts: number; token: number; runAt: Date; stratId: string | null; createdAt: Date }
}[JobKind];
export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;

export type JobState = "pending" | "running" | "done" | "dead";

/** A job as listed (operator CLI, tests). */
export interface JobRow {
  id: string; kind: string; state: JobState; stratId: string | null; dedupeKey: string | null; orderingKey: string | null;
  runAt: Date; attempts: number; maxAttempts: number; lastError: string | null; createdAt: Date; doneAt: Date | null; payload: unknown;
}

/** A dead letter as the chair sees it: what could not be done, how often it was tried, why, in plain words. */
export interface DeadLetter { id: string; kind: string; what: string; attempts: number; lastError: string; diedAt: Date | null }

/** The notification of one notify-only recipient of a strat: one job, however often invitations are sent or the meeting booked. */
export const notifyJob = (stratId: string, inviteeId: string, now: Date): JobRequest => ({
  kind: "notify.info", stratId, runAt: now, dedupeKey: `notify:${stratId}:${inviteeId}`, payload: { stratId, inviteeId },
});

/** the senior manager is told of one inquorate attendance recording, once. */
export const escalationJob = (stratId: string, recordedAt: string, now: Date): JobRequest => ({
  kind: "escalate.inquorate", stratId, runAt: now, dedupeKey: `escalate:${stratId}:${recordedAt}`, payload: { stratId, recordedAt },
});

/** Calendar writes of one strat run one at a time, in the order they were requested. */
export const calendarOrderingKey = (stratId: string) => `calendar:${stratId}`;

/**
 * The Graph booking intent as a job, for a use case to return from its strat mutation (`jobs: [bookingJob(…)]`):
 * written in the same statement as the state change. Same key as Scheduler.requestBooking (stratId + attempt),
 * so either way it is one meeting; the worker records the booking (slot, attendees) on its first run. The
 * use case checks what requestBooking checks (no live booking; attempt one up after a failure or cancel).
 */
export function bookingJob(r: {
  stratId: string; attempt: number; organizer: string; caseRef: string; stratRef: string; presentingIssues: string[];
  start: Date; end: Date; attendees: { address: string; name?: string | null; required: boolean }[];
  chairLabel?: string | null; responseLinks?: Record<string, string>;
}, now: Date): JobRequest {
  return {
    kind: "graph.book", dedupeKey: `book:${r.stratId}:${r.attempt}`, orderingKey: calendarOrderingKey(r.stratId), stratId: r.stratId, runAt: now,
    payload: {
      stratId: r.stratId, attempt: r.attempt, organizer: r.organizer, caseRef: r.caseRef, stratRef: r.stratRef,
      presentingIssues: r.presentingIssues, chairLabel: r.chairLabel ?? null, responseLinks: r.responseLinks ?? {},
      start: r.start, end: r.end, attendees: r.attendees.map((a) => ({ address: a.address, name: a.name ?? null, required: a.required })),
    },
  };
}

/** What the rest of the app uses of the queue (the worker and the claim side live in infra). */
export interface JobQueue {
  /** Writes jobs in one transaction; a repeated dedupe key is the same job (see JobRequest.dedupeKey). */
  enqueue(jobs: readonly JobRequest[], opts?: { onDuplicate?: "keep" | "replace" }): Promise<string[]>;
  /** Jobs not yet done or dead, optionally of one kind (oldest first). */
  pending(kind?: JobKind): Promise<JobRow[]>;
  /** The strat's dead letters, newest first, in plain words for its chair. */
  deadFor(stratId: string): Promise<DeadLetter[]>;
  list(opts?: { state?: JobState; kind?: string; limit?: number }): Promise<JobRow[]>;
  /** The strat's jobs of one kind whose dedupe key starts with `keyPrefix`, in any state, oldest first (e.g. its record mails). */
  ofStrat(stratId: string, kind: JobKind, keyPrefix?: string): Promise<JobRow[]>;
  /** Puts a dead (or stuck pending) job back to run now with a fresh set of attempts; false if there is none. */
  retry(id: string, now: Date): Promise<boolean>;
}

/**
 * Moving the booked meeting as a job a use case returns from its strat mutation, like bookingJob: it runs
 * after the strat's earlier calendar writes (same ordering key), so a move requested while the booking is
 * still under way waits for it. One job per slot (the same slot asked twice is one move).
 */
export function moveJob(r: {
  stratId: string; attempt: number; caseRef: string; stratRef: string; presentingIssues: string[]; chairLabel?: string | null;
  start: Date; end: Date; reason?: string | null;
  attendees?: { address: string; name: string | null; required: boolean }[]; responseLinks?: Record<string, string>;
}, now: Date): JobRequest {
  return {
    kind: "graph.move", dedupeKey: `move:${r.stratId}:${r.attempt}:${r.start.toISOString()}:${r.end.toISOString()}`,
    orderingKey: calendarOrderingKey(r.stratId), stratId: r.stratId, runAt: now,
    payload: {
      stratId: r.stratId, caseRef: r.caseRef, stratRef: r.stratRef, presentingIssues: r.presentingIssues, chairLabel: r.chairLabel ?? null,
      reason: r.reason ?? null, start: r.start, end: r.end,
      ...(r.attendees?.length ? { attendees: r.attendees, responseLinks: r.responseLinks ?? {} } : {}),
    },
  };
}
