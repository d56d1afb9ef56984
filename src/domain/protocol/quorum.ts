/**
 * Q-1 quorum (DOMAIN.md §4; bromley-2023 §2): CSC (chair), police and health must attend; without any
 * one of the profile's quorum roles the strat is inquorate, and the missing roles are listed (the
 * reason for non-attendance is recorded and escalated to senior managers).
 */
import type { ProfileBase as Profile } from "./profile.js";
import type { QuorumRole } from "./profile-schema.js";

export interface AttendanceEntry {
  quorumRole: QuorumRole | null;
  attended: boolean;
  agency?: string;
}

export interface QuorumResult {
  rule: "Q-1";
  quorate: boolean;
  missing: QuorumRole[];
}

export function assessQuorum(profile: Profile, attendance: readonly AttendanceEntry[]): QuorumResult {
  const present = new Set<QuorumRole>();
  for (const a of attendance) if (a.attended && a.quorumRole) present.add(a.quorumRole);
  const missing = profile.quorum.roles.filter((r) => !present.has(r));
  return { rule: "Q-1", quorate: missing.length === 0, missing };
}
