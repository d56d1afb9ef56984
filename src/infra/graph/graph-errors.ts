import { GraphError } from "@microsoft/microsoft-graph-client";

/**
 * A failed Graph call, classified: `transient` failures are retried by the outbox with back-off
 * (honouring Retry-After); permanent ones surface to the chair in plain words. The message of a library
 * error never reaches a user or a log line (it can echo request content).
 */
export class GraphCallError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    readonly transient: boolean,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`graph ${status ?? "network"} ${code}`);
    this.name = "GraphCallError";
  }
}

export class GraphTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`graph request timed out after ${ms} ms`);
    this.name = "GraphTimeoutError";
  }
}

const TRANSIENT = new Set([408, 409, 412, 423, 429, 500, 502, 503, 504]);

export function classifyGraphError(e: unknown): GraphCallError {
  if (e instanceof GraphCallError) return e;
  if (e instanceof GraphTimeoutError) return new GraphCallError(null, "timeout", true);
  if (e instanceof GraphError || (e && typeof e === "object" && "statusCode" in e)) {
    const g = e as GraphError;
    const status = typeof g.statusCode === "number" && g.statusCode > 0 ? g.statusCode : null;
    const ra = g.headers?.get?.("Retry-After");
    const retryAfter = ra && /^\d+$/.test(ra) ? Number(ra) : null;
    if (status === null) return new GraphCallError(null, "network", true);
    const code = typeof g.code === "string" && /^[A-Za-z0-9_.-]{1,80}$/.test(g.code) ? g.code : "error";
    return new GraphCallError(status, code, TRANSIENT.has(status), retryAfter);
  }
  // fetch failures (ECONNREFUSED, reset sockets, aborted): the network, so try again later.
  return new GraphCallError(null, "network", true);
}

/** Plain words for the chair: what went wrong and what to do. Never case content. */
export function explainPermanentFailure(operation: string, err: GraphCallError, mailbox: string | null): string {
  const what = OPERATION_WORDS[operation] ?? "The calendar action";
  const box = mailbox ? ` (${mailbox})` : "";
  switch (err.status) {
    case 401:
      return `${what} failed: the app could not sign in to Microsoft 365. Ask IT to check the app registration's client secret or certificate, then press Retry.`;
    case 403:
      return `${what} failed: Microsoft 365 did not allow the app to use this mailbox${box}. Ask your Microsoft 365 administrator to grant the app's permissions and include this mailbox in its application access policy (see docs/graph.md), then press Retry.`;
    case 404:
      return `${what} failed: Microsoft 365 could not find the mailbox or the meeting${box}. Check that the chair's mailbox address is right and that the meeting was not deleted in Outlook, then press Retry or book again.`;
    case 400:
      return `${what} failed: Microsoft 365 refused the request as invalid. Nothing was sent. Please tell the support team (reference: ${err.code}); you can book the meeting by hand in Outlook meanwhile.`;
    default:
      return `${what} failed after several tries (Microsoft 365 answered ${err.status ?? "nothing"}). Nothing more will be attempted automatically: press Retry later, or book the meeting by hand in Outlook.`;
  }
}

const OPERATION_WORDS: Record<string, string> = {
  book: "Booking the Teams meeting",
  move: "Moving the Teams meeting",
  cancel: "Cancelling the Teams meeting",
  mail: "Sending the email",
  "channel-post": "Posting to the channel",
  upload: "Uploading the file",
};
