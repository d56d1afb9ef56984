/** `invitees` and the invitation card verbs: translate card data to the use cases, and their results to cards. */
import type { AppContext } from "../../src/app/context.js";
import { invitationByLink, linkActor, respondToInvitation } from "../../src/app/respond-to-invitation.js";
import type { RecordFileOut, RenderRecordFile } from "../../src/app/distribute-record.js";
import { recordForLink } from "../../src/app/record-link.js";
import { sendInvitations } from "../../src/app/send-invitations.js";
import { addStratInvitee, isChair, isStaleCard, refreshInvitees, removeStratInvitee } from "../../src/app/strat-commands.js";
import { AppError, isAppError } from "../../src/domain/errors.js";
import type { AddInviteeInput } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import {
  keepsLatest, parseCardData, pressKey, ZInvitationViewData, ZInviteeAddData, ZInviteeRemoveData, ZInviteesSendData, ZRespondData,
} from "../actions/card-data.js";
import { fieldError, formOf, resolveStrat, strategyFor } from "../strat-turn.js";
import type { ActionHandler, CommandHandler, Turn } from "../turn.js";
import { invitationCard, inviteesCard } from "../views/invitation.js";
import { withOwnerActions } from "../views/meeting.js";
import { linkActionAnswer } from "./meeting.js";
import { staleCard } from "../views/stale.js";

/** `invitees`: the recommended list (first time: computed by the engine) with rule ids and reasons. */
export function inviteesCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "invitees");
    if (!r) return;
    let s = r.strat;
    if (!isChair(s, turn.actor)) {
      await turn.sendText("Only the chair manages the invitees.");
      return;
    }
    const rest = r.rest.toLowerCase();
    // Recommendations not yet applied (a reconvened strat may start with the named police officer only): apply them.
    if (s.state.inviteesAt === null || rest.startsWith("refresh")) {
      s = (await refreshInvitees(ctx, turn.actor, s.id, { dedupeKey: turn.activityId ? `${turn.activityId}:invitees` : undefined })).strat;
    }
    // A mailbox typed in: "invitees add sarc@nhs.example.org SARC as health because …" (Q-1: a role needs its reason).
    const typedAdd = turn.mentions.length ? null : typedInvitee(r.rest);
    if (typedAdd) {
      try {
        s = (await addStratInvitee(ctx, turn.actor, s.id, typedAdd, { dedupeKey: turn.activityId ? `${turn.activityId}:inviteeAdd` : undefined })).strat;
      } catch (e) {
        if (!isAppError(e) || e.code !== "invalid_input") throw e;
        await turn.sendText(`${e.userMessage} Nothing was saved.`);
        return;
      }
    }
    // Teams users added by @mention: "invitees add @Pat Police".
    if (rest.startsWith("add") && turn.mentions.length) {
      // Teams puts each mention in the text as <at>Name</at>; what is left after "add" is the agency.
      const agency = r.rest.replace(/<at>.*?<\/at>/gi, " ").replace(/^\s*add\b/i, "").replace(/\s+/g, " ").trim() || "Council";
      for (const m of turn.mentions) {
        s = (await addStratInvitee(ctx, turn.actor, s.id, { address: null, name: m.name, agency, teamsUserId: m.id })).strat;
      }
    }
    await turn.sendCard(inviteesCard(ctx, cards, s, { showLinks: true }));
  };
}

/** `add <email> <agency> [as police|health [because <reason>]]`; null when the text is not that. */
const TYPED_ADD = /^add\s+([^@\s]+@[^@\s]+\.[^@\s]+)\s+(.+?)(?:\s+as\s+(police|health)\b(?:\s+because\s+(.*))?)?\s*$/i;

function typedInvitee(rest: string): AddInviteeInput | null {
  const m = TYPED_ADD.exec(rest.trim());
  if (!m) return null;
  const agency = m[2]!.trim();
  const role = m[3]?.toLowerCase();
  return { address: m[1]!, name: agency, agency, quorumRole: role === "police" || role === "health" ? role : null, quorumReason: m[4] ?? null };
}

const ADD_INPUTS = ["addEmail", "addName", "addAgency", "addQuorumRole", "addQuorumReason"] as const;
const REMOVE_INPUTS = ["removeId", "removeReason"] as const;

/** The card's inputs as typed, trimmed (shown back after a refusal). */
const typed = (data: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(formOf(data, keys)).map(([k, v]) => [k, v.trim()]));

/**
 * The invitees card refused as out of date (issue 11 point 3): the chair's entries stay in the form, what is saved
 * now is beside them, and only "Use mine" (checked against the version shown) saves them.
 */
const staleInviteesCard = (
  ctx: AppContext, cards: CardRenderer, s: Strat, form: Record<string, string>, verb: string, latest: Record<string, string> | null, note: string,
) => staleCard(inviteesCard(ctx, cards, s, { form, showLinks: true }), s, { what: "the invitees", verb, latest, note });

const keptLatest = (ctx: AppContext, cards: CardRenderer, s: Strat) =>
  inviteesCard(ctx, cards, s, { notice: "You kept the saved invitees; yours were not saved.", showLinks: true });

export function inviteeAddAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    if (keepsLatest(data)) return { card: keptLatest(ctx, cards, s) };
    const form = typed(data, ADD_INPUTS);
    const p = parseCardData(ZInviteeAddData, data);
    if (!p.ok) return { card: inviteesCard(ctx, cards, s, { errors: { add: p.message }, form }) };
    const d = p.data;
    const invited = (x: Strat) => x.state.invitees.find((i) => !i.removed && i.address === d.addEmail.toLowerCase());
    try {
      const out = await addStratInvitee(ctx, turn.actor, s.id,
        { address: d.addEmail, name: d.addName, agency: d.addAgency, quorumRole: d.addQuorumRole, quorumReason: d.addQuorumReason || null },
        { expectedVersion: d.version, dedupeKey: pressKey("inviteeAdd", data) });
      // A repeated press (Teams redelivers, or a double press) answers with the first one's result (issue 11 point 4).
      const id = out.result?.id ?? invited(out.strat)?.id ?? "";
      const role = d.addQuorumRole ? `, counts as ${d.addQuorumRole} for the quorum` : "";
      const notice = out.duplicate
        ? `Already added ${id}: ${d.addName} (${d.addAgency})${role} (the same press arrived twice; nothing changed).`
        : `Added ${id}: ${d.addName} (${d.addAgency})${role}.`;
      return { card: inviteesCard(ctx, cards, out.strat, { notice, noticeColor: "Good", showLinks: true }) };
    } catch (e) {
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      if (isStaleCard(e)) {
        const now = invited(fresh);
        return {
          card: staleInviteesCard(ctx, cards, fresh, form, "inviteeAdd",
            now ? { addEmail: now.address ?? "", addName: now.name, addAgency: now.agency } : null,
            now ? `${now.id} has this email now.` : `No invitee has this email now (the current invitees are listed above).`),
        };
      }
      const fe = fieldError(e, ["quorumReason"]);
      return { card: inviteesCard(ctx, cards, fresh, { errors: { add: fe.formError, ...fe.errors }, form }) };
    }
  };
}

export function inviteeRemoveAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    if (keepsLatest(data)) return { card: keptLatest(ctx, cards, s) };
    const form = typed(data, REMOVE_INPUTS);
    const p = parseCardData(ZInviteeRemoveData, data);
    if (!p.ok) return { card: inviteesCard(ctx, cards, s, { errors: { remove: p.message }, form }) };
    const { removeId: id, removeReason, version } = p.data;
    try {
      const out = await removeStratInvitee(ctx, turn.actor, s.id, id, removeReason || null, { expectedVersion: version, dedupeKey: pressKey("inviteeRemove", data) });
      const notice = out.duplicate ? `Already removed ${id} (the same press arrived twice; nothing changed).` : `Removed ${id}.`;
      return { card: inviteesCard(ctx, cards, out.strat, { notice, noticeColor: "Good", showLinks: true }) };
    } catch (e) {
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      if (isStaleCard(e)) {
        const inv = fresh.state.invitees.find((i) => i.id === id);
        const removed = inv?.removed;
        return {
          card: staleInviteesCard(ctx, cards, fresh, form, "inviteeRemove",
            { removeId: id, ...(removed ? { removeReason: removed.reason } : {}) },
            !inv ? `There is no invitee ${id}.` : removed ? `${id} (${inv.agency}) was removed since.` : `${id} (${inv.agency}) is still invited.`),
        };
      }
      return { card: inviteesCard(ctx, cards, fresh, { errors: { remove: fieldError(e, []).formError }, form }) };
    }
  };
}

/** Send invitations (send-invitations.ts): the cards go out; the chair sees who got what, and the mailboxes' links. */
export function inviteesSendAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const p = parseCardData(ZInviteesSendData, data);
    if (!p.ok) return { card: inviteesCard(ctx, cards, s, { notice: p.message, noticeColor: "Attention" }) };
    if (!isChair(s, turn.actor)) throw new AppError("forbidden", "Only the chair sends the invitations.", "actor");
    const out = await sendInvitations(ctx, turn.actor, s.id, {
      card: (strat, i) => invitationCard(cards, strat, i, { teamsUserIds: [i.teamsUserId!, turn.actor.altId ?? turn.actor.id] }),
      conversationId: turn.conversationId,
      showHere: (card) => turn.sendCard(card),
    }, { dedupeKey: pressKey("inviteesSend", data) });
    // A repeated press sends nothing again and answers with the first one's result (issue 11 point 4).
    const again = out.duplicate ? "Invitations already sent (the same press arrived twice; nothing was sent again). " : "";
    return {
      card: inviteesCard(ctx, cards, out.strat, {
        notice: `${again}Invitations: ${out.teams} in Teams (${out.personal} sent to the invitee's own chat with the bot); ${out.mailboxes} agency mailboxes ${
          out.strat.state.meeting ? "got the calendar invitation and their personal response link with the meeting" : "get the calendar invitation and their personal response link when you book the meeting (type schedule)"
        }; their links are below.${out.noAddress ? ` ${out.noAddress} invitee(s) have no address yet.` : ""}`,
        noticeColor: "Good",
        showLinks: true,
      }),
    };
  };
}

/** An invitee answers on the Teams card (respond-to-invitation.ts, as the link and Outlook do). */
export function respondAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => ({ card: (await respondWith(ctx, cards, turn.actor, data, "teams", turn.activityId ?? undefined)).card });
}

/** Card data of the `respond` verb → the use case → the invitation card (with the error beside it when refused). */
export async function respondWith(
  ctx: AppContext, cards: CardRenderer, actor: Turn["actor"], data: Record<string, unknown>, via: "teams" | "link", dedupeKey?: string,
): Promise<{ card: AdaptiveCard; saved: boolean; message: string }> {
  const p = parseCardData(ZRespondData, data);
  const stratId = typeof data.stratId === "string" ? data.stratId : "";
  const inviteeId = typeof data.inviteeId === "string" ? data.inviteeId : "";
  const sameCard = async (message: string) => {
    const s = stratId ? await ctx.strats.get(stratId) : null;
    const inv = s?.state.invitees.find((i) => i.id === inviteeId);
    if (!s || !inv) throw new AppError("not_found", "This invitation no longer exists.", "invitation");
    return { card: invitationCard(cards, s, inv, { error: message }), saved: false, message };
  };
  if (!p.ok) {
    if (p.field === "stratId" || p.field === "inviteeId") throw new AppError("not_found", "This invitation no longer exists.", "invitation");
    return sameCard(p.message);
  }
  const d = p.data;
  // No read before the change: the use case checks the actor on the version it writes.
  try {
    const out = await respondToInvitation(
      ctx, actor, d.stratId, d.inviteeId,
      {
        kind: d.kind, via,
        reason: d.reason || null,
        delegate: d.kind === "delegate" ? { name: d.delegateName, role: d.delegateRole } : null,
        report: d.kind === "report" ? d.report : null,
      },
      { dedupeKey },
    );
    const inv = out.result ?? out.strat.state.invitees.find((i) => i.id === d.inviteeId)!;
    return { card: invitationCard(cards, out.strat, inv), saved: true, message: "Thank you: your answer is saved. You can change it on this page." };
  } catch (e) {
    if (isAppError(e) && (e.code === "invalid_input" || e.code === "conflict")) return sameCard(`${e.userMessage} Nothing was saved.`);
    if (isAppError(e) && (e.code === "forbidden" || e.code === "not_found")) throw new AppError("not_found", "This invitation is not yours, or it no longer exists.", "invitation");
    throw e;
  }
}

/** The refresh of an invitation card (user-specific view): the latest answer for that invitee. */
export function invitationViewAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const p = parseCardData(ZInvitationViewData, data);
    const inv = p.ok ? s.state.invitees.find((i) => i.id === p.data.inviteeId) : undefined;
    if (!inv) throw new AppError("not_found", "This invitation no longer exists.", "invitation");
    return { card: invitationCard(cards, s, inv) };
  };
}

/**
 * The signed response link's page (served by the HTTP host through this interface): the invitation card
 * for the link's own invitee, and its answer — the same card template and the same use case as in Teams.
 */
export interface ResponseLinkPages {
  /** The invitation card the link shows, or null for a bad or expired link. */
  card(token: string): Promise<AdaptiveCard | null>;
  /** An answer posted from the page: the HTTP status and what the page shows. */
  answer(token: string, body: unknown): Promise<{ status: number; card?: AdaptiveCard; message: string; refused?: "mismatch" }>;
  /** The verified record's PDF for the link's invitee (issue 13 point 3); null before verification or for a bad link. */
  record(token: string): Promise<RecordFileOut | null>;
}

export function responseLinkPages(ctx: AppContext, cards: CardRenderer, render: RenderRecordFile): ResponseLinkPages {
  return {
    async card(token) {
      const found = await invitationByLink(ctx, token);
      if (!found) return null;
      const card = withOwnerActions(invitationCard(cards, found.strat, found.invitee), found.strat, found.invitee.id);
      return found.strat.status === "closed" ? withRecordLink(card, `${encodeURIComponent(token)}/record.pdf`) : card;
    },
    record: (token) => recordForLink(ctx, token, render),
    async answer(token, raw) {
      const found = await invitationByLink(ctx, token);
      if (!found) return { status: 404, message: "This link is not valid or has expired. Ask the chair for a new one." };
      const body = (raw ?? {}) as { verb?: unknown; data?: unknown };
      const data = body.data && typeof body.data === "object" ? (body.data as Record<string, unknown>) : {};
      if (body.verb === "actionUpdate" || body.verb === "actionDone") return linkActionAnswer(ctx, cards, found, body.verb, data);
      // The link answers for its own invitee and strat only: a card carrying other ids is refused.
      if (body.verb !== "respond" || data.stratId !== found.strat.id || data.inviteeId !== found.invitee.id) {
        return { status: 403, message: "This answer does not match this link. Nothing was saved.", refused: "mismatch" };
      }
      try {
        const out = await respondWith(ctx, cards, linkActor(found.invitee.address!), data, "link");
        return { status: out.saved ? 200 : 400, card: withOwnerActions(out.card, found.strat, found.invitee.id), message: out.message };
      } catch (e) {
        if (isAppError(e) && e.code !== "internal") return { status: e.code === "forbidden" ? 403 : 400, message: `${e.userMessage} Nothing was saved.` };
        throw e;
      }
    },
  };
}

/** After verification, the response link page offers the record (its PDF, through the same link: issue 13 point 3). */
function withRecordLink(card: AdaptiveCard, href: string): AdaptiveCard {
  const link = { type: "TextBlock", text: `[Read the record (PDF)](${href})`, wrap: true, separator: true, spacing: "Large" };
  return { ...card, body: [...(card.body as unknown[]), link] };
}
