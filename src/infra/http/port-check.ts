import { createServer } from "node:net";
import { AppError } from "../../domain/errors.js";

/** A listen error as one line a person can act on: which port, which setting (issue 11, point 1). */
export function listenError(e: unknown, port: number, setting: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") return new AppError("unavailable", `port ${port} is in use (set ${setting}).`);
  if (code === "EACCES") return new AppError("unavailable", `port ${port} may not be used by this user (set ${setting}).`);
  if (code === "EADDRNOTAVAIL") return new AppError("unavailable", `the address for port ${port} is not on this machine (check HOST).`);
  return e;
}

/**
 * Fails with `listenError` when `port` cannot be listened on, so start-up stops before the database is
 * opened or migrated. Port 0 (any free port) always passes. The real listen still maps its own error.
 */
export async function ensurePortFree(host: string, port: number, setting: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once("error", (e) => reject(listenError(e, port, setting)));
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

/** `app.listen` for express 5, whose callback also receives the listen error (the server then has no address). */
export function listenOn<T extends { listen: (...a: any[]) => import("node:http").Server }>(app: T, port: number, host: string, setting: string): Promise<import("node:http").Server> {
  return new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(listenError(err, port, setting)) : resolve(s)));
  });
}
