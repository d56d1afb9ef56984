/**
 * A composed protocol profile as the engine reads it (DOMAIN.md §2–§6), without the compiled hot-path
 * forms: deadlines.ts, invitees.ts and quorum.ts depend on this shape only, so none of them imports
 * load-profiles.ts (which imports their compilers).
 */
import type { WorkingCalendar } from "../time/working-time.js";
import type { ConveningRule, DirectoryEntry, FollowOnRule, InviteeRule, QuorumRole, RecordField, TimeOpData } from "./profile-schema.js";
import type { Concern } from "./referral.js";

export interface ProfileBase {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly file: string;
  readonly status: "current" | "add-on" | "superseded";
  readonly selectable: boolean;
  readonly readings: readonly string[];
  readonly calendar: WorkingCalendar;
  readonly convening: ReadonlyMap<Concern, ConveningRule>;
  readonly standardOp: TimeOpData;
  readonly target: { rule: "T-TGT"; op: TimeOpData; source: string } | null;
  /** T-REC: the record's recipients besides the invitees (address null: not known, shown as "no address"). */
  readonly distribution: readonly { label: string; address: string | null; source: string }[];
  readonly followOn: ReadonlyMap<string, FollowOnRule>;
  readonly quorum: { rule: "Q-1"; roles: QuorumRole[]; countsAs: Partial<Record<QuorumRole, string>>; oneAttendeePerAgency: boolean; source: string };
  readonly chair: {
    default: string;
    byConcern: Partial<Record<Concern, string>>;
    escalations: { rule: string; chair: string; reason: string; source: string }[];
    notes: string[];
  };
  readonly ages: { underFive: { maxYearsExclusive: number }; schoolAged: { minYears: number; maxYearsExclusive: number; reading: string } };
  readonly directory: ReadonlyMap<string, DirectoryEntry>;
  readonly invitees: readonly InviteeRule[];
  /** Normalised service alias → directory entry (I-KNOWN generic mailbox lookup), first entry wins. */
  readonly serviceIndex: ReadonlyMap<string, DirectoryEntry>;
  readonly missingRiskTool: boolean;
  /** The record's fields this protocol asks, in card order (R-REC). */
  readonly record: readonly RecordField[];
  /** Every rule id this profile implements (T-*, I-*, Q-1, M-RAG). */
  readonly rules: ReadonlySet<string>;
}

