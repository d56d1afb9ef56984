import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { GraphTimeoutError } from "./graph-errors.js";

/** One request as it left the process (for the bench's request count and the contract tests). */
export interface ObservedRequest {
  method: string;
  url: string;
  contentType: string | null;
  /** The JSON body as sent (parsed), a byte count for binary bodies, undefined for none. */
  body: unknown;
  status: number | null;
  ms: number;
}

const headerOf = (ctx: Context, name: string): string | null => {
  const h = ctx.options?.headers as Record<string, string> | Headers | undefined;
  if (!h) return null;
  if (typeof (h as Headers).get === "function") return (h as Headers).get(name);
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? (h as Record<string, string>)[key]! : null;
};

const urlOf = (ctx: Context) => (typeof ctx.request === "string" ? ctx.request : (ctx.request as Request).url);

/**
 * Per-attempt timeout: aborts the fetch after `ms`. Sits inside the RetryHandler, so each retry gets its
 * own budget; a timeout is thrown (not retried here) and the outbox looks before creating again.
 */
export class TimeoutMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly ms: number) {}
  setNext(next: Middleware) { this.next = next; }
  async execute(ctx: Context): Promise<void> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.ms);
    ctx.options = { ...(ctx.options ?? {}), signal: ac.signal };
    try {
      await this.next!.execute(ctx);
    } catch (e) {
      if (ac.signal.aborted) throw new GraphTimeoutError(this.ms);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Outlook allows 4 concurrent requests per app and mailbox (PLATFORM-FACTS 4e): calls to one
 * `/users/{id}` wait for a free slot. Per gateway instance; several instances share the budget, so
 * keep `max` low when running many.
 */
export class MailboxConcurrencyMiddleware implements Middleware {
  private next?: Middleware;
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  constructor(private readonly max = 4) {}
  setNext(next: Middleware) { this.next = next; }
  async execute(ctx: Context): Promise<void> {
    const m = /\/users\/([^/?]+)/i.exec(urlOf(ctx));
    const key = m ? decodeURIComponent(m[1]!).toLowerCase() : "";
    if (!key) return this.next!.execute(ctx);
    if ((this.active.get(key) ?? 0) >= this.max) {
      await new Promise<void>((resolve) => {
        const q = this.waiting.get(key) ?? [];
        q.push(resolve);
        this.waiting.set(key, q);
      });
    } else {
      this.active.set(key, (this.active.get(key) ?? 0) + 1);
    }
    try {
      await this.next!.execute(ctx);
    } finally {
      const q = this.waiting.get(key);
      const nextWaiter = q?.shift();
      if (q && q.length === 0) this.waiting.delete(key);
      if (nextWaiter) nextWaiter(); // hand the slot over
      else {
        const n = (this.active.get(key) ?? 1) - 1;
        if (n <= 0) this.active.delete(key);
        else this.active.set(key, n);
      }
    }
  }
}

/** Reports every attempt that goes on the wire (after auth and retries), without touching it. */
export class ObserverMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly observe: (r: ObservedRequest) => void) {}
  setNext(next: Middleware) { this.next = next; }
  async execute(ctx: Context): Promise<void> {
    const started = performance.now();
    const contentType = headerOf(ctx, "Content-Type");
    const raw = ctx.options?.body;
    let body: unknown;
    if (typeof raw === "string") {
      try { body = JSON.parse(raw); } catch { body = raw; }
    } else if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) body = { bytes: raw.byteLength };
    const method = (ctx.options?.method ?? "GET").toUpperCase();
    try {
      await this.next!.execute(ctx);
    } finally {
      this.observe({ method, url: urlOf(ctx), contentType, body, status: ctx.response?.status ?? null, ms: performance.now() - started });
    }
  }
}

/**
 * Adds the bearer token to requests for the configured Graph origin only (never to a foreign host a
 * link might point at). Used instead of the library's AuthenticationHandler, which authenticates only
 * https Graph/custom hosts: the local stand-in is plain http on loopback, and the gateway must run
 * unchanged against both.
 */
export class BearerTokenMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly tokens: { getAccessToken(): Promise<string> }, private readonly origin: string) {}
  setNext(next: Middleware) { this.next = next; }
  async execute(ctx: Context): Promise<void> {
    const url = urlOf(ctx);
    const headers = (ctx.options ??= {}).headers as Record<string, string> | undefined;
    const h: Record<string, string> = { ...(headers ?? {}) };
    for (const k of Object.keys(h)) if (k.toLowerCase() === "authorization") delete h[k];
    if (new URL(url).origin === this.origin) h.Authorization = `Bearer ${await this.tokens.getAccessToken()}`;
    ctx.options.headers = h;
    await this.next!.execute(ctx);
  }
}
