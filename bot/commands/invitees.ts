import type { AppContext } from "../../src/app/context.js";
import { addStratInvitee, isChair, refreshInvitees, removeStratInvitee, respondToInvitation } from "../../src/app/strat-commands.js";
import { AppError, isAppError } from "../../src/domain/errors.js";
import { parseState, type Invitee } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { showLondon } from "../../src/app/london-time.js";
import { fieldError, resolveStrat, str, strategyFor, stratHeader, versionOf } from "../strat-turn.js";
import type { ActionHandler, CommandHandler, Turn } from "../turn.js";
import { concernsOf } from "./status.js";

const ANSWER_WORDS: Record<string, string> = {
  accepted: "accepted", declined: "declined", tentative: "tentative", delegate: "sending a delegate", report: "sending a written report", none: "no answer yet",
};

export function describeAnswer(i: Invitee): string {
  const r = i.response;
  if (!r || r.kind === "none") return "";
  const extra = r.kind === "declined" ? ` (${r.reason})` : r.kind === "delegate" ? ` (${r.delegate?.name}, ${r.delegate?.role})` : "";
  return `${ANSWER_WORDS[r.kind]}${extra} · via ${r.via} · ${showLondon(r.at)}`;
}

/** The signed link an agency mailbox answers through (valid for this invitee and strat only). */
export function responseLink(ctx: AppContext, s: Strat, inviteeId: string): string {
  if (!ctx.links || !ctx.publicUrl) return "";
  const expires = new Date(Math.max(s.dueAt.getTime(), ctx.clock.now().getTime()) + 14 * 86_400_000);
  return `${ctx.publicUrl.replace(/\/$/, "")}/respond/${ctx.links.token(s.id, inviteeId, expires)}`;
}

export function inviteesCard(
  ctx: AppContext, cards: CardRenderer, s: Strat,
  opts: { notice?: string; noticeColor?: string; errors?: Record<string, string>; form?: Record<string, string>; showLinks?: boolean } = {},
): AdaptiveCard {
  const st = parseState(s.state);
  const current = st.invitees.filter((i) => !i.removed);
  return cards.render("invitees", {
    ...stratHeader(s),
    at: st.inviteesAt ? showLondon(st.inviteesAt) : "now",
    notice: opts.notice ?? "",
    noticeColor: opts.noticeColor ?? "Default",
    invitees: current.map((i) => ({
      id: i.id, name: i.name, agency: i.agency, address: i.address ?? "no address yet: add one (the local address book has none)",
      quorum: i.quorumRole ? ` · quorum: ${i.quorumRole}` : i.action === "notify" ? " · notify only" : "",
      rule: i.rules.length ? i.rules.join(", ") : "chair", reason: i.reason, answer: describeAnswer(i),
      link: opts.showLinks && i.address && i.action === "invite" ? responseLink(ctx, s, i.id) : "",
    })),
    removed: st.invitees.filter((i) => i.removed).map((i) => ({ id: i.id, name: i.name, agency: i.agency, why: i.removed!.reason })),
    current: current.map((i) => ({ id: i.id, name: i.name, agency: i.agency })),
    errors: { add: "", remove: "", ...(opts.errors ?? {}) },
    form: { addEmail: "", addName: "", addAgency: "", removeId: "", removeReason: "", ...(opts.form ?? {}) },
  });
}

/** The invitation (I-WORD): case reference, presenting issues, when, the link — never the child's name. */
export function invitationCard(
  ctx: AppContext, cards: CardRenderer, s: Strat, invitee: Invitee, opts: { error?: string; teamsUserIds?: string[] } = {},
): AdaptiveCard {
  const st = parseState(s.state);
  const answered = describeAnswer(invitee);
  const card = cards.render("invitation", {
    stratId: s.id, inviteeId: invitee.id, ref: s.ref, caseRef: s.caseRef, inviteeName: invitee.name, agency: invitee.agency,
    issues: concernsOf(s.referral) || "—",
    when: st.meeting ? `${showLondon(st.meeting.start)} – ${showLondon(st.meeting.end).slice(-5)}` : "to be arranged (you will get the meeting invitation)",
    due: `${showLondon(s.dueAt)} (${s.dueRule})`,
    why: `${invitee.rules.join(", ") || "added by the chair"}: ${invitee.reason}`,
    joinUrl: st.meeting?.joinUrl ?? "",
    answered: answered ? `Your answer: ${answered}. You can change it below until the meeting is closed.` : "",
    error: opts.error ?? "",
    open: s.status === "open",
  });
  // User-specific views: the chair and the invitee refresh automatically (at most 60 ids; Teams ignores it elsewhere).
  const ids = (opts.teamsUserIds ?? []).slice(0, 60);
  if (ids.length) (card.refresh as { userIds: string[] }).userIds = ids;
  else delete card.refresh;
  if (s.status !== "open") delete card.actions;
  return card;
}

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
    if (parseState(s.state).invitees.length === 0 || rest.startsWith("refresh")) {
      s = (await refreshInvitees(ctx, turn.actor, s.id, { dedupeKey: turn.activityId ? `${turn.activityId}:invitees` : undefined })).strat;
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

export function inviteeAddAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const form = { addEmail: str(data, "addEmail").trim(), addName: str(data, "addName").trim(), addAgency: str(data, "addAgency").trim() };
    const missing = !form.addEmail || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.addEmail) ? "an email address" : !form.addName ? "a name or team" : !form.addAgency ? "the agency" : "";
    if (missing) return { card: inviteesCard(ctx, cards, s, { errors: { add: `To add an invitee, give ${missing}. Nothing was saved.` }, form }) };
    try {
      const out = await addStratInvitee(ctx, turn.actor, s.id, { address: form.addEmail, name: form.addName, agency: form.addAgency }, { expectedVersion: versionOf(data) });
      return { card: inviteesCard(ctx, cards, out.strat, { notice: `Added ${out.result?.id}: ${form.addName} (${form.addAgency}).`, noticeColor: "Good", showLinks: true }) };
    } catch (e) {
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      return { card: inviteesCard(ctx, cards, fresh, { errors: { add: `${fieldError(e, []).formError}` }, form }) };
    }
  };
}

export function inviteeRemoveAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const id = str(data, "removeId");
    const reason = str(data, "removeReason").trim() || null;
    if (!id) return { card: inviteesCard(ctx, cards, s, { errors: { remove: "Choose the invitee to remove." } }) };
    try {
      const out = await removeStratInvitee(ctx, turn.actor, s.id, id, reason, { expectedVersion: versionOf(data) });
      return { card: inviteesCard(ctx, cards, out.strat, { notice: `Removed ${id}.`, noticeColor: "Good", showLinks: true }) };
    } catch (e) {
      const fresh = (await ctx.strats.get(s.id)) ?? s;
      return { card: inviteesCard(ctx, cards, fresh, { errors: { remove: fieldError(e, []).formError }, form: { removeId: id, removeReason: reason ?? "" } }) };
    }
  };
}

/**
 * Send invitations: each Teams invitee gets the invitation card in this conversation (their own view);
 * every mailbox gets its signed link (sent in the invitation email when Graph is configured).
 */
export function inviteesSendAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    if (!isChair(s, turn.actor)) throw new AppError("forbidden", "Only the chair sends the invitations.", "actor");
    const st = parseState(s.state);
    const teams = st.invitees.filter((i) => !i.removed && i.teamsUserId && i.action === "invite");
    // Each Teams invitee gets the card in their own chat with the bot when there is one (proactive, through
    // the stored conversation reference); otherwise here, where the chair and invitee see their own view.
    let personal = 0;
    for (const i of teams) {
      const card = invitationCard(ctx, cards, s, i, { teamsUserIds: [i.teamsUserId!, turn.actor.altId ?? turn.actor.id] });
      const own = ctx.notifier ? await ctx.conversations.personalConversationOf([i.teamsUserId!]) : null;
      if (own && own !== turn.conversationId && (await ctx.notifier!.toConversation(own, { text: `Invitation: ${s.ref}`, card })) === "sent") personal += 1;
      else await turn.sendCard(card);
    }
    const mailboxes = st.invitees.filter((i) => !i.removed && i.address && i.action === "invite").length;
    const noAddress = st.invitees.filter((i) => !i.removed && !i.address && !i.teamsUserId).length;
    ctx.log.info({ stratRef: s.ref, teams: teams.length, mailboxes }, "invitations prepared");
    return {
      card: inviteesCard(ctx, cards, s, {
        notice: `Invitations: ${teams.length} in Teams (${personal} in the invitee's own chat with the bot), ${mailboxes} by email with a personal response link (below).${noAddress ? ` ${noAddress} invitee(s) have no address yet.` : ""} Type schedule to book the meeting.`,
        noticeColor: "Good",
        showLinks: true,
      }),
    };
  };
}

/** An invitee answers (Teams card or the signed link page: the same use case). */
export function respondAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => ({ card: (await respondWith(ctx, cards, turn.actor, data, "teams", turn.activityId ?? undefined)).card });
}

export async function respondWith(
  ctx: AppContext, cards: CardRenderer, actor: Turn["actor"], data: Record<string, unknown>, via: "teams" | "link", dedupeKey?: string,
): Promise<{ card: AdaptiveCard; saved: boolean; message: string }> {
  const stratId = str(data, "stratId");
  const inviteeId = str(data, "inviteeId");
  const kind = str(data, "kind");
  if (!["accepted", "declined", "delegate", "report"].includes(kind)) throw new AppError("invalid_input", "Unknown answer.", "kind");
  if (!stratId || !inviteeId) throw new AppError("not_found", "This invitation no longer exists.", "invitation");
  // No read before the change: the use case checks the actor on the version it writes.
  try {
    const out = await respondToInvitation(
      ctx, actor, stratId, inviteeId,
      {
        kind: kind as "accepted", via,
        reason: str(data, "reason").trim() || null,
        delegate: kind === "delegate" ? { name: str(data, "delegateName").trim(), role: str(data, "delegateRole").trim() } : null,
        report: kind === "report" ? str(data, "report").trim() : null,
      },
      { dedupeKey },
    );
    const inv = out.result ?? parseState(out.strat.state).invitees.find((i) => i.id === inviteeId)!;
    return { card: invitationCard(ctx, cards, out.strat, inv), saved: true, message: "Thank you: your answer is saved. You can change it on this page." };
  } catch (e) {
    if (isAppError(e) && (e.code === "invalid_input" || e.code === "conflict")) {
      const s = await ctx.strats.get(stratId);
      const inv = s ? parseState(s.state).invitees.find((i) => i.id === inviteeId) : undefined;
      if (!s || !inv) throw new AppError("not_found", "This invitation no longer exists.", "invitation");
      const message = `${e.userMessage} Nothing was saved.`;
      return { card: invitationCard(ctx, cards, s, inv, { error: message }), saved: false, message };
    }
    if (isAppError(e) && (e.code === "forbidden" || e.code === "not_found")) throw new AppError("not_found", "This invitation is not yours, or it no longer exists.", "invitation");
    throw e;
  }
}

/** The refresh of an invitation card (user-specific view): the latest answer for that invitee. */
export function invitationViewAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const inv = parseState(s.state).invitees.find((i) => i.id === str(data, "inviteeId"));
    if (!inv) throw new AppError("not_found", "This invitation no longer exists.", "invitation");
    return { card: invitationCard(ctx, cards, s, inv) };
  };
}
