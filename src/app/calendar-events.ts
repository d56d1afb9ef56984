import type { CalendarEvents, InvitationResponse } from "../ports/scheduler.js";
import type { Notifier } from "../ports/notifier.js";
import { isAppError } from "../domain/errors.js";
import { parseState } from "../domain/strat/state.js";
import type { AppContext } from "./context.js";
import { showLondon } from "./london-time.js";
import { respondToInvitation } from "./strat-commands.js";

const KIND: Record<InvitationResponse, "accepted" | "declined" | "tentative" | "none"> = {
  accepted: "accepted", declined: "declined", tentativelyAccepted: "tentative", none: "none",
};

/**
 * What the calendar tells us lands in the same use cases as a Teams card or a response link: a booked
 * meeting's join link goes on the strat; an Outlook Accept/Decline is that invitee's answer (the latest
 * wins; `none` is no answer, never a decline); a permanent failure is told to the chair in plain words.
 */
export function calendarEventsFor(ctx: AppContext, notifier: Notifier): CalendarEvents {
  const setMeeting = async (stratId: string, m: { start?: Date; end?: Date; joinUrl?: string | null; cancelled?: boolean }, action: string) => {
    await ctx.strats.mutate(stratId, (cur) => {
      const st = parseState(cur.state);
      const meeting = m.cancelled
        ? null
        : {
            start: (m.start ?? new Date(st.meeting?.start ?? ctx.clock.now())).toISOString(),
            end: (m.end ?? new Date(st.meeting?.end ?? ctx.clock.now())).toISOString(),
            joinUrl: m.joinUrl !== undefined ? m.joinUrl : (st.meeting?.joinUrl ?? null),
            lateRationale: st.meeting?.lateRationale ?? null,
          };
      return { change: { state: { ...st, meeting } }, audit: { actor: "calendar", action, detail: { hasJoinUrl: !!meeting?.joinUrl } }, result: null };
    });
  };
  const tellChair = async (stratId: string | null, text: string) => {
    const s = stratId ? await ctx.strats.get(stratId) : null;
    if (s?.conversationId) await notifier.toConversation(s.conversationId, { text: `${s.ref} (case ${s.caseRef}): ${text}` });
  };
  return {
    async onBooked(e) {
      await setMeeting(e.stratId, { start: e.start, end: e.end, joinUrl: e.joinUrl }, "meeting.booked");
      await tellChair(e.stratId, `the Teams meeting is booked for ${showLondon(e.start)} and the invitations have gone out from the chair's calendar.`);
    },
    onMoved: (e) => setMeeting(e.stratId, { start: e.start, end: e.end }, "meeting.moved"),
    onCancelled: (e) => setMeeting(e.stratId, { cancelled: true }, "meeting.cancelled"),
    async onResponse(e) {
      const s = await ctx.strats.get(e.stratId);
      const address = e.address.toLowerCase();
      const inv = s ? parseState(s.state).invitees.find((i) => !i.removed && i.address === address) : undefined;
      if (!s || !inv) return; // not (or no longer) an invitee: nothing to record
      try {
        await respondToInvitation(ctx, { id: `calendar:${address}`, name: null, mailbox: address }, s.id, inv.id, {
          kind: KIND[e.response], via: "calendar", at: e.at.toISOString(),
          reason: e.response === "declined" ? "Declined the calendar invitation (no reason given there)" : null,
        });
      } catch (err) {
        // A closed strat no longer takes answers: that is not a reason to retry forever.
        if (!(isAppError(err) && (err.code === "conflict" || err.code === "forbidden"))) throw err;
      }
    },
    async onPermanentFailure(e) {
      ctx.log.warn({ stratId: e.stratId, operation: e.operation }, "calendar write failed permanently");
      await tellChair(e.stratId, `${e.message}`);
    },
  };
}
