import { timingSafeEqual } from "node:crypto";
import express, { type Request, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Clock } from "../../ports/clock.js";
import type { Database } from "../../ports/store.js";
import { enqueue, enqueueUnlessPending } from "./outbox-store.js";
import { jsonBody } from "../http/body.js";

/**
 * Graph change notifications (issue 6 point 4), mounted by the HTTP server:
 * - `POST /graph/notifications?validationToken=…` and `POST /graph/lifecycle?validationToken=…`: the
 *   subscription handshake, answered at once with 200 text/plain and the decoded token (Graph gives 10 s).
 * - `POST /graph/notifications`: each item's clientState is compared (constant time) with the secret; the
 *   work is queued in the outbox and the request acknowledged with 202 (Graph gives 3 s).
 * - `POST /graph/lifecycle`: `missed` → re-read the mailbox (delta); `reauthorizationRequired` → renew;
 *   `subscriptionRemoved` → create again.
 * Nothing here calls Graph.
 */
export interface GraphRoutesDeps { db: Database; clock: Clock; log: Logger; clientState: string }

const ZNotification = z.object({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(256).nullish(),
  changeType: z.string().max(100).optional(),
  resource: z.string().max(2000).optional(),
  lifecycleEvent: z.string().max(100).optional(),
  resourceData: z.object({ id: z.string().max(500).optional() }).loose().nullish(),
}).loose();
const ZCollection = z.object({ value: z.array(ZNotification).max(1000) });

const sameSecret = (a: string | null | undefined, b: string) => {
  if (typeof a !== "string") return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** `Users/{id}/Events/{id}` (Graph's resource form) → mailbox and event id. */
export function parseEventResource(resource: string | undefined): { mailbox: string; eventId: string } | null {
  const m = /^\/?users\/([^/]+)\/events\/([^/?]+)/i.exec(resource ?? "");
  if (!m) return null;
  const strip = (s: string) => decodeURIComponent(s).replace(/^\('?|'?\)$/g, "");
  return { mailbox: strip(m[1]!).toLowerCase(), eventId: strip(m[2]!) };
}

export function createGraphRoutes(deps: GraphRoutesDeps): express.Router {
  const router = express.Router();
  const json = jsonBody({ limit: "1mb", type: ["application/json", "text/json"] });

  const handshake = (req: Request, res: Response): boolean => {
    const token = req.query.validationToken;
    if (typeof token !== "string") return false;
    res.status(200).type("text/plain").send(token);
    return true;
  };

  const parse = (req: Request, res: Response) => {
    const r = ZCollection.safeParse(req.body);
    if (!r.success) {
      res.status(400).json({ error: "Not a Graph notification collection." });
      return null;
    }
    return r.data.value;
  };

  router.post("/graph/notifications", (req, res, next) => (handshake(req, res) ? undefined : next()), json, async (req, res) => {
    const items = parse(req, res);
    if (!items) return;
    const now = deps.clock.now();
    let queued = 0;
    let refused = 0;
    // Known subscriptions only; a forged or stale one is acknowledged and ignored.
    const ids = [...new Set(items.map((i) => i.subscriptionId))];
    const known = new Set((await deps.db.query<{ id: string }>("SELECT id FROM graph_subscriptions WHERE id = ANY($1)", [ids])).map((r) => r.id));
    for (const n of items) {
      if (!sameSecret(n.clientState, deps.clientState) || !known.has(n.subscriptionId)) { refused++; continue; }
      const target = parseEventResource(n.resource);
      const eventId = n.resourceData?.id ?? target?.eventId;
      if (!target || !eventId) continue;
      await enqueue(deps.db, { kind: "graph.sync-event", payload: { mailbox: target.mailbox, eventId, changeType: n.changeType ?? null }, runAt: now, now });
      queued++;
    }
    if (refused) deps.log.warn({ refused }, "graph notifications refused (clientState or subscription unknown)");
    res.status(202).end();
    deps.log.debug({ queued }, "graph notifications queued");
  });

  router.post("/graph/lifecycle", (req, res, next) => (handshake(req, res) ? undefined : next()), json, async (req, res) => {
    const items = parse(req, res);
    if (!items) return;
    const now = deps.clock.now();
    for (const n of items) {
      if (!sameSecret(n.clientState, deps.clientState)) continue;
      const sub = (await deps.db.query<{ mailbox: string }>("SELECT mailbox FROM graph_subscriptions WHERE id = $1", [n.subscriptionId]))[0];
      if (!sub) continue;
      const mailbox = sub.mailbox;
      if (n.lifecycleEvent === "missed") {
        await enqueueUnlessPending(deps.db, { kind: "graph.resync", key: mailbox, payload: { mailbox }, runAt: now, now });
      } else if (n.lifecycleEvent === "subscriptionRemoved") {
        await deps.db.query("UPDATE graph_subscriptions SET state = 'removed' WHERE id = $1", [n.subscriptionId]);
        await enqueueUnlessPending(deps.db, { kind: "graph.subscribe", key: mailbox, payload: { mailbox }, runAt: now, now });
        await enqueueUnlessPending(deps.db, { kind: "graph.resync", key: mailbox, payload: { mailbox }, runAt: now, now });
      } else if (n.lifecycleEvent === "reauthorizationRequired") {
        await enqueueUnlessPending(deps.db, { kind: "graph.subscribe", key: mailbox, payload: { mailbox, force: true }, runAt: now, now });
      }
      deps.log.info({ lifecycleEvent: n.lifecycleEvent, subscriptionId: n.subscriptionId }, "graph lifecycle notification queued");
    }
    res.status(202).end();
  });

  return router;
}
