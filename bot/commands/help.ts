import { COMMANDS, findCommand, nearestCommand } from "./catalogue.js";
import type { CardRenderer } from "../cards/render-card.js";
import type { CommandHandler } from "../turn.js";

/** `help` (every command with an example) or `help <command>`. Commands not built yet say so. */
export function helpCommand(cards: CardRenderer, available: ReadonlySet<string>): CommandHandler {
  return async (turn) => {
    const asked = turn.args.trim().split(/\s+/)[0] ?? "";
    const list = asked ? [findCommand(asked)].filter((c) => c !== undefined) : COMMANDS;
    if (asked && list.length === 0) {
      await turn.sendText(unknownCommandReply(asked));
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

/** What the bot answers to a word that is not a command: the nearest command if one is close, and `help`. */
export function unknownCommandReply(word: string): string {
  const near = nearestCommand(word);
  const shown = word.slice(0, 30).replace(/`/g, "'");
  return `I don't know the command \`${shown}\`.${near ? ` Did you mean \`${near.name}\`?` : ""} Type \`help\` to see the commands.`;
}
