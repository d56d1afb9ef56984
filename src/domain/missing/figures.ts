/**
 * The managers' missing-children figures (issue 14 point 7), pure: open episodes by days missing, weekly strategy
 * meetings kept against due (T-MWK, bromley-missing-2020 §9.1: "at a minimum of weekly intervals"), escalations sent
 * on time (T-MDCS, T-MHOS: each step that fell due before the return, sent within ESCALATION_GRACE_MS of its due time)
 * and return home interviews held within 72 hours of the return (T-RHI). Counts only: no child data.
 */
import { daysMissing, type MissingEpisode } from "./episode.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;

/** Days-missing buckets of the open episodes, as a manager reads them. */
export const DAYS_MISSING_BUCKETS = [
  { id: "0-1", title: "0–1 days", max: 1 }, { id: "2-3", title: "2–3 days", max: 3 },
  { id: "4-7", title: "4–7 days", max: 7 }, { id: "over-7", title: "more than 7 days", max: Infinity },
] as const;

/**
 * An episode for the figures: the episode, the meeting start times of the strats linked to it, and the escalations
 * sent (their step key and when: the episode's `missing.escalated` audit entries that were sent).
 */
export interface EpisodeForFigures { episode: MissingEpisode; meetings: readonly Date[]; escalationsSent: readonly { key: string; at: Date }[] }

/** An escalation step of an episode and when it falls due (src/domain/missing/escalations.ts escalationSteps). */
export interface DueStep { key: string; due: Date }
/** An escalation counts as on time when it was sent within this of its due time (the queue's runs, a mail's retries). */
export const ESCALATION_GRACE_MS = 15 * 60 * 1000;

export interface KeptOfDue { kept: number; due: number }
export interface MissingFigures {
  openByDaysMissing: Record<(typeof DAYS_MISSING_BUCKETS)[number]["id"], number>;
  weeklyMeetings: KeptOfDue;
  escalationsOnTime: KeptOfDue;
  rhiWithin72h: KeptOfDue;
}

/**
 * T-MWK: each whole week an episode has run (from the report to the return, or to now) is due a meeting; it is kept
 * when a linked strat's meeting started within that week.
 */
function weeklyMeetings(e: EpisodeForFigures, now: Date): KeptOfDue {
  const start = e.episode.reportedAt.getTime();
  const end = (e.episode.returned?.at ?? now).getTime();
  const due = Math.max(0, Math.floor((end - start) / WEEK_MS));
  let kept = 0;
  for (let w = 0; w < due; w++) {
    const from = start + w * WEEK_MS;
    if (e.meetings.some((m) => m.getTime() >= from && m.getTime() < from + WEEK_MS)) kept++;
  }
  return { kept, due };
}

/** T-RHI: an interview is due once its deadline has passed or it was held; kept when held by the deadline. */
function rhi(e: MissingEpisode, now: Date): KeptOfDue {
  const r = e.rhi;
  if (!r || (!r.heldAt && r.due.getTime() > now.getTime())) return { kept: 0, due: 0 };
  return { kept: r.heldAt && r.heldAt.getTime() <= r.due.getTime() ? 1 : 0, due: 1 };
}

/** T-MDCS, T-MHOS: each step due by now and before the return; kept when sent within the grace of its due time. */
function escalations(e: EpisodeForFigures, steps: readonly DueStep[], now: Date): KeptOfDue {
  const until = Math.min(now.getTime(), e.episode.returned?.at.getTime() ?? Infinity);
  const due = steps.filter((st) => st.due.getTime() <= until);
  const kept = due.filter((st) => e.escalationsSent.some((x) => x.key === st.key && x.at.getTime() <= st.due.getTime() + ESCALATION_GRACE_MS));
  return { kept: kept.length, due: due.length };
}

const add = (a: KeptOfDue, b: KeptOfDue): KeptOfDue => ({ kept: a.kept + b.kept, due: a.due + b.due });

export function missingFigures(
  episodes: readonly EpisodeForFigures[], now: Date, stepsOf: (e: MissingEpisode) => readonly DueStep[] = () => [],
): MissingFigures {
  const open = Object.fromEntries(DAYS_MISSING_BUCKETS.map((b) => [b.id, 0])) as MissingFigures["openByDaysMissing"];
  let weekly: KeptOfDue = { kept: 0, due: 0 };
  let interviews: KeptOfDue = { kept: 0, due: 0 };
  let escalated: KeptOfDue = { kept: 0, due: 0 };
  for (const e of episodes) {
    if (!e.episode.returned) {
      const days = daysMissing(e.episode, now);
      open[DAYS_MISSING_BUCKETS.find((b) => days <= b.max)!.id]++;
    }
    weekly = add(weekly, weeklyMeetings(e, now));
    interviews = add(interviews, rhi(e.episode, now));
    escalated = add(escalated, escalations(e, stepsOf(e.episode), now));
  }
  return { openByDaysMissing: open, weeklyMeetings: weekly, escalationsOnTime: escalated, rhiWithin72h: interviews };
}
