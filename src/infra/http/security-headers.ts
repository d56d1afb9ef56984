import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * Security headers on every response (issue 11 point 15), following helmet's defaults (helmet is not a
 * dependency yet: swap this for `helmet({ contentSecurityPolicy: { directives }, frameguard: false })` once it is).
 * Differences from helmet's defaults, on purpose:
 * - `frame-ancestors` lists the hosts Microsoft documents for Teams, Outlook and Microsoft 365 tabs, and
 *   nothing else ('self' included): the tab and the link pages are framed there only;
 * - no `X-Frame-Options` (it cannot list several hosts; `frame-ancestors` governs framing);
 * - no `upgrade-insecure-requests` (local mode is plain http on 127.0.0.1; in a tenant HTTPS is the front end's);
 * - `script-src` also allows the inline scripts of our own pages, by hash.
 * `Referrer-Policy: no-referrer` everywhere (the response link's token is in its URL), and `Cache-Control:
 * no-store` on the API, the link pages and the Graph notifications (case data and tokens are never cached).
 */
export const FRAME_ANCESTORS = [
  "teams.microsoft.com", "*.teams.microsoft.com", "*.skype.com", "teams.cloud.microsoft", "*.cloud.microsoft",
  "outlook.office.com", "outlook.office365.com", "*.office.com", "*.microsoft365.com", "*.office365.com",
] as const;

const NO_STORE_PATHS = /^\/(api|respond|graph)(\/|$)/;

/** The CSP sources (`'sha256-…'`) of the inline scripts of these HTML pages; JSON data blocks are not scripts. */
export function inlineScriptSources(pages: readonly string[]): string[] {
  const sources = new Set<string>();
  for (const html of pages) {
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      const attrs = m[1] ?? "";
      if (/\bsrc\s*=/.test(attrs) || /type\s*=\s*["']?application\/(ld\+)?json/.test(attrs)) continue;
      sources.add(`'sha256-${createHash("sha256").update(m[2] ?? "").digest("base64")}'`);
    }
  }
  return [...sources];
}

export function securityHeaders(o: { inlineScripts: readonly string[] }): RequestHandler {
  const csp = [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    "form-action 'self'",
    `frame-ancestors ${FRAME_ANCESTORS.join(" ")}`,
    "img-src 'self' data:",
    "object-src 'none'",
    `script-src 'self' ${o.inlineScripts.join(" ")}`.trim(),
    "script-src-attr 'none'",
    "style-src 'self' https: 'unsafe-inline'",
  ].join(";");
  const headers: [string, string][] = [
    ["Content-Security-Policy", csp],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
    ["Origin-Agent-Cluster", "?1"],
    ["Referrer-Policy", "no-referrer"],
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-DNS-Prefetch-Control", "off"],
    ["X-Download-Options", "noopen"],
    ["X-Permitted-Cross-Domain-Policies", "none"],
    ["X-XSS-Protection", "0"],
  ];
  return (req: Request, res: Response, next: NextFunction) => {
    for (const [k, v] of headers) res.setHeader(k, v);
    if (NO_STORE_PATHS.test(req.path)) res.setHeader("Cache-Control", "no-store");
    next();
  };
}
