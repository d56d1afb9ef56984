import { describe, expect, it } from "vitest";
import { createCardRenderer, type CardName } from "../../../bot/cards/render-card.js";
import { adaptiveCard15 } from "../../support/contracts.js";
import { teamsHostProblems } from "../../support/host-config.js";
import { CARD_DATA } from "./card-data.js";

/** Card rendering (bot/cards/render-card.ts): every template with representative data, and what a missing binding does. */
describe("card templates rendered with representative data", () => {
  const cards = createCardRenderer();
  const validate = adaptiveCard15();
  const names = cards.templateNames() as CardName[];

  it("there is representative data for every template, and a template for every entry", () => {
    expect(names.length).toBeGreaterThanOrEqual(17);
    expect(Object.keys(CARD_DATA).sort()).toEqual(names);
  });

  it.each(Object.keys(CARD_DATA).sort() as CardName[])("%s: valid Adaptive Card 1.5, fits the Teams host, no binding left, under 28 KB, shows its data", (name) => {
    const data = CARD_DATA[name];
    const card = cards.render(name, data);
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(card.version).toBe("1.5");
    expect(teamsHostProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).not.toContain("${");
    expect(Buffer.byteLength(json)).toBeLessThan(28 * 1024);
    if (typeof data.ref === "string") expect(json).toContain(data.ref);
    if (typeof data.caseRef === "string") expect(json).toContain(data.caseRef);
  });

  it("each render is a fresh object (a handler may change it without touching the next card)", () => {
    const a = cards.render("plan", CARD_DATA.plan);
    (a.body as unknown[]).length = 0;
    expect((cards.render("plan", CARD_DATA.plan).body as unknown[]).length).toBeGreaterThan(0);
  });

  it.each([
    ["plan", "ref"], ["strat-status", "due"], ["invitation", "inviteeName"], ["action-owner", "who"], ["schedule", "dueRule"], ["strat-opened", "chair"],
  ] as const)("%s without `%s`: refused naming the binding, never a card showing ${…}", (name, key) => {
    const { [key]: _gone, ...data } = CARD_DATA[name];
    expect(() => cards.render(name, data)).toThrow(new RegExp(`card template ${name}: no data for .*\\$\\{${key}\\}`));
  });

  it("every template rendered with no data at all is refused (no template renders ${…} for a user)", () => {
    for (const name of names) expect(() => cards.render(name, {}), name).toThrow(/no data for \$\{/);
  });

  it("a user's own text that looks like a binding is shown as typed, not refused", () => {
    const card = cards.render("plan", { ...CARD_DATA.plan, plan: "Keep ${child} safe: ${ref}" });
    expect(JSON.stringify(card)).toContain("Keep ${child} safe: ${ref}");
  });

  it("an unknown template is an error", () => {
    expect(() => cards.render("nope" as CardName, {})).toThrow(/no card template nope/);
  });
});
