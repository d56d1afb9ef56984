import {
  AuthenticationConstants, AuthenticationError, BotFrameworkAuthentication, JwtTokenValidation,
  type AuthenticateRequestResult, type BotFrameworkClient, type ClaimsIdentity, type ConnectorClient, type ConnectorFactory, type UserTokenClient,
} from "botframework-connector";
import type { Activity } from "botbuilder";
import { z } from "zod";

/** How many connector / token clients are kept (one per app id, service URL and audience in practice). */
const MAX_CLIENTS = 100;

/** Why a request to the bot was refused: logged (one line), never sent to the caller. */
export type RefusalReason =
  | "no-token" | "malformed" | "algorithm" | "not-yet-valid" | "expired" | "not-accepted" | "keys-unavailable"
  /** Tenant mode: the token's `serviceurl` claim is not the activity's serviceUrl. */
  | "service-url-claim"
  /** Local mode: the activity's serviceUrl is not on this machine. */
  | "service-url";

/**
 * A request the bot does not run (issue 11 points 10 and 16). `status`: 401 (no valid token), 403 (local mode:
 * a service URL off this machine) or 503 (Bot Framework's signing keys cannot be fetched: nothing can be
 * checked). The caller is told `publicMessage` only; the library's own message never leaves this file.
 */
export class BotRequestRefused extends AuthenticationError {
  readonly status: 401 | 403 | 503;

  constructor(readonly reason: RefusalReason, readonly errorType?: string) {
    const status = reason === "keys-unavailable" ? 503 : reason === "service-url" ? 403 : 401;
    super(PUBLIC_MESSAGES[status], status);
    this.status = status;
    this.name = "BotRequestRefused";
  }

  /** The short text the caller gets (the status's, never a library's). */
  get publicMessage(): string {
    return PUBLIC_MESSAGES[this.status];
  }
}

const PUBLIC_MESSAGES = {
  401: "Unauthorized: this endpoint needs a valid Bot Framework token.",
  403: "This bot runs without credentials (local mode) and answers conversations on this machine only.",
  503: "The sender cannot be checked right now; try again later.",
} as const;

/** Bot Framework's tolerance for clock skew on channel tokens (5 minutes). */
const CLOCK_TOLERANCE_S = 5 * 60;
const ZJwtHeader = z.object({ alg: z.string(), kid: z.string().min(1).max(200) });
const ZJwtTimes = z.object({ nbf: z.number().optional(), exp: z.number().optional() });
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * What can be refused before any key is fetched: no bearer JWT, an algorithm Bot Framework never signs
 * with (none, HS256…), a token not yet valid or expired. Returns null when the token may go on to
 * signature validation.
 */
export function tokenPrecheck(authHeader: string, nowS: number): RefusalReason | null {
  if (!authHeader.trim()) return "no-token";
  const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authHeader.trim());
  if (!m) return "malformed";
  const json = (part: string): unknown => {
    try {
      return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    } catch {
      return null;
    }
  };
  const [, head = "", body = ""] = m;
  const header = ZJwtHeader.safeParse(json(head));
  const times = ZJwtTimes.safeParse(json(body));
  if (!header.success || !times.success) return "malformed";
  if (!AuthenticationConstants.AllowedSigningAlgorithms.includes(header.data.alg)) return "algorithm";
  const { nbf, exp } = times.data;
  if (nbf !== undefined && nbf > nowS + CLOCK_TOLERANCE_S) return "not-yet-valid";
  if (exp !== undefined && exp < nowS - CLOCK_TOLERANCE_S) return "expired";
  return null;
}

/** The refusal an error of botbuilder's validation stands for (its message is not kept). */
function refusalOf(e: unknown): BotRequestRefused {
  if (e instanceof BotRequestRefused) return e;
  const err = e as { name?: string; statusCode?: number };
  // node-fetch's FetchError (offline, DNS) or botbuilder's "Failed to load openID config/Keys" (status 500).
  const keys = err?.name === "FetchError" || (e instanceof AuthenticationError && err.statusCode === 500);
  return new BotRequestRefused(keys ? "keys-unavailable" : err?.name === "TokenExpiredError" ? "expired" : "not-accepted", err?.name);
}

const isLoopbackUrl = (url: string) => {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
};

/**
 * The Bot Framework authentication the adapter is given.
 *
 * Who may be answered where (issue 11 point 16): replies go to the activity's `serviceUrl`, so it must be
 * vouched for. With credentials, the validated token's `serviceurl` claim must equal it (botbuilder checks
 * that for channel tokens only; here every token kind, e.g. an AAD "emulator" token, is held to it). Without
 * credentials (local mode, anonymous), only a loopback service URL (127.0.0.1, ::1, localhost) is accepted.
 * Every refusal, and every failure of botbuilder's validation, is a `BotRequestRefused` (point 10).
 *
 * Its connector and user-token clients are reused across turns. botbuilder's CloudAdapter otherwise builds
 * a new ConnectorClient (an HTTP pipeline) and a new UserTokenClient on every activity, which was a tenth of
 * the bot's CPU per card action. The clients hold no per-turn state: a client is keyed by everything its
 * construction depends on (the bot's app id from the validated claims, the service URL and the audience);
 * credentials and their token cache stay inside them. Authentication itself is not cached: every request is
 * validated.
 */
export class ReusingBotFrameworkAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  /** `tokensRequired`: bot credentials are configured (tenant mode); false: local mode (botbuilder's auth is off). */
  constructor(private readonly inner: BotFrameworkAuthentication, private readonly o: { tokensRequired: boolean }) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const early = this.o.tokensRequired ? tokenPrecheck(authHeader ?? "", Math.floor(Date.now() / 1000)) : null;
    if (early) throw new BotRequestRefused(early);
    let result: AuthenticateRequestResult;
    try {
      result = await this.inner.authenticateRequest(activity, authHeader);
    } catch (e) {
      throw refusalOf(e);
    }
    if (!this.o.tokensRequired && !isLoopbackUrl(activity.serviceUrl)) throw new BotRequestRefused("service-url");
    if (this.o.tokensRequired && result.claimsIdentity?.getClaimValue(AuthenticationConstants.ServiceUrlClaim) !== activity.serviceUrl) {
      throw new BotRequestRefused("service-url-claim");
    }
    if (result.connectorFactory) result.connectorFactory = this.reusing(result.connectorFactory, result.claimsIdentity);
    return result;
  }

  override authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return remember(this.tokenClients, appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private reusing(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    return {
      create: (serviceUrl: string, audience?: string) =>
        remember(this.connectors, `${appId}\n${serviceUrl}\n${audience ?? ""}`, () => factory.create(serviceUrl, audience)),
    } as ConnectorFactory;
  }
}

const appIdOf = (c: ClaimsIdentity) => (c?.claims ? JwtTokenValidation.getAppIdFromClaims(c.claims) ?? "" : "");

/** The cached client for key, or a new one (a failed creation is not kept). */
function remember<T>(cache: Map<string, Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit;
  if (cache.size >= MAX_CLIENTS) cache.clear();
  const made = create();
  cache.set(key, made);
  made.catch(() => cache.delete(key));
  return made;
}
