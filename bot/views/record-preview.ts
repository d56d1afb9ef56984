/**
 * The chair's view of the whole record (issue 13 point 1), before verification and after: one collapsible section
 * per part of the record (src/domain/record/sections.ts, the same words as the PDF), the first open. Teams refuses
 * a card over 28 KB: a record that big is shown as its sections with their counts, and the card says the full
 * record is in the PDF.
 */
import type { StratRecord } from "../../src/domain/record/record.js";
import { recordSections } from "../../src/domain/record/sections.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";

/** Teams' limit on a card's size (bytes of its JSON). */
export const CARD_LIMIT_BYTES = 28 * 1024;

const stateLine = (r: StratRecord) =>
  r.verifiedAt
    ? `Verified ${showLondon(r.verifiedAt)} · version ${r.version}`
    : "Not yet verified: check it before you verify the record and close. Tap a section to show or hide it.";

export function recordPreviewCard(cards: CardRenderer, record: StratRecord): AdaptiveCard {
  const sections = recordSections(record);
  const base = { ref: record.stratRef, caseRef: record.caseRef, state: stateLine(record), hash: record.contentHash };
  const full = cards.render("record-preview", {
    ...base, note: "",
    sections: sections.map((s, i) => ({ id: `record-${s.id}`, title: s.title, heading: s.items.length ? `${s.title} (${s.items.length})` : s.title, open: i === 0, lines: s.lines, items: s.items })),
  });
  if (Buffer.byteLength(JSON.stringify(full)) < CARD_LIMIT_BYTES) return full;
  return cards.render("record-preview", {
    ...base, note: `This record is too large to show in Teams in full. The full record is in the PDF.`,
    sections: sections.map((s) => ({ id: `record-${s.id}`, title: s.title, heading: `${s.title}: ${s.items.length || s.lines.length} ${s.items.length ? "entries" : "lines"}`, open: false, lines: [], items: [] })),
  });
}
