/**
 * How the record and seed commands end: exit code from `main`, or one stderr line naming the command and what went
 * wrong (a usage or configuration error as written, an AppError in the user's words with its field), never a stack.
 */
import { ConfigError } from "../config.js";
import { isAppError } from "../domain/errors.js";

/** A bad argument: its message names the option; exit code 2. */
export class UsageError extends Error {}

export function runCli(
  name: string, main: (argv: readonly string[]) => Promise<number>,
  opts: { asWritten?: (e: unknown) => boolean; exitCode?: (e: unknown) => number } = {},
): void {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      const message = e instanceof UsageError || e instanceof ConfigError || opts.asWritten?.(e) ? (e as Error).message
        : isAppError(e) ? `${e.field ? `${e.field}: ` : ""}${e.userMessage}` : `${(e as Error).name}: ${(e as Error).message.split("\n")[0]}`;
      process.stderr.write(`${name}: ${message.replace(/\s*\n\s*/g, " ")}\n`);
      process.exitCode = opts.exitCode?.(e) ?? 2;
    },
  );
}
