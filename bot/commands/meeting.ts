/** `schedule`, `action`, `mine`, `dissent`, `close`: the meeting and what follows it. */
import { recordRules } from "../../src/domain/protocol/index.js";
import { episodeFacts } from "../../src/app/missing-duties.js";
import type { AppContext } from "../../src/app/context.js";
import { listMyFollowOns, listStratsWithOpenActions, MINE_FOLLOW_ON_GRACE_DAYS, teamsIdsOf } from "../../src/app/list-strats.js";
import { bookMeeting } from "../../src/app/book-meeting.js";
import {
  addStratAction, amendClosedStrat, closeStrat, CloseRefused, isChair, isStaleCard, moveStratActionDue, progressStratDissent, recordStratDissent,
} from "../../src/app/strat-commands.js";
import { progressAction } from "../../src/app/action-progress.js";
import { AppError, isAppError } from "../../src/domain/errors.js";
import { linkActor } from "../../src/app/respond-to-invitation.js";
import { closeChecklist, type Action, type Invitee } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { londonDateTime, londonToInstant, showLondon } from "../../src/domain/time/london.js";
import { keepsLatest, parseCardData, pressKey, ZActionAddData, ZActionProgressData, ZAmendData, ZLinkActionData, ZCloseData, ZDissentAddData, ZDissentProgressData, ZScheduleData } from "../actions/card-data.js";
import { fieldError, formOf, resolveStrat, strategyFor } from "../strat-turn.js";
import type { ActionHandler, CommandHandler } from "../turn.js";
import { ruleWords, stratHeader } from "../views/labels.js";
import { actionCard, actionOwnerCard, closeCard, dissentCard, latestUpdateWords, recordRecipientOf, rerouteNote, withOwnerActions } from "../views/meeting.js";
import { invitationCard } from "../views/invitation.js";
import { staleCard } from "../views/stale.js";
import { stratStatusCard } from "../views/strat-status.js";

// ---- schedule ---------------------------------------------------------------------------------

/** Earliest slots before the due time from the scheduling port (the chair's calendar + agencies' reading hours). */
async function proposeSlots(ctx: AppContext, s: Strat, dueBy: Date) {
  if (!ctx.scheduler || !ctx.organizerMailbox) return null;
  const st = s.state;
  const generic = st.invitees.filter((i) => !i.removed && i.address && i.generic && i.action === "invite");
  const now = ctx.clock.now();
  const notBefore = new Date(Math.ceil((now.getTime() + 15 * 60_000) / (30 * 60_000)) * 30 * 60_000);
  return ctx.scheduler.findSlots({
    organizer: ctx.organizerMailbox, internalAttendees: [], durationMinutes: 60, notBefore, dueBy, target: s.targetAt, max: 3,
    genericMailboxes: generic.map((i) => ({ address: i.address!, readingHours: i.readingHours })),
    isBankHoliday: (iso) => ctx.profiles.get(s.profileId).calendar.isBankHoliday(iso),
  });
}

export async function scheduleCard(
  ctx: AppContext, cards: CardRenderer, s: Strat, v: Record<string, string> = {}, opts: { errors?: Record<string, string>; formError?: string; stale?: boolean } = {},
): Promise<AdaptiveCard> {
  const now = ctx.clock.now();
  // Issue 14 point 3 (T-MWK): a strat of a missing episode is proposed before the weekly meeting's due time too.
  const missing = await episodeFacts(ctx, s);
  const dueBy = missing.weeklyDue && missing.weeklyDue.getTime() < s.dueAt.getTime() ? missing.weeklyDue : s.dueAt;
  const proposal = await proposeSlots(ctx, s, dueBy).catch((e) => {
    ctx.log.warn({ err: { type: (e as Error).name } }, "slot proposal failed");
    return null;
  });
  const first = proposal?.slots[0]?.start ?? new Date(Math.min(dueBy.getTime() - 3600_000, now.getTime() + 2 * 3600_000));
  const suggestion = londonDateTime(first);
  const early = s.dueAt.getTime() - now.getTime();
  const note = [
    ...missing.lines,
    proposal?.explanation ?? "",
    early <= 0 ? "The due time has passed: record the rationale for holding it late." : early < 2 * 3600_000 ? "Less than 2 hours left: a short-notice strat is allowed but counted." : "",
    proposal?.rationaleNeeded ? "No slot fits before the due time: the earliest is offered; record the rationale." : "",
  ].filter(Boolean).join(" ");
  const card = cards.render("schedule", {
    ...stratHeader(s), due: showLondon(s.dueAt), dueRule: ruleWords(s.dueRule), slotNote: note,
    slots: (proposal?.slots ?? []).map((x) => ({ title: `${showLondon(x.start)} – ${showLondon(x.end).slice(-5)}`, value: x.start.toISOString() })),
    books: !!ctx.scheduler,
    v: { slot: v.slot ?? (proposal?.slots[0]?.start.toISOString() ?? "other"), date: v.date ?? suggestion.date, time: v.time ?? suggestion.time, minutes: Number(v.minutes) || 60, lateRationale: v.lateRationale ?? "" },
    errors: { lateRationale: "", ...(opts.errors ?? {}) },
    formError: opts.formError ?? "",
  });
  if (!opts.stale) return card;
  const m = s.state.meeting;
  const saved = m && {
    ...londonDateTime(new Date(m.start)), minutes: String((Date.parse(m.end) - Date.parse(m.start)) / 60_000), lateRationale: m.lateRationale ?? "",
  };
  return staleCard(card, s, { what: "the meeting time", verb: "schedule", latest: saved });
}

/** The chair's entries as a time (a proposed slot becomes its date and time), to compare with the meeting saved since. */
function asTime(v: Record<string, string>): Record<string, string> {
  const at = v.slot && v.slot !== "other" && !Number.isNaN(Date.parse(v.slot)) ? londonDateTime(new Date(v.slot)) : null;
  return at ? { ...v, slot: "other", ...at } : v;
}

export function scheduleCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "schedule");
    if (r) await turn.sendCard(await scheduleCard(ctx, cards, r.strat));
  };
}

/** `schedule` card → book-meeting.ts (the meeting on the strat, and the calendar asked to book or move it). */
export function scheduleAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    if (keepsLatest(data)) return { card: stratStatusCard(ctx, cards, s, "You kept the saved meeting time; yours was not saved.") };
    const v = formOf(data, ["slot", "date", "time", "minutes", "lateRationale"]);
    const p = parseCardData(ZScheduleData, data);
    if (!p.ok) return { card: await scheduleCard(ctx, cards, s, v, { formError: p.message }) };
    const d = p.data;
    const start = d.slot && d.slot !== "other" ? new Date(d.slot) : londonToInstant(d.date, d.time);
    if (!start) return { card: await scheduleCard(ctx, cards, s, v, { formError: "date and time: not a real date and time (UK). Nothing was saved." }) };
    const end = new Date(start.getTime() + d.minutes * 60_000);
    let out;
    try {
      out = await bookMeeting(ctx, turn.actor, s.id, { start, end, lateRationale: d.lateRationale || null },
        { expectedVersion: d.version, dedupeKey: pressKey("schedule", data) });
    } catch (e) {
      const latest = (await ctx.strats.get(s.id)) ?? s;
      if (isStaleCard(e)) return { card: await scheduleCard(ctx, cards, latest, asTime(v), { stale: true }) };
      return { card: await scheduleCard(ctx, cards, latest, v, fieldError(e, ["lateRationale"])) };
    }
    const set = out.strat.state.meeting;
    if (out.duplicate && set) {
      // The same press again (Teams redelivers, or a double press): the first one's result, nothing changed.
      return { card: stratStatusCard(ctx, cards, out.strat, `Already done: the meeting is set for ${showLondon(set.start)} (the same press arrived twice; nothing changed).`) };
    }
    const c = out.calendar;
    const booking = !c ? ""
      : c.kind === "move" ? " The Teams meeting is being moved; the invitees get the update from the calendar."
      : ` Booking the Teams meeting in ${c.organizer}'s calendar with ${c.invitees} invitee(s); each also gets their personal response link by email.`;
    const rerouted = rerouteNote(out.reroute, c?.kind === "move");
    return { card: stratStatusCard(ctx, cards, out.strat, `Meeting set for ${showLondon(start)} (${d.minutes} min).${booking}${rerouted ? ` ${rerouted}` : ""}`) };
  };
}

// ---- actions ----------------------------------------------------------------------------------

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** "Fri 12:00", "friday 9am", "tomorrow 10:00", "today 17:00", "2026-11-27 12:00", "27/11 12:00" → the next such London instant. */
export function parseWhen(text: string, now: Date): Date | null {
  const t = text.trim().toLowerCase();
  const time = /(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*$/.exec(t);
  if (!time) return null;
  let h = Number(time[1]);
  const m = Number(time[2] ?? "0");
  if (time[3] === "pm" && h < 12) h += 12;
  if (time[3] === "am" && h === 12) h = 0;
  if (h > 23 || m > 59 || (!time[2] && !time[3])) return null;
  const hhmm = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
  const day = t.slice(0, time.index).trim();
  const today = londonDateTime(now).date;
  const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  let date: string | null = null;
  if (day === "" || day === "today") date = today;
  else if (day === "tomorrow") date = addDays(today, 1);
  else if (/^\d{4}-\d{2}-\d{2}$/.test(day)) date = day;
  else if (/^\d{1,2}\/\d{1,2}(\/\d{4})?$/.test(day)) {
    const [d, mo, y] = day.split("/");
    date = `${y ?? today.slice(0, 4)}-${mo!.padStart(2, "0")}-${d!.padStart(2, "0")}`;
  } else {
    const idx = DAYS.findIndex((d) => day.startsWith(d));
    if (idx < 0) return null;
    const cur = new Date(`${today}T12:00:00Z`).getUTCDay();
    let n = (idx - cur + 7) % 7;
    if (n === 0 && (londonToInstant(today, hhmm)?.getTime() ?? 0) <= now.getTime()) n = 7;
    date = addDays(today, n);
  }
  return londonToInstant(date, hhmm);
}

/** `action police: PC Lee to visit school by Fri 12:00 — purpose: speak to the DSL` */
export function parseActionText(text: string, now: Date): { ownerName: string; agency: string; what: string; byWhen: Date | null; byText: string; purpose: string } | null {
  const m = /^\s*([^:]{2,60}):\s*(.+?)\s+to\s+(.+?)\s+by\s+(.+?)\s*(?:[—–-]{1,2}\s*)?purpose:\s*(.+)$/is.exec(text);
  if (!m) return null;
  return { agency: m[1]!.trim(), ownerName: m[2]!.trim(), what: m[3]!.trim(), byText: m[4]!.trim(), byWhen: parseWhen(m[4]!, now), purpose: m[5]!.trim() };
}

/**
 * What a typed action lacks when parseActionText cannot read it, named as the R-ACT fields a chair knows:
 * "agency" (`police:`), "who and what" (`PC Lee to visit …`), "by when" (`by Fri 12:00`), "purpose" (`purpose: …`).
 */
export function missingActionParts(text: string): string[] {
  const head = /^\s*([^:]{2,60}):/.exec(text);
  const missing: string[] = [];
  if (!head || /\sto\s/i.test(head[1]!)) missing.push("agency");
  if (!/\S\s+to\s+\S/i.test(text)) missing.push("who and what");
  if (!/\s+by\s+\S/i.test(text)) missing.push("by when");
  if (!/purpose:\s*\S/i.test(text)) missing.push("purpose");
  return missing;
}



/** `action SD-… a1 due Mon 12:00`: the chair moves an action's due time (R-ACT). */
const MOVE_DUE = /^(a\d+)\s+due\s+(.+)$/i;

async function moveDue(ctx: AppContext, cards: CardRenderer, turn: Parameters<CommandHandler>[0], s: Strat, actionId: string, whenText: string): Promise<void> {
  const byWhen = parseWhen(whenText, ctx.clock.now());
  if (!byWhen) return void (await turn.sendText(`By when: I could not read "${whenText.trim()}". Use e.g. Fri 12:00, tomorrow 9am or 2026-11-27 12:00. Nothing was saved.`));
  try {
    const out = await moveStratActionDue(ctx, turn.actor, s.id, actionId, byWhen, { dedupeKey: turn.activityId ?? undefined });
    await turn.sendCard(actionOwnerCard(ctx, cards, out.strat, actionId, `Action ${actionId} is now due by ${showLondon(byWhen)}; its reminders follow.`));
  } catch (e) {
    if (e instanceof AppError) await turn.sendText(e.userMessage);
    else throw e;
  }
}

export function actionCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "action");
    if (!r) return;
    if (!r.rest) {
      await turn.sendCard(actionCard(cards, r.strat));
      return;
    }
    const move = MOVE_DUE.exec(r.rest);
    if (move) return moveDue(ctx, cards, turn, r.strat, move[1]!.toLowerCase(), move[2]!);
    const p = parseActionText(r.rest, ctx.clock.now());
    if (!p || !p.byWhen) {
      const lacks = p ? [] : missingActionParts(r.rest);
      const hint = !p
        ? `I could not read that${lacks.length ? ` (${lacks.join(", ")} missing)` : ""}. Write it as: action police: PC Lee to visit the school by Fri 12:00 — purpose: speak to the DSL. Or fill in the card.`
        : `I could not read the time "${p.byText}". Use e.g. Fri 12:00, tomorrow 9am or 2026-11-27 12:00.`;
      const when = p?.byWhen ? londonDateTime(p.byWhen) : { date: "", time: "" };
      await turn.sendCard(actionCard(cards, r.strat, { ownerName: p?.ownerName ?? "", agency: p?.agency ?? "", what: p?.what ?? "", purpose: p?.purpose ?? "", byDate: when.date, byTime: when.time }, hint));
      return;
    }
    try {
      const out = await addStratAction(ctx, turn.actor, r.strat.id, { ...p, byWhen: p.byWhen }, { dedupeKey: turn.activityId ?? undefined });
      const id = out.result?.id ?? out.strat.state.actions.at(-1)?.id ?? "";
      await turn.sendCard(actionOwnerCard(ctx, cards, out.strat, id, `Action ${id} added.`));
    } catch (e) {
      if (e instanceof AppError) await turn.sendText(e.userMessage);
      else throw e;
    }
  };
}

export function actionAddAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const v = formOf(data, ["ownerInviteeId", "ownerName", "agency", "what", "byDate", "byTime", "purpose", "term", "requestId"]);
    const p = parseCardData(ZActionAddData, data);
    if (!p.ok) return { card: actionCard(cards, s, v, p.message) };
    const d = p.data;
    const byWhen = londonToInstant(d.byDate, d.byTime);
    if (!byWhen) return { card: actionCard(cards, s, v, "byDate and byTime: not a real date and time (UK). Nothing was saved.") };
    try {
      const out = await addStratAction(ctx, turn.actor, s.id, { ownerInviteeId: d.ownerInviteeId || null, ownerName: d.ownerName, agency: d.agency, what: d.what, purpose: d.purpose, byWhen, term: d.term || "immediate" },
        { dedupeKey: d.requestId ? `action:${d.requestId}` : undefined });
      const id = out.result?.id ?? out.strat.state.actions.at(-1)!.id;
      return { card: actionOwnerCard(ctx, cards, out.strat, id, out.duplicate ? "Already added." : `Action ${id} added.`) };
    } catch (e) {
      return { card: actionCard(cards, (await ctx.strats.get(s.id)) ?? s, v, fieldError(e, []).formError) };
    }
  };
}

export function actionProgressAction(ctx: AppContext, cards: CardRenderer, status: "open" | "done"): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const p = parseCardData(ZActionProgressData, data);
    if (!p.ok) {
      const actionId = typeof data.actionId === "string" ? data.actionId : "";
      if (!s.state.actions.some((a) => a.id === actionId)) return { message: p.message };
      return { card: actionOwnerCard(ctx, cards, s, actionId, p.message, "Attention") };
    }
    const { actionId, update } = p.data;
    try {
      // bristol-2024 4.8: the owner (their Teams id) or the chair; anyone else is refused with nothing saved.
      const out = await progressAction(ctx, turn.actor, s.id, actionId, { status, text: update, via: "teams" },
        { dedupeKey: pressKey(status === "done" ? "actionDone" : "actionUpdate", data) });
      const said = status === "done" ? (out.duplicate ? "Already marked done." : "Marked done.") : out.duplicate ? "Update already added." : "Update added.";
      return { card: actionOwnerCard(ctx, cards, out.strat, actionId, said) };
    } catch (e) {
      return { card: actionOwnerCard(ctx, cards, (await ctx.strats.get(s.id)) ?? s, actionId, fieldError(e, []).formError, "Attention") };
    }
  };
}

/** `mine` → one action's card (Add update / Done), for its owner or the chair. */
export function actionOpenAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const actionId = typeof data.actionId === "string" ? data.actionId : "";
    if (!s.state.actions.some((a) => a.id === actionId)) return { message: `No action ${actionId || "named"} on ${s.ref}.` };
    return { card: actionOwnerCard(ctx, cards, s, actionId) };
  };
}

/**
 * The owner's Add update / Done on their response link page (bristol-2024 4.8): the same use case as in Teams, as
 * the invitee the link was issued to (a link for another strat or invitee is refused, nothing saved). The page's
 * card comes back with the result.
 */
export async function linkActionAnswer(
  ctx: AppContext, cards: CardRenderer, found: { strat: Strat; invitee: Invitee }, verb: "actionUpdate" | "actionDone", raw: Record<string, unknown>,
): Promise<{ status: number; card?: AdaptiveCard; message: string; refused?: "mismatch" }> {
  const { strat, invitee } = found;
  const page = (s: Strat, note: string, color = "Good") => withOwnerActions(invitationCard(cards, s, invitee), s, invitee.id, note, color);
  const p = parseCardData(ZLinkActionData, raw);
  if (!p.ok || p.data.stratId !== strat.id || p.data.inviteeId !== invitee.id) {
    return { status: 403, message: "This update does not match this link. Nothing was saved.", refused: "mismatch" };
  }
  const { actionId } = p.data;
  const update = raw[`update-${actionId}`];
  const status = verb === "actionDone" ? "done" : "open";
  try {
    const out = await progressAction(ctx, linkActor(invitee.address!), strat.id, actionId,
      { status, text: typeof update === "string" ? update : "", via: "link", linkInviteeId: invitee.id });
    const message = status === "done" ? `Action ${actionId} marked done. The chair is told.` : `Update to action ${actionId} saved. The chair is told.`;
    return { status: 200, card: page(out.strat, message), message };
  } catch (e) {
    if (!isAppError(e) || e.code === "internal") throw e;
    const message = `${e.userMessage} Nothing was saved.`;
    return { status: e.code === "forbidden" ? 403 : 400, card: page((await ctx.strats.get(strat.id)) ?? strat, message, "Attention"), message };
  }
}

/** At most this many follow-on deadlines on the `mine` card (it stays well under Teams' 28 KB). */
const MINE_FOLLOW_ON_SHOWN = 20;

/**
 * `mine`: open actions on the strats I chair, open or closed (an action is open until done: R-ACT), soonest first, overdue
 * marked; then the follow-on deadlines of the strats I chair (issue 13 point 5: T-ICPC, T-S47, T-SEE, the follow-up strat;
 * a closed strat's until MINE_FOLLOW_ON_GRACE_DAYS past due).
 */
export function mineCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const now = ctx.clock.now();
    const [strats, followOns] = await Promise.all([listStratsWithOpenActions(ctx, turn.actor), listMyFollowOns(ctx, turn.actor)]);
    const ids = teamsIdsOf(turn.actor);
    const mineOf = (s: Strat, a: Action) => isChair(s, turn.actor) || (a.ownerTeamsUserId !== null && ids.includes(a.ownerTeamsUserId));
    const actions = strats.flatMap((s) => s.state.actions.filter((a) => a.status === "open" && mineOf(s, a)).map((a) => ({ s, a })))
      .sort((x, y) => Date.parse(x.a.byWhen) - Date.parse(y.a.byWhen));
    await turn.sendCard(cards.render("mine", {
      count: actions.length,
      actions: actions.map(({ s, a }) => {
        const overdue = Date.parse(a.byWhen) < now.getTime();
        const state = `${overdue ? "OVERDUE" : "open"}${s.status === "open" ? "" : " (the strat is closed; the action is open until done)"}`;
        return {
          ref: s.ref, id: a.id, who: `${a.owner.name} (${a.owner.agency})`, what: a.what, by: showLondon(a.byWhen), state, color: overdue ? "Attention" : "Default",
          latest: latestUpdateWords(a), stratId: s.id,
        };
      }),
      followOnCount: followOns.length,
      followOnNote: `Follow-on deadlines of the strategy discussions you chair (a closed one's until ${MINE_FOLLOW_ON_GRACE_DAYS} days past due)` +
        (followOns.length > MINE_FOLLOW_ON_SHOWN ? `: the ${MINE_FOLLOW_ON_SHOWN} soonest; type status SD-… for the rest of a strat's.` : "."),
      followOns: followOns.slice(0, MINE_FOLLOW_ON_SHOWN).map(({ strat, deadline, overdue }) => ({
        ref: strat.ref, caseRef: strat.caseRef, what: deadline.what, by: showLondon(deadline.due), rule: ruleWords(deadline.rule),
        state: overdue ? "OVERDUE" : "to do", color: overdue ? "Attention" : "Default",
      })),
    }));
  };
}

// ---- dissent ----------------------------------------------------------------------------------


export function dissentCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "dissent");
    if (r) await turn.sendCard(dissentCard(ctx, cards, r.strat, isChair(r.strat, turn.actor)));
  };
}

export function dissentAddAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const v = formOf(data, ["agency", "decision", "reason"]);
    const p = parseCardData(ZDissentAddData, data);
    if (!p.ok) return { card: dissentCard(ctx, cards, s, isChair(s, turn.actor), v, p.message) };
    const d = p.data;
    try {
      const out = await recordStratDissent(ctx, turn.actor, s.id, { agency: d.agency, decision: d.decision, reason: d.reason }, { dedupeKey: d.requestId ? `dissent:${d.requestId}` : undefined });
      return { card: dissentCard(ctx, cards, out.strat, isChair(out.strat, turn.actor), {}, "") };
    } catch (e) {
      return { card: dissentCard(ctx, cards, (await ctx.strats.get(s.id)) ?? s, isChair(s, turn.actor), v, fieldError(e, []).formError) };
    }
  };
}

/**
 * The dissent card refused as out of date (issue 11 point 3): the chair's answer stays in the form, the answer saved
 * since (R-DIS: each stage's outcome) beside it, and only "Use mine" records theirs.
 */
function staleDissentCard(ctx: AppContext, cards: CardRenderer, s: Strat, v: Record<string, string>, verb: string): AdaptiveCard {
  const d = s.state.dissents.find((x) => x.id === v.dissentId);
  const answered = d?.stages.filter((x) => x.outcome !== null).at(-1);
  const stage = d?.stages.at(-1);
  const note = d && stage ? `${d.id} is with ${stage.stage === "chair" ? "the chair" : "senior managers"}${stage.outcome === null ? ", not answered at this stage yet" : ""}.` : "";
  return staleCard(dissentCard(ctx, cards, s, true, v), s, {
    what: `the answer to ${d ? `${d.id} (${d.agency})` : "the disagreement"}`, verb, note,
    latest: d && answered ? { dissentId: d.id, outcome: answered.outcome ?? "" } : null,
  });
}

export function dissentProgressAction(ctx: AppContext, cards: CardRenderer, escalate: boolean): ActionHandler {
  const verb = escalate ? "dissentEscalate" : "dissentResolve";
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    if (keepsLatest(data)) return { card: stratStatusCard(ctx, cards, s, "You kept the saved answer to the disagreement; yours was not saved.") };
    const v = formOf(data, ["dissentId", "outcome"]);
    const p = parseCardData(ZDissentProgressData, data);
    if (!p.ok) return { card: dissentCard(ctx, cards, s, isChair(s, turn.actor), v, p.message) };
    const d = p.data;
    try {
      const out = await progressStratDissent(ctx, turn.actor, s.id, d.dissentId, { outcome: d.outcome, escalate },
        { expectedVersion: d.version, dedupeKey: pressKey(verb, data) });
      return { card: dissentCard(ctx, cards, out.strat, true) };
    } catch (e) {
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      if (isStaleCard(e)) return { card: staleDissentCard(ctx, cards, fresh, v, verb) };
      return { card: dissentCard(ctx, cards, fresh, isChair(fresh, turn.actor), v, fieldError(e, []).formError) };
    }
  };
}

// ---- close ------------------------------------------------------------------------------------


export function amendAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const p = parseCardData(ZAmendData, data);
    if (!p.ok) return { card: closeCard(cards, s, [], "", p.message) };
    try {
      const out = await amendClosedStrat(ctx, turn.actor, s.id, { section: p.data.section, text: p.data.text, why: p.data.why }, { dedupeKey: pressKey("amend", data) });
      const said = out.duplicate ? "Amendment already saved (the same press arrived twice)." : `Amendment saved as version ${out.strat.version}.`;
      return { card: closeCard(cards, out.strat, [], `${said} The amended record is sent by email to each invitee with a mailbox (type status to see who has it).`) };
    } catch (e) {
      return { card: closeCard(cards, (await ctx.strats.get(s.id)) ?? s, [], "", fieldError(e, []).formError) };
    }
  };
}

export function closeCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "close");
    if (r) await turn.sendCard(closeCard(cards, r.strat, r.strat.status === "open" ? closeChecklist(r.strat.state, r.strat.dueAt, recordRules(ctx.profiles.get(r.strat.profileId), r.strat.referral)) : [], "", "", recordRecipientOf(ctx, r.strat)));
  };
}

export function closeAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const p = parseCardData(ZCloseData, data);
    if (!p.ok) return { card: closeCard(cards, s, [], "", p.message) };
    try {
      // A repeated press finds its first one's key: the same closed card, not "out of date".
      const out = await closeStrat(ctx, turn.actor, s.id, { expectedVersion: p.data.version, dedupeKey: pressKey("close", data) });
      return { card: closeCard(cards, out.strat, [], "", "", recordRecipientOf(ctx, out.strat)) };
    } catch (e) {
      if (e instanceof CloseRefused) return { card: closeCard(cards, s, e.missing) };
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      const card = closeCard(cards, fresh, fresh.status === "open" ? closeChecklist(fresh.state, fresh.dueAt, recordRules(ctx.profiles.get(fresh.profileId), fresh.referral)) : []);
      if (e instanceof AppError) (card.body as unknown[]).splice(1, 0, { type: "TextBlock", text: e.userMessage, wrap: true, color: "Attention" });
      else throw e;
      return { card };
    }
  };
}
