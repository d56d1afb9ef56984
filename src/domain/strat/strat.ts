/**
 * The strat aggregate as the rest of the app sees it. Later issues grow `state` (invitees, responses,
 * attendance, decisions, plan, actions, dissent); every change goes through the repository's
 * versioned update, so two writers never silently overwrite each other.
 */
export type StratStatus = "open" | "closed" | "cancelled";

export interface AppliedRule { rule: string; due: string }

export interface Strat {
  id: string;
  ref: string;
  caseRef: string;
  profileId: string;
  status: StratStatus;
  version: number;
  referral: unknown;
  state: Record<string, unknown>;
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
  referral: unknown;
  dueAt: Date;
  dueRule: string;
  targetAt: Date | null;
  applied: AppliedRule[];
  chairId: string;
  chairName: string | null;
  conversationId: string | null;
  /** Idempotency key of the submission that opened it: a repeated submission returns the same strat. */
  requestId: string;
  /** Initial state (e.g. the configured deputy chairs). */
  state?: Record<string, unknown>;
}

export interface StratChange {
  state?: Record<string, unknown>;
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
