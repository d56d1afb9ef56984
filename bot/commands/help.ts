import { COMMANDS, findCommand } from "./catalogue.js";
import type { CardRenderer } from "../cards/render-card.js";
import type { CommandHandler } from "../turn.js";

/** `help` (every command with an example) or `help <command>`. Commands not built yet say so. */
export function helpCommand(cards: CardRenderer, available: ReadonlySet<string>): CommandHandler {
  return async (turn) => {
    const asked = turn.args.trim().split(/\s+/)[0] ?? "";
    const list = asked ? [findCommand(asked)].filter((c) => c !== undefined) : COMMANDS;
    if (asked && list.length === 0) {
      await turn.sendText(`There is no command \`${asked.slice(0, 30)}\`. Type \`help\` to see them all.`);
      return;
    }
    await turn.sendCard(
      cards.render("help", {
        commands: list.map((c) => ({
          name: c.name,
          summary: c.summary,
          example: `“${c.example}”`,
          status: available.has(c.name) ? "" : "Not available yet in this version.",
        })),
      }),
    );
  };
}
