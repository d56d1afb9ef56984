import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Clock } from "../../ports/clock.js";
import type { Job, JobQueue } from "../../ports/store.js";

export interface JobWorker { start(): void; stop(): Promise<void>; runOnce(): Promise<number> }

/**
 * Polls the jobs table and runs due jobs through their handlers. A failure is retried with back-off
 * (1, 4, 9 … minutes) and given up after 8 attempts; everything survives a restart because it is in
 * the database. Several instances may run workers: claims are atomic.
 */
export function createJobWorker(opts: {
  queue: JobQueue; handlers: Record<string, (job: Job) => Promise<void>>; clock: Clock; log: Logger; pollMs: number;
}): JobWorker {
  const id = `${hostname()}:${process.pid}`;
  const kinds = Object.keys(opts.handlers);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function runOnce(): Promise<number> {
    const now = opts.clock.now();
    const jobs = await opts.queue.claimDue(now, kinds, id);
    for (const job of jobs) {
      try {
        await opts.handlers[job.kind]!(job);
        await opts.queue.complete(job.id, opts.clock.now());
      } catch (e) {
        const giveUp = job.attempts >= 8;
        const retryAt = giveUp ? null : new Date(opts.clock.now().getTime() + job.attempts * job.attempts * 60_000);
        opts.log.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, giveUp, err: { type: (e as Error).name } }, "job failed");
        await opts.queue.fail(job.id, opts.clock.now(), (e as Error).name ?? "Error", retryAt);
      }
    }
    return jobs.length;
  }

  return {
    start() {
      if (opts.pollMs <= 0 || timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .catch((e) => {
            opts.log.error({ err: { type: (e as Error).name } }, "job worker poll failed");
            return 0;
          })
          .finally(() => (running = undefined));
      }, opts.pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    runOnce,
  };
}
