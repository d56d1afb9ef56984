import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "../../ports/clock.js";
import type { JobKind, JobOf } from "../../ports/jobs.js";
import type { Database, Sql } from "../../ports/store.js";
import { claimJobs, completeJob, markJobDead, retryJobLater, settleRecordDistribution, toJob, type ClaimedRow, type Held } from "./job-store.js";

/** What a handler may do with the job it holds. Every write is fenced by the claim's token. */
export interface JobRun {
  /** Marks the job done on `sql` (a transaction of the handler's own, to record its work with it); false if the lease was lost. */
  complete(sql?: Sql, result?: unknown): Promise<boolean>;
  /** Dead-letters the job on `sql` with `error` (fenced); false if the lease was lost. */
  dead(sql: Sql, error: string): Promise<boolean>;
  readonly held: Held;
}

/** How a handler's error is treated: retried (after at least `retryAfterMs`) or dead at once. */
export interface Failure {
  retry: boolean;
  /** Stored as the job's last error: a code, a status, a schema field — never a library's message (it may carry case content). */
  error: string;
  retryAfterMs?: number;
  level?: "warn" | "error";
  /** Plain words for the chair, should the job go dead. */
  message?: string;
}

export interface JobHandler<K extends JobKind> {
  /** Does the work. Returning without calling run.complete completes the job. */
  run(job: JobOf<K>, run: JobRun): Promise<void>;
  /** Default: retry up to the job's max attempts, error = the error's name. */
  classify?(e: unknown, job: JobOf<K>): Failure;
  /** Called in the transaction that dead-letters the job (its last attempt failed, or a permanent error). */
  onDead?(tx: Sql, job: JobOf<K>, failure: Failure): Promise<void>;
}

export type JobHandlers = { [K in JobKind]?: JobHandler<K> };

export interface BackoffSettings { baseDelayMs: number; maxDelayMs: number }

/**
 * Exponential back-off with "equal jitter": after attempt n the wait is in [d/2, d] with
 * d = min(base · 2^(n-1), max), so waits grow with the attempts and two jobs failing together do not
 * come back together. `random` is injectable for tests.
 */
export function backoffDelay(attempts: number, s: BackoffSettings, random: () => number = Math.random): number {
  const d = Math.min(s.baseDelayMs * 2 ** Math.max(0, attempts - 1), s.maxDelayMs);
  return Math.round(d / 2 + random() * (d / 2));
}

export interface WorkerOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  handlers: JobHandlers;
  workerId?: string;
  /** How long a claim holds before another worker may take the job over (a crash). */
  leaseMs?: number;
  /** Jobs claimed per round. */
  batch?: number;
  /** Jobs run at once (Outlook allows 4 concurrent requests per mailbox). */
  concurrency?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Work done at the start of a round (e.g. enqueueing subscription renewals); throttled by the caller. */
  beforeRound?: () => Promise<void>;
  random?: () => number;
}

export interface JobWorker {
  readonly workerId: string;
  /** One round: claims due jobs (of `kinds`, default all handled) and runs them. Rounds of one worker never overlap. */
  runOnce(opts?: { kinds?: readonly JobKind[] }): Promise<number>;
  /** Runs rounds until nothing is due (tests, bench). */
  drain(maxRounds?: number): Promise<number>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

const errName = (e: unknown) => (e instanceof Error ? e.name : "Error");

/**
 * The one worker: claims due jobs of the kinds it has handlers for, parses each payload by its kind's
 * schema (a payload that does not parse is dead-lettered with the reason, never run, never a crash),
 * runs the handler, and records the outcome fenced by the claim's token. Several instances may run on
 * one database: claims are atomic (FOR UPDATE SKIP LOCKED) and a lost lease makes a late write a no-op.
 */
export function createJobWorker(o: WorkerOptions): JobWorker {
  const s = {
    workerId: o.workerId ?? `w-${randomUUID().slice(0, 8)}`,
    leaseMs: o.leaseMs ?? 120_000,
    batch: o.batch ?? 16,
    concurrency: o.concurrency ?? 4,
    backoff: { baseDelayMs: o.baseDelayMs ?? 5_000, maxDelayMs: o.maxDelayMs ?? 15 * 60_000 },
  };
  const { db, clock, log } = o;
  const now = () => clock.now();
  const kinds = Object.keys(o.handlers) as JobKind[];
  const handlerOf = <K extends JobKind>(k: K) => o.handlers[k] as JobHandler<K> | undefined;

  async function dieBadRow(r: ClaimedRow, error: string): Promise<void> {
    log.error({ jobId: r.id, kind: r.kind, error }, "job payload refused: dead-lettered");
    await markJobDead(db, { id: r.id, token: Number(r.token) }, now(), error);
  }

  async function runJob<K extends JobKind>(job: JobOf<K>): Promise<void> {
    const h = handlerOf(job.kind as K)!;
    const held = { id: job.id, token: job.token };
    let finished = false;
    const run: JobRun = {
      held,
      async complete(sql = db, result = null) {
        finished = true;
        return completeJob(sql, held, now(), result);
      },
      async dead(sql, error) {
        finished = true;
        return markJobDead(sql, held, now(), error);
      },
    };
    if (job.attempts > job.maxAttempts) {
      // Claimed again and again without an outcome: each worker died (or lost its lease) while running it.
      await markDead(job, h, { retry: false, error: "lease ran out on every attempt", level: "error" });
      return;
    }
    try {
      await h.run(job, run);
      if (!finished) await run.complete();
      // Committed: a record distribution this job may have finished together with another one is settled now.
      if (job.stratId && (job.kind === "graph.mail" || job.kind === "record.distribute")) {
        await settleRecordDistribution(db, job.stratId).catch((e) =>
          log.warn({ jobId: job.id, stratId: job.stratId, error: errName(e) }, "record distribution not settled after the job; the next one settles it"));
      }
    } catch (e) {
      const f = h.classify?.(e, job) ?? { retry: true, error: errName(e) };
      const last = job.attempts >= job.maxAttempts;
      if (f.retry && !last) {
        const wait = Math.max(backoffDelay(job.attempts, s.backoff, o.random), f.retryAfterMs ?? 0);
        (f.level === "error" ? log.error.bind(log) : log.warn.bind(log))(
          { jobId: job.id, kind: job.kind, stratId: job.stratId, attempts: job.attempts, error: f.error, retryInMs: wait }, "job failed; will retry");
        await retryJobLater(db, held, new Date(now().getTime() + wait), f.error);
        return;
      }
      log.error({ jobId: job.id, kind: job.kind, stratId: job.stratId, attempts: job.attempts, error: f.error }, "job failed: dead-lettered");
      await markDead(job, h, f);
    }
  }

  async function markDead<K extends JobKind>(job: JobOf<K>, h: JobHandler<K>, f: Failure): Promise<void> {
    await db.transaction(async (tx) => {
      if (!(await markJobDead(tx, { id: job.id, token: job.token }, now(), f.error))) return;
      await h.onDead?.(tx, job, f);
    });
  }

  let round: Promise<number> = Promise.resolve(0);
  async function oneRound(only?: readonly JobKind[]): Promise<number> {
    await o.beforeRound?.();
    const rows = await claimJobs(db, { workerId: s.workerId, now: now(), leaseMs: s.leaseMs, limit: s.batch, kinds: only ?? kinds });
    const jobs: JobOf<JobKind>[] = [];
    for (const r of rows) {
      const t = toJob(r);
      if (t.ok) jobs.push(t.job);
      else await dieBadRow(r, t.error);
    }
    for (let i = 0; i < jobs.length; i += s.concurrency) await Promise.all(jobs.slice(i, i + s.concurrency).map((j) => runJob(j)));
    return rows.length;
  }
  /** Rounds of one worker take turns: a round asked for while one runs starts after it (and sees its outcome). */
  function runOnce(opts: { kinds?: readonly JobKind[] } = {}): Promise<number> {
    const only = opts.kinds?.filter((k) => kinds.includes(k));
    const next = round.catch(() => 0).then(() => oneRound(only));
    round = next;
    return next;
  }

  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  return {
    workerId: s.workerId,
    runOnce,
    async drain(maxRounds = 50) {
      let total = 0;
      for (let i = 0; i < maxRounds; i++) {
        const n = await runOnce();
        total += n;
        if (n === 0) break;
      }
      return total;
    },
    start(intervalMs) {
      if (intervalMs <= 0 || !stopped) return;
      stopped = false;
      const tick = () => {
        runOnce()
          .catch((e) => log.error({ err: { type: errName(e) } }, "job round failed"))
          .finally(() => {
            if (!stopped) {
              timer = setTimeout(tick, intervalMs);
              timer.unref?.();
            }
          });
      };
      timer = setTimeout(tick, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await round.catch(() => 0);
    },
  };
}
