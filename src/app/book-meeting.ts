/**
 * The chair books the strategy discussion: the meeting time goes on the strat (with the rationale when
 * it is after the due time), and the calendar is asked to book the Teams meeting — or to move it, when
 * one is already booked or being booked — with every invitee who has a mailbox and their personal
 * response links. Without a calendar (no scheduler configured) only the time is recorded.
 */
import { concernLabels } from "../domain/protocol/concern-labels.js";
import type { Reroute } from "../domain/strat/reroute.js";
import type { Invitee } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import { AppError } from "../domain/errors.js";
import { bookingJob, moveJob, type JobRequest } from "../ports/jobs.js";
import type { BookingRequest } from "../ports/scheduler.js";
import type { Actor, AppContext } from "./context.js";
import { responseLink } from "./response-link.js";
import { notifyJobs } from "./send-invitations.js";
import { setStratMeeting, type RequestMeta } from "./strat-commands.js";

export interface BookMeetingInput { start: Date; end: Date; lateRationale: string | null }

export interface BookMeetingResult {
  strat: Strat;
  /** null when no calendar is configured (the time is recorded only). */
  calendar: { kind: "book" | "move"; organizer: string; invitees: number } | null;
  /** The same press delivered again (issue 11 point 4): nothing changed; `strat` holds the meeting the first press set. */
  duplicate: boolean;
  /** Recipients re-routed by the new meeting time (out of hours: DOMAIN.md §4), or null when none changed. */
  reroute: Reroute | null;
}

/** Who gets the calendar invitation: current invitees with a mailbox who are invited (not notify-only). */
const calendarInvitees = (s: Strat): Invitee[] => s.state.invitees.filter((i) => !i.removed && i.address && i.action === "invite");

/** The booking of a strat's meeting as the calendar port takes it: case and strat references and category labels only (I-WORD). */
export function bookingRequest(ctx: AppContext, s: Strat, organizer: string, attempt: number): BookingRequest {
  const meeting = s.state.meeting!;
  const invitees = calendarInvitees(s);
  return {
    stratId: s.id, attempt, organizer, caseRef: s.caseRef, stratRef: s.ref,
    presentingIssues: concernLabels(s.referral),
    start: new Date(meeting.start), end: new Date(meeting.end), chairLabel: s.chairName,
    // Quorum agencies are required attendees; a copied recipient (e.g. the police front door out of hours, I-POL-OOH) is optional.
    attendees: invitees.map((i) => ({ address: i.address!, name: i.name, required: i.quorumRole !== null && !i.cc })),
    responseLinks: Object.fromEntries(invitees.map((i) => [i.address!, responseLink(ctx, s, i.id)] as const).filter(([, l]) => l)),
  };
}

export async function bookMeeting(
  ctx: AppContext, actor: Actor, stratId: string, input: BookMeetingInput, meta: RequestMeta = {},
): Promise<BookMeetingResult> {
  const organizer = ctx.organizerMailbox;
  if (!ctx.scheduler || !organizer) {
    const out = await setStratMeeting(ctx, actor, stratId, input, meta, (after) => notifyJobs(after.state, after.id, ctx.clock.now()));
    return { strat: out.strat, calendar: null, duplicate: out.duplicate, reroute: out.result?.reroute ?? null };
  }
  // Book, or move the meeting already booked (or being booked). The calendar write is a job written in the
  // same statement as the meeting (ports/jobs.ts): the strat never says "booked" without the booking
  // requested, and a refused change (stale card, no one to invite) requests nothing.
  const status = await ctx.scheduler.bookingStatus(stratId);
  const live = status.state === "pending" || status.state === "booked";
  const out = await setStratMeeting(ctx, actor, stratId, input, meta, (after) => [
    calendarJob(ctx, after, organizer, live, status.attempt ?? 0), ...notifyJobs(after.state, after.id, ctx.clock.now()),
  ]);
  return { strat: out.strat, calendar: { kind: live ? "move" : "book", organizer, invitees: calendarInvitees(out.strat).length }, duplicate: out.duplicate,
    reroute: out.result?.reroute ?? null,
  };
}

/** The calendar write for the strat as changed: move the live booking, or book (attempt one up after a failed or cancelled one). */
function calendarJob(ctx: AppContext, s: Strat, organizer: string, live: boolean, attempt: number): JobRequest {
  const now = ctx.clock.now();
  if (live) {
    // The invitees as changed with the time (out of hours re-routes them, DOMAIN.md §4): the event's attendees follow.
    const { attendees, responseLinks, ...move } = bookingRequest(ctx, s, organizer, attempt);
    return moveJob({ ...move, attendees: [...attendees], responseLinks, reason: "The strategy discussion was moved by the chair." }, now);
  }
  const req = bookingRequest(ctx, s, organizer, attempt + 1);
  if (!req.attendees.some((a) => a.address.toLowerCase() !== organizer.toLowerCase())) {
    throw new AppError("invalid_input", "No invitee has a mailbox to invite: type invitees and add the agencies' mailboxes first. Nothing was saved.", "attendees");
  }
  return bookingJob(req, now);
}
