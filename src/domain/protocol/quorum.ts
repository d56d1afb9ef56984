/**
 * Q-1 quorum (DOMAIN.md §4; bromley-2023 §2): CSC (chair), police and health must attend; without any
 * one of the profile's quorum roles the strat is inquorate, and the missing roles are listed (the
 * reason for non-attendance is recorded and escalated to senior managers).
 *
 * Quorum is counted by the role of the attendee's invitation, not their organisation (DOMAIN.md §4;
 * bristol-2024 4.2 names who counts): a health visitor (I-HV) from the same trust as the safeguarding team
 * does not make health quorate. A delegate stands in for an invitation and so fills its role.
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

/** An invitation as attendance reads it: which agency, and the quorum role it fills (null: none). */
export interface InvitationRole {
  id: string;
  agency: string;
  quorumRole: QuorumRole | null;
}

/** Who attended for one agency in one quorum role (the record stays per agency, R-*). */
export interface AttendanceGroup {
  agency: string;
  quorumRole: QuorumRole | null;
  /** The invitations of this agency and role whose attendee (or their delegate) attended. */
  inviteeIds: string[];
  attended: boolean;
}

/**
 * attendance per agency and per role, so an agency's quorum role is filled only by an attendee whose own
 * invitation fills it (never by a colleague of the same organisation invited for another reason).
 */
export function attendanceByRole(invitations: readonly InvitationRole[], attendedIds: readonly string[]): AttendanceGroup[] {
  const attended = new Set(attendedIds);
  const groups = new Map<string, AttendanceGroup>();
  for (const i of invitations) {
    const key = JSON.stringify([i.agency, i.quorumRole]);
    const g = groups.get(key) ?? { agency: i.agency, quorumRole: i.quorumRole, inviteeIds: [], attended: false };
    if (attended.has(i.id)) {
      g.inviteeIds.push(i.id);
      g.attended = true;
    }
    groups.set(key, g);
  }
  return [...groups.values()];
}
