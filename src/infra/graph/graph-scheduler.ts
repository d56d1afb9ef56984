import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { AppError } from "../../domain/errors.js";
import type { Clock } from "../../ports/clock.js";
import type {
  AttendanceEntry, AttendanceResult, BookingStatus, FindSlotsRequest, InvitationResponse, Scheduler, SlotProposal,
} from "../../ports/scheduler.js";
import type { JobPayloadInput } from "../../ports/jobs.js";
import type { Database } from "../../ports/store.js";
import { classifyGraphError } from "./graph-errors.js";
import type { GraphGateway } from "./graph-gateway.js";
import { enqueue, enqueueUnlessPending } from "./outbox-store.js";
import { findSlots, parseReadingHours, type HoursWindow } from "./slots.js";

/** London day number (days since 1970-01-01) → YYYY-MM-DD. */
const isoOfDayNumber = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const MAX_SCHEDULE_DAYS = 62; // getSchedule covers at most 62 days

/** Deterministic per strat and attempt, shaped like a GUID: a retried create is recognised by Exchange. */
export function transactionIdFor(stratId: string, attempt: number): string {
  const h = createHash("sha256").update(`strat-booking:${stratId}:${attempt}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface SchedulerDeps { db: Database; gateway: GraphGateway; clock: Clock; log: Logger }

/** The Scheduler port over Microsoft Graph: reads go straight to the gateway, writes become outbox intents. */
export function createGraphScheduler(d: SchedulerDeps): Scheduler {
  const { db, gateway: g, clock } = d;
  const now = () => clock.now();
  const checkTimes = (start: Date, end: Date) => {
    if (!(start instanceof Date) || !(end instanceof Date) || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
      throw new AppError("invalid_input", "The meeting must end after it starts.", "end");
    }
    if (end.getTime() - start.getTime() > 8 * 3_600_000) throw new AppError("invalid_input", "A strategy discussion cannot be longer than 8 hours.", "end");
  };

  return {
    async findSlots(req: FindSlotsRequest): Promise<SlotProposal> {
      if (req.durationMinutes < 15 || req.durationMinutes > 480) throw new AppError("invalid_input", "The meeting must last between 15 minutes and 8 hours.", "durationMinutes");
      const notBefore = req.notBefore;
      const latest = Math.max(req.dueBy.getTime(), req.target?.getTime() ?? 0) + 14 * 86_400_000;
      const horizon = new Date(Math.min(latest, notBefore.getTime() + MAX_SCHEDULE_DAYS * 86_400_000));
      const internal = [...new Set([req.organizer, ...req.internalAttendees].map((a) => a.toLowerCase()))];
      const schedules = await g.getSchedule(req.organizer, internal, notBefore, horizon).catch((e) => {
        const c = classifyGraphError(e);
        throw new AppError("unavailable", c.status === 403 || c.status === 404
          ? "The chair's calendar could not be read (Microsoft 365 refused access). Ask IT to check the app's calendar permissions, or choose a time by hand."
          : "Microsoft 365 did not answer the free/busy look-up. Try again in a minute, or choose a time by hand.");
      });
      const unreadable = schedules.filter((x) => x.error).length + internal.filter((a) => !schedules.some((x) => x.address === a)).length;
      const windows: HoursWindow[] = [];
      let unknownHours = 0;
      const seen = new Set<string>();
      for (const m of req.genericMailboxes) {
        const w = parseReadingHours(m.readingHours);
        if (!w) { unknownHours++; continue; }
        if (!seen.has(w.label)) { seen.add(w.label); windows.push(w); }
      }
      const notes = [
        `Checked the calendars of ${internal.length} council ${internal.length === 1 ? "person" : "people"}${unreadable ? ` (${unreadable} could not be read and ${unreadable === 1 ? "was" : "were"} treated as free)` : ""}`,
        req.genericMailboxes.length
          ? `and the reading hours of ${req.genericMailboxes.length} agency ${req.genericMailboxes.length === 1 ? "mailbox" : "mailboxes"} (${windows.map((w) => w.label).join("; ") || "none given"}${unknownHours ? `; ${unknownHours} without known hours` : ""}).`
          : "(office hours Mon–Fri 09:00–17:00).",
      ];
      return findSlots({
        durationMinutes: req.durationMinutes, notBefore, dueBy: req.dueBy, target: req.target ?? null, max: req.max,
        busy: schedules.map((x) => x.busy), windows, horizon, notes,
        closed: req.isBankHoliday ? (day: number) => req.isBankHoliday!(isoOfDayNumber(day)) : undefined,
      });
    },

    async requestBooking(req) {
      checkTimes(req.start, req.end);
      if (!Number.isInteger(req.attempt) || req.attempt < 1) throw new AppError("invalid_input", "The booking attempt must be 1 or more.", "attempt");
      if (!EMAIL.test(req.organizer)) throw new AppError("invalid_input", "The chair's mailbox address is not valid.", "organizer");
      const attendees = new Map<string, { address: string; name: string | null; required: boolean }>();
      for (const a of req.attendees) {
        if (!EMAIL.test(a.address)) throw new AppError("invalid_input", `“${a.address}” is not an email address.`, "attendees");
        const k = a.address.toLowerCase();
        const prev = attendees.get(k);
        attendees.set(k, { address: k, name: a.name ?? prev?.name ?? null, required: a.required || (prev?.required ?? false) });
      }
      attendees.delete(req.organizer.toLowerCase());
      if (attendees.size === 0) throw new AppError("invalid_input", "Invite at least one person or agency mailbox.", "attendees");
      const t = now();
      return db.transaction(async (tx) => {
        const cur = (await tx.query<{ attempt: number; state: string; intent_id: string }>(
          "SELECT attempt, state, intent_id FROM graph_bookings WHERE strat_id = $1 FOR UPDATE", [req.stratId]))[0];
        if (cur && cur.attempt === req.attempt) return { intentId: cur.intent_id };
        if (cur && (cur.state === "pending" || cur.state === "booked")) {
          throw new AppError("conflict", "This strategy discussion already has a meeting booked (or being booked). Move or cancel it instead of booking again.", "attempt");
        }
        if (cur && req.attempt < cur.attempt) throw new AppError("conflict", "A newer booking exists for this strategy discussion.", "attempt");
        const { id } = await enqueue(tx, {
          kind: "graph.book", stratId: req.stratId, dedupeKey: `book:${req.stratId}:${req.attempt}`, runAt: t, now: t,
          payload: {
            stratId: req.stratId, attempt: req.attempt, organizer: req.organizer, caseRef: req.caseRef, stratRef: req.stratRef,
            presentingIssues: req.presentingIssues, chairLabel: req.chairLabel ?? null, responseLinks: req.responseLinks ?? {},
          },
        });
        await tx.query(
          `INSERT INTO graph_bookings (strat_id, attempt, organizer, transaction_id, intent_id, state, start_at, end_at, attendees, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9)
           ON CONFLICT (strat_id) DO UPDATE SET attempt = EXCLUDED.attempt, organizer = EXCLUDED.organizer, transaction_id = EXCLUDED.transaction_id,
             intent_id = EXCLUDED.intent_id, state = 'pending', event_id = NULL, join_url = NULL, error = NULL,
             start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at, attendees = EXCLUDED.attendees, updated_at = EXCLUDED.updated_at`,
          [req.stratId, req.attempt, req.organizer, transactionIdFor(req.stratId, req.attempt), id, req.start, req.end, JSON.stringify([...attendees.values()]), t],
        );
        await tx.query("DELETE FROM graph_responses WHERE strat_id = $1", [req.stratId]);
        return { intentId: id };
      });
    },

    async requestMove(req) {
      checkTimes(req.start, req.end);
      const t = now();
      return db.transaction(async (tx) => {
        const cur = (await tx.query<{ state: string; attempt: number; intent_id: string }>(
          "SELECT state, attempt, intent_id FROM graph_bookings WHERE strat_id = $1 FOR UPDATE", [req.stratId]))[0];
        if (!cur || (cur.state !== "pending" && cur.state !== "booked")) {
          throw new AppError("not_found", "There is no booked meeting to move for this strategy discussion. Book one first.", "stratId");
        }
        await tx.query("UPDATE graph_bookings SET start_at = $2, end_at = $3, updated_at = $4 WHERE strat_id = $1", [req.stratId, req.start, req.end, t]);
        const book = (await tx.query<{ payload: JobPayloadInput<"graph.book"> }>("SELECT payload FROM background_jobs WHERE id = $1", [cur.intent_id]))[0]?.payload;
        const { id } = await enqueue(tx, {
          kind: "graph.move", stratId: req.stratId, dedupeKey: `move:${req.stratId}:${cur.attempt}:${req.start.toISOString()}:${req.end.toISOString()}`,
          payload: {
            stratId: req.stratId, caseRef: book?.caseRef ?? "", stratRef: book?.stratRef ?? "", presentingIssues: book?.presentingIssues ?? [],
            chairLabel: book?.chairLabel ?? null, reason: req.reason ?? null,
          },
          runAt: t, now: t,
        });
        return { intentId: id };
      });
    },

    async requestCancel(req) {
      const t = now();
      const cur = (await db.query<{ state: string; attempt: number; organizer: string }>("SELECT state, attempt, organizer FROM graph_bookings WHERE strat_id = $1", [req.stratId]))[0];
      if (!cur || cur.state === "cancelled") throw new AppError("not_found", "There is no meeting to cancel for this strategy discussion.", "stratId");
      const { id } = await enqueue(db, {
        kind: "graph.cancel", stratId: req.stratId, dedupeKey: `cancel:${req.stratId}:${cur.attempt}`,
        payload: { stratId: req.stratId, organizer: cur.organizer, reason: req.reason }, runAt: t, now: t,
      });
      return { intentId: id };
    },

    async requestMail(req) {
      if (!EMAIL.test(req.from) || req.to.length === 0 || !req.to.every((a) => EMAIL.test(a))) throw new AppError("invalid_input", "Every recipient must be an email address.", "to");
      const t = now();
      const { id } = await enqueue(db, { kind: "graph.mail", stratId: req.stratId ?? null, dedupeKey: `mail:${req.key}`, payload: {
        from: req.from, to: req.to, subject: req.subject, html: req.html, ...(req.attachments?.length ? { attachments: req.attachments } : {}),
      }, runAt: t, now: t });
      return { intentId: id };
    },

    async requestChannelPost(req) {
      const t = now();
      const { id } = await enqueue(db, { kind: "graph.channel-post", stratId: req.stratId ?? null, dedupeKey: `post:${req.key}`, payload: { teamId: req.teamId, channelId: req.channelId, html: req.html }, runAt: t, now: t });
      return { intentId: id };
    },

    async requestUpload(req) {
      if (!/^[^\\/:*?"<>|]{1,200}$/.test(req.fileName)) throw new AppError("invalid_input", "The file name has characters SharePoint does not allow.", "fileName");
      const t = now();
      const { id } = await enqueue(db, {
        kind: "graph.upload", stratId: req.stratId ?? null, dedupeKey: `upload:${req.key}`,
        payload: { teamId: req.teamId, channelId: req.channelId, fileName: req.fileName, contentBase64: Buffer.from(req.content).toString("base64") }, runAt: t, now: t,
      });
      return { intentId: id };
    },

    async findChannelPost(req) {
      return g.findChannelMessage(req.teamId, req.channelId, req.marker, req.threadRootId).then((m) => (m ? { messageId: m.id } : null));
    },

    async bookingStatus(stratId): Promise<BookingStatus> {
      const b = (await db.query<{ state: BookingStatus["state"]; attempt: number; organizer: string; event_id: string | null; join_url: string | null; start_at: Date; end_at: Date; error: string | null }>(
        "SELECT state, attempt, organizer, event_id, join_url, start_at, end_at, error FROM graph_bookings WHERE strat_id = $1", [stratId]))[0];
      if (!b) return { state: "none", responses: {} };
      const rows = await db.query<{ address: string; response: InvitationResponse; responded_at: Date | null }>(
        "SELECT address, response, responded_at FROM graph_responses WHERE strat_id = $1 ORDER BY address", [stratId]);
      return {
        state: b.state, attempt: b.attempt, organizer: b.organizer, eventId: b.event_id ?? undefined, joinUrl: b.join_url,
        start: new Date(b.start_at), end: new Date(b.end_at), error: b.error ?? undefined,
        responses: Object.fromEntries(rows.map((r) => [r.address, { response: r.response, at: r.responded_at ? new Date(r.responded_at) : null }])),
      };
    },

    async refreshResponses(stratId) {
      const b = (await db.query<{ organizer: string; event_id: string | null }>("SELECT organizer, event_id FROM graph_bookings WHERE strat_id = $1 AND state = 'booked'", [stratId]))[0];
      if (!b?.event_id) return;
      const t = now();
      await enqueueUnlessPending(db, { kind: "graph.sync-event", key: b.event_id, payload: { mailbox: b.organizer, eventId: b.event_id }, runAt: t, now: t });
    },

    async fetchAttendance(stratId): Promise<AttendanceResult> {
      const b = (await db.query<{ organizer: string; join_url: string | null; attendees: { address: string }[] }>(
        "SELECT organizer, join_url, attendees FROM graph_bookings WHERE strat_id = $1 AND state = 'booked'", [stratId]))[0];
      if (!b) throw new AppError("not_found", "There is no booked meeting for this strategy discussion.", "stratId");
      if (!b.join_url) throw new AppError("not_found", "The meeting has no Teams link, so Teams has no attendance report for it. Record attendance by hand.", "stratId");
      const fail = (e: unknown): never => {
        const c = classifyGraphError(e);
        throw new AppError("unavailable", c.status === 403
          ? "Teams refused to give the attendance report. An administrator must grant OnlineMeetingArtifact.Read.All and an application access policy for the chair (see docs/graph.md; it takes up to 30 minutes). Record attendance by hand meanwhile."
          : "The attendance report could not be read just now. Try again in a few minutes, or record attendance by hand.");
      };
      const meetingId = await g.findOnlineMeetingId(b.organizer, b.join_url).catch(fail);
      if (!meetingId) return { available: false, sessions: 0, attendees: [], absentInvitees: b.attendees.map((a) => a.address) };
      const reports = await g.attendanceReports(b.organizer, meetingId).catch(fail);
      const invited = new Set(b.attendees.map((a) => a.address.toLowerCase()));
      const byKey = new Map<string, AttendanceEntry>();
      for (const r of reports) {
        for (const rec of r.records) {
          const key = rec.address ?? `name:${rec.name}`;
          const prev = byKey.get(key);
          const minD = (a: Date | null, b2: Date | null) => (!a ? b2 : !b2 ? a : a < b2 ? a : b2);
          const maxD = (a: Date | null, b2: Date | null) => (!a ? b2 : !b2 ? a : a > b2 ? a : b2);
          byKey.set(key, {
            address: rec.address, name: rec.name || prev?.name || "", role: prev?.role ?? rec.role,
            totalSeconds: (prev?.totalSeconds ?? 0) + rec.totalSeconds,
            invitee: rec.address && invited.has(rec.address) ? rec.address : null,
            firstJoin: minD(prev?.firstJoin ?? null, rec.firstJoin), lastLeave: maxD(prev?.lastLeave ?? null, rec.lastLeave),
          });
        }
      }
      const attendees = [...byKey.values()].sort((a, b2) => (a.firstJoin?.getTime() ?? 0) - (b2.firstJoin?.getTime() ?? 0));
      const present = new Set(attendees.map((a) => a.invitee).filter((x): x is string => !!x));
      return { available: reports.length > 0, sessions: reports.length, attendees, absentInvitees: [...invited].filter((a) => !present.has(a)) };
    },
  };
}
