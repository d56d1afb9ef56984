import { localDayNumber, localTimeOfDayMs, weekdayOf } from "../../domain/time/index.js";
import { londonLabel } from "../../domain/time/london.js";
import type { SlotProposal, TimeSlot } from "../../ports/scheduler.js";

/**
 * Slot finding (issue 6 point 3), pure: busy intervals of internal attendees (from getSchedule) and the
 * reading hours of generic mailboxes (from the profile) → the earliest slots that end before the due
 * instant (and the local target). All wall-clock rules are London time.
 */

export interface HoursWindow { days: Set<number>; fromMin: number; toMin: number; label: string }

const DAY = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** "Mon–Fri 09:00–17:00", "17:00–09:00" (overnight, every day), "Daily 08:00-20:00" → window; unreadable → null. */
export function parseReadingHours(text: string | null | undefined): HoursWindow | null {
  if (!text) return null;
  const m = /^\s*(?:(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*[–-]\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+|daily\s+|every day\s+)?(\d{1,2}):(\d{2})\s*[–-]\s*(\d{1,2}):(\d{2})\s*$/i.exec(text);
  if (!m) return null;
  const days = new Set<number>();
  if (m[1] && m[2]) {
    const a = DAY.indexOf(m[1].toLowerCase());
    const b = DAY.indexOf(m[2].toLowerCase());
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  } else for (let d = 0; d < 7; d++) days.add(d);
  const fromMin = Number(m[3]) * 60 + Number(m[4]);
  const toMin = Number(m[5]) * 60 + Number(m[6]);
  if (fromMin >= 24 * 60 || toMin > 24 * 60) return null;
  return { days, fromMin, toMin, label: text.trim() };
}

/**
 * Is the instant inside the window? Overnight windows belong to the day they start on. A window that
 * names weekdays ("Mon–Fri …") is an office's hours: on a day `closed` says the office is shut (an
 * England & Wales bank holiday) nobody reads that mailbox.
 */
export function inWindow(w: HoursWindow, at: number, closed?: (dayNumber: number) => boolean): boolean {
  const day = localDayNumber(at);
  const min = Math.floor(localTimeOfDayMs(at) / 60_000);
  const open = (d: number) => w.days.has(weekdayOf(d)) && !(w.days.size < 7 && closed?.(d));
  if (w.fromMin < w.toMin) return open(day) && min >= w.fromMin && min < w.toMin;
  // overnight: evening part on day d, morning part belongs to day d-1
  if (min >= w.fromMin) return open(day);
  if (min < w.toMin) return open(day - 1);
  return false;
}

const STEP_MS = 15 * 60_000;

export const DEFAULT_WORKING_HOURS = parseReadingHours("Mon–Fri 09:00–17:00")!;

export interface SlotSearch {
  durationMinutes: number;
  notBefore: Date;
  dueBy: Date;
  target?: Date | null;
  max?: number;
  /** Busy time of each internal attendee (already merged per person). */
  busy: TimeSlot[][];
  /** Windows every slot must sit in (generic mailboxes' reading hours); empty → DEFAULT_WORKING_HOURS. */
  windows: HoursWindow[];
  /** Search ends here (getSchedule covers at most 62 days). */
  horizon: Date;
  /** Days (London day numbers) the offices are closed: bank holidays. */
  closed?: (dayNumber: number) => boolean;
  /** For the explanation. */
  notes: string[];
}

export function fits(s: SlotSearch, start: number, end: number): boolean {
  const windows = s.windows.length ? s.windows : [DEFAULT_WORKING_HOURS];
  for (let t = start; t < end; t += 5 * 60_000) {
    for (const w of windows) if (!inWindow(w, t, s.closed)) return false;
  }
  // the last minute too (end is exclusive)
  for (const w of windows) if (!inWindow(w, end - 60_000, s.closed)) return false;
  for (const person of s.busy) for (const b of person) if (b.start.getTime() < end && b.end.getTime() > start) return false;
  return true;
}


export function findSlots(s: SlotSearch): SlotProposal {
  const max = Math.max(1, Math.min(s.max ?? 3, 10));
  const dur = s.durationMinutes * 60_000;
  const first = Math.ceil(s.notBefore.getTime() / STEP_MS) * STEP_MS;
  const due = s.dueBy.getTime();
  const target = s.target ? s.target.getTime() : null;
  const found: TimeSlot[] = [];
  let lastEnd = -Infinity;
  for (let t = first; t + dur <= s.horizon.getTime() && found.length < max; t += STEP_MS) {
    if (t < lastEnd) continue; // distinct options: no overlap with the previous proposal
    if (!fits(s, t, t + dur)) continue;
    // Once one slot lands after the due instant, propose only that one earliest slot.
    if (found.length > 0 && t + dur > due) break;
    found.push({ start: new Date(t), end: new Date(t + dur) });
    lastEnd = t + dur;
    if (t + dur > due) break;
  }
  const firstSlot = found[0];
  const beforeDue = !!firstSlot && firstSlot.end.getTime() <= due;
  const beforeTarget = target === null ? null : !!firstSlot && firstSlot.end.getTime() <= target;
  const checked = s.notes.join(" ");
  let explanation: string;
  if (!firstSlot) {
    explanation = `${checked} No ${s.durationMinutes}-minute slot is free for everyone before ${londonLabel(s.horizon)}. Choose a time by hand and record why it is after the due time (${londonLabel(s.dueBy)}).`;
  } else if (!beforeDue) {
    explanation = `${checked} No slot suits everyone before the due time (${londonLabel(s.dueBy)}). The earliest possible is ${londonLabel(firstSlot.start)}; booking it needs your rationale for the delay in the record.`;
  } else if (beforeTarget === false) {
    explanation = `${checked} No slot suits everyone before the local target (${londonLabel(s.target!)}); the earliest, ${londonLabel(firstSlot.start)}, is still before the due time (${londonLabel(s.dueBy)}).`;
  } else {
    explanation = `${checked} The earliest slot that suits everyone is ${londonLabel(firstSlot.start)}, before the due time (${londonLabel(s.dueBy)}).`;
  }
  return { slots: found, beforeDue, beforeTarget, rationaleNeeded: !beforeDue, explanation: explanation.trim() };
}
