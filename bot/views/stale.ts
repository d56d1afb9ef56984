/**
 * A card refused as out of date (issue 11 point 3): the same card, with what is saved now beside the chair's
 * own unsaved entries (kept in the form), and two buttons instead of the plain save, so the old entries never
 * replace newer work without the chair choosing it: "Keep the latest" (nothing saved) or "Use mine" (replaces
 * the latest, checked against the version shown here). One place for every card whose input can be stale.
 */
import type { Strat } from "../../src/domain/strat/strat.js";
import type { AdaptiveCard } from "../cards/render-card.js";

export interface StaleChoice {
  /** What changed, as a chair says it: "the interim safety plan", "the decisions", "the attendance". */
  what: string;
  /**
   * What is saved now, by the card's input ids (null when nothing is): shown under the card's own labels and choice
   * titles. Inputs not named here (e.g. a choice among proposals) are not compared.
   */
  latest: Readonly<Record<string, string>> | null;
  /** The verb of the card's save button. */
  verb: string;
  /** What is saved now that the inputs cannot show (e.g. "i1 was removed since: …"), as a sentence. */
  note?: string;
  /** Ids the save button carries besides the strat and version (e.g. the record section). */
  data?: Readonly<Record<string, string>>;
}

interface Input { type: string; id: string; label?: string; value?: unknown; choices?: { title: string; value: string }[] }

const inputsOf = (n: unknown, out: Input[] = []): Input[] => {
  if (Array.isArray(n)) n.forEach((x) => inputsOf(x, out));
  else if (n && typeof n === "object") {
    const o = n as Record<string, unknown>;
    if (typeof o.type === "string" && o.type.startsWith("Input.") && typeof o.id === "string") out.push(o as unknown as Input);
    else Object.values(o).forEach((x) => inputsOf(x, out));
  }
  return out;
};

/** A value as the card shows it: a choice's title (several, for a multi-select), else the text. */
const shown = (input: Input, value: string) =>
  input.choices ? value.split(",").filter(Boolean).map((v) => input.choices!.find((c) => c.value === v)?.title ?? v).join("; ") : value;

/** The saved values beside the card's inputs: each under the input's label, marked where it differs from the chair's entry. */
function latestFacts(card: AdaptiveCard, latest: Readonly<Record<string, string>>) {
  return inputsOf(card.body).flatMap((input) => {
    if (!(input.id in latest)) return [];
    const saved = latest[input.id] ?? "";
    const yours = input.value === undefined ? "" : String(input.value);
    if (!saved && !yours) return [];
    const differs = saved.trim() !== yours.trim();
    return [{ title: `${input.label ?? input.id}${differs ? " (differs from yours)" : ""}`, value: shown(input, saved) || "—" }];
  });
}

const button = (title: string, verb: string, data: Record<string, string>, style?: "positive") => ({
  type: "Action.Execute", title, verb, data, ...(style ? { style } : {}),
  fallback: { type: "Action.Submit", title, data: { verb, ...data } },
});

/**
 * The card `card` (rendered with the chair's entries on the latest strat `s`) as refused for being out of date:
 * the choice on an open strat, nothing to choose on one closed since.
 */
export function staleCard(card: AdaptiveCard, s: Strat, c: StaleChoice): AdaptiveCard {
  return s.status === "open" ? withStaleChoice(card, c, { ...c.data, stratId: s.id, version: String(s.version) }) : closedSince(card, s.ref);
}

function withStaleChoice(card: AdaptiveCard, c: StaleChoice, data: Readonly<Record<string, string>>): AdaptiveCard {
  const body = [...(card.body as Record<string, unknown>[])];
  const facts = c.latest ? latestFacts(card, c.latest) : [];
  const latest = [
    ...(facts.length ? [{ type: "FactSet", facts }] : []),
    ...(c.note ? [{ type: "TextBlock", text: c.note, wrap: true }] : []),
  ];
  if (!latest.length) latest.push({ type: "TextBlock", text: "Nothing saved yet.", wrap: true });
  body.splice(1, 0,
    {
      type: "TextBlock", color: "Attention", wrap: true,
      // the strat's version moved: something changed, not necessarily this part (the comparison below shows whether it did)
      text: `This card is out of date: the strategy discussion was changed since it was shown. Nothing was saved. Compare ${c.what} saved now (below) with yours (in the form), then choose which to keep; you can edit yours first.`,
    },
    { type: "Container", style: "emphasis", items: [{ type: "TextBlock", text: `Saved now: ${c.what}`, weight: "Bolder", wrap: true }, ...latest] },
  );
  // Before the first part of the form holding an input (an input itself, or a column set of them).
  const firstInput = body.findIndex((b) => inputsOf(b).length > 0);
  body.splice(firstInput < 0 ? body.length : firstInput, 0, { type: "TextBlock", text: "Yours (not saved)", weight: "Bolder", wrap: true });
  return {
    ...card,
    body,
    actions: [
      button("Keep the latest", c.verb, { ...data, choice: "latest" }),
      button("Use mine (replaces the latest)", c.verb, { ...data, choice: "mine" }, "positive"),
    ],
  };
}

/** A stale card of a strat closed since: nothing to choose, the verified record changes only by amendment. */
function closedSince(card: AdaptiveCard, ref: string): AdaptiveCard {
  const body = [...(card.body as unknown[])];
  body.splice(1, 0, {
    type: "TextBlock", color: "Attention", wrap: true,
    text: `This card is out of date: ${ref} was closed since and its verified record cannot be changed. Nothing was saved. To correct it, type close and amend the record.`,
  });
  const { actions: _dropped, ...rest } = card;
  return { ...rest, body } as AdaptiveCard;
}
