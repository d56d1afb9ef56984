/**
 * The record's fields the protocol names (R-REC, DOMAIN.md §5) as cards: an index of sections, each marked done or
 * missing what close requires, and one card per section (so no card is a wall of inputs; each stays under 28 KB).
 */
import type { AppContext } from "../../src/app/context.js";
import { RECORD_SECTION_TITLES, recordRules, type RecordSection } from "../../src/domain/protocol/index.js";
import { missingRecordFields, recordFieldOffered, type RecordFieldRule, type RecordRules } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { stratHeader } from "./labels.js";
import { staleCard } from "./stale.js";


const YES_NO = [{ title: "Yes", value: "yes" }, { title: "No", value: "no" }];

/** The strat's rules and the fields it shows: complex-only and missing-only fields only for those concerns (R-REC `when`). */
function shownFields(ctx: AppContext, s: Strat): { rules: RecordRules; fields: RecordFieldRule[] } {
  const rules = recordRules(ctx.profiles.get(s.profileId), s.referral);
  return { rules, fields: rules.fields.filter((f) => recordFieldOffered(f, rules)) };
}

/** The sections this strat's profile asks, in the profile's order. */
export function recordSections(ctx: AppContext, s: Strat): RecordSection[] {
  return [...new Set(shownFields(ctx, s).fields.map((f) => f.section as RecordSection))];
}

export function recordIndexCard(ctx: AppContext, cards: CardRenderer, s: Strat, notice = ""): AdaptiveCard {
  const { rules, fields } = shownFields(ctx, s);
  const missing = missingRecordFields(s.state, rules);
  return cards.render("record-index", {
    ...stratHeader(s),
    notice,
    profileTitle: ctx.profiles.get(s.profileId).title,
    sections: recordSections(ctx, s).map((id) => {
      const gaps = missing.filter((f) => f.section === id).map((f) => f.label);
      const filled = fields.filter((f) => f.section === id && s.state.recordFields[f.id]).length;
      return {
        id,
        title: RECORD_SECTION_TITLES[id],
        marker: gaps.length ? `Missing (required to close): ${gaps.join("; ")}` : filled ? "Done" : "Nothing required; not filled in",
        color: gaps.length ? "Attention" : filled ? "Good" : "Default",
      };
    }),
  });
}

/** The saved values of a section's fields, by field id ("" when not filled in). */
export function savedSection(ctx: AppContext, s: Strat, section: string): Record<string, string> {
  return Object.fromEntries(shownFields(ctx, s).fields.filter((f) => f.section === section).map((f) => [f.id, s.state.recordFields[f.id]?.value ?? ""]));
}

export function recordSectionCard(
  ctx: AppContext, cards: CardRenderer, s: Strat, section: RecordSection, v: Readonly<Record<string, string>>,
  opts: { errors?: Record<string, string>; formError?: string; stale?: boolean } = {},
): AdaptiveCard {
  const fields = shownFields(ctx, s).fields.filter((f) => f.section === section);
  const card = cards.render("record-section", {
    ...stratHeader(s),
    section,
    sectionTitle: RECORD_SECTION_TITLES[section],
    formError: opts.formError ?? "",
    fields: fields.map((f) => ({
      id: f.id,
      kind: f.kind,
      label: f.requiredToClose ? `${f.label} (required to close${f.when === "notAllTogether" ? " when not all together" : ""})` : f.label,
      value: v[f.id] ?? "",
      options: f.kind === "yesno" ? YES_NO : (f.options ?? []).map((o) => ({ title: o.title, value: o.value })),
      help: f.help ?? "",
      error: opts.errors?.[f.id] ?? "",
    })),
  });
  if (!opts.stale) return card;
  const saved = savedSection(ctx, s, section);
  return staleCard(card, s, { what: RECORD_SECTION_TITLES[section].toLowerCase(), verb: "recordFields", latest: Object.values(saved).some(Boolean) ? saved : null, data: { section } });
}
