/** `attendance`, `decide`, `plan`: the chair's record of the meeting (Q-1, R-*, R-ISP). */
import type { AppContext } from "../../src/app/context.js";
import { isStaleCard, recordStratAttendance, recordStratDecisions, setStratPlan, setStratRecordFields } from "../../src/app/strat-commands.js";
import { RECORD_SECTION_TITLES, RECORD_SECTIONS, type RecordSection } from "../../src/domain/protocol/index.js";
import { AppError } from "../../src/domain/errors.js";
import { type DecisionsInput } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { londonToInstant } from "../../src/domain/time/london.js";
import type { CardRenderer } from "../cards/render-card.js";
import {
  DECISION_TEXT, keepsLatest, parseCardData, pressKey, ZAttendanceData, ZDecideData, ZPlanData, ZRecordFieldsData, ZRecordSectionData,
} from "../actions/card-data.js";
import { fieldError, formOf, resolveStrat, strategyFor } from "../strat-turn.js";
import type { ActionHandler, CommandHandler } from "../turn.js";
import { attendanceCard, decisionsCard, decisionsValues, planCard } from "../views/record.js";
import { inquorateNote, stratStatusCard } from "../views/strat-status.js";
import { recordIndexCard, recordSectionCard, recordSections, savedSection } from "../views/record-fields.js";

/**
 * Who Teams says attended (the online meeting's attendance report through the scheduling port, matched
 * to invitees by address), or null when there is no report yet (or no calendar). Bounded in time: the
 * chair gets the card either way.
 */
async function reportedAttendance(ctx: AppContext, s: Strat): Promise<{ addresses: Set<string>; note: string } | null> {
  if (!ctx.scheduler || !s.state.meeting?.joinUrl) return null;
  const report = await Promise.race([
    ctx.scheduler.fetchAttendance(s.id).catch(() => null),
    new Promise<null>((r) => setTimeout(() => r(null), 3000).unref()),
  ]);
  if (!report?.available) return null;
  const addresses = new Set(report.attendees.filter((a) => a.invitee && a.totalSeconds > 0).map((a) => a.invitee!.toLowerCase()));
  return { addresses, note: `Pre-filled from Teams' attendance report (${report.sessions} session(s)); check and correct before recording.` };
}


export function attendanceCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "attendance");
    if (r) await turn.sendCard(attendanceCard(ctx, cards, r.strat, { report: await reportedAttendance(ctx, r.strat) }));
  };
}

export function attendanceAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    if (keepsLatest(data)) return { card: stratStatusCard(ctx, cards, await strategyFor(ctx, turn, data), "You kept the saved attendance; yours was not saved.") };
    const p = parseCardData(ZAttendanceData, data);
    if (!p.ok) {
      const latest = await strategyFor(ctx, turn, data);
      return { card: attendanceCard(ctx, cards, latest, { formError: p.message }) };
    }
    const { stratId, attended, inquorateReason, version } = p.data;
    // No read before the change: the use case checks who may change it on the version it writes.
    try {
      const out = await recordStratAttendance(ctx, turn.actor, stratId, { attendedInviteeIds: attended, inquorateReason: inquorateReason || null },
        { expectedVersion: version, dedupeKey: pressKey("attendance", data) });
      const att = out.strat.state.attendance!;
      const said = out.duplicate ? "Attendance already recorded (the same press arrived twice)" : "Attendance recorded";
      return { card: stratStatusCard(ctx, cards, out.strat, att.quorate ? `${said}: quorate.` : `${said}: inquorate (no ${att.missingRoles.join(", ")}). ${inquorateNote(ctx, att)}`) };
    } catch (e) {
      const latest = await strategyFor(ctx, turn, data); // someone not on this strat learns nothing of it
      if (isStaleCard(e)) return { card: attendanceCard(ctx, cards, latest, { attended, inquorateReason, stale: true }) };
      return { card: attendanceCard(ctx, cards, latest, { attended, inquorateReason, ...fieldError(e, ["inquorateReason"]) }) };
    }
  };
}



/** The follow-up strat's time when only its date is given: the start of the working day (London). */
export const FOLLOW_UP_DEFAULT_TIME = "09:00";

/** The follow-up strat set at the meeting as the instant stored (ISO, read back by followUpStratAt), or null without a date. */
function followUpStratInput(date: string, time: string): string | null {
  return date ? (londonToInstant(date, time || FOLLOW_UP_DEFAULT_TIME)?.toISOString() ?? null) : null;
}

export function decideCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "decide");
    if (r) await turn.sendCard(decisionsCard(ctx, cards, r.strat, decisionsValues(r.strat)));
  };
}

export function decideAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    if (keepsLatest(data)) return { card: stratStatusCard(ctx, cards, s, "You kept the saved decisions; yours were not saved.") };
    const v = formOf(data, Object.keys(data));
    const p = parseCardData(ZDecideData, data);
    if (!p.ok) return { card: decisionsCard(ctx, cards, s, v, { formError: p.message }) };
    const d = p.data;
    const opt = (x: string) => x || null;
    const contributions = d.contributions.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
      const i = l.indexOf(":");
      return i > 0 ? { agency: l.slice(0, i).trim(), summary: l.slice(i + 1).trim() } : { agency: "—", summary: l };
    });
    const input: DecisionsInput = {
      s47: d.s47, enquiry: d.enquiry || null, sharedWithFamily: d.sharedWithFamily, icpc: d.icpc || null, lado: d.lado || null,
      followUpStrat: followUpStratInput(d.followUpStrat, d.followUpStratTime) ?? opt(d.followUpText), noS47Outcome: d.noS47Outcome || null, contributions,
      ...(Object.fromEntries(DECISION_TEXT.map((k) => [k, opt(d[k])])) as Record<(typeof DECISION_TEXT)[number], string | null>),
    };
    try {
      const out = await recordStratDecisions(ctx, turn.actor, s.id, input, { expectedVersion: d.version, dedupeKey: pressKey("decide", data) });
      const said = out.duplicate ? "Decisions already recorded (the same press arrived twice)" : "Decisions recorded";
      return { card: stratStatusCard(ctx, cards, out.strat, `${said}: section 47 ${d.s47}${input.enquiry ? `, ${input.enquiry}` : ""}.`) };
    } catch (e) {
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      if (isStaleCard(e)) return { card: decisionsCard(ctx, cards, fresh, v, { stale: true }) };
      return { card: decisionsCard(ctx, cards, fresh, v, fieldError(e, ["enquiry", "singleAgencyReason", "withheldReason", "icpc", "noS47Outcome"])) };
    }
  };
}


/** `record`: the index of the record's sections the profile asks (R-REC), each marked done or missing what close requires. */
export function recordCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "record");
    if (r) await turn.sendCard(recordIndexCard(ctx, cards, r.strat));
  };
}

const isSection = (ctx: AppContext, s: Strat, x: string): x is RecordSection =>
  (RECORD_SECTIONS as readonly string[]).includes(x) && recordSections(ctx, s).includes(x as RecordSection);

/** `recordSection`: one section's card with what is saved, or the index when no (known) section is named. */
export function recordSectionAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const p = parseCardData(ZRecordSectionData, data);
    const section = p.ok ? p.data.section : "";
    if (!isSection(ctx, s, section)) return { card: recordIndexCard(ctx, cards, s) };
    return { card: recordSectionCard(ctx, cards, s, section, savedSection(ctx, s, section)) };
  };
}

/** `recordFields`: save one section; a value the profile refuses comes back on the same card naming the field, nothing saved. */
export function recordFieldsAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    if (keepsLatest(data)) return { card: recordIndexCard(ctx, cards, s, "You kept the saved section; yours was not saved.") };
    const p = parseCardData(ZRecordFieldsData, data);
    if (!p.ok || !isSection(ctx, s, p.data.section)) return { card: recordIndexCard(ctx, cards, s, p.ok ? "" : p.message) };
    const section = p.data.section;
    const v = formOf(data, Object.keys(savedSection(ctx, s, section)));
    try {
      const out = await setStratRecordFields(ctx, turn.actor, s.id, section, v, { expectedVersion: p.data.version, dedupeKey: pressKey("recordFields", data) });
      const said = out.duplicate ? "already saved (the same press arrived twice)" : "saved";
      return { card: recordIndexCard(ctx, cards, out.strat, `${RECORD_SECTION_TITLES[section]}: ${said}.`) };
    } catch (e) {
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      if (isStaleCard(e)) return { card: recordSectionCard(ctx, cards, fresh, section, v, { stale: true }) };
      return { card: recordSectionCard(ctx, cards, fresh, section, v, fieldError(e, Object.keys(v))) };
    }
  };
}

/** `plan` (card) or `plan <text>` (saved at once). */
export function planCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "plan");
    if (!r) return;
    if (r.rest.length >= 10) {
      try {
        const out = await setStratPlan(ctx, turn.actor, r.strat.id, r.rest, { dedupeKey: turn.activityId ?? undefined });
        await turn.sendCard(planCard(cards, out.strat, out.strat.state.plan?.text ?? r.rest, { saved: "Interim safety plan saved." }));
      } catch (e) {
        if (e instanceof AppError) await turn.sendText(e.userMessage);
        else throw e;
      }
      return;
    }
    await turn.sendCard(planCard(cards, r.strat, r.strat.state.plan?.text ?? ""));
  };
}

export function planAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    if (keepsLatest(data)) {
      const latest = await strategyFor(ctx, turn, data);
      return { card: planCard(cards, latest, latest.state.plan?.text ?? "", { saved: "You kept the saved plan; yours was not saved." }) };
    }
    const p = parseCardData(ZPlanData, data);
    if (!p.ok) return { card: planCard(cards, await strategyFor(ctx, turn, data), formOf(data, ["plan"]).plan!, { error: p.message }) };
    const { stratId, plan: text, version } = p.data;
    // No read before the change: the use case checks who may change it on the version it writes.
    try {
      const out = await setStratPlan(ctx, turn.actor, stratId, text, { expectedVersion: version, dedupeKey: pressKey("plan", data) });
      const saved = out.duplicate ? "Interim safety plan already saved (the same press arrived twice)." : "Interim safety plan saved.";
      return { card: planCard(cards, out.strat, out.strat.state.plan?.text ?? text, { saved }) };
    } catch (e) {
      const latest = await strategyFor(ctx, turn, data); // someone not on this strat learns nothing of it
      if (isStaleCard(e)) {
        // Nothing to choose when what is saved now is what the chair wrote.
        if (latest.state.plan?.text === text) return { card: planCard(cards, latest, text, { saved: "Interim safety plan already saved as you wrote it." }) };
        return { card: planCard(cards, latest, text, { stale: true }) };
      }
      return { card: planCard(cards, latest, text, { error: fieldError(e, []).formError }) };
    }
  };
}
