/**
 * Which recipients changed when the recommendations were re-applied at a new meeting time (DOMAIN.md §4: out of
 * hours is decided at the meeting instant; I-POL ↔ I-POL-OOH, I-HOSP ↔ I-HOSP-OOH, Bristol I-EDT / I-CPAED-OOH).
 * Pure: compares the invitees before and after `applyRecommendations`. Names and agencies only (directory
 * entries, never a child's details): it goes in the audit entry and in the chair's reply.
 */
import type { Invitee, StratState } from "./state.js";

export interface RouteEntry {
  id: string;
  name: string;
  /** Who it stands for: the quorum role (police, health) or the agency. */
  group: string;
  /** A phone line instead of a mailbox (I-HOSP-OOH switchboard). */
  phone: string | null;
}

export interface Reroute {
  /** Out of hours at the new meeting time (else in working hours). */
  outOfHours: boolean;
  added: RouteEntry[];
  dropped: RouteEntry[];
  /** Still invited, now only copied (cc), or now the main recipient again. */
  copied: RouteEntry[];
  uncopied: RouteEntry[];
  /** No longer recommended at this time but kept because they already answered (the new route is added beside them). */
  answeredKept: RouteEntry[];
}

const entry = (i: Invitee): RouteEntry => ({ id: i.id, name: i.name, group: i.quorumRole ?? i.agency, phone: i.phone });

/** What the engine recommends, as applyRecommendations matches it: by address, else by rule and name. */
export interface RecommendedKey { address: string | null; rule: string; name: string }

/** The change, or null when the recipients are the same (nothing to tell the chair). */
export function rerouteOf(before: StratState, after: StratState, recs: readonly RecommendedKey[], outOfHours: boolean): Reroute | null {
  const was = new Map(before.invitees.filter((i) => !i.removed).map((i) => [i.id, i]));
  const now = after.invitees.filter((i) => !i.removed);
  const nowIds = new Set(now.map((i) => i.id));
  const added = now.filter((i) => !was.has(i.id));
  const dropped = [...was.values()].filter((i) => !nowIds.has(i.id));
  const kept = now.filter((i) => was.has(i.id));
  const copied = kept.filter((i) => i.cc && !was.get(i.id)!.cc);
  const uncopied = kept.filter((i) => !i.cc && was.get(i.id)!.cc);
  if (!added.length && !dropped.length && !copied.length && !uncopied.length) return null;
  const addresses = new Set(recs.flatMap((r) => (r.address ? [r.address.toLowerCase()] : [])));
  const recommended = (i: Invitee) => (i.address ? addresses.has(i.address) : recs.some((r) => !r.address && r.rule === i.rule && r.name === i.name));
  // applyRecommendations keeps an answered recommendation even when the new time no longer recommends it.
  const answeredKept = kept.filter((i) => i.source === "recommended" && i.response !== null && !recommended(i));
  return {
    outOfHours, added: added.map(entry), dropped: dropped.map(entry), copied: copied.map(entry), uncopied: uncopied.map(entry), answeredKept: answeredKept.map(entry),
  };
}
