/**
 * Issue 14 point 4: the escalations of a missing episode as instants and the role told at each (pure).
 * T-MDCS (bromley-missing-2020 §9.2, §9.5): a looked-after child missing > 24 h → the Director; at 48 h the DCS
 * considers informing the Deputy Chief Executive; any child missing > 72 h → the DCS. T-MHOS (bromley-2023
 * Appendix 5): missing > 7 days → the chair's seniority becomes Head of Service and the Head of Service is told.
 */
import { missingDirectorNotifications, missingHeadOfServiceDue } from "../protocol/deadlines.js";
import type { Profile } from "../protocol/index.js";
import type { MissingEpisode } from "./episode.js";

export type EscalationRole = "director" | "dcs" | "headOfService";

/** The setting that names each role's recipient (a mailbox, or a Teams user id like SENIOR_MANAGER). */
export const ROLE_SETTINGS: Readonly<Record<EscalationRole, string>> = {
  director: "MISSING_DIRECTOR", dcs: "MISSING_DCS", headOfService: "MISSING_HEAD_OF_SERVICE",
};
/** Local mode only (no tenant): the stand-in mailboxes each role defaults to, so `npm start` works as installed. */
export const LOCAL_ROLE_MAILBOXES: Readonly<Record<EscalationRole, string>> = {
  director: "director@local.invalid", dcs: "dcs@local.invalid", headOfService: "head-of-service@local.invalid",
};
export const ROLE_LABELS: Readonly<Record<EscalationRole, string>> = {
  director: "the Director", dcs: "the Director of Children's Services", headOfService: "the Head of Service",
};
export type EscalationRecipients = Readonly<Record<EscalationRole, string>>;

/** The rules whose presence in a profile makes the role settings required. */
export const ESCALATION_RULES = ["T-MDCS", "T-MHOS"] as const;

export interface EscalationStep {
  rule: "T-MDCS" | "T-MHOS";
  /** The profile's step key (director-lac, dce-consider, dcs-72h, head-of-service). */
  key: string;
  label: string;
  role: EscalationRole;
  due: Date;
}

/** T-MDCS's 24 h step goes to the Director; its other steps (48 h DCE consideration, 72 h) to the DCS. */
const mdcsRole = (key: string): EscalationRole => (key === "director-lac" ? "director" : "dcs");

/** Every escalation step of an episode under its profile, in due order (none when the profile names neither rule). */
export function escalationSteps(profile: Profile, e: Pick<MissingEpisode, "reportedAt" | "lookedAfter">): EscalationStep[] {
  const steps: EscalationStep[] = missingDirectorNotifications(profile, e.reportedAt, e.lookedAfter)
    .map((s) => ({ rule: "T-MDCS" as const, key: s.key, label: s.label, role: mdcsRole(s.key), due: s.due }));
  const hos = missingHeadOfServiceDue(profile, e.reportedAt);
  if (hos) {
    const label = profile.followOn.get("T-MHOS")?.steps[0]?.label ?? "Missing more than 7 days: Head of Service";
    steps.push({ rule: "T-MHOS", key: "head-of-service", label, role: "headOfService", due: hos });
  }
  return steps.sort((a, b) => a.due.getTime() - b.due.getTime());
}

/** Whether a profile names any escalation rule (then the role settings are required in tenant mode). */
export function profileEscalates(profile: Pick<Profile, "followOn">): boolean {
  return ESCALATION_RULES.some((r) => profile.followOn.has(r));
}
