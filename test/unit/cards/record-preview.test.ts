import { describe, expect, it } from "vitest";
import { createCardRenderer } from "../../../bot/cards/render-card.js";
import { CARD_LIMIT_BYTES, recordPreviewCard } from "../../../bot/views/record-preview.js";
import { assembleRecord } from "../../../src/domain/record/record.js";
import { actionLine } from "../../../src/domain/record/sections.js";
import { adaptiveCard15 } from "../../support/contracts.js";
import { teamsHostProblems } from "../../support/host-config.js";
import { fullStrat } from "../../support/full-strat.js";

/** Issue 13 point 1: the chair's record card: every section collapsible (Action.ToggleVisibility), valid 1.5, < 28 KB. */
const cards = createCardRenderer();
const validate = adaptiveCard15();
const PROFILE = { id: "bromley-2023", title: "Bromley 2023" };

function check(card: object): string {
  expect(validate(card), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  expect(teamsHostProblems(card as never)).toEqual([]);
  const json = JSON.stringify(card);
  expect(Buffer.byteLength(json)).toBeLessThan(CARD_LIMIT_BYTES);
  return json;
}

describe("recordPreviewCard", () => {
  it("shows the whole record of a full strat, each section toggled by its heading, the first open", () => {
    const record = assembleRecord(fullStrat({ children: 5, invitees: 12, actions: 30 }), PROFILE);
    const card = recordPreviewCard(cards, record);
    const json = check(card);
    for (const a of record.actions) expect(json).toContain(JSON.stringify(actionLine(a)).slice(1, -1));
    expect(json).toContain("Interim safety plan");
    expect(json).toContain(record.contentHash);
    const toggles = json.match(/"Action.ToggleVisibility"/g) ?? [];
    expect(toggles.length).toBeGreaterThanOrEqual(11);
    expect(json).toContain('"targetElements":["record-actions"]');
    expect(json).toContain('"id":"record-summary","isVisible":true');
    expect(json).toContain('"id":"record-actions","isVisible":false');
  });

  it("a record too big for Teams lists its sections with counts and says the full record is in the PDF", () => {
    const record = assembleRecord(fullStrat({ children: 5, invitees: 40, actions: 200 }), PROFILE);
    const json = check(recordPreviewCard(cards, record));
    expect(json).toContain("The full record is in the PDF.");
    expect(json).toContain("Actions: 200 entries");
    expect(json).not.toContain(actionLine(record.actions[0]!).slice(0, 40));
  });
});
