/**
 * The named police officer of a looked-after child's repeated missing strats (issue 12 point 10, bromley-2023
 * Appendix 5): kept from one strat of the case to the next, and invited again on `reconvene` and on a new
 * missing strat for the same case and child.
 */
import type { Referral } from "../domain/protocol/index.js";
import { addInvitee, type Invitee, type StratState } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { AppContext } from "./context.js";

export const NAMED_OFFICER_REASON = "Named police officer for this child's repeated missing episodes (bromley-2023 Appendix 5)";

/**
 * bromley-2023 Appendix 5: a looked-after child's repeated missing strats keep the same police officer. The named
 * officer of a strat is its police attendee by name (an attended invitation filling the police role, not a generic
 * mailbox such as the front door), or, when attendance was not recorded, the named officer it was itself given.
 */
export function namedPoliceOfficer(prev: Strat): Invitee | null {
  const r = prev.referral;
  if (!r.concerns.includes("missing") || !r.children.some((c) => c.lookedAfter)) return null;
  const named = (i: Invitee | undefined): i is Invitee => !!i && !i.removed && !i.generic && !!(i.address || i.teamsUserId);
  const st = prev.state;
  const attended = (st.attendance?.entries ?? []).filter((e) => e.quorumRole === "police" && e.attended)
    .flatMap((e) => e.inviteeIds).map((id) => st.invitees.find((i) => i.id === id)).find(named);
  return attended ?? st.invitees.find((i) => named(i) && i.reason.startsWith(NAMED_OFFICER_REASON)) ?? null;
}

/** The named officer and the strat they are kept from (the chair reads "kept from SD-…", issue 14 point 6). */
export interface KeptOfficer { officer: Invitee; from: string }

export const keptOfficer = (prev: Strat): KeptOfficer | null => {
  const officer = namedPoliceOfficer(prev);
  return officer ? { officer, from: prev.ref } : null;
};

/**
 * A new missing strat for a looked-after child: the named officer of the latest earlier strat of the same case and
 * child, if any, whichever missing episode it was about (a new report opens a new episode; the officer is kept).
 */
export async function namedOfficerForCase(ctx: AppContext, caseRef: string, referral: Referral): Promise<KeptOfficer | null> {
  const children = new Set(referral.children.filter((c) => c.lookedAfter).map((c) => c.ref));
  if (!referral.concerns.includes("missing") || !children.size) return null;
  for (const prev of await ctx.strats.listByCase(caseRef)) {
    if (!prev.referral.children.some((c) => children.has(c.ref))) continue;
    const kept = keptOfficer(prev);
    if (kept) return kept;
  }
  return null;
}

/** The named officer invited again, filling police beside the front door the engine recommends; the chair may remove them as usual. */
export function withNamedOfficer(state: StratState, kept: KeptOfficer | null): StratState {
  if (!kept) return state;
  const { officer, from } = kept;
  const [inv, next] = addInvitee(state, {
    address: officer.address, name: officer.name, agency: officer.agency, role: officer.role, teamsUserId: officer.teamsUserId,
    quorumRole: "police", quorumReason: "the named police officer",
  });
  const reason = `${NAMED_OFFICER_REASON}, kept from ${from}`;
  return { ...next, invitees: next.invitees.map((i) => (i.id === inv.id ? { ...i, reason, publicReason: NAMED_OFFICER_REASON } : i)) };
}
