import type { JobKind, JobPayloadInput } from "../../ports/jobs.js";
import { calendarOrderingKey } from "../../ports/jobs.js";
import type { Sql } from "../../ports/store.js";
import { enqueueJob, type QueueRequest } from "../queue/job-store.js";

/**
 * The Graph side of the one durable queue (issue 6 point 6, issue 10 point 2): every Graph write and every
 * follow-up (a notification to re-read, a callback to the strat use cases) is a job first, of a `graph.*`
 * or `calendar.*` kind with its own schema (src/ports/jobs.ts). Calendar writes of one strat share an
 * ordering key, so they run one at a time in the order they were requested.
 */
export type GraphKind = Extract<JobKind, `graph.${string}` | `calendar.${string}`>;
export const GRAPH_KINDS: readonly GraphKind[] = [
  "graph.book", "graph.move", "graph.cancel", "graph.mail", "graph.channel-post", "graph.upload", "graph.sync-event", "graph.resync",
  "graph.subscribe", "calendar.booked", "calendar.moved", "calendar.cancelled", "calendar.response", "calendar.failure",
];

/** Kinds that change one strat's meeting: never concurrently nor out of order for that strat. */
const ORDERED = new Set<GraphKind>(["graph.book", "graph.move", "graph.cancel"]);

export interface GraphJob<K extends GraphKind> {
  kind: K;
  payload: JobPayloadInput<K>;
  stratId?: string | null;
  /** The caller's idempotency key: a repeated request returns the same job. */
  dedupeKey?: string | null;
  /** At most one unfinished job with this key (e.g. one resync per mailbox). */
  singletonKey?: string;
  runAt: Date;
  now: Date;
}

/** Our own callbacks (calendar.*) are retried longer than Graph calls: an answer is never lost silently. */
const maxAttemptsOf = (k: GraphKind) => (k.startsWith("calendar.") ? 20 : 10);

function request<K extends GraphKind>(j: GraphJob<K>): QueueRequest {
  const stratId = j.stratId ?? null;
  const r: GraphRequest<K> = {
    kind: j.kind, payload: j.payload, runAt: j.runAt, stratId, maxAttempts: maxAttemptsOf(j.kind),
    ...(j.dedupeKey ? { dedupeKey: j.dedupeKey } : {}),
    ...(j.singletonKey ? { singletonKey: j.singletonKey } : {}),
    ...(ORDERED.has(j.kind) && stratId ? { orderingKey: calendarOrderingKey(stratId) } : {}),
  };
  return r as QueueRequest; // K is one GraphKind: r is that kind's request
}
type GraphRequest<K extends GraphKind> = Omit<QueueRequest, "kind" | "payload"> & { kind: K; payload: JobPayloadInput<K> };

/** Enqueues a Graph job; returns its id (the existing one for a repeated dedupe key). */
export async function enqueue<K extends GraphKind>(sql: Sql, j: Omit<GraphJob<K>, "singletonKey">): Promise<{ id: string }> {
  const id = await enqueueJob(sql, request(j), j.now);
  if (!id) throw new Error(`${j.kind} job not written`);
  return { id };
}

/** Enqueues unless an unfinished job of this kind has the same key (e.g. one resync per mailbox); true if it was queued. */
export async function enqueueUnlessPending<K extends GraphKind>(sql: Sql, j: Omit<GraphJob<K>, "singletonKey" | "dedupeKey"> & { key: string }): Promise<boolean> {
  const { key, ...rest } = j;
  return (await enqueueJob(sql, request({ ...rest, singletonKey: `${j.kind}:${key}` }), j.now)) !== null;
}
