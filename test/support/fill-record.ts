import { expect } from "vitest";
import type { cardChat } from "./card-chat.js";

/** What filling the record needs of a conversation: type a command, press a card. */
type Chat = Pick<ReturnType<typeof cardChat>, "sayCard" | "pressCard">;
import { findAction } from "./harness.js";

/**
 * The record's fields (R-REC) through the bot's cards, as a chair fills them: `record <ref>`, open a section from the
 * index, fill it in, save. `REQUIRED_RECORD` is what every profile requires to close (reason and mode), so flows that
 * close a strat fill it first; the analysis of risk is a decision (the decisions card's riskAnalysis).
 */
export const REQUIRED_RECORD: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  reason: { reason: "Bruising reported by the school; the child says an adult hurt them." },
  mode: { mode: "teams" },
};

/** Every Action.Execute of a card, wherever it sits (top-level actions or an ActionSet in the body). */
export function executeActions(card: unknown): any[] {
  const out: any[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === "object") {
      const o = n as Record<string, unknown>;
      if (o.type === "Action.Execute") out.push(o);
      Object.entries(o).forEach(([k, v]) => k !== "fallback" && walk(v));
    }
  };
  walk(card);
  return out;
}

/** The index card's button that opens `section`. */
export const openButton = (index: unknown, section: string) => executeActions(index).find((a) => a.verb === "recordSection" && a.data.section === section);

export async function fillRecordSection(chat: Chat, ref: string, section: string, values: Readonly<Record<string, string>>) {
  const index = await chat.sayCard(`record ${ref}`);
  const open = openButton(index, section);
  expect(open, `the record index offers section ${section}`).toBeTruthy();
  const card = await chat.pressCard("recordSection", open.data);
  return { card, saved: await chat.pressCard("recordFields", { ...findAction(card, "recordFields").data, ...values }) };
}

export async function fillRecord(chat: Chat, ref: string, sections = REQUIRED_RECORD) {
  for (const [section, values] of Object.entries(sections)) {
    const { saved } = await fillRecordSection(chat, ref, section, values);
    expect(JSON.stringify(saved)).toMatch(/: (already )?saved/);
  }
}
