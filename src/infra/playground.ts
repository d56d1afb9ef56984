import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Logger } from "pino";

/**
 * Microsoft 365 Agents Playground (a Teams-like chat in the browser) pointed at the bot, for local
 * mode. It runs offline; telemetry is off and it opens no browser by itself.
 */
export function startPlayground(opts: { botEndpoint: string; port: number; log: Logger }): ChildProcess {
  const cli = createRequire(import.meta.url).resolve("@microsoft/m365agentsplayground/cli.js");
  const child = spawn(process.execPath, [cli, "-c", "msteams", "-p", String(opts.port), "--dt", "-e", opts.botEndpoint], {
    env: { ...process.env, BOT_ENDPOINT: opts.botEndpoint, TEAMSAPPTESTER_BROWSER: "none", DEFAULT_PORT: String(opts.port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pipe = (s: NodeJS.ReadableStream | null) =>
    s?.on("data", (b: Buffer) => {
      for (const line of b.toString().split("\n")) if (line.trim()) opts.log.debug({ playground: line.trim().slice(0, 300) }, "playground");
    });
  pipe(child.stdout);
  pipe(child.stderr);
  child.on("exit", (code, signal) => opts.log.info({ code, signal }, "Agents Playground stopped"));
  return child;
}
