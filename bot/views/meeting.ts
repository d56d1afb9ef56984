/** The cards of the meeting's follow-through: an action (new, and as its owner sees it), dissent, close. */
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../src/app/context.js";
import { recordRecipient } from "../../src/domain/protocol/index.js";
import { AppError } from "../../src/domain/errors.js";
import type { Action } from "../../src/domain/strat/state.js";
type RecordRecipient = NonNullable<ReturnType<typeof recordRecipient>>;
import type { Reroute, RouteEntry } from "../../src/domain/strat/reroute.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { stratHeader } from "./labels.js";

/** The chair's action form: the owner picked from the strat's invitees ("<name> (<agency>)") or typed as a name and agency. */
export function actionCard(cards: CardRenderer, s: Strat, v: Record<string, string> = {}, formError = ""): AdaptiveCard {
  const owners = s.state.invitees.filter((i) => !i.removed).map((i) => ({ title: `${i.name} (${i.agency})`, value: i.id }));
  return cards.render("action", {
    ...stratHeader(s), requestId: v.requestId || randomUUID(), formError, owners, hasOwners: owners.length > 0,
    v: {
      ownerInviteeId: v.ownerInviteeId ?? "", ownerName: v.ownerName ?? "", agency: v.agency ?? "", what: v.what ?? "", byDate: v.byDate ?? "",
      byTime: v.byTime ?? "", purpose: v.purpose ?? "", term: v.term || "immediate",
    },
  });
}

type ActionUpdate = Action["updates"][number];

/** "marked done by PC Lee via their link", "update by Pat Smith in Teams: …": who (the owner or the chair) and how. */
export function actionUpdateWords(a: Action, u: ActionUpdate): string {
  const who = u.by === a.ownerInviteeId || u.by === a.ownerTeamsUserId ? a.owner.name : "the chair";
  const how = u.via === "link" ? "via their link" : "in Teams";
  return u.status === "done" ? `marked done by ${who} ${how}${u.text !== "done" ? ` (${u.text})` : ""}` : `update by ${who} ${how}: ${u.text}`;
}

/** The latest update of an action, with its time, for status and `mine` ("" when there is none). */
export function latestUpdateWords(a: Action): string {
  const u = a.updates.at(-1);
  return u ? `${showLondon(u.at)} ${actionUpdateWords(a, u)}` : "";
}

export function actionOwnerCard(ctx: AppContext, cards: CardRenderer, s: Strat, actionId: string, note = "", noteColor = "Good"): AdaptiveCard {
  const a = s.state.actions.find((x) => x.id === actionId);
  if (!a) throw new AppError("not_found", `No action ${actionId}.`, "action");
  const overdue = a.status === "open" && Date.parse(a.byWhen) < ctx.clock.now().getTime();
  const card = cards.render("action-owner", {
    stratId: s.id, version: String(s.version), ref: s.ref, caseRef: s.caseRef, id: a.id, who: `${a.owner.name} (${a.owner.agency})`, what: a.what,
    by: showLondon(a.byWhen), term: a.term === "longer-term" ? "Longer-term" : "Immediate", purpose: a.purpose, status: a.status === "done" ? "done" : overdue ? "OVERDUE" : "open",
    // Open until done, whatever the strat's state: after close too (R-ACT; issue 11 point 6).
    note, noteColor, open: a.status === "open",
    updates: a.updates.map((u) => ({ at: showLondon(u.at), text: actionUpdateWords(a, u) })),
  });
  if (a.status === "done") delete card.actions;
  return card;
}

export function dissentCard(ctx: AppContext, cards: CardRenderer, s: Strat, chair: boolean, v: Record<string, string> = {}, formError = ""): AdaptiveCard {
  const st = s.state;
  return cards.render("dissent", {
    ...stratHeader(s), requestId: randomUUID(), isChair: chair, formError,
    v: { agency: v.agency ?? "", decision: v.decision ?? "", reason: v.reason ?? "", dissentId: v.dissentId ?? "", outcome: v.outcome ?? "" },
    dissents: st.dissents.map((d) => ({
      id: d.id, agency: d.agency, decision: d.decision, reason: d.reason,
      stages: d.stages.map((x) => ({ stage: x.stage === "chair" ? "Chair" : "Senior managers", at: showLondon(x.at), outcome: x.outcome ?? "open" })),
    })),
    // The one the chair was answering stays choosable (a stale card keeps their answer: issue 11 point 3).
    openDissents: st.dissents.filter((d) => d.stages.at(-1)!.outcome === null || d.id === v.dissentId).map((d) => ({ id: d.id, agency: d.agency })),
  });
}

/** A recipient as the chair reads it: a phone-only one with its number, and that this app cannot call it. */
const recipient = (e: RouteEntry) => (e.phone ? `${e.name} (phone ${e.phone} — this app cannot phone them: call them yourself)` : e.name);
const names = (l: readonly RouteEntry[], how: (e: RouteEntry) => string = (e) => e.name) => l.map(how).join(" and ");
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The recipients a new meeting time re-routed (DOMAIN.md §4: out of hours is decided at the meeting time), in words:
 * "Out of hours at the meeting time, so the recipients changed: Police: South BCU Operations Room now invited; …".
 * `moved`: the calendar invitation already exists; the move updates its attendees (the new recipients invited,
 * those no longer recommended sent a cancellation), so the chair is told that.
 */
export function rerouteNote(r: Reroute | null, moved = false): string {
  if (!r) return "";
  const groups = [...new Set([...r.added, ...r.dropped, ...r.copied, ...r.uncopied].map((e) => e.group))];
  const of = (l: readonly RouteEntry[], g: string) => l.filter((e) => e.group === g);
  const lines = groups.map((g) => {
    const [added, dropped, copied, uncopied] = [of(r.added, g), of(r.dropped, g), of(r.copied, g), of(r.uncopied, g)];
    const parts = [
      added.length && dropped.length ? `${names(dropped)} replaced by ${names(added, recipient)}`
        : added.length ? `${names(added, recipient)} now invited` : dropped.length ? `${names(dropped)} no longer recommended` : "",
      copied.length ? `${names(copied)} now copied` : "",
      uncopied.length ? `${names(uncopied)} now the main recipient` : "",
    ].filter(Boolean);
    return `${capital(g)}: ${parts.join("; ")}.`;
  });
  const kept = r.answeredKept.map((e) => `${e.name} is kept because they already answered; the new route is invited beside them.`);
  const calendar = moved && (r.added.length || r.dropped.length || r.copied.length || r.uncopied.length)
    ? "The calendar invitation is updated to match: the new recipients who have a mailbox are invited, and those no longer recommended get a cancellation." : "";
  return [`${r.outOfHours ? "Out of hours" : "In working hours"} at the meeting time, so the recipients changed.`, ...lines, ...kept, calendar].filter(Boolean).join(" ");
}

/**
 * T-REC: by when the verified record must reach everyone invited, and what the app does about it: it mails the record
 * to each invitee with a mailbox (record.distribute, issue 13 point 3); anyone else is the chair's to send
 * (issue 11 point 5: a card states only what happened, or what will happen and when).
 */
export function recordDueNote(s: Strat, to: RecordRecipient | null = null): string {
  const c = s.state.closure;
  if (!c) return "";
  const due = c.recordDue ? `by ${showLondon(c.recordDue)}` : "by its deadline";
  // T-OOH (bristol-2024 6.1): an out-of-hours strat's record goes to First Response before the next working day starts.
  const whom = to ? `${to.name}${to.address ? ` (${to.address})` : ""}` : "everyone invited";
  const how = to
    ? `Send it to ${to.name} yourself by then: this app mails it only to the invitees.`
    : `This app is sending it by email to each invitee with a mailbox (type status ${s.ref} to see who has it); send it yourself to anyone without one.`;
  return `The record is due to ${whom} ${due}. ${how} (Protocol rule ${c.recordRule ?? "T-REC"}.)`;
}

/** Who the record goes to when the rule that set its due time names someone (T-OOH: First Response), from the profile. */
export const recordRecipientOf = (ctx: AppContext, s: Strat): RecordRecipient | null =>
  s.state.closure?.recordRule ? recordRecipient(ctx.profiles.get(s.profileId), s.state.closure.recordRule) : null;

export function closeCard(cards: CardRenderer, s: Strat, missing: string[], recordNote = "", amendError = "", to: RecordRecipient | null = null): AdaptiveCard {
  const closed = s.status !== "open";
  recordNote ||= recordDueNote(s, to);
  const card = cards.render("close", {
    ...stratHeader(s),
    headline: closed ? `${s.ref} is closed: the record is verified and can no longer be changed, only amended (a new version with who and why).` : missing.length ? "Not ready to close. Still needed:" : "Everything needed is recorded. Verify the record and close.",
    headlineColor: closed ? "Good" : missing.length ? "Attention" : "Good",
    missing, recordNote, closed, amendError,
    amendments: s.state.amendments.map((a) => ({ at: showLondon(a.at), section: a.section, text: a.text, why: a.why })),
  });
  if (!closed && missing.length) delete card.actions;
  return card;
}

/**
 * The owner's actions on their response link page (bristol-2024 4.8), below their invitation: each with its
 * latest update, an update box (`update-<id>`) and Add update / Done, posted to the same page like the answers.
 */
export function withOwnerActions(card: AdaptiveCard, s: Strat, inviteeId: string, note = "", noteColor = "Good"): AdaptiveCard {
  const mine = s.state.actions.filter((a) => a.ownerInviteeId === inviteeId);
  if (!mine.length && !note) return card;
  const data = (a: Action) => ({ stratId: s.id, inviteeId, actionId: a.id });
  const section: unknown[] = [
    { type: "TextBlock", text: `Your actions (${mine.length})`, weight: "Bolder", size: "Medium", wrap: true, separator: true, spacing: "Large" },
    ...(note ? [{ type: "TextBlock", text: note, wrap: true, color: noteColor }] : []),
    ...mine.map((a) => ({
      type: "Container", separator: true,
      items: [
        { type: "TextBlock", text: `**${a.id}** · ${a.what}`, wrap: true },
        { type: "TextBlock", text: `By ${showLondon(a.byWhen)} · ${a.status} · purpose: ${a.purpose}`, wrap: true, spacing: "None", isSubtle: true },
        ...(a.updates.length ? [{ type: "TextBlock", text: `Latest: ${latestUpdateWords(a)}`, wrap: true, spacing: "None", isSubtle: true }] : []),
        ...(a.status === "open" ? [
          { type: "Input.Text", id: `update-${a.id}`, label: "Update", isMultiline: true, maxLength: 1000 },
          { type: "ActionSet", actions: [
            { type: "Action.Execute", title: "Add update", verb: "actionUpdate", data: data(a) },
            { type: "Action.Execute", title: "Done", verb: "actionDone", style: "positive", data: data(a) },
          ] },
        ] : []),
      ],
    })),
  ];
  return { ...card, body: [...(card.body as unknown[]), ...section] };
}
