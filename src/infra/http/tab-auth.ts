/**
 * Sign-in for the tab's JSON API (issue 15 point 2; README "The managers' tab: sign-in").
 *
 * Tenant mode (TAB_TENANT_ID/TAB_CLIENT_ID/TAB_APP_ID_URI set): the tab sends the Teams SSO token
 * (`authentication.getAuthToken()`) as `Authorization: Bearer …`; it is validated here with `jose` — the signature
 * against the tenant's JWKS (fetched and cached by jose), the v1 or v2 issuer of that tenant, the audience (the
 * client id GUID for v2, the app id URI or GUID for v1), `tid`, `exp`/`nbf` with a minute's tolerance, the
 * `access_as_user` scope — and the user's app roles (`roles`, never `groups`: they are dropped past 200) give the role.
 *
 * Local mode (no bot credentials, no tab settings): callers on this machine only; a development sign-in
 * (`/tab/dev-signin?role=…`) sets a signed cookie naming a role; without it the caller sees everything, as before.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { Logger } from "pino";
import { z } from "zod";
import type { Config } from "../../config.js";
import { isLoopback } from "./loopback.js";

export const TAB_ROLES = ["chair", "manager", "head"] as const;
export type TabRole = (typeof TAB_ROLES)[number];

/** The Entra app roles (value → role). Created on the tab's app registration; docs/operations.md says how. */
export const APP_ROLES: Readonly<Record<string, TabRole>> = {
  "Strat.Chair": "chair",
  "Strat.Manager": "manager",
  "Strat.HeadOfService": "head",
};
const RANK: Record<TabRole, number> = { chair: 1, manager: 2, head: 3 };

/** Who is asking: their Entra object id (a strat's chairId), name, role, and for a manager the chairs of their team. */
export interface TabViewer {
  oid: string;
  name: string | null;
  role: TabRole;
  chairs: readonly string[];
}

/** A chair sees the strats they chair; a manager those chaired in their team (and their own); a head of service all. */
export function canSee(viewer: TabViewer, strat: { chairId: string }): boolean {
  if (viewer.role === "head") return true;
  if (strat.chairId === viewer.oid) return true;
  return viewer.role === "manager" && viewer.chairs.includes(strat.chairId);
}

/** canSee as a list of chairs for a query: a head of service all (undefined), a manager their own and their team's, a chair their own. */
export function visibleChairs(viewer: TabViewer): readonly string[] | undefined {
  if (viewer.role === "head") return undefined;
  return viewer.role === "manager" ? [viewer.oid, ...viewer.chairs] : [viewer.oid];
}

/** The viewer the middleware signed in (only inside a route behind it). */
export const tabViewer = (res: Response): TabViewer => res.locals.tabViewer as TabViewer;

export type TabAuthConfig = Pick<Config, "authEnabled" | "TAB_TENANT_ID" | "TAB_CLIENT_ID" | "TAB_APP_ID_URI" | "TAB_JWKS_URL" | "TAB_MANAGER_CHAIRS">;


const COOKIE = "strat_dev_signin";
const COOKIE_HOURS = 8;
const ZCookie = z.object({ role: z.enum(TAB_ROLES), oid: z.string().min(1), exp: z.number() });
const ZSignIn = z.object({
  role: z.enum(TAB_ROLES, { message: "Role must be chair, manager or head." }),
  oid: z.string().regex(/^[A-Za-z0-9:._@-]{1,128}$/, "Id must be letters, digits or : . _ @ - (at most 128).").optional(),
});
const ZClaims = z.object({
  tid: z.string(),
  oid: z.string().min(1),
  name: z.string().optional(),
  scp: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

class Refused extends Error {
  constructor(readonly status: 401 | 403 | 503, readonly publicMessage: string, readonly reason: string) {
    super(reason);
  }
}
const refused = (reason: string) => new Refused(401, `Sign-in refused: ${reason}.`, reason);

/** jose's error, in a few words for the caller and the log (never the token). */
function tokenProblem(e: unknown): Refused {
  if (e instanceof errors.JWTExpired) return refused("the token has expired");
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "nbf") return refused("the token is not yet valid");
    if (e.claim === "iss") return refused("the token's issuer is not this tenant's");
    if (e.claim === "aud") return refused("the token's audience is not this app");
    return refused(`the token's ${e.claim} claim is not valid`);
  }
  if (e instanceof errors.JWKSNoMatchingKey) return refused("the token's signing key is not one of the tenant's");
  if (e instanceof errors.JWSSignatureVerificationFailed) return refused("the token's signature does not verify");
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return refused("the token's algorithm is not allowed");
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || !(e instanceof errors.JOSEError)) {
    return new Refused(503, "Sign-in is unavailable: the tenant's signing keys could not be fetched. Try again shortly.", "jwks unavailable");
  }
  return refused("the token is malformed");
}

export interface TabAuth {
  /** Signs the caller in (res.locals) or answers 401/403/503. */
  middleware: RequestHandler;
  /** GET /tab/dev-signin?role=chair|manager|head[&oid=…]: local mode and loopback only. */
  devSignIn: RequestHandler;
}

export function createTabAuth(config: TabAuthConfig, log: Logger): TabAuth {
  const sso = config.TAB_TENANT_ID !== undefined && config.TAB_CLIENT_ID !== undefined && config.TAB_APP_ID_URI !== undefined
    ? { tenant: config.TAB_TENANT_ID, client: config.TAB_CLIENT_ID, appIdUri: config.TAB_APP_ID_URI }
    : null;
  const local = sso === null && !config.authEnabled;
  // jose caches the key set and refetches it for an unknown kid (at most every 30 s).
  const jwks = sso && createRemoteJWKSet(new URL(config.TAB_JWKS_URL ?? `https://login.microsoftonline.com/${sso.tenant}/discovery/v2.0/keys`));
  const cookieKey = randomBytes(32); // per process: a restart signs everyone out of the development sign-in
  const chairsOf = (oid: string, role: TabRole) => (role === "manager" ? config.TAB_MANAGER_CHAIRS.get(oid) ?? [] : []);
  const mac = (data: string) => createHmac("sha256", cookieKey).update(data).digest();

  async function fromToken(token: string): Promise<TabViewer> {
    if (!sso || !jwks) throw new Refused(401, "Sign-in required: the tab's Teams sign-in is not configured on this server.", "sso not configured");
    const { payload } = await jwtVerify(token, jwks, {
      issuer: [`https://login.microsoftonline.com/${sso.tenant}/v2.0`, `https://sts.windows.net/${sso.tenant}/`],
      audience: [sso.client, sso.appIdUri],
      algorithms: ["RS256"],
      clockTolerance: 60,
      requiredClaims: ["exp", "tid", "oid"],
    }).catch((e: unknown) => {
      throw tokenProblem(e);
    });
    const claims = ZClaims.safeParse(payload);
    if (!claims.success) throw refused("the token lacks the user's claims");
    const c = claims.data;
    if (c.tid.toLowerCase() !== sso.tenant.toLowerCase()) throw refused("the token is from another tenant");
    if (!(c.scp ?? "").split(" ").includes("access_as_user")) throw refused("the token lacks the access_as_user scope");
    const roles = (c.roles ?? []).map((r) => APP_ROLES[r]).filter((r): r is TabRole => r !== undefined);
    if (roles.length === 0) throw new Refused(403, "Your account has no role for this tab.", "no app role");
    const role = roles.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
    return { oid: c.oid, name: c.name ?? null, role, chairs: chairsOf(c.oid, role) };
  }

  function fromCookie(req: Request): TabViewer | "none" | "bad" {
    const raw = (req.header("cookie") ?? "").split(";").map((x) => x.trim()).find((x) => x.startsWith(`${COOKIE}=`));
    if (!raw) return "none";
    const [data = "", sig = ""] = raw.slice(COOKIE.length + 1).split(".");
    const want = mac(data);
    const got = Buffer.from(sig, "base64url");
    if (got.length !== want.length || !timingSafeEqual(got, want)) return "bad";
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(data, "base64url").toString("utf8"));
    } catch {
      return "bad";
    }
    const c = ZCookie.safeParse(parsed);
    if (!c.success || c.data.exp < Date.now()) return "bad";
    return { oid: c.data.oid, name: `${c.data.role} (development sign-in)`, role: c.data.role, chairs: chairsOf(c.data.oid, c.data.role) };
  }

  async function signIn(req: Request): Promise<TabViewer> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.header("authorization") ?? "")?.[1];
    if (bearer) return fromToken(bearer);
    if (local && isLoopback(req.socket.remoteAddress)) {
      const c = fromCookie(req);
      if (c === "bad") throw refused("the development sign-in is not valid (expired, or made before a restart); sign in again");
      // Local mode without the development sign-in: this machine sees everything, as before issue 15.
      return c === "none" ? { oid: "local", name: "This machine (local mode)", role: "head", chairs: [] } : c;
    }
    if (sso) throw new Refused(401, "Sign-in required: open the tab in Teams (or send a Teams SSO token).", "no token");
    throw new Refused(401, "Sign-in required: the tab's Teams sign-in is not configured on this server.", "sso not configured");
  }

  return {
    middleware: (req: Request, res: Response, next: NextFunction) => {
      signIn(req).then(
        (viewer) => {
          res.locals.tabViewer = viewer;
          next();
        },
        (e: unknown) => {
          const r = e instanceof Refused ? e : new Refused(503, "Sign-in is unavailable. Try again shortly.", "unexpected");
          (res.locals.log as Logger | undefined ?? log)[r.status === 503 ? "error" : "warn"]({ reason: r.reason, status: r.status }, "tab sign-in refused");
          res.status(r.status).json({ error: r.publicMessage });
        },
      );
    },
    devSignIn: (req: Request, res: Response) => {
      if (!local || !isLoopback(req.socket.remoteAddress)) {
        res.status(403).json({ error: "The development sign-in works only in local mode, from this machine. In a tenant, open the tab in Teams." });
        return;
      }
      const q = ZSignIn.safeParse({ role: req.query.role, oid: req.query.oid === "" ? undefined : req.query.oid });
      if (!q.success) {
        const issue = q.error.issues[0]!;
        const field = String(issue.path[0] ?? "role");
        res.status(400).json({ error: field === "role" ? "Role must be chair, manager or head." : issue.message, field });
        return;
      }
      const data = Buffer.from(JSON.stringify({ role: q.data.role, oid: q.data.oid ?? `dev-${q.data.role}`, exp: Date.now() + COOKIE_HOURS * 3_600_000 })).toString("base64url");
      res.setHeader("set-cookie", `${COOKIE}=${data}.${mac(data).toString("base64url")}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_HOURS * 3600}`);
      res.redirect(303, "/tab/");
    },
  };
}
