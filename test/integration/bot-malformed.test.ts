import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 11 point 11: malformed `adaptiveCard/action` invokes got HTTP 501 (value missing, action missing,
 * verb not a string, data not an object…) and a message with a non-string `text` crashed the turn
 * (`text.trim is not a function`). Over real HTTP /api/messages: never a 5xx; an invoke the bot cannot
 * read is answered as Microsoft documents for Universal Actions (statusCode 400,
 * `application/vnd.microsoft.error`), logged once; nothing is saved.
 */
const ERROR = "application/vnd.microsoft.error";
const VERBS = ["openStrat", "respond", "schedule", "decide", "inviteeAdd", "actionAdd", "close", "missingScore", "recordSection", "recordFields"];

/** Any JSON value that is not a plain object (what a broken client could put where an object belongs). */
const notObject = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.string({ maxLength: 20 }), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
const notString = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }));

/** Invoke values that are not an Action.Execute the bot can read: each shape the fuzzing found, and random ones. */
const malformedValue: fc.Arbitrary<{ value?: unknown }> = fc.oneof(
  fc.constant({}), // value missing
  notObject.map((value) => ({ value })), // value not an object
  fc.constant({ value: {} }), // action missing
  notObject.map((action) => ({ value: { action } })), // action not an object
  fc.record({ type: fc.oneof(notString, fc.constantFrom("Action.Submit", "Action.OpenUrl", "")) }).map((a) => ({ value: { action: { ...a, verb: "openStrat", data: {} } } })), // type wrong
  fc.constant({ value: { action: { type: "Action.Execute", data: {} } } }), // verb missing
  notString.map((verb) => ({ value: { action: { type: "Action.Execute", verb, data: {} } } })), // verb not a string
  fc.tuple(fc.constantFrom(...VERBS), notObject).map(([verb, data]) => ({ value: { action: { type: "Action.Execute", verb, data } } })), // data not an object
);

describe("malformed activities over HTTP (issue 11 point 11)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  const strats = async () => (await h.app.ctx.strats.listOpen(1000)).length;

  it("the answer says whether a field is missing or of the wrong kind (a verb of 5 is not 'missing')", async () => {
    const ask = async (action: unknown) => {
      const a = activity({ type: "invoke", name: "adaptiveCard/action", value: { action } });
      const r = await h.post(a);
      return (r.body as { value: { message: string } }).value.message;
    };
    expect(await ask({ type: "Action.Execute", verb: 5, data: {} })).toMatch(/\(value\.action\.verb must be text\)/);
    expect(await ask({ type: "Action.Execute", data: {} })).toMatch(/\(value\.action\.verb is missing\)/);
    expect(await ask({ type: "Action.Execute", verb: "plan", data: 3 })).toMatch(/\(value\.action\.data must be an object\)/);
  });

  it("a malformed adaptiveCard/action invoke gets statusCode 400 with a vnd.microsoft.error body (never 500/501), logged once", async () => {
    const before = await strats();
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(malformedValue, async (over) => {
        cases++;
        const a = activity({ type: "invoke", name: "adaptiveCard/action" });
        delete a.value;
        Object.assign(a, over);
        const logsBefore = h.logs.length;
        const r = await h.post(a);
        expect(r.status, JSON.stringify(over)).toBe(400);
        expect(r.body).toMatchObject({ statusCode: 400, type: ERROR });
        expect(["BadRequest", "NotSupported"]).toContain(r.body.value.code);
        expect(r.body.value.message).toMatch(/Nothing was changed/);
        expect(r.body.value.message).not.toMatch(/at \w+ \(|TypeError|undefined/);
        const mine = h.logs.slice(logsBefore).map((l) => JSON.parse(l));
        expect(mine.filter((l) => l.msg === "malformed card action"), JSON.stringify(mine)).toHaveLength(1);
        expect(mine.filter((l) => l.level >= 50)).toEqual([]); // no error-level "turn failed"
      }),
      { numRuns: 120, seed: 11 },
    );
    expect(cases).toBeGreaterThanOrEqual(107);
    expect(await strats()).toBe(before);
  }, 120_000);

  it("a well-formed invoke with an unknown verb, or data with wrong field types, still comes back in words (200)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VERBS), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), async (verb, data) => {
        const r = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }));
        expect(r.status, JSON.stringify({ verb, data })).toBe(200);
        expect(r.body.statusCode).toBe(200);
      }),
      { numRuns: 60, seed: 12 },
    );
  }, 120_000);

  it("a message whose text is not a string gets an answer, not a crash", async () => {
    await fc.assert(
      fc.asyncProperty(notString.filter((t) => t !== null), async (text) => {
        const logsBefore = h.logs.length;
        const r = await h.post(activity({ text, deliveryMode: "expectReplies" }));
        expect(r.status, JSON.stringify(text)).toBe(200);
        const replies = (r.body.activities as { text?: string }[]).map((x) => x.text ?? "");
        expect(replies.join(" "), JSON.stringify(text)).toMatch(/could not read that message.*help/);
        const mine = h.logs.slice(logsBefore).map((l) => JSON.parse(l));
        expect(mine.filter((l) => l.msg === "malformed message")).toHaveLength(1);
        expect(mine.filter((l) => l.level >= 50)).toEqual([]);
      }),
      { numRuns: 25, seed: 13 },
    );
  }, 60_000);
});
