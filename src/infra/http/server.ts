import { randomUUID } from "node:crypto";
import { nextFollowOn } from "../../domain/strat/follow-ons.js";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type NextFunction, type Request, type Response } from "express";
import {
  CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext,
} from "botbuilder";
import type { Logger } from "pino";
import type { AppContext } from "../../app/context.js";
import type { Config } from "../../config.js";
import { BotRequestRefused, ReusingBotFrameworkAuthentication } from "./bot-auth.js";
import { jsonBody } from "./body.js";
import { inlineScriptSources, securityHeaders } from "./security-headers.js";
import { countedFigures, parsePeriod } from "../../app/figures.js";
import { missingFiguresFor } from "../../app/missing-figures.js";
import { describeCountdown } from "../../domain/strat/strat.js";
import { readdirSync, readFileSync } from "node:fs";
import { isLoopback } from "./loopback.js";
import { canSee, createTabAuth, tabViewer, visibleChairs, type TabAuthConfig } from "./tab-auth.js";
import { tabDashboardRoutes } from "./tab-dashboard.js";
import { tabListRoutes } from "./tab-list.js";
import { tabStratRoutes } from "./tab-strat.js";

const TABS_DIR = fileURLToPath(new URL("../../../tabs/", import.meta.url));
/** The managers' tab as built by Vite (`npm run build:tab`, tabs/vite.config.ts): a single-page app at /tab/. */
const TAB_DIST = join(TABS_DIR, "dist");
/** The hand-written pages next to it: the channel tab's configuration page (and its style sheet). */
const TAB_PAGES = ["config.html", "tab.css"] as const;
const TAB_NOT_BUILT = "<!doctype html><html lang=en-GB><meta charset=utf-8><title>Open strategy discussions</title><body style=\"font-family:sans-serif;padding:24px\"><h1>The tab is not built</h1><p>Run <code>npm run build:tab</code> (npm install and npm start do it), then reload.</p></body></html>";
const TEAMS_JS = join(dirname(createRequire(import.meta.url).resolve("@microsoft/teams-js")), "..", "umd", "MicrosoftTeams.min.js");

export { isLoopback };

const ADAPTIVE_CARDS_JS = join(dirname(createRequire(import.meta.url).resolve("adaptivecards")), "..", "dist", "adaptivecards.min.js");
const RESPOND_PAGE = readFileSync(join(TABS_DIR, "respond.html"), "utf8");
/** The inline scripts of the tab's and the link's pages, allowed by hash in the Content-Security-Policy. */
const INLINE_SCRIPTS = inlineScriptSources(readdirSync(TABS_DIR).filter((f) => f.endsWith(".html")).map((f) => readFileSync(join(TABS_DIR, f), "utf8")));
const LINK_INVALID = "<!doctype html><html lang=en-GB><meta charset=utf-8><title>Link not valid</title><body style=\"font-family:sans-serif;padding:24px\"><h1>This link is not valid or has expired</h1><p>Ask the chair of the strategy discussion for a new one.</p></body></html>";

/** The per-turn facts the HTTP host hands the bot (its request id and logger). */
export interface TurnMeta { log: Logger; requestId: string }

/** The bot as the HTTP host sees it: runs one turn (bot/strategy-bot.ts implements it). */
export interface BotHost {
  runTurn(context: TurnContext, meta: TurnMeta): Promise<void>;
}

/** The signed response link's page (bot/commands/invitees.ts `responseLinkPages` implements it). */
export interface ResponseLinkPages {
  card(token: string): Promise<Record<string, unknown> | null>;
  answer(token: string, body: unknown): Promise<{ status: number; card?: Record<string, unknown>; message: string; refused?: "mismatch" }>;
  /** The verified record's PDF for this link's invitee (issue 13 point 3); null before verification or for a bad token. */
  record(token: string): Promise<{ bytes: Uint8Array; contentType: string; fileName: string } | null>;
}

const TURN_REQUEST_ID = Symbol("httpRequestId");

export interface HttpDeps {
  config: Pick<Config, "authEnabled" | "MicrosoftAppId" | "MicrosoftAppPassword" | "MicrosoftAppTenantId" | "MicrosoftAppType"> & TabAuthConfig;
  log: Logger;
  ctx: AppContext;
  bot: BotHost;
  responsePages: ResponseLinkPages;
  /** Routes of other adapters (Graph change notifications), mounted before the 404 handler. */
  extraRoutes?: express.Router;
}

/**
 * Botbuilder's CloudAdapter, with each request's authentication answered by the HTTP host: a refusal is a
 * short 401/403/503 of ours and one log line (issue 11 point 10), never botbuilder's message and stack.
 */
export class HostAdapter extends CloudAdapter {
  constructor(private readonly auth: ReusingBotFrameworkAuthentication) {
    super(auth);
  }

  /** Authenticates the activity (throws BotRequestRefused), then runs its turn; the invoke response, if any. */
  async handle(activity: Activity, authHeader: string, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(await this.auth.authenticateRequest(activity, authHeader), activity, logic);
  }
}

/** With credentials every incoming JWT is validated (the default); without, auth is off and only loopback service URLs are answered. */
export function createAdapter(deps: HttpDeps): HostAdapter {
  const c = deps.config;
  const auth = new ConfigurationBotFrameworkAuthentication(
    c.authEnabled
      ? { MicrosoftAppId: c.MicrosoftAppId, MicrosoftAppPassword: c.MicrosoftAppPassword, MicrosoftAppTenantId: c.MicrosoftAppTenantId, MicrosoftAppType: c.MicrosoftAppType }
      : {},
  );
  const adapter = new HostAdapter(new ReusingBotFrameworkAuthentication(auth, { tokensRequired: c.authEnabled }));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const requestId = (context.turnState.get(TURN_REQUEST_ID) as string | undefined) ?? "-";
    // Log the code path, not the user's text: error messages of libraries can echo input.
    deps.log.error({ requestId, err: { type: error.name, stack: error.stack?.split("\n").slice(0, 6).join("\n") } }, "bot turn failed");
    try {
      await context.sendActivity(`Sorry, something went wrong on our side and nothing was changed. Please try again; if it keeps happening, give the support team this reference: ${requestId}`);
    } catch {
      /* the channel may be unreachable; the error is logged */
    }
  };
  return adapter;
}

/** The fields the bot needs to answer anyone: a reply goes to serviceUrl + conversation, as the recipient, to from. */
function activityShapeProblem(a: Record<string, unknown>): string | null {
  const obj = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, unknown>) : null);
  if (typeof a.serviceUrl !== "string" || !/^https?:\/\//.test(a.serviceUrl)) return "`serviceUrl` must be an http(s) URL";
  if (typeof obj(a.conversation)?.id !== "string") return "`conversation.id` is required";
  if (typeof obj(a.from)?.id !== "string") return "`from.id` is required";
  if (typeof obj(a.recipient)?.id !== "string") return "`recipient.id` is required";
  return null;
}

/** One origin for the bot endpoint, the tab's pages and its JSON API (issue 3 point 3). */
export function createHttpApp(deps: HttpDeps, adapter = createAdapter(deps)): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeaders({ inlineScripts: INLINE_SCRIPTS }));
  // Nothing here is cached by ETag (bot replies, case data with no-store); hashing every body is wasted work.
  app.set("etag", false);

  // A request id per HTTP request / bot turn; echoed so a person can quote it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const fromHeader = req.header("x-request-id");
    const requestId = fromHeader && /^[A-Za-z0-9._-]{8,64}$/.test(fromHeader) ? fromHeader : randomUUID();
    res.locals.requestId = requestId;
    // The request's logger is made when first used (a child logger costs a serialisation of its bindings).
    let log: Logger | undefined;
    Object.defineProperty(res.locals, "log", { get: () => (log ??= deps.log.child({ requestId })), configurable: true });
    res.setHeader("x-request-id", requestId);
    next();
  });

  app.post("/api/messages", jsonBody({ limit: "1mb" }), async (req: Request, res: Response) => {
    if (!deps.config.authEnabled && !isLoopback(req.socket.remoteAddress)) {
      (res.locals.log as Logger).warn({ remote: req.socket.remoteAddress }, "refused: no bot credentials configured, so only loopback callers are accepted");
      res.status(403).json({ error: "This bot runs without credentials (local mode) and accepts requests from this machine only." });
      return;
    }
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== "object" || typeof body.type !== "string") {
      res.status(400).json({ error: "Not a Bot Framework activity: the body must be a JSON object with a string `type`." });
      return;
    }
    const missing = activityShapeProblem(body);
    if (missing) {
      res.status(400).json({ error: `Not a usable activity: ${missing}.` });
      return;
    }
    const activity = body as { type: string; id?: string; conversation?: { conversationType?: string } };
    const turnLog = deps.log.child({
      requestId: res.locals.requestId, activityType: activity.type, activityId: typeof activity.id === "string" ? activity.id.slice(0, 64) : undefined,
    });
    try {
      const invoke = await adapter.handle(body as unknown as Activity, req.header("authorization") ?? "", async (context) => {
        context.turnState.set(TURN_REQUEST_ID, res.locals.requestId);
        await deps.bot.runTurn(context, { log: turnLog, requestId: res.locals.requestId });
      });
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (e) {
      if (e instanceof BotRequestRefused) {
        // One line per refusal: why, in our words, and the library error's type (never its message).
        turnLog[e.status === 503 ? "error" : "warn"]({ reason: e.reason, errorType: e.errorType, status: e.status }, "bot request refused");
        res.status(e.status).json({ error: e.publicMessage });
        return;
      }
      turnLog.error({ err: { type: (e as Error).name } }, "activity processing failed");
      if (!res.headersSent) res.status(500).json({ error: "internal error", requestId: res.locals.requestId });
    }
  });

  // The tab's JSON API (issue 15 point 2): Teams SSO in a tenant, this machine (with a development sign-in) in local mode.
  // What a viewer sees is scoped by role (tab-auth.ts `canSee`): a chair their strats, a manager their team's, a head of service all.
  const tabAuth = createTabAuth(deps.config, deps.log);
  app.get("/tab/dev-signin", tabAuth.devSignIn);
  app.get("/api/tab/strats", tabAuth.middleware, async (_req: Request, res: Response) => {
    const viewer = tabViewer(res);
    const now = deps.ctx.clock.now();
    const strats = (await deps.ctx.strats.listOpen(500)).filter((s) => canSee(viewer, s));
    res.json({
      now: now.toISOString(),
      viewer: { role: viewer.role, name: viewer.name },
      strats: strats.map((s) => ({
        ref: s.ref,
        caseRef: s.caseRef,
        /** I-C2C: the sibling strats' refs (a child alleged to have harmed another child). */
        linked: s.state.linked,
        profile: s.profileId,
        concerns: s.referral.concerns,
        dueAt: s.dueAt.toISOString(),
        dueRule: s.dueRule,
        targetAt: s.targetAt?.toISOString() ?? null,
        countdown: describeCountdown(s.dueAt, now),
        overdue: s.dueAt.getTime() < now.getTime(),
        version: s.version,
        // Issue 13 point 5: the next follow-on deadline (T-ICPC, T-S47, T-SEE, follow-up strat) still ahead, if any.
        nextFollowOn: nextFollowOn(deps.ctx.profiles.get(s.profileId), s, now),
      })),
    });
  });

  // Counted figures (issue 12 point 9): short-notice, late and inquorate strats in a period, for the managers' tab,
  // over the strats the viewer may see (all of them for a head of service); `missing` (issue 14 point 7): open episodes
  // by days missing, weekly meetings, escalations and RHIs kept of due (counts across the council, no identities).
  app.get("/api/tab/figures", tabAuth.middleware, async (req: Request, res: Response) => {
    const p = parsePeriod({ from: req.query.from, to: req.query.to }, deps.ctx.clock.now());
    if (!p.ok) {
      res.status(400).json({ error: p.error, field: p.field });
      return;
    }
    const viewer = tabViewer(res);
    res.json({ ...(await countedFigures(deps.ctx, p.period, (s) => canSee(viewer, s))), missing: await missingFiguresFor(deps.ctx, p.period, visibleChairs(viewer)) });
  });

  // Issue 15 point 5: the managers' list, paged, and its CSV (src/infra/http/tab-list.ts).
  app.use(tabListRoutes(deps.ctx, tabAuth.middleware, (res) => visibleChairs(tabViewer(res))));
  app.use(tabStratRoutes(deps.ctx, tabAuth.middleware, (res) => (s) => canSee(tabViewer(res), s))); // issue 15 point 4: one strat
  app.use(tabDashboardRoutes(deps.ctx, tabAuth.middleware, (res) => visibleChairs(tabViewer(res))));

  // Signed response links (one per invitee and strat): the invitation card rendered in the browser.
  app.get("/respond-assets/adaptivecards.min.js", (_req, res) => res.sendFile(ADAPTIVE_CARDS_JS));
  app.get("/respond/:token", async (req: Request, res: Response) => {
    const card = await deps.responsePages.card(String(req.params.token));
    if (!card) {
      res.status(404).type("html").send(LINK_INVALID);
      return;
    }
    res.type("html").send(RESPOND_PAGE.replace("__CARD__", () => JSON.stringify(card).replace(/</g, "\\u003c")));
  });
  app.get("/respond/:token/record.pdf", async (req: Request, res: Response) => {
    const file = await deps.responsePages.record(String(req.params.token));
    if (!file) {
      res.status(404).type("html").send(LINK_INVALID);
      return;
    }
    res.type(file.contentType).setHeader("content-disposition", `inline; filename="${file.fileName}"`); // references only
    res.send(Buffer.from(file.bytes));
  });
  app.post("/respond/:token", jsonBody({ limit: "64kb" }), async (req: Request, res: Response) => {
    const out = await deps.responsePages.answer(String(req.params.token), req.body);
    if (out.refused) (res.locals.log as Logger).warn("response link: refused a mismatched or unknown action");
    res.status(out.status).json(out.card ? { card: out.card, message: out.message } : { message: out.message });
  });

  app.get("/healthz", async (_req, res) => {
    await deps.ctx.strats.listOpen(1);
    res.json({ ok: true });
  });

  if (deps.extraRoutes) app.use(deps.extraRoutes);
  app.get("/tab/teams-js.js", (_req, res) => res.sendFile(TEAMS_JS));
  for (const page of TAB_PAGES) app.get([`/tab/${page}`, `/tab/${page.replace(/\.html$/, "")}`], (_req, res) => res.sendFile(join(TABS_DIR, page)));
  // The built tab: hashed assets cached for a year; its page (and any deep link under /tab/) never cached, so a new build shows at once.
  app.use("/tab/assets", express.static(join(TAB_DIST, "assets"), { immutable: true, maxAge: "365d" }));
  app.get(["/tab", "/tab/"], (_req, res) => {
    res.setHeader("cache-control", "no-cache");
    res.sendFile(join(TAB_DIST, "index.html"), (err) => {
      if (err && !res.headersSent) res.status(503).type("html").send(TAB_NOT_BUILT);
    });
  });
  app.get("/", (_req, res) => res.redirect("/tab/"));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "Not found" });
  });
  // Errors: a malformed body is the caller's mistake (400); anything else is ours (500) without details.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const log: Logger = res.locals.log ?? deps.log;
    const status = typeof (err as { status?: unknown }).status === "number" ? (err as { status: number }).status : 500;
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: status === 413 ? "Request body too large" : "Malformed request: the body is not valid JSON" });
      return;
    }
    log.error({ err: { type: (err as Error)?.name, stack: (err as Error)?.stack?.split("\n").slice(0, 6).join("\n") } }, "request failed");
    if (!res.headersSent) res.status(500).json({ error: "Internal error", requestId: res.locals.requestId });
  });
  return app;
}
