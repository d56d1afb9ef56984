/**
 * The chair books the strategy discussion: the meeting time goes on the strat (with the rationale when
 * it is after the due time), and the calendar is asked to book the Teams meeting — or to move it, when
 * one is already booked or being booked — with every invitee who has a mailbox and their personal
 * response links. Without a calendar (no scheduler configured) only the time is recorded.
 */
import { concernLabels } from "../domain/protocol/concern-labels.js";
import type { Invitee } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { BookingRequest, MoveRequest } from "../ports/scheduler.js";
import type { Actor, AppContext } from "./context.js";
import { responseLink } from "./response-link.js";
import { setStratMeeting, type RequestMeta } from "./strat-commands.js";

export interface BookMeetingInput { start: Date; end: Date; lateRationale: string | null }

/** What the calendar was asked to do (a Graph intent): book a new meeting, or move the one there is. */
export type CalendarIntent =
  | { kind: "book"; request: BookingRequest }
  | { kind: "move"; request: MoveRequest };

export interface BookMeetingResult {
  strat: Strat;
  /** null when no calendar is configured (the time is recorded only). */
  calendar: { kind: CalendarIntent["kind"]; organizer: string; invitees: number } | null;
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
    attendees: invitees.map((i) => ({ address: i.address!, name: i.name, required: i.quorumRole !== null })),
    responseLinks: Object.fromEntries(invitees.map((i) => [i.address!, responseLink(ctx, s, i.id)] as const).filter(([, l]) => l)),
  };
}

export async function bookMeeting(
  ctx: AppContext, actor: Actor, stratId: string, input: BookMeetingInput, meta: RequestMeta = {},
): Promise<BookMeetingResult> {
  const out = await setStratMeeting(ctx, actor, stratId, input, meta);
  const organizer = ctx.organizerMailbox;
  if (!ctx.scheduler || !organizer) return { strat: out.strat, calendar: null };
  const intent = await calendarIntent(ctx, out.strat, organizer);
  await requestCalendarWrite(ctx, intent);
  return { strat: out.strat, calendar: { kind: intent.kind, organizer, invitees: calendarInvitees(out.strat).length } };
}

/** Book, or move the meeting already booked (or being booked) for this strat. */
async function calendarIntent(ctx: AppContext, s: Strat, organizer: string): Promise<CalendarIntent> {
  const status = await ctx.scheduler!.bookingStatus(s.id);
  const meeting = s.state.meeting!;
  if (status.state === "pending" || status.state === "booked") {
    return { kind: "move", request: { stratId: s.id, start: new Date(meeting.start), end: new Date(meeting.end), reason: "The strategy discussion was moved by the chair." } };
  }
  return { kind: "book", request: bookingRequest(ctx, s, organizer, (status.attempt ?? 0) + 1) };
}

/**
 * THE place where booking asks Microsoft Graph (through the scheduler port's outbox) for its side effect.
 * Today: the intent is stored by the scheduler right after the meeting is saved. When the one durable
 * queue lands, `setStratMeeting`'s mutation returns this intent as a typed job instead (written in the
 * same statement as the meeting) and this function goes.
 */
async function requestCalendarWrite(ctx: AppContext, intent: CalendarIntent): Promise<void> {
  if (intent.kind === "move") await ctx.scheduler!.requestMove(intent.request);
  else await ctx.scheduler!.requestBooking(intent.request);
}
