import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { adaptiveCard15 } from "../support/contracts.js";
import { teamsHostProblems } from "../support/host-config.js";

/** Every card the bot can send, collected by talking to it, is checked against Microsoft's Adaptive Card 1.5 schema. */
describe("cards vs Adaptive Card 1.5 schema", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const seen = new Map<string, unknown[]>();
  const collect = (name: string, cards: unknown[]) => seen.set(name, [...(seen.get(name) ?? []), ...cards]);

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness();
    const say = async (text: string) => cardsIn((await h.post(activity({ text, deliveryMode: "expectReplies" }))).body.activities);
    collect("help", await say("help"));
    collect("help", await say("help new"));
    collect("status", await say("status"));
    const [form] = await say("new");
    collect("new-strat", [form]);
    const requestId = findAction(form, "openStrat").data.requestId;
    const submit = async (data: Record<string, string>) =>
      (await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "openStrat", data: { requestId, ...data } } } }))).body.value;
    collect("new-strat", [await submit({ caseRef: "" })]); // with errors beside fields
    collect("strat-opened", [
      await submit({ caseRef: "LCS-1", profile: "bromley-2023", concerns: "standard,missing", receivedDate: "2026-12-24", receivedTime: "16:59",
        child1Ref: "C1", child1Dob: "2020-01-01", child1Flags: "lookedAfter", missingDate: "2026-12-24", missingTime: "15:00", missingConcerns: "true" }),
    ]);
    collect("status", await say("status"));
  });
  afterAll(async () => h?.stop());

  it("every card validates, is version ≤ 1.5, has no unexpanded binding and stays under 28 KB", () => {
    for (const [name, cards] of seen) {
      expect(cards.length, name).toBeGreaterThan(0);
      for (const card of cards) {
        const ok = validate(card);
        expect(ok, `${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
        const c = card as { version: string };
        expect(Number(c.version)).toBeLessThanOrEqual(1.5);
        const json = JSON.stringify(card);
        expect(json, name).not.toContain("${");
        expect(Buffer.byteLength(json), name).toBeLessThan(28 * 1024);
      }
    }
  });

  it("every card also parses and validates in the Adaptive Cards renderer with Teams' host config", () => {
    for (const [name, cards] of seen) for (const card of cards) expect(teamsHostProblems(card), name).toEqual([]);
  });

  it("the host-config check can fail: too many actions, a duplicate input id", () => {
    const act = { type: "Action.Submit", title: "x" };
    expect(teamsHostProblems({ type: "AdaptiveCard", version: "1.5", body: [], actions: Array(7).fill(act) }).join()).toMatch(/7 actions; the Teams host shows 6/);
    const dup = { type: "Input.Text", id: "same" };
    expect(teamsHostProblems({ type: "AdaptiveCard", version: "1.5", body: [dup, dup] }).length).toBeGreaterThan(0);
  });

  it("the schema check can fail: a card with a wrong element type is rejected", () => {
    expect(validate({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "x", size: "Gigantic" }] })).toBe(false);
  });

  it("the schema check reads formats (ajv-formats): a malformed uri-reference or $schema uri is rejected", () => {
    const card = (over: Record<string, unknown>) => ({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "x" }], ...over });
    expect(validate(card({ actions: [{ type: "Action.OpenUrl", title: "Open", url: "https://example.org/respond/abc" }] }))).toBe(true);
    expect(validate(card({ actions: [{ type: "Action.OpenUrl", title: "Open", url: "https://exa mple.org/<bad>" }] }))).toBe(false);
    const formatError = (f: string) => (validate.errors ?? []).some((e) => e.keyword === "format" && e.params.format === f);
    expect(formatError("uri-reference")).toBe(true);
    expect(validate(card({ $schema: "not a uri" }))).toBe(false);
    expect(formatError("uri")).toBe(true);
  });
});
