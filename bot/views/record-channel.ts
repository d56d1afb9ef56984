/**
 * The record's summary card for the team channel (issue 13 point 2): decisions, the interim safety plan, actions
 * with owners and dates, dissent, attendance and quorum (the same words as the PDF: src/domain/record/sections.ts),
 * the distribution status and the PDF. Over Teams' 28 KB the sections shrink to their counts; the PDF has it all.
 */
import type { StratRecord } from "../../src/domain/record/record.js";
import { recordSections } from "../../src/domain/record/sections.js";
import { showLondon } from "../../src/domain/time/london.js";
import { recordPostMarker, type ChannelRecordCard } from "../../src/app/publish-record.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { CARD_LIMIT_BYTES } from "./record-preview.js";

/** The parts of the record a channel summary shows, in this order. */
const SUMMARY = ["decisions", "plan", "actions", "dissent", "attendance"];

export function recordChannelCard(cards: CardRenderer): ChannelRecordCard {
  return (record: StratRecord, info) => {
    const sections = recordSections(record).filter((s) => SUMMARY.includes(s.id)).sort((a, b) => SUMMARY.indexOf(a.id) - SUMMARY.indexOf(b.id));
    const base = {
      marker: recordPostMarker(record), // found again in the channel after a crash (publish-record.ts)
      title: `${info.change ? "Amended record" : "Verified record"} · ${record.stratRef} · case ${record.caseRef}`,
      state: `Verified ${record.verifiedAt ? showLondon(record.verifiedAt) : "(not yet)"} · version ${record.version}`,
      change: info.change ?? "", note: info.note ?? "", distribution: info.distribution, pdf: info.pdf, hash: record.contentHash,
    };
    const full: AdaptiveCard = cards.render("record-channel", {
      ...base, sections: sections.map((s) => ({ heading: s.items.length ? `${s.title} (${s.items.length})` : s.title, lines: s.lines, items: s.items })),
    });
    if (Buffer.byteLength(JSON.stringify(full)) < CARD_LIMIT_BYTES) return full;
    return cards.render("record-channel", {
      ...base, note: `${base.note} This record is too large to show in Teams in full. The full record is in the PDF.`.trim(),
      sections: sections.map((s) => ({ heading: `${s.title}: ${s.items.length || s.lines.length} ${s.items.length ? "entries" : "lines"}`, lines: [], items: [] })),
    });
  };
}
