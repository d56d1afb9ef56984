/**
 * One strat as the managers' tab shows it (issue 15 point 4): the record exactly as the channel record and the export
 * have it (stratRecord: the one assembly), its verified versions, a timeline from the strat's state and its audit
 * entries, attendance against the quorum (Q-1, by role), actions (R-ACT) and dissent (R-DIS), and the strat's audit
 * entries with its chain checked (verifyChain, issue 13 point 4). References, agencies and roles only: no child's name
 * or date of birth, and no free text of the audit entries (their details stay out).
 */
import { amendedBy } from "../domain/record/amendment.js";
import type { StratRecord } from "../domain/record/record.js";
import { verifyChain } from "../domain/audit/chain.js";
import { QUORUM } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import type { AppContext } from "./context.js";
import { distributionOf } from "./distribute-record.js";
import { stratRecord } from "./strat-record.js";

const DAY_MS = 86_400_000;

export interface RecordVersionInfo { version: number; at: string; by: string; contentHash: string; reason: string | null; pdf: string }

export type TimelineKind =
  | "referral-received" | "opened" | "invitations-sent" | "answered" | "booked" | "moved" | "cancelled" | "held" | "verified"
  | "distributed" | "amended" | "reconvened";

/** One event: when, what, and the facts of it a manager reads (agency and role, never a child). */
export interface TimelineEvent {
  at: string; kind: TimelineKind; actor: string | null;
  agency?: string; role?: string | null; answer?: string; meeting?: { start: string; end: string } | null;
  version?: number; recipient?: string; sent?: string;
}

export interface StratView {
  record: StratRecord;
  verified: boolean;
  versions: RecordVersionInfo[];
  timeline: TimelineEvent[];
  attendance: {
    invited: { inviteeId: string; agency: string; role: string | null; quorumRole: string | null; answer: string | null; attended: boolean | null }[];
    quorum: { quorate: boolean; missingRoles: string[]; inquorateReason: string | null; byRole: { role: string; invited: number; attended: number }[] } | null;
  };
  actions: { id: string; what: string; owner: string; agency: string; due: string; status: string; overdue: boolean; latest: { at: string; text: string; status: string } | null }[];
  dissent: { id: string; agency: string; decision: string; at: string; ageDays: number; stages: { stage: string; at: string; outcome: string | null }[] }[];
  audit: {
    entries: { at: string; actor: string; kind: string; version: number | null }[];
    chain: { verified: boolean; firstBad: { at: string | null; kind: string | null; problem: string } | null };
  };
}

/** The pdf link of a version (the router serves it: src/infra/http/tab-strat.ts). */
export const versionPdfPath = (ref: string, version: number) => `/api/tab/strat/${encodeURIComponent(ref)}/record.pdf?version=${version}`;

/** The strat `ref` if it exists and `may` see it; null either way otherwise (a caller cannot tell which). */
export async function visibleStrat(ctx: Pick<AppContext, "strats">, ref: string, may: (s: Strat) => boolean): Promise<Strat | null> {
  const s = await ctx.strats.findByRef(ref);
  return s && may(s) ? s : null;
}

/** The verified versions: 1 at the verification, each amendment the next (R-*: a verified version never changes). */
async function versionsOf(ctx: Pick<AppContext, "strats" | "profiles">, s: Strat, latest: StratRecord): Promise<RecordVersionInfo[]> {
  const closure = s.state.closure;
  if (!closure) return [];
  const steps = [{ at: closure.verifiedAt, by: closure.by, reason: null as string | null }, ...s.state.amendments.map((a) => ({ at: a.at, by: a.by, reason: a.why }))];
  return Promise.all(steps.map(async (step, i) => {
    const version = i + 1;
    const record = version === latest.version ? latest : await stratRecord(ctx, s.ref, version);
    return { version, at: new Date(step.at).toISOString(), by: amendedBy(s, step.by), contentHash: record.contentHash, reason: step.reason, pdf: versionPdfPath(s.ref, version) };
  }));
}

type Trail = Awaited<ReturnType<AppContext["strats"]["auditTrail"]>>;

/** The timeline: the referral, then what the audit entries say happened (with the state's facts), then each record mail. */
async function timelineOf(ctx: Pick<AppContext, "jobs" | "profiles">, s: Strat, trail: Trail): Promise<TimelineEvent[]> {
  const st = s.state;
  const inviteeOf = (id: unknown) => st.invitees.find((i) => i.id === id);
  const meetingEvents = new Set(["meeting.set", "meeting.booked", "meeting.moved"]);
  const meetingAt = trail.flatMap((e, i) => (meetingEvents.has(e.action) ? [i] : []));
  const meeting = st.meeting && { start: new Date(st.meeting.start).toISOString(), end: new Date(st.meeting.end).toISOString() };
  let amendments = 0;
  const events: TimelineEvent[] = [{ at: s.referral.receivedAt.toISOString(), kind: "referral-received", actor: null }];
  trail.forEach((e, i) => {
    const base = { at: e.at.toISOString(), actor: e.actor };
    // The meeting's time as it stands now, on the latest booking or move (the earlier times are not kept).
    const booked = { meeting: i === meetingAt.at(-1) ? meeting : null };
    switch (e.action) {
      case "strat.opened": return void events.push({ ...base, kind: "opened" });
      case "strat.reconvened": return void events.push({ ...base, kind: "reconvened" });
      case "invitations.sent": return void events.push({ ...base, kind: "invitations-sent" });
      case "invitation.answered": {
        const who = inviteeOf(e.detail?.inviteeId);
        return void events.push({ ...base, kind: "answered", agency: who?.agency ?? "an invitee", role: who?.role ?? null, answer: String(e.detail?.kind ?? "") });
      }
      case "meeting.set": return void events.push({ ...base, kind: i === meetingAt[0] ? "booked" : "moved", ...booked });
      case "meeting.booked": return void events.push({ ...base, kind: "booked", ...booked });
      case "meeting.moved": return void events.push({ ...base, kind: "moved", ...booked });
      case "meeting.cancelled": return void events.push({ ...base, kind: "cancelled" });
      case "attendance.recorded": return void events.push({ ...base, kind: "held" });
      case "strat.closed": return void events.push({ ...base, kind: "verified", version: 1 });
      case "record.amended": return void events.push({ ...base, kind: "amended", version: 2 + amendments++ });
      default: return;
    }
  });
  for (let version = 1; st.closure && version <= 1 + st.amendments.length; version++) {
    const d = await distributionOf(ctx, s, version);
    if (!d) continue;
    const after = version === 1 ? st.closure.verifiedAt : st.amendments[version - 2]!.at;
    const summary = `${d.sent} of ${d.total} sent`;
    if (d.deliveries.length === 0) events.push({ at: new Date(after).toISOString(), kind: "distributed", actor: null, version, sent: summary });
    for (const m of d.deliveries.filter((x) => x.at)) {
      events.push({ at: m.at!.toISOString(), kind: "distributed", actor: null, version, recipient: m.label, sent: summary });
    }
    if (d.deliveries.some((x) => !x.at)) events.push({ at: new Date(d.lastAt ?? after).toISOString(), kind: "distributed", actor: null, version, sent: summary });
  }
  // Stable: events at the same instant keep the order they happened in.
  return events.map((e, n) => ({ e, n })).sort((a, b) => a.e.at.localeCompare(b.e.at) || a.n - b.n).map(({ e }) => e);
}

function attendanceOf(s: Strat): StratView["attendance"] {
  const st = s.state;
  const entries = st.attendance?.entries ?? [];
  const attendedOf = (id: string) => {
    const e = entries.find((x) => x.inviteeIds.includes(id));
    return st.attendance ? (e?.attended ?? false) : null;
  };
  const invited = st.invitees.filter((i) => !i.removed && i.action === "invite").map((i) => ({
    inviteeId: i.id, agency: i.agency, role: i.role, quorumRole: i.quorumRole, answer: i.response?.kind ?? null, attended: attendedOf(i.id),
  }));
  const a = st.attendance;
  return {
    invited,
    quorum: a && {
      quorate: a.quorate, missingRoles: [...a.missingRoles], inquorateReason: a.inquorateReason,
      // each role of the quorum, by the invitees who fill it.
      byRole: QUORUM.map((role) => ({
        role, invited: invited.filter((i) => i.quorumRole === role).length, attended: invited.filter((i) => i.quorumRole === role && i.attended).length,
      })),
    },
  };
}

/** The strat's view, `now` for the overdue flags and ages; the caller has checked the viewer may see it (visibleStrat). */
export async function stratView(ctx: Pick<AppContext, "strats" | "profiles" | "jobs" | "clock">, s: Strat): Promise<StratView> {
  const now = ctx.clock.now().getTime();
  const [record, trail] = await Promise.all([stratRecord(ctx, s.ref), ctx.strats.auditTrail(s.id)]);
  const broken = verifyChain(trail.map((e) => ({ ...e, stratId: s.id, detail: e.detail ?? {} })), s.version);
  return {
    record,
    verified: s.state.closure !== null,
    versions: await versionsOf(ctx, s, record),
    timeline: await timelineOf(ctx, s, trail),
    attendance: attendanceOf(s),
    // R-ACT: an action stays open until done, also after the record is verified.
    actions: s.state.actions.map((a) => {
      const last = a.updates.at(-1);
      return {
        id: a.id, what: a.what, owner: a.owner.name, agency: a.owner.agency, due: new Date(a.byWhen).toISOString(), status: a.status,
        overdue: a.status === "open" && new Date(a.byWhen).getTime() < now, latest: last ? { at: last.at, text: last.text, status: last.status } : null,
      };
    }),
    // R-DIS: each escalation stage; the age in whole days since the dissent was raised.
    dissent: s.state.dissents.map((d) => ({
      id: d.id, agency: d.agency, decision: d.decision, at: d.at, ageDays: Math.floor((now - new Date(d.at).getTime()) / DAY_MS),
      stages: d.stages.map((x) => ({ stage: x.stage, at: x.at, outcome: x.outcome })),
    })),
    audit: {
      entries: trail.map((e) => ({ at: e.at.toISOString(), actor: e.actor, kind: e.action, version: e.version })),
      chain: {
        verified: broken === null,
        firstBad: broken && (broken.entry
          ? { at: broken.entry.at.toISOString(), kind: broken.entry.action, problem: broken.problem }
          : { at: null, kind: null, problem: broken.problem }),
      },
    },
  };
}
