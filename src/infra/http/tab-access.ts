/**
 * Who may call the tab's JSON API (/api/tab/…): one rule, in one place. Local mode: this machine only. Tenant mode
 * needs Teams SSO (issue 15 point 2): until it is wired, the API refuses rather than show case data to an
 * unauthenticated caller. Replace the body of `tabAccess` (or the middleware) to change the rule for every route.
 */
import type { NextFunction, Request, Response } from "express";
import type { Config } from "../../config.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
export const isLoopback = (addr: string | undefined) => addr !== undefined && (LOOPBACK.has(addr) || addr.startsWith("127."));

export const tabAccess = (config: Pick<Config, "authEnabled">) => (req: Request, res: Response, next: NextFunction) => {
  if (config.authEnabled || !isLoopback(req.socket.remoteAddress)) {
    res.status(401).json({ error: "Sign-in required: the tab's Teams sign-in is not configured on this server yet." });
    return;
  }
  next();
};
