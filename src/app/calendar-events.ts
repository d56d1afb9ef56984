import type { CalendarEvents } from "../ports/scheduler.js";
import type { Notifier } from "../ports/notifier.js";
import { isStaleCalendarEcho, meetingBooked, meetingCancelled, meetingMoved, type StratState } from "../domain/strat/state.js";
import { markdownLink } from "../domain/text/markdown-link.js";
import { showLondon } from "../domain/time/london.js";
import type { AppContext } from "./context.js";
import { respondFromCalendar } from "./respond-to-invitation.js";

/**
 * What the calendar tells us lands in the same use cases as a Teams card or a response link: a booked
 * meeting's join link goes on the strat (through the meeting transitions of the domain); an Outlook
 * Accept/Decline is that invitee's answer (respond-to-invitation.ts); a permanent failure is told to the
 * chair in plain words.
 */
export function calendarEventsFor(ctx: AppContext, notifier: Notifier): CalendarEvents {
  const change = async (stratId: string, action: string, fn: (s: StratState) => StratState) => {
    await ctx.strats.mutate(stratId, (cur) => {
      const state = fn(cur.state);
      return { change: { state }, audit: { actor: "calendar", action, detail: { hasJoinUrl: !!state.meeting?.joinUrl } }, result: null };
    });
  };
  const tellChair = async (stratId: string | null, text: string) => {
    const s = stratId ? await ctx.strats.get(stratId) : null;
    if (s?.conversationId) await notifier.toConversation(s.conversationId, { text: `${s.ref} (case ${s.caseRef}): ${text}` });
  };
  return {
    async onBooked(e) {
      await change(e.stratId, "meeting.booked", (s) => meetingBooked(s, { start: e.start, end: e.end, joinUrl: e.joinUrl }));
      const join = e.joinUrl ? ` ${markdownLink("Join the Teams meeting", e.joinUrl)}` : "";
      await tellChair(e.stratId, `the Teams meeting is booked for ${showLondon(e.start)} and the invitations have gone out from the chair's calendar.${join}`);
    },
    // Our own move done in the calendar. An echo of an older move (the chair has moved it again since) changes nothing:
    // the strat keeps the chair's newest time, and the move queued with it follows.
    onMoved: (e) => change(e.stratId, "meeting.moved", (s) => (isStaleCalendarEcho(s, e) ? s : meetingMoved(s, e, ctx.clock.now()))),
    onCancelled: (e) => change(e.stratId, "meeting.cancelled", meetingCancelled),
    onResponse: (e) => respondFromCalendar(ctx, e),
    async onPermanentFailure(e) {
      ctx.log.warn({ stratId: e.stratId, operation: e.operation }, "calendar write failed permanently");
      await tellChair(e.stratId, `${e.message}`);
    },
  };
}
