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
  | "plan" | "action" | "action-owner" | "dissent" | "close" | "schedule" | "mine" | "missing-risk";

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
      return t.expand({ $root: data }) as AdaptiveCard; // a fresh object every time: safe to change
    },
    templateNames: () => [...templates.keys()].sort(),
  };
}
