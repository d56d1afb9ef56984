import { Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions, type Middleware } from "@microsoft/microsoft-graph-client";
import type * as G from "@microsoft/microsoft-graph-types";
import type { MailAttachment } from "../../ports/jobs.js";
import type { InvitationResponse, TimeSlot } from "../../ports/scheduler.js";
import { classifyGraphError, GraphCallError } from "./graph-errors.js";
import { BearerTokenMiddleware, MailboxConcurrencyMiddleware, ObserverMiddleware, TimeoutMiddleware, type ObservedRequest } from "./middleware.js";
import type { TokenSource } from "./msal-auth.js";

/**
 * The one Microsoft Graph gateway (issue 6 point 1). Graph shapes stop here: callers get plain records
 * (dates as Date, answers as InvitationResponse). Built on @microsoft/microsoft-graph-client's middleware
 * chain: bearer token (msal, same origin only) → RetryHandler (429/503/504, Retry-After) → 4-per-mailbox concurrency →
 * per-attempt timeout → observer → fetch.
 */
export interface GatewayOptions {
  /** e.g. https://graph.microsoft.com/v1.0 or http://127.0.0.1:3979/v1.0 */
  baseUrl: string;
  tokens: TokenSource;
  timeoutMs?: number;
  /** RetryHandler: retries of 429/503/504 inside one call (then the outbox takes over). */
  maxRetries?: number;
  /** RetryHandler: delay in seconds when no Retry-After came. */
  retryDelaySeconds?: number;
  maxConcurrentPerMailbox?: number;
  observe?: (r: ObservedRequest) => void;
}

export interface GatewayAttendee { address: string; response: InvitationResponse; at: Date | null; type: string }

export interface GatewayEvent {
  id: string;
  transactionId: string | null;
  joinUrl: string | null;
  isOnlineMeeting: boolean;
  isCancelled: boolean;
  start: Date;
  end: Date;
  attendees: GatewayAttendee[];
}

/** Whom an event invites: required (quorum agencies) or optional (copied). */
export interface InvitedAttendee { address: string; name: string | null; required: boolean }

export interface NewEvent {
  subject: string;
  html: string;
  start: Date;
  end: Date;
  attendees: InvitedAttendee[];
  transactionId: string;
}

/**
 * A move of an event: the new slot and, when given, the full attendee list (Graph replaces the list and
 * Outlook sends the added attendees the invitation and the dropped ones a cancellation).
 */
export interface EventPatch { start: Date; end: Date; html?: string; subject?: string; attendees?: InvitedAttendee[] }

const graphAttendees = (l: readonly InvitedAttendee[]): G.Attendee[] => l.map((a) => ({
  emailAddress: { address: a.address, ...(a.name ? { name: a.name } : {}) },
  type: a.required ? "required" : "optional",
}));

export interface ScheduleInfo { address: string; busy: TimeSlot[]; error: string | null }

export interface AttendanceReportData {
  id: string;
  start: Date | null;
  end: Date | null;
  records: { address: string | null; name: string; role: string; totalSeconds: number; firstJoin: Date | null; lastLeave: Date | null }[];
}

/**
 * A single-value extended property (a named MAPI string in the app's own property set) that carries each
 * outgoing message's identity, so a retry can find the message in Sent Items (issue 11 point 18). Graph's
 * filter on it: `singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…')`.
 */
export const MAIL_KEY_PROPERTY = "String {6f0b9f3e-2c4d-4b8a-9e51-7d3a1c5b8f20} Name StratMailKey";
/** An OData string literal: single quotes doubled. */
const odataString = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** Files up to this size go in one PUT; larger ones through an upload session (PLATFORM-FACTS §5b: the older docs' 4 MB limit). */
export const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
/** An upload session's range: a multiple of 320 KiB, well under the 60 MiB limit (§5b). */
const UPLOAD_RANGE = 10 * 320 * 1024;

const EVENT_SELECT = "id,transactionId,isOnlineMeeting,onlineMeeting,isCancelled,start,end,attendees";
const enc = encodeURIComponent;

/** Graph returns `dateTime` without offset in the requested zone; we always ask for UTC. */
export function fromGraphTime(t: G.NullableOption<G.DateTimeTimeZone> | undefined): Date {
  const dt = t?.dateTime ?? "";
  const zone = (t?.timeZone ?? "UTC").toUpperCase();
  if (/[zZ]|[+-]\d\d:\d\d$/.test(dt)) return new Date(dt);
  if (zone !== "UTC" && zone !== "COORDINATED UNIVERSAL TIME") throw new GraphCallError(null, "unexpected_time_zone", false);
  return new Date(`${dt.replace(/(\.\d{3})\d+$/, "$1")}Z`);
}

export const toGraphTime = (d: Date): G.DateTimeTimeZone => ({ dateTime: d.toISOString().replace(/Z$/, ""), timeZone: "UTC" });

const RESPONSES: Record<string, InvitationResponse> = {
  accepted: "accepted", declined: "declined", tentativelyaccepted: "tentativelyAccepted",
  none: "none", notresponded: "none", organizer: "accepted",
};

function toEvent(e: G.Event): GatewayEvent {
  return {
    id: e.id!,
    transactionId: e.transactionId ?? null,
    joinUrl: e.onlineMeeting?.joinUrl ?? null,
    isOnlineMeeting: e.isOnlineMeeting === true,
    isCancelled: e.isCancelled === true,
    start: fromGraphTime(e.start),
    end: fromGraphTime(e.end),
    attendees: (e.attendees ?? []).map((a) => {
      const time = a.status?.time ? new Date(a.status.time) : null;
      return {
        address: (a.emailAddress?.address ?? "").toLowerCase(),
        response: RESPONSES[(a.status?.response ?? "none").toLowerCase()] ?? "none",
        // Graph reports "no answer" with time 0001-01-01.
        at: time && time.getUTCFullYear() > 1900 ? time : null,
        type: a.type ?? "required",
      };
    }),
  };
}

/** One message: `attachments` go inline (fileAttachment, each under Graph's 3 MB limit). */
export interface OutgoingMail { to: readonly string[]; subject: string; html: string; attachments?: readonly MailAttachment[] }

/** How many pages of a channel's messages a retried record post reads looking for its earlier post (50 a page). */
const CHANNEL_READ_PAGES = 4;

export interface GraphGateway {
  getSchedule(organizer: string, addresses: string[], start: Date, end: Date, intervalMinutes?: number): Promise<ScheduleInfo[]>;
  createEvent(organizer: string, ev: NewEvent): Promise<GatewayEvent>;
  /** Looks for an event created with this transactionId in [start, end] (calendarView delta, one round). */
  findByTransactionId(organizer: string, transactionId: string, start: Date, end: Date): Promise<GatewayEvent | null>;
  getEvent(organizer: string, eventId: string): Promise<GatewayEvent | null>;
  updateEvent(organizer: string, eventId: string, patch: EventPatch): Promise<GatewayEvent>;
  cancelEvent(organizer: string, eventId: string, comment: string): Promise<void>;
  /** One round of calendarView delta: from `link` (a stored delta link) or a new window. Follows nextLinks. */
  calendarDelta(organizer: string, link: string | null, window: TimeSlot): Promise<{ events: GatewayEvent[]; removed: string[]; deltaLink: string | null }>;
  createSubscription(s: { mailbox: string; notificationUrl: string; lifecycleUrl: string; clientState: string; expires: Date }): Promise<{ id: string; expires: Date }>;
  renewSubscription(id: string, expires: Date): Promise<{ expires: Date }>;
  deleteSubscription(id: string): Promise<void>;
  /**
   * Sends `mail` from `from` exactly once per `key` (issue 13 point 3; PLATFORM-FACTS §6: sendMail answers 202 with no
   * id): a draft tagged with `key` (`MAIL_KEY_PROPERTY`), then sent by id — 2 requests. With `retry` (an earlier attempt
   * failed or its outcome is unknown) the key is looked up first: in Sent Items (there → done), in Drafts (there →
   * send that draft), else create and send.
   */
  sendMailOnce(from: string, mail: OutgoingMail, key: string, retry: boolean): Promise<void>;
  postChannelMessage(teamId: string, channelId: string, html: string): Promise<{ id: string }>;
  /**
   * A message in the channel (a root, or a reply to `rootId`) whose attachments carry `marker`, newest pages first,
   * at most CHANNEL_READ_PAGES pages of 50 (ChannelMessage.Read.Group by resource-specific consent, docs/graph.md).
   */
  findChannelMessage(teamId: string, channelId: string, marker: string, rootId: string | null): Promise<{ id: string } | null>;
  uploadToChannel(teamId: string, channelId: string, fileName: string, content: Uint8Array): Promise<{ id: string; webUrl: string | null }>;
  findOnlineMeetingId(organizer: string, joinUrl: string): Promise<string | null>;
  attendanceReports(organizer: string, meetingId: string): Promise<AttendanceReportData[]>;
}

export function createGraphGateway(o: GatewayOptions): GraphGateway {
  const base = new URL(o.baseUrl);
  const version = base.pathname.replace(/^\/+|\/+$/g, "") || "v1.0";
  const origin = base.origin;
  const chain: Middleware[] = [
    new BearerTokenMiddleware(o.tokens, base.origin),
    new RetryHandler(new RetryHandlerOptions(o.retryDelaySeconds ?? 3, o.maxRetries ?? 3)),
    new MailboxConcurrencyMiddleware(o.maxConcurrentPerMailbox ?? 4),
    new TimeoutMiddleware(o.timeoutMs ?? 30_000),
    ...(o.observe ? [new ObserverMiddleware(o.observe)] : []),
    new HTTPMessageHandler(),
  ];
  for (let i = 0; i < chain.length - 1; i++) chain[i]!.setNext!(chain[i + 1]!);
  const client = Client.initWithMiddleware({ middleware: chain[0]!, baseUrl: origin, defaultVersion: version });
  /** nextLink/deltaLink → a path the client resolves against the base (links to another host are refused). */
  const relative = (link: string): string => {
    const u = new URL(link);
    if (u.origin !== origin) throw new GraphCallError(null, "foreign_link", false);
    return u.pathname.replace(new RegExp(`^/${version.replace(/\./g, "\\.")}(?=/)`), "") + u.search;
  };
  const api = (path: string) => client.api(path).header("Prefer", 'outlook.timezone="UTC"');
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw classifyGraphError(e);
    }
  };
  const user = (m: string) => `/users/${enc(m)}`;
  /**
   * An upload session (PLATFORM-FACTS §5b): createUploadSession, then the bytes PUT in ranges to its uploadUrl, which is
   * pre-authenticated (no bearer token is sent there). The last range answers 200/201 with the driveItem.
   */
  const uploadInSession = async (at: string, fileName: string, content: Uint8Array): Promise<G.DriveItem> => {
    const item = { "@microsoft.graph.conflictBehavior": "replace", name: fileName };
    const session = await call(() => client.api(`${at}/createUploadSession`).post({ item }) as Promise<G.UploadSession>);
    if (!session.uploadUrl) throw new GraphCallError(null, "no_upload_url", true);
    for (let from = 0; ; from += UPLOAD_RANGE) {
      const part = content.subarray(from, Math.min(from + UPLOAD_RANGE, content.length));
      let r: globalThis.Response;
      try {
        r = await fetch(session.uploadUrl, {
          method: "PUT", body: Buffer.from(part), signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
          headers: { "Content-Length": String(part.length), "Content-Range": `bytes ${from}-${from + part.length - 1}/${content.length}` },
        });
      } catch {
        throw new GraphCallError(null, "network", true);
      }
      if (!r.ok) throw new GraphCallError(r.status, "upload_range_refused", r.status === 429 || r.status >= 500);
      if (r.status !== 202) return (await r.json()) as G.DriveItem;
      if (from + part.length >= content.length) throw new GraphCallError(r.status, "upload_incomplete", true);
    }
  };
  /** The id of the message carrying `key` in a well-known folder of `from`, or null (one GET, $filter on the extended property). */
  const findByKey = async (from: string, folder: "sentitems" | "drafts", key: string): Promise<string | null> => {
    const r = await call(() =>
      api(`${user(from)}/mailFolders/${folder}/messages`)
        .filter(`singleValueExtendedProperties/any(ep: ep/id eq ${odataString(MAIL_KEY_PROPERTY)} and ep/value eq ${odataString(key)})`)
        .select("id").top(1)
        .get() as Promise<{ value: G.Message[] }>);
    return r.value?.[0]?.id ?? null;
  };

  return {
    async getSchedule(organizer, addresses, start, end, intervalMinutes = 30) {
      const body = { schedules: addresses, startTime: toGraphTime(start), endTime: toGraphTime(end), availabilityViewInterval: intervalMinutes };
      const r = await call(() => api(`${user(organizer)}/calendar/getSchedule`).post(body) as Promise<{ value: G.ScheduleInformation[] }>);
      return (r.value ?? []).map((s) => ({
        address: (s.scheduleId ?? "").toLowerCase(),
        error: s.error ? "unavailable" : null,
        busy: (s.scheduleItems ?? [])
          .filter((i) => i.status !== "free")
          .map((i) => ({ start: fromGraphTime(i.start), end: fromGraphTime(i.end) })),
      }));
    },

    async createEvent(organizer, ev) {
      const body: G.Event = {
        subject: ev.subject,
        body: { contentType: "html", content: ev.html },
        start: toGraphTime(ev.start),
        end: toGraphTime(ev.end),
        isOnlineMeeting: true,
        onlineMeetingProvider: "teamsForBusiness",
        allowNewTimeProposals: false,
        responseRequested: true,
        transactionId: ev.transactionId,
        attendees: graphAttendees(ev.attendees),
      };
      return toEvent(await call(() => api(`${user(organizer)}/events`).post(body) as Promise<G.Event>));
    },

    async findByTransactionId(organizer, transactionId, start, end) {
      const { events } = await this.calendarDelta(organizer, null, { start, end });
      return events.find((e) => e.transactionId === transactionId) ?? null;
    },

    async getEvent(organizer, eventId) {
      try {
        const e = await call(() => api(`${user(organizer)}/events/${enc(eventId)}`).select(EVENT_SELECT).get() as Promise<G.Event>);
        return toEvent(e);
      } catch (e) {
        if (e instanceof GraphCallError && e.status === 404) return null;
        throw e;
      }
    },

    async updateEvent(organizer, eventId, patch) {
      const body: G.Event = {
        start: toGraphTime(patch.start),
        end: toGraphTime(patch.end),
        ...(patch.subject ? { subject: patch.subject } : {}),
        ...(patch.html ? { body: { contentType: "html", content: patch.html } } : {}),
        ...(patch.attendees ? { attendees: graphAttendees(patch.attendees) } : {}),
      };
      return toEvent(await call(() => api(`${user(organizer)}/events/${enc(eventId)}`).patch(body) as Promise<G.Event>));
    },

    async cancelEvent(organizer, eventId, comment) {
      await call(() => api(`${user(organizer)}/events/${enc(eventId)}/cancel`).post({ comment }));
    },

    async calendarDelta(organizer, link, window) {
      const events: GatewayEvent[] = [];
      const removed: string[] = [];
      let r = await call(() =>
        (link
          ? api(relative(link))
          : api(`${user(organizer)}/calendarView/delta`).query({ startDateTime: window.start.toISOString(), endDateTime: window.end.toISOString() })
        ).get() as Promise<{ value: (G.Event & { "@removed"?: unknown })[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string }>);
      for (let page = 0; page < 100; page++) {
        for (const e of r.value ?? []) {
          if (e["@removed"]) removed.push(e.id!);
          else events.push(toEvent(e));
        }
        const next = r["@odata.nextLink"];
        if (!next) break;
        r = await call(() => api(relative(next)).get());
      }
      return { events, removed, deltaLink: r["@odata.deltaLink"] ?? null };
    },

    async createSubscription(s) {
      const body: G.Subscription = {
        changeType: "updated,deleted",
        resource: `/users/${s.mailbox}/events`,
        notificationUrl: s.notificationUrl,
        lifecycleNotificationUrl: s.lifecycleUrl,
        clientState: s.clientState,
        expirationDateTime: s.expires.toISOString(),
      };
      const r = await call(() => client.api("/subscriptions").post(body) as Promise<G.Subscription>);
      return { id: r.id!, expires: new Date(r.expirationDateTime!) };
    },

    async renewSubscription(id, expires) {
      const r = await call(() => client.api(`/subscriptions/${enc(id)}`).patch({ expirationDateTime: expires.toISOString() }) as Promise<G.Subscription>);
      return { expires: new Date(r.expirationDateTime ?? expires.toISOString()) };
    },

    async deleteSubscription(id) {
      await call(() => client.api(`/subscriptions/${enc(id)}`).delete());
    },

    async sendMailOnce(from, mail, key, retry) {
      const send = (id: string) => call(() => api(`${user(from)}/messages/${enc(id)}/send`).post({}));
      if (retry) {
        if (await findByKey(from, "sentitems", key)) return;
        const draft = await findByKey(from, "drafts", key);
        if (draft) {
          try {
            return void (await send(draft));
          } catch (e) {
            // Gone meanwhile (sent by an attempt still running, or deleted): the next retry looks again.
            if (e instanceof GraphCallError && e.status === 404) throw new GraphCallError(404, "draft_gone", true);
            throw e;
          }
        }
      }
      const files: G.FileAttachment[] = (mail.attachments ?? []).map((a) => ({
        "@odata.type": "#microsoft.graph.fileAttachment", name: a.name, contentType: a.contentType, contentBytes: a.contentBase64,
      }));
      const message: G.Message = {
        subject: mail.subject,
        body: { contentType: "html", content: mail.html },
        toRecipients: mail.to.map((address) => ({ emailAddress: { address } })),
        singleValueExtendedProperties: [{ id: MAIL_KEY_PROPERTY, value: key }],
        ...(files.length ? { attachments: files } : {}),
      };
      const created = await call(() => api(`${user(from)}/messages`).post(message) as Promise<G.Message>);
      await send(created.id!);
    },

    async postChannelMessage(teamId, channelId, html) {
      const body: G.ChatMessage = { body: { contentType: "html", content: html } };
      const r = await call(() => client.api(`/teams/${enc(teamId)}/channels/${enc(channelId)}/messages`).post(body) as Promise<G.ChatMessage>);
      return { id: r.id! };
    },

    async findChannelMessage(teamId, channelId, marker, rootId) {
      const list = `/teams/${enc(teamId)}/channels/${enc(channelId)}/messages${rootId ? `/${enc(rootId)}/replies` : ""}`;
      let page: { value?: G.ChatMessage[]; "@odata.nextLink"?: string } = await call(() => client.api(list).top(50).get());
      for (let n = 1; ; n++) {
        const hit = (page.value ?? []).find((m) => (m.attachments ?? []).some((a) => typeof a.content === "string" && a.content.includes(marker)));
        if (hit?.id) return { id: hit.id };
        const next = page["@odata.nextLink"];
        if (!next || n >= CHANNEL_READ_PAGES) return null;
        page = await call(() => client.api(next).get());
      }
    },

    async uploadToChannel(teamId, channelId, fileName, content) {
      const folder = await call(() => client.api(`/teams/${enc(teamId)}/channels/${enc(channelId)}/filesFolder`).get() as Promise<G.DriveItem>);
      const driveId = folder.parentReference?.driveId;
      if (!driveId || !folder.id) throw new GraphCallError(null, "no_files_folder", false);
      const at = `/drives/${enc(driveId)}/items/${enc(folder.id!)}:/${enc(fileName)}:`;
      const item = content.length <= SIMPLE_UPLOAD_LIMIT
        ? await call(() => client.api(`${at}/content`).header("Content-Type", "application/octet-stream").put(Buffer.from(content)) as Promise<G.DriveItem>)
        : await uploadInSession(at, fileName, content);
      return { id: item.id!, webUrl: item.webUrl ?? null };
    },

    async findOnlineMeetingId(organizer, joinUrl) {
      // Graph wants the join URL URL-encoded inside the filter literal (PLATFORM-FACTS 4b).
      const r = await call(() =>
        client.api(`${user(organizer)}/onlineMeetings`).filter(`JoinWebUrl eq '${enc(joinUrl)}'`).get() as Promise<{ value: G.OnlineMeeting[] }>);
      return r.value?.[0]?.id ?? null;
    },

    async attendanceReports(organizer, meetingId) {
      const base = `${user(organizer)}/onlineMeetings/${enc(meetingId)}/attendanceReports`;
      const list = await call(() => client.api(base).get() as Promise<{ value: G.MeetingAttendanceReport[] }>);
      const out: AttendanceReportData[] = [];
      for (const rep of list.value ?? []) {
        // The list returns empty attendanceRecords: read each report's records (PLATFORM-FACTS 4b).
        const recs = await call(() => client.api(`${base}/${enc(rep.id!)}/attendanceRecords`).get() as Promise<{ value: G.AttendanceRecord[] }>);
        out.push({
          id: rep.id!,
          start: rep.meetingStartDateTime ? new Date(rep.meetingStartDateTime) : null,
          end: rep.meetingEndDateTime ? new Date(rep.meetingEndDateTime) : null,
          records: (recs.value ?? []).map((r) => {
            const joins = (r.attendanceIntervals ?? []).map((i) => i.joinDateTime).filter((x): x is string => !!x).sort();
            const leaves = (r.attendanceIntervals ?? []).map((i) => i.leaveDateTime).filter((x): x is string => !!x).sort();
            return {
              address: r.emailAddress ? r.emailAddress.toLowerCase() : null,
              name: r.identity?.displayName ?? "",
              role: r.role ?? "Attendee",
              totalSeconds: r.totalAttendanceInSeconds ?? 0,
              firstJoin: joins[0] ? new Date(joins[0]) : null,
              lastLeave: leaves.length ? new Date(leaves[leaves.length - 1]!) : null,
            };
          }),
        });
      }
      return out;
    },
  };
}
