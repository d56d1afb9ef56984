/** The one London-time module (src/domain/time/london.ts): formatting and wall-clock input, checked against Intl. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { londonClock, londonDateTime, londonLabel, londonTimestamp, londonToInstant, showLondon } from "../../../src/domain/time/london.js";
import { escapeHtml } from "../../../src/domain/text/escape-html.js";

const zone = { timeZone: "Europe/London" } as const;
const parts = (f: Intl.DateTimeFormat, d: Date) => Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
const full = new Intl.DateTimeFormat("en-GB", { ...zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const label = new Intl.DateTimeFormat("en-GB", { ...zone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(Math.floor(ms / 1000) * 1000));
// ICU's en-GB short month for September is "Sep" in some versions and "Sept" in others; ours is fixed ("Sept").
const sept = (s: string) => s.replace(/\bSep\b/, "Sept");

describe("London formatting agrees with Intl (Europe/London, en-GB)", () => {
  it("showLondon: 'Wed 25 Nov 2026, 17:00'", () => {
    fc.assert(fc.property(instant, (d) => {
      const p = parts(full, d);
      expect(showLondon(d)).toBe(sept(`${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`));
    }), { numRuns: 2000 });
    expect(showLondon(new Date("2026-11-25T17:00:00Z"))).toBe("Wed 25 Nov 2026, 17:00");
    expect(showLondon(null)).toBe("—");
    expect(showLondon("not a date")).toBe("—");
  });
  it("londonLabel, londonClock, londonTimestamp, londonDateTime", () => {
    fc.assert(fc.property(instant, (d) => {
      expect(londonLabel(d)).toBe(sept(label.format(d)));
      expect(londonClock(d)).toBe(new Intl.DateTimeFormat("en-GB", { ...zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d));
      expect(londonTimestamp(d)).toBe(d.toLocaleString("en-GB", { ...zone, hourCycle: "h23" }));
      const p = parts(full, d);
      const { date, time } = londonDateTime(d);
      expect(time).toBe(`${p.hour}:${p.minute}`);
      expect(Number(date.slice(8))).toBe(Number(p.day));
    }), { numRuns: 1000 });
    expect(londonLabel(new Date("2026-06-05T08:03:00Z"))).toBe("Fri 5 Jun, 09:03"); // BST
  });
});

describe("londonToInstant (what chairs type on a card)", () => {
  it("round-trips every London minute outside the clock-change hour", () => {
    fc.assert(fc.property(instant, (d) => {
      const at = new Date(Math.floor(d.getTime() / 60_000) * 60_000);
      const { date, time } = londonDateTime(at);
      const back = londonToInstant(date, time)!;
      // In the repeated hour after the clocks go back, the first (BST) reading is taken.
      if (back.getTime() !== at.getTime()) expect(at.getTime() - back.getTime()).toBe(3600_000);
    }), { numRuns: 2000 });
    expect(londonToInstant("2026-11-23", "16:59")?.toISOString()).toBe("2026-11-23T16:59:00.000Z");
    expect(londonToInstant("2026-06-23", "16:59")?.toISOString()).toBe("2026-06-23T15:59:00.000Z");
  });
  it("refuses what is not a real date or time", () => {
    for (const [d, t] of [["2026-02-30", "10:00"], ["2026-13-01", "10:00"], ["2026-11-23", "24:00"], ["2026-11-23", "9:00"], ["23/11/2026", "10:00"], ["", ""]]) {
      expect(londonToInstant(d!, t!)).toBeNull();
    }
  });
});

describe("escapeHtml (the one escaper)", () => {
  it("escapes the five characters, and nothing else", () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    fc.assert(fc.property(fc.string(), (s) => {
      const e = escapeHtml(s);
      expect(/[<>"']/.test(e)).toBe(false);
      expect(e.replace(/&(amp|lt|gt|quot|#39);/g, (_m, x: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[x]!)).toBe(s);
    }));
  });
});
