import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { missingActionParts, parseActionText, parseWhen } from "../../../bot/commands/meeting.js";

/**
 * The typed form of `action` (bot/commands/meeting.ts):
 * `action police: PC Lee to visit the school by Fri 12:00 — purpose: speak to the DSL` → R-ACT's who (person
 * and agency), what, by when and purpose. Times are London wall-clock; hand-worked answers below.
 */
const MON = new Date("2026-11-23T10:30:00Z"); // Mon 23 Nov 2026 10:30 GMT
const JUNE = new Date("2026-06-01T08:00:00Z"); // Mon 1 Jun 2026 09:00 BST

describe("parseActionText", () => {
  it.each([
    ["police: PC Lee to visit the school by Fri 12:00 — purpose: speak to the DSL", MON, { agency: "police", ownerName: "PC Lee", what: "visit the school", byText: "Fri 12:00", purpose: "speak to the DSL" }, "2026-11-27T12:00:00.000Z"],
    ["police: PC Lee to visit the school by Fri 12:00 purpose: speak to the DSL", MON, { what: "visit the school", purpose: "speak to the DSL" }, "2026-11-27T12:00:00.000Z"],
    ["police: PC Lee to visit the school by Fri 12:00 -- purpose: speak to the DSL", MON, { purpose: "speak to the DSL" }, "2026-11-27T12:00:00.000Z"],
    ["CSC: SW Amin to visit home by 2026-11-25 16:00 – purpose: see the child alone", MON, { agency: "CSC", ownerName: "SW Amin", what: "visit home" }, "2026-11-25T16:00:00.000Z"],
    ["health: Dr Shah to arrange a medical by tomorrow 17:00 purpose: check injuries", MON, { agency: "health", ownerName: "Dr Shah" }, "2026-11-24T17:00:00.000Z"],
    ["police: PC Lee to visit by 27/11 9am purpose: x", MON, {}, "2026-11-27T09:00:00.000Z"],
    ["police: PC Lee to visit by today 5pm purpose: x", MON, {}, "2026-11-23T17:00:00.000Z"],
    ["police: PC Lee to visit by Mon 11:00 purpose: x", MON, {}, "2026-11-23T11:00:00.000Z"], // later today
    ["police: PC Lee to visit by Mon 10:00 purpose: x", MON, {}, "2026-11-30T10:00:00.000Z"], // passed today → next Monday
    ["police: PC Lee to visit by 12pm purpose: x", MON, {}, "2026-11-23T12:00:00.000Z"],
    ["police: PC Lee to visit by Fri 12:00 purpose: x", JUNE, {}, "2026-06-05T11:00:00.000Z"], // BST: 12:00 London = 11:00 UTC
    // "to" and "by" inside the what/purpose: the first " to " ends the owner, the first " by " after it starts the time
    ["Police: PC Lee to go to the school by Fri 12:00 purpose: to speak to the DSL by phone", MON, { ownerName: "PC Lee", what: "go to the school", purpose: "to speak to the DSL by phone" }, "2026-11-27T12:00:00.000Z"],
  ])("%j", (text, now, fields, by) => {
    const p = parseActionText(text, now)!;
    expect(p).not.toBeNull();
    expect(p).toMatchObject(fields);
    expect(p.byWhen?.toISOString()).toBe(by);
  });

  it.each([
    ["police: PC Lee to visit by someday purpose: x", "someday"],
    ["police: PC Lee to visit by Fri 25:00 purpose: x", "Fri 25:00"],
    ["police: PC Lee to visit by Fri 12 purpose: x", "Fri 12"], // an hour without minutes or am/pm is not a time
    ["police: PC Lee to visit by 12:75 purpose: x", "12:75"],
  ])("%j: read, but the time is not (byWhen null, byText %j kept to name it)", (text, byText) => {
    const p = parseActionText(text, MON)!;
    expect(p.byWhen).toBeNull();
    expect(p.byText).toBe(byText);
  });

  it.each([
    ["police: PC Lee to visit the school by Fri 12:00", ["purpose"]],
    ["police: PC Lee to visit the school by Fri 12:00 purpose:", ["purpose"]],
    ["police: PC Lee to visit the school purpose: speak to the DSL", ["by when"]],
    ["PC Lee to visit the school by Fri 12:00 purpose: speak", ["agency"]],
    ["police: PC Lee visits the school by Fri 12:00 purpose: speak", ["who and what"]],
    ["p: PC Lee to visit by Fri 12:00 purpose: x", ["agency"]], // an agency of one letter
    ["visit the school", ["agency", "who and what", "by when", "purpose"]],
    ["", ["agency", "who and what", "by when", "purpose"]],
  ])("%j is not read; missingActionParts names %j", (text, missing) => {
    expect(parseActionText(text, MON)).toBeNull();
    expect(missingActionParts(text)).toEqual(missing);
  });

  it("property: any agency, owner, what, London time and purpose written in the form are read back as written", () => {
    const word = fc.stringMatching(/^[A-Za-z][a-z]{1,8}$/).filter((w) => !["to", "by", "purpose"].includes(w.toLowerCase()));
    const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(" "));
    fc.assert(
      fc.property(word, words, words, fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), words,
        (agency, owner, what, day, h, m, purpose) => {
          const hhmm = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
          const date = `2026-12-${String(day).padStart(2, "0")}`;
          const p = parseActionText(`${agency}: ${owner} to ${what} by ${date} ${hhmm} — purpose: ${purpose}`, MON);
          expect(p).toMatchObject({ agency, ownerName: owner, what, purpose, byText: `${date} ${hhmm}` });
          expect(p!.byWhen!.toISOString()).toBe(`${date}T${hhmm}:00.000Z`); // December: London is UTC
          expect(missingActionParts(`${agency}: ${owner} to ${what} by ${date} ${hhmm} — purpose: ${purpose}`)).toEqual([]);
        }),
    );
  });
});

describe("parseWhen (London wall-clock → instant)", () => {
  it.each([
    ["Fri 12:00", "2026-11-27T12:00:00.000Z"],
    ["friday 9am", "2026-11-27T09:00:00.000Z"],
    ["tomorrow 10:00", "2026-11-24T10:00:00.000Z"],
    ["today 17:00", "2026-11-23T17:00:00.000Z"],
    ["2026-11-27 12:00", "2026-11-27T12:00:00.000Z"],
    ["27/11 12:00", "2026-11-27T12:00:00.000Z"],
    ["1/4/2027 12:00", "2027-04-01T11:00:00.000Z"], // BST from 28 Mar 2027
    ["someday 10:00", null],
    ["Fri", null],
    ["Fri 24:00", null],
  ])("%j → %s", (text, iso) => {
    expect(parseWhen(text, MON)?.toISOString() ?? null).toBe(iso);
  });
});
