import { ConfidentialClientApplication, LogLevel } from "@azure/msal-node";
import type { Logger } from "pino";

/** Where the gateway gets its bearer token from. */
export interface TokenSource { getAccessToken(): Promise<string> }

export interface MsalSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Defaults to https://login.microsoftonline.com (sovereign clouds: set GRAPH_AUTHORITY_HOST). */
  authorityHost?: string;
  /** Graph resource, from GRAPH_BASE_URL's origin: https://graph.microsoft.com. */
  graphOrigin?: string;
}

/**
 * Entra ID tokens through msal-node (one confidential client, built in the composition root; msal's own
 * token cache lives in this object, not in module state).
 * - `app()`: client credentials (application permissions) for the scheduling worker.
 * - `onBehalfOf(userToken)`: the tab user's Teams SSO token exchanged for a delegated Graph token
 *   (used when a tab action must act as the signed-in user rather than as the app).
 */
export function createMsalAuth(s: MsalSettings, log?: Logger) {
  const cca = new ConfidentialClientApplication({
    auth: {
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      authority: `${(s.authorityHost ?? "https://login.microsoftonline.com").replace(/\/$/, "")}/${s.tenantId}`,
    },
    system: {
      loggerOptions: {
        // msal logs can contain tokens and UPNs: errors only, without message text.
        logLevel: LogLevel.Error,
        piiLoggingEnabled: false,
        loggerCallback: (_level, _message, containsPii) => {
          if (!containsPii) log?.warn({ component: "msal" }, "msal reported an error");
        },
      },
    },
  });
  const resource = (s.graphOrigin ?? "https://graph.microsoft.com").replace(/\/$/, "");
  return {
    app(): TokenSource {
      return {
        async getAccessToken() {
          const r = await cca.acquireTokenByClientCredential({ scopes: [`${resource}/.default`] });
          if (!r?.accessToken) throw new Error("msal: no application token");
          return r.accessToken;
        },
      };
    },
    onBehalfOf(userAssertion: string, scopes: string[] = [`${resource}/.default`]): TokenSource {
      return {
        async getAccessToken() {
          const r = await cca.acquireTokenOnBehalfOf({ oboAssertion: userAssertion, scopes });
          if (!r?.accessToken) throw new Error("msal: no on-behalf-of token");
          return r.accessToken;
        },
      };
    },
  };
}

/** Local mode: the stand-in accepts any bearer token; it only checks that one is sent. */
export const standInTokenSource: TokenSource = { getAccessToken: async () => "local-stand-in-token" };
