import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as ACData from "adaptivecards-templating";

/**
 * Cards are templates (ARCHITECTURE.md §4): one JSON file per view under bot/cards/, with `${…}`
 * bindings that open in the Adaptive Cards Designer. Handlers choose the template and the data; this
 * is the one place that expands them. Loaded once at start-up; the result is immutable.
 */
export type CardName =
  | "new-strat" | "strat-opened" | "status" | "help" | "strat-status" | "invitees" | "invitation" | "attendance" | "decisions"
  | "plan" | "action" | "action-owner" | "dissent" | "close" | "schedule" | "mine" | "missing-risk" | "missing-episode" | "pick-strat"
  | "record-index" | "record-section" | "record-preview" | "record-channel";

export type AdaptiveCard = Record<string, unknown> & { type: "AdaptiveCard"; version: string };

export interface CardRenderer {
  render(name: CardName, data: Record<string, unknown>): AdaptiveCard;
  templateNames(): string[];
}

const CARDS_DIR = fileURLToPath(new URL("./", import.meta.url));

export function createCardRenderer(dir = CARDS_DIR): CardRenderer {
  // Parsed once: re-parsing a template's bindings on every render cost ~30% of an invoke (docs/benchmarks.md).
  const templates = new Map<string, ACData.Template>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    templates.set(f.slice(0, -5), new ACData.Template(JSON.parse(readFileSync(dir + f, "utf8"))));
  }
  return {
    render(name, data) {
      const t = templates.get(name);
      if (!t) throw new Error(`no card template ${name}`);
      const card = t.expand({ $root: data }) as AdaptiveCard; // a fresh object every time: safe to change
      // A binding with no data is left as `${…}` by the templating library: a handler's mistake, never shown to a user.
      const left = unresolvedBindings(card, data);
      if (left.length) throw new Error(`card template ${name}: no data for ${left.join(", ")}`);
      return card;
    },
    templateNames: () => [...templates.keys()].sort(),
  };
}

const BINDING = /\$\{[^}]*\}/g;

/** `${…}` left in the expanded card that did not come from the data itself (a user may type "${x}"). */
function unresolvedBindings(card: unknown, data: unknown): string[] {
  const found = new Set<string>();
  const walk = (n: unknown, visit: (s: string) => void) => {
    if (typeof n === "string") visit(n);
    else if (Array.isArray(n)) for (const x of n) walk(x, visit);
    else if (n && typeof n === "object") for (const x of Object.values(n)) walk(x, visit);
  };
  walk(card, (s) => {
    if (s.includes("${")) for (const m of s.match(BINDING) ?? []) found.add(m);
  });
  if (!found.size) return [];
  walk(data, (s) => {
    if (s.includes("${")) for (const m of s.match(BINDING) ?? []) found.delete(m);
  });
  return [...found];
}
