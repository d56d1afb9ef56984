/**
 * The strat aggregate as the rest of the app sees it: the referral and the state arrive parsed and typed
 * from the repository (parsed once there, at the boundary); every change is a transition of
 * src/domain/strat/state.ts saved through the repository's versioned `mutate`, so two writers never
 * silently overwrite each other.
 */
import type { Referral } from "../protocol/referral.js";
import type { StratState } from "./state.js";

export type StratStatus = "open" | "closed" | "cancelled";

export interface AppliedRule { rule: string; due: string }

export interface Strat {
  id: string;
  ref: string;
  caseRef: string;
  profileId: string;
  status: StratStatus;
  version: number;
  referral: Referral;
  /** Frozen: change it only through a transition and the repository. */
  state: StratState;
  dueAt: Date;
  dueRule: string;
  targetAt: Date | null;
  applied: AppliedRule[];
  chairId: string;
  chairName: string | null;
  conversationId: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface NewStrat {
  caseRef: string;
  profileId: string;
  referral: Referral;
  dueAt: Date;
  dueRule: string;
  targetAt: Date | null;
  applied: AppliedRule[];
  chairId: string;
  chairName: string | null;
  conversationId: string | null;
  /** Idempotency key of the submission that opened it: a repeated submission returns the same strat. */
  requestId: string;
  /** Initial state (e.g. the configured deputy chairs; see `initialState`). */
  state: StratState;
}

export interface StratChange {
  state?: StratState;
  status?: StratStatus;
  closedAt?: Date | null;
}

export interface AuditEntry {
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}

/** Time left until the due instant, for chairs ("due in 2 d 3 h", "overdue by 40 min"). */
export function describeCountdown(due: Date, now: Date): string {
  const ms = due.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const mins = Math.floor(abs / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const parts = d > 0 ? [`${d} d`, `${h} h`] : h > 0 ? [`${h} h`, `${m} min`] : [`${m} min`];
  return ms >= 0 ? `due in ${parts.join(" ")}` : `OVERDUE by ${parts.join(" ")}`;
}
