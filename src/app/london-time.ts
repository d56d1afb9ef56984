/**
 * Wall-clock time in Europe/London for what chairs type and read. Card inputs carry a local date and
 * time; the domain works on instants.
 */
const ZONE = "Europe/London";

const partsFmt = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const showFmt = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

function offsetMs(at: Date): number {
  const p = Object.fromEntries(partsFmt.formatToParts(at).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** "2026-11-23" + "16:59" in London → the instant, or null if either is malformed or not a real date. */
export function londonToInstant(date: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(time.trim());
  if (!d || !t) return null;
  const [y, mo, da, h, mi] = [+d[1]!, +d[2]!, +d[3]!, +t[1]!, +t[2]!];
  if (h > 23 || mi > 59) return null;
  const guess = Date.UTC(y, mo - 1, da, h, mi);
  const probe = new Date(guess);
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== da) return null;
  let at = guess - offsetMs(new Date(guess));
  at = guess - offsetMs(new Date(at));
  return new Date(at);
}

/** "Wed 25 Nov 2026, 17:00" (London). */
export function showLondon(at: Date | string | null | undefined): string {
  if (!at) return "—";
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) return "—";
  // Cards show the same few instants (due time, meeting, answers) over and over: remember the last ones.
  let shown = shownLondon.get(ms);
  if (shown === undefined) {
    const p = Object.fromEntries(showFmt.formatToParts(ms).map((x) => [x.type, x.value]));
    shown = `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
    if (shownLondon.size >= 2000) shownLondon.clear();
    shownLondon.set(ms, shown);
  }
  return shown;
}
const shownLondon = new Map<number, string>();

/** The London calendar date and time of an instant, for pre-filling inputs. */
export function londonDateTime(at: Date): { date: string; time: string } {
  const p = Object.fromEntries(partsFmt.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}
