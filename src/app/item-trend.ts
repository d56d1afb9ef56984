/**
 * The 12-week trend of the figures counted as at now (issue 15 point 3): overdue actions (R-ACT) and open dissent (R-DIS)
 * at each week's end. An item is counted over one interval (an action from its due until done; a dissent from raised
 * until its last stage's outcome: migration 016), so the count at a past instant T is the count now less the intervals
 * that began in [T, now), plus those that ended in it. Pure: the store gives the day events (ItemEventDay).
 */
import type { ItemEventDay, ItemEventKind } from "../ports/store.js";

/**
 * The counts at instants that are each a London midnight, given as the day it starts (`fromDay`, YYYY-MM-DD), or null
 * for an instant at or after now (counted as now). `events` covers [earliest fromDay, now).
 */
export function countsAt(
  nowCount: number, events: readonly ItemEventDay[], begin: ItemEventKind, end: ItemEventKind, fromDays: readonly (string | null)[],
): number[] {
  return fromDays.map((fromDay) => {
    if (fromDay === null) return nowCount;
    let n = nowCount;
    for (const e of events) {
      if (e.day < fromDay) continue;
      if (e.kind === begin) n -= e.n;
      else if (e.kind === end) n += e.n;
    }
    return n;
  });
}
