/** The protocol engine's public API (DOMAIN.md §2–§6). Pure: profile files are read by src/infra/profiles. */
export { buildProfiles, parseHolidayOverrides } from "./load-profiles.js";
export type { Profile, ProfileInfo, ProfileRegistry, ProfileFileJson } from "./load-profiles.js";
export {
  computeDeadline,
  recordDue,
  outOfHoursRecordDue,
  recordRecipient,
  icpcDue,
  childSeenDue,
  s47Due,
  returnInterviewDue,
  missingReconveneDue,
  missingHeadOfServiceDue,
  missingDirectorNotifications,
  followOnDue,
  chairRequirement,
  icpcAtStrat,
} from "./deadlines.js";
export type { ChairRequirement, DeadlineResult, AppliedRule, FollowOnResult, FollowOnStepDue, RecordDueResult } from "./deadlines.js";
export { recommendInvitees } from "./invitees.js";
export type { Invitee } from "./invitees.js";
export { assessQuorum, attendanceByRole } from "./quorum.js";
export type { AttendanceEntry, AttendanceGroup, InvitationRole, QuorumResult } from "./quorum.js";
export { scoreMissingRisk, ragBand, RISK_ITEMS, RISK_SECTIONS } from "./missing-risk.js";
export type { MissingRiskResult, RagBand, RiskItem } from "./missing-risk.js";
export { parseReferral, parseInstant, referralInput, ZReferral, CONCERNS, ageInYears } from "./referral.js";
export type { Referral, ReferralInput, Concern } from "./referral.js";
export { QUORUM_ROLES, RECORD_SECTION_TITLES, RECORD_SECTIONS } from "./profile-schema.js";
export type { QuorumRole, RecordField, RecordSection } from "./profile-schema.js";
export { recordRules } from "./record.js";
export { WorkingCalendar } from "../time/working-time.js";
