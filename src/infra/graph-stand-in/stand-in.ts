import { listenOn } from "../http/port-check.js";
import { formBody } from "../http/body.js";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { escapeHtml as esc } from "../../domain/text/escape-html.js";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import type { Clock } from "../../ports/clock.js";
import type { Database } from "../../ports/store.js";
import type { GraphContract } from "./contract-validator.js";
import { renderMailbox, renderMailboxList, renderMeeting } from "./mailbox-page.js";

/**
 * The local Microsoft Graph stand-in (issue 6 point 7): an HTTP server implementing just the endpoints
 * the gateway calls, in Graph's URL and response shapes, with its state in the app's store. Every request
 * body is validated against the OpenAPI subset in test/contracts/graph/ (400 in Graph's error shape
 * when it does not match); responses can be validated too (tests). For local mode it also serves
 * `/mailboxes` (what each mailbox "received", with Accept/Tentative/Decline as that mailbox) and
 * `/meet/{id}` (join, end the meeting → an attendance report). Test controls live under `/_standin/*`.
 *
 * Not Graph: it accepts any bearer token (there is no tenant) and is meant for 127.0.0.1 only.
 */
export interface StandInOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  contract: GraphContract;
  host?: string;
  /** 0 = a free port (tests). */
  port?: number;
  /** Validate every response body against the contract too; problems are collected in `responseProblems`. */
  validateResponses?: boolean;
  /** Exchange recognises a repeated transactionId (on by default; tests turn it off to prove the gateway looks first). */
  transactionDedupe?: boolean;
  /** Time allowed for the app to answer a validation request (Graph: 10 s) and a notification (Graph: 3 s). */
  validationTimeoutMs?: number;
  notificationTimeoutMs?: number;
}

export interface Fault {
  /** HTTP status to answer (429, 500, 503, …) or a behaviour: `drop` = do the work, then cut the connection. */
  status?: number;
  kind?: "status" | "drop" | "delay";
  /** How many matching requests get it. */
  count: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Only requests whose METHOD + path contains this (e.g. "POST /users/", "events"). */
  match?: string;
}

export interface NotificationDelivery { subscriptionId: string; url: string; status: number | null; ms: number; kind: "change" | "lifecycle" | "validation" }

type Json = any;
const ERROR = (code: string, message: string, now: Date) => ({
  error: { code, message, innerError: { date: now.toISOString().replace(/\.\d+Z$/, ""), "request-id": randomUUID(), "client-request-id": randomUUID() } },
});
const lc = (s: string) => s.toLowerCase();
const gid = (prefix = "AAMkA") => `${prefix}${randomBytes(18).toString("base64url")}`;
const graphTime = (d: Date) => ({ dateTime: d.toISOString().replace("Z", "0000"), timeZone: "UTC" });
const parseGraphTime = (t: Json): Date => {
  const dt = String(t?.dateTime ?? "");
  return /[zZ]|[+-]\d\d:\d\d$/.test(dt) ? new Date(dt) : new Date(`${dt.replace(/(\.\d{3})\d+$/, "$1")}Z`);
};
const NO_ANSWER_TIME = "0001-01-01T00:00:00Z";

/** `singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…')` → the id and value sought, or null. */
export function extendedPropertyFilter(filter: string): { id: string; value: string } | null {
  const m = /^\s*singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/i.exec(filter);
  const unquote = (v: string) => v.replace(/''/g, "'");
  return m ? { id: unquote(m[2]!), value: unquote(m[3]!) } : null;
}
/** An extended property's id as Graph compares it: type and property set in any case, the name exactly. */
const propertyId = (id: string) => id.replace(/^\s*\w+\s+\{[^}]+\}/, (head) => head.toLowerCase());

export interface StandIn {
  url: string;
  /** Graph base URL for the gateway: `${url}/v1.0`. */
  graphBaseUrl: string;
  server: Server;
  faults: Fault[];
  deliveries: NotificationDelivery[];
  responseProblems: string[];
  /** Waits until every notification the stand-in started sending has been answered. */
  settle(): Promise<void>;
  respond(mailbox: string, eventId: string, response: "accepted" | "declined" | "tentativelyAccepted"): Promise<void>;
  endMeeting(meetingId: string, attendees: { address: string | null; name: string; seconds: number; role?: string }[]): Promise<string>;
  lifecycle(subscriptionId: string, event: "missed" | "subscriptionRemoved" | "reauthorizationRequired"): Promise<void>;
  setNotifications(on: boolean): void;
  setTransactionDedupe(on: boolean): void;
  /** Teams shows a bot's post in its channel: the stand-in keeps it as Graph would list it (an Adaptive Card attachment). */
  botPosted(m: { teamId: string; channelId: string; id: string; replyToId: string | null; card: Json }): Promise<void>;
  stop(): Promise<void>;
}

export async function startStandIn(o: StandInOptions): Promise<StandIn> {
  const { db, clock, log, contract } = o;
  const now = () => clock.now();
  const faults: Fault[] = [];
  const deliveries: NotificationDelivery[] = [];
  const responseProblems: string[] = [];
  const inflight = new Set<Promise<unknown>>();
  const settings = { notifications: true, dedupe: o.transactionDedupe ?? true };
  let base = "";

  // ---------- state ----------
  const getEvent = async (id: string): Promise<{ mailbox: string; data: Json; deleted: boolean } | null> =>
    (await db.query<{ mailbox: string; data: Json; deleted: boolean }>("SELECT mailbox, data, deleted FROM standin_events WHERE id = $1", [id]))[0] ?? null;
  const saveEvent = async (id: string, data: Json, deleted = false) => {
    data.lastModifiedDateTime = now().toISOString();
    data.changeKey = randomBytes(8).toString("base64url");
    data["@odata.etag"] = `W/"${data.changeKey}"`;
    await db.query("UPDATE standin_events SET data = $2, deleted = $3, change_seq = nextval('standin_change_seq') WHERE id = $1", [id, JSON.stringify(data), deleted]);
  };
  const deliver = async (mailbox: string, m: { kind: string; eventId?: string | null; subject: string; html: string; sender: string }): Promise<number> =>
    (await db.query<{ id: number }>("INSERT INTO standin_inbox (mailbox, kind, event_id, subject, html, sender, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      [lc(mailbox), m.kind, m.eventId ?? null, m.subject, m.html, lc(m.sender), now()]))[0]!.id;
  const putObject = (kind: string, id: string, data: Json) =>
    db.query("INSERT INTO standin_objects (kind, id, data) VALUES ($1, $2, $3) ON CONFLICT (kind, id) DO UPDATE SET data = EXCLUDED.data", [kind, id, JSON.stringify(data)]);
  const getObject = async (kind: string, id: string): Promise<Json | null> =>
    (await db.query<{ data: Json }>("SELECT data FROM standin_objects WHERE kind = $1 AND id = $2", [kind, id]))[0]?.data ?? null;
  const listObjects = async (kind: string): Promise<Json[]> =>
    (await db.query<{ data: Json }>("SELECT data FROM standin_objects WHERE kind = $1 ORDER BY id", [kind])).map((r) => r.data);

  const track = <T>(p: Promise<T>) => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    return p;
  };

  async function post(url: string, body: string, contentType: string, timeoutMs: number): Promise<{ status: number | null; text: string; ms: number }> {
    const started = performance.now();
    try {
      const r = await fetch(url, { method: "POST", headers: { "Content-Type": contentType }, body, signal: AbortSignal.timeout(timeoutMs) });
      return { status: r.status, text: await r.text(), ms: performance.now() - started };
    } catch {
      return { status: null, text: "", ms: performance.now() - started };
    }
  }

  /** Graph's change notification to every subscription on the organiser's events. */
  function notify(mailbox: string, eventId: string, changeType: "created" | "updated" | "deleted") {
    if (!settings.notifications) return;
    track((async () => {
      const subs = (await db.query<{ data: Json }>("SELECT data FROM standin_subscriptions")).map((r) => r.data);
      for (const s of subs) {
        const m = /^\/?users\/([^/]+)\/events$/i.exec(s.resource);
        if (!m || lc(decodeURIComponent(m[1]!)) !== lc(mailbox)) continue;
        if (!String(s.changeType).split(",").includes(changeType)) continue;
        if (new Date(s.expirationDateTime) <= now()) continue;
        const body = {
          value: [{
            subscriptionId: s.id, subscriptionExpirationDateTime: s.expirationDateTime, changeType, clientState: s.clientState,
            resource: `Users/${mailbox}/Events/${eventId}`, tenantId: "00000000-0000-0000-0000-000000000000",
            resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": `Users/${mailbox}/Events/${eventId}`, id: eventId },
          }],
        };
        const r = await post(s.notificationUrl, JSON.stringify(body), "application/json", o.notificationTimeoutMs ?? 3000);
        deliveries.push({ subscriptionId: s.id, url: s.notificationUrl, status: r.status, ms: r.ms, kind: "change" });
        if (r.status === null || r.status >= 300) log.warn({ status: r.status }, "stand-in: notification not acknowledged in time");
      }
    })());
  }

  async function lifecycle(subscriptionId: string, event: "missed" | "subscriptionRemoved" | "reauthorizationRequired") {
    const s = (await db.query<{ data: Json }>("SELECT data FROM standin_subscriptions WHERE id = $1", [subscriptionId]))[0]?.data;
    if (!s?.lifecycleNotificationUrl) return;
    if (event === "subscriptionRemoved") await db.query("DELETE FROM standin_subscriptions WHERE id = $1", [subscriptionId]);
    const body = { value: [{ subscriptionId, subscriptionExpirationDateTime: s.expirationDateTime, tenantId: "00000000-0000-0000-0000-000000000000", clientState: s.clientState, lifecycleEvent: event }] };
    const r = await post(s.lifecycleNotificationUrl, JSON.stringify(body), "application/json", o.notificationTimeoutMs ?? 3000);
    deliveries.push({ subscriptionId, url: s.lifecycleNotificationUrl, status: r.status, ms: r.ms, kind: "lifecycle" });
  }

  async function respond(mailbox: string, eventId: string, response: "accepted" | "declined" | "tentativelyAccepted") {
    const ev = await getEvent(eventId);
    if (!ev || ev.deleted) throw Object.assign(new Error("no such meeting"), { status: 404 });
    const a = (ev.data.attendees as Json[]).find((x) => lc(x.emailAddress.address) === lc(mailbox));
    if (!a) throw Object.assign(new Error("not invited"), { status: 403 });
    a.status = { response, time: now().toISOString() };
    await saveEvent(eventId, ev.data);
    const words = { accepted: "Accepted", declined: "Declined", tentativelyAccepted: "Tentative" }[response];
    await deliver(ev.mailbox, { kind: "reply", eventId, subject: `${words}: ${ev.data.subject}`, html: `<p>${esc(mailbox)} answered: <b>${words}</b></p>`, sender: mailbox });
    notify(ev.mailbox, eventId, "updated");
  }

  async function endMeeting(meetingId: string, attendees: { address: string | null; name: string; seconds: number; role?: string }[]) {
    const m = await getObject("online-meeting", meetingId);
    if (!m) throw Object.assign(new Error("no such meeting"), { status: 404 });
    const end = now();
    const longest = Math.max(60, ...attendees.map((a) => a.seconds));
    const start = new Date(end.getTime() - longest * 1000);
    const id = randomUUID();
    const report = {
      id, totalParticipantCount: attendees.length, meetingStartDateTime: start.toISOString(), meetingEndDateTime: end.toISOString(),
      records: attendees.map((a) => ({
        id: randomUUID(), emailAddress: a.address, role: a.role ?? "Attendee", totalAttendanceInSeconds: a.seconds,
        identity: { id: randomUUID(), displayName: a.name },
        attendanceIntervals: [{ joinDateTime: new Date(end.getTime() - a.seconds * 1000).toISOString(), leaveDateTime: end.toISOString(), durationInSeconds: a.seconds }],
      })),
    };
    await putObject("attendance-report", `${meetingId}:${end.toISOString()}:${id}`, { meetingId, ...report });
    return id;
  }

  // ---------- HTTP ----------
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");

  const graph = express.Router({ caseSensitive: false });
  const sendError = (res: Response, status: number, code: string, message: string) => res.status(status).json(ERROR(code, message, now()));

  // Faults and auth come before body parsing, as on a real front door.
  graph.use(async (req: Request, res: Response, next: NextFunction) => {
    const line = `${req.method} ${decodeURIComponent(req.path)}`;
    const f = faults.find((x) => x.count > 0 && (!x.match || line.toLowerCase().includes(x.match.toLowerCase())));
    if (f) {
      f.count--;
      const kind = f.kind ?? (f.status ? "status" : "drop");
      if (kind === "status") {
        if (f.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(f.retryAfterSeconds));
        const code = f.status === 429 ? "TooManyRequests" : f.status === 503 ? "ServiceNotAvailable" : f.status === 403 ? "ErrorAccessDenied" : f.status === 404 ? "ErrorItemNotFound" : "InternalServerError";
        await record(req, f.status!, "fault");
        sendError(res, f.status!, code, "Injected by the stand-in");
        return;
      }
      if (kind === "delay") await new Promise((r) => setTimeout(r, f.delayMs ?? 5000));
      if (kind === "drop") res.locals.dropAfter = true;
    }
    if (!/^Bearer\s+\S+/i.test(req.header("authorization") ?? "")) {
      await record(req, 401, "auth");
      sendError(res, 401, "InvalidAuthenticationToken", "Access token is empty.");
      return;
    }
    next();
  });
  graph.use(express.json({ limit: "4mb", type: ["application/json"] }));
  graph.use(express.raw({ limit: "20mb", type: ["application/octet-stream"] }));
  // Contract check of every request.
  graph.use(async (req: Request, res: Response, next: NextFunction) => {
    const isBinary = Buffer.isBuffer(req.body);
    const v = contract.validateRequest(req.method, req.path, isBinary ? undefined : req.body, req.header("content-type") ?? null);
    res.locals.contract = v.match ? (v.match.covered ? "covered" : "extension") : "invalid";
    if (!v.ok) {
      await record(req, 400, "invalid");
      log.warn({ op: `${req.method} ${v.match?.template ?? req.path}`, errors: v.errors.slice(0, 5) }, "stand-in: request does not match the Graph contract");
      sendError(res, 400, "BadRequest", `Request does not match the Microsoft Graph contract: ${v.errors.slice(0, 5).join("; ")}`);
      return;
    }
    // Response validation (tests) and the drop fault.
    const json = res.json.bind(res);
    res.json = (body: Json) => {
      if (o.validateResponses) {
        const r = contract.validateResponse(req.method, req.path, res.statusCode, body);
        if (!r.ok) responseProblems.push(`${req.method} ${req.path} ${res.statusCode}: ${r.errors.slice(0, 3).join("; ")}`);
      }
      void record(req, res.statusCode, res.locals.contract);
      if (res.locals.dropAfter) {
        req.socket.destroy();
        return res;
      }
      return json(body);
    };
    const end = res.end.bind(res) as (...a: unknown[]) => Response;
    res.end = ((...a: unknown[]) => {
      if (!res.locals.recorded) void record(req, res.statusCode, res.locals.contract);
      if (res.locals.dropAfter) {
        req.socket.destroy();
        return res;
      }
      return end(...a);
    }) as Response["end"];
    next();
  });

  async function record(req: Request, status: number, contractState: string) {
    if ((req.res?.locals as Json)?.recorded) return;
    if (req.res) req.res.locals.recorded = true;
    await db.query("INSERT INTO standin_requests (at, method, path, status, contract) VALUES ($1, $2, $3, $4, $5)",
      [now(), req.method, req.path, status, contractState]).catch(() => undefined);
  }

  const eventResponse = (data: Json) => ({ "@odata.context": `${base}/v1.0/$metadata#users('${encodeURIComponent(data.organizer.emailAddress.address)}')/events/$entity`, ...data });

  graph.post("/users/:user/events", async (req, res) => {
    const mailbox = lc(req.params.user as string);
    const b = req.body as Json;
    if (!b.start || !b.end || !b.subject) return sendError(res, 400, "ErrorInvalidRequest", "start, end and subject are required.");
    if (b.transactionId && settings.dedupe) {
      const dup = (await db.query<{ id: string }>("SELECT id FROM standin_events WHERE mailbox = $1 AND transaction_id = $2", [mailbox, b.transactionId]))[0];
      if (dup) {
        const ev = await getEvent(dup.id);
        return res.status(201).json(eventResponse(ev!.data));
      }
    }
    const id = gid();
    const meetingId = gid("MSo");
    const t = now().toISOString();
    const online = b.isOnlineMeeting === true && (b.onlineMeetingProvider ?? "teamsForBusiness") === "teamsForBusiness";
    const joinUrl = online ? `${base}/meet/${encodeURIComponent(meetingId)}` : null;
    const data: Json = {
      id, createdDateTime: t, lastModifiedDateTime: t, changeKey: "", categories: [], transactionId: b.transactionId ?? null,
      originalStartTimeZone: b.start.timeZone ?? "UTC", originalEndTimeZone: b.end.timeZone ?? "UTC", iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(16).toString("hex").toUpperCase()}`,
      uid: randomUUID(), reminderMinutesBeforeStart: 15, isReminderOn: true, hasAttachments: false, subject: b.subject,
      bodyPreview: String(b.body?.content ?? "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim().slice(0, 255),
      importance: b.importance ?? "normal", sensitivity: b.sensitivity ?? "normal", isAllDay: false, isCancelled: false, isOrganizer: true,
      responseRequested: b.responseRequested ?? true, seriesMasterId: null, showAs: "busy", type: "singleInstance",
      webLink: `${base}/mailboxes/${encodeURIComponent(mailbox)}`, onlineMeetingUrl: null, isOnlineMeeting: online,
      onlineMeetingProvider: online ? "teamsForBusiness" : "unknown", allowNewTimeProposals: b.allowNewTimeProposals ?? true,
      occurrenceId: null, isDraft: false, hideAttendees: false,
      responseStatus: { response: "organizer", time: t },
      body: { contentType: "html", content: `${b.body?.content ?? ""}${joinUrl ? `<hr><p><b>Microsoft Teams meeting</b><br><a href="${joinUrl}">Join the meeting now</a></p>` : ""}` },
      start: graphTime(parseGraphTime(b.start)), end: graphTime(parseGraphTime(b.end)),
      location: { displayName: online ? "Microsoft Teams Meeting" : "", locationType: "default", uniqueIdType: "unknown" },
      locations: [], recurrence: null,
      attendees: (b.attendees ?? []).map((a: Json) => ({
        type: a.type ?? "required", status: { response: "none", time: NO_ANSWER_TIME },
        emailAddress: { name: a.emailAddress?.name ?? a.emailAddress?.address, address: a.emailAddress?.address },
      })),
      organizer: { emailAddress: { name: mailbox, address: mailbox } },
      onlineMeeting: joinUrl ? { joinUrl } : null,
    };
    await db.query("INSERT INTO standin_events (id, mailbox, transaction_id, data, change_seq) VALUES ($1, $2, $3, $4, nextval('standin_change_seq'))",
      [id, mailbox, settings.dedupe ? (b.transactionId ?? null) : null, JSON.stringify(data)]);
    await saveEvent(id, data);
    if (joinUrl) {
      await putObject("online-meeting", meetingId, {
        id: meetingId, joinWebUrl: joinUrl, subject: b.subject, creationDateTime: t, eventId: id, organizer: mailbox,
        startDateTime: parseGraphTime(b.start).toISOString(), endDateTime: parseGraphTime(b.end).toISOString(),
      });
    }
    for (const a of data.attendees) await deliver(a.emailAddress.address, { kind: "invitation", eventId: id, subject: data.subject, html: data.body.content, sender: mailbox });
    notify(mailbox, id, "created");
    res.status(201).json(eventResponse(data));
  });

  graph.get("/users/:user/events/:id", async (req, res) => {
    const ev = await getEvent(req.params.id as string);
    if (!ev || ev.deleted || ev.mailbox !== lc(req.params.user as string)) return sendError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    res.json(eventResponse(ev.data));
  });

  graph.patch("/users/:user/events/:id", async (req, res) => {
    const ev = await getEvent(req.params.id as string);
    if (!ev || ev.deleted || ev.mailbox !== lc(req.params.user as string)) return sendError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    const b = req.body as Json;
    const d = ev.data;
    const moved = (b.start && parseGraphTime(b.start).getTime() !== parseGraphTime(d.start).getTime()) || (b.end && parseGraphTime(b.end).getTime() !== parseGraphTime(d.end).getTime());
    if (b.start) d.start = graphTime(parseGraphTime(b.start));
    if (b.end) d.end = graphTime(parseGraphTime(b.end));
    if (b.subject) d.subject = b.subject;
    if (b.body?.content) d.body = { contentType: "html", content: `${b.body.content}${d.onlineMeeting?.joinUrl ? `<hr><p><b>Microsoft Teams meeting</b><br><a href="${d.onlineMeeting.joinUrl}">Join the meeting now</a></p>` : ""}` };
    // `attendees` replaces the list (as Graph does): the added get the invitation, the dropped a cancellation,
    // those kept keep their answer unless the time moved.
    const before = d.attendees as Json[];
    const keyOf = (a: Json) => lc(a.emailAddress?.address ?? "");
    const after: Json[] = Array.isArray(b.attendees) ? b.attendees.map((a: Json) => {
      const kept = before.find((x) => keyOf(x) === keyOf(a));
      return {
        type: a.type ?? "required", status: kept?.status ?? { response: "none", time: NO_ANSWER_TIME },
        emailAddress: { name: a.emailAddress?.name ?? a.emailAddress?.address, address: a.emailAddress?.address },
      };
    }) : before;
    const added = after.filter((a) => !before.some((x) => keyOf(x) === keyOf(a)));
    const dropped = before.filter((x) => !after.some((a) => keyOf(a) === keyOf(x)));
    d.attendees = after;
    if (moved) for (const a of d.attendees) a.status = { response: "none", time: NO_ANSWER_TIME };
    await saveEvent(d.id, d);
    for (const a of d.attendees) {
      if (added.includes(a)) await deliver(a.emailAddress.address, { kind: "invitation", eventId: d.id, subject: d.subject, html: d.body.content, sender: ev.mailbox });
      else if (moved) await deliver(a.emailAddress.address, { kind: "update", eventId: d.id, subject: `Updated: ${d.subject}`, html: d.body.content, sender: ev.mailbox });
    }
    for (const a of dropped) await deliver(a.emailAddress.address, { kind: "cancellation", eventId: d.id, subject: `Canceled: ${d.subject}`, html: "<p>You were removed from this meeting.</p>", sender: ev.mailbox });
    notify(ev.mailbox, d.id, "updated");
    res.json(eventResponse(d));
  });

  graph.post("/users/:user/events/:id/cancel", async (req, res) => {
    const ev = await getEvent(req.params.id as string);
    if (!ev || ev.deleted || ev.mailbox !== lc(req.params.user as string)) return sendError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    const comment = (req.body as Json)?.Comment ?? (req.body as Json)?.comment ?? "";
    ev.data.isCancelled = true;
    await saveEvent(ev.data.id, ev.data, true);
    for (const a of ev.data.attendees) await deliver(a.emailAddress.address, { kind: "cancellation", eventId: ev.data.id, subject: `Canceled: ${ev.data.subject}`, html: `<p>${esc(String(comment))}</p>`, sender: ev.mailbox });
    notify(ev.mailbox, ev.data.id, "deleted");
    res.status(202).end();
  });

  graph.delete("/users/:user/events/:id", async (req, res) => {
    const ev = await getEvent(req.params.id as string);
    if (!ev || ev.deleted) return sendError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    await saveEvent(ev.data.id, ev.data, true);
    notify(ev.mailbox, ev.data.id, "deleted");
    res.status(204).end();
  });

  graph.post("/users/:user/calendar/getSchedule", async (req, res) => {
    const b = req.body as Json;
    const pick = (k: string) => b[Object.keys(b).find((x) => x.toLowerCase() === k.toLowerCase()) ?? k];
    const schedules: string[] = pick("schedules") ?? [];
    const start = parseGraphTime(pick("startTime"));
    const end = parseGraphTime(pick("endTime"));
    const interval = Number(pick("availabilityViewInterval") ?? 30);
    if (!(end > start)) return sendError(res, 400, "ErrorInvalidParameter", "EndTime must be after StartTime.");
    if (end.getTime() - start.getTime() > 62 * 86_400_000) return sendError(res, 400, "ErrorInvalidParameter", "The requested time duration exceeds 62 days.");
    const events = await db.query<{ mailbox: string; data: Json }>("SELECT mailbox, data FROM standin_events WHERE deleted = false");
    const busy = await listObjects("busy");
    const value = schedules.map((addr) => {
      const a = lc(addr);
      const items: { status: string; start: Date; end: Date }[] = [];
      for (const e of events) {
        const mine = e.mailbox === a || (e.data.attendees as Json[]).some((x) => lc(x.emailAddress.address) === a && x.status?.response !== "declined");
        if (!mine) continue;
        const s = parseGraphTime(e.data.start), en = parseGraphTime(e.data.end);
        if (s < end && en > start) items.push({ status: "busy", start: s, end: en });
      }
      for (const x of busy) if (lc(x.address) === a && new Date(x.start) < end && new Date(x.end) > start) items.push({ status: x.status ?? "busy", start: new Date(x.start), end: new Date(x.end) });
      items.sort((p, q) => p.start.getTime() - q.start.getTime());
      let view = "";
      for (let t = start.getTime(); t < end.getTime(); t += interval * 60_000) {
        const hit = items.find((i) => i.start.getTime() < t + interval * 60_000 && i.end.getTime() > t);
        view += hit ? (hit.status === "tentative" ? "1" : hit.status === "oof" ? "3" : "2") : "0";
      }
      return {
        scheduleId: addr, availabilityView: view,
        scheduleItems: items.map((i) => ({ isPrivate: false, status: i.status, start: graphTime(i.start), end: graphTime(i.end) })),
        workingHours: { daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"], startTime: "09:00:00.0000000", endTime: "17:00:00.0000000", timeZone: { name: "GMT Standard Time" } },
      };
    });
    res.json({ "@odata.context": `${base}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value });
  });

  graph.get("/users/:user/calendarView/delta", async (req, res) => {
    const mailbox = lc(req.params.user as string);
    const q = req.query as Record<string, string | undefined>;
    let state: { seq: number; start: string; end: string; offset: number };
    const token = q.$deltatoken ?? q.$skiptoken;
    if (token) {
      try { state = JSON.parse(Buffer.from(token, "base64url").toString("utf8")); } catch { return sendError(res, 410, "SyncStateNotFound", "The sync state is not found."); }
    } else {
      if (!q.startDateTime || !q.endDateTime) return sendError(res, 400, "ErrorInvalidParameter", "startDateTime and endDateTime are required.");
      state = { seq: 0, start: q.startDateTime, end: q.endDateTime, offset: 0 };
    }
    const ws = new Date(state.start), we = new Date(state.end);
    const rows = await db.query<{ data: Json; deleted: boolean; change_seq: string }>(
      "SELECT data, deleted, change_seq FROM standin_events WHERE mailbox = $1 AND change_seq > $2 ORDER BY change_seq", [mailbox, state.seq]);
    const maxSeq = rows.reduce((m, r) => Math.max(m, Number(r.change_seq)), state.seq);
    const inWindow = rows.filter((r) => parseGraphTime(r.data.start) < we && parseGraphTime(r.data.end) > ws).filter((r) => !(r.deleted && state.seq === 0));
    const page = inWindow.slice(state.offset ?? 0, (state.offset ?? 0) + 50);
    const value = page.map((r) => (r.deleted ? { "@odata.type": "#microsoft.graph.event", id: r.data.id, "@removed": { reason: "deleted" } } : r.data));
    const more = (state.offset ?? 0) + 50 < inWindow.length;
    const link = (s: Json, k: string) => `${base}/v1.0/users/${encodeURIComponent(mailbox)}/calendarView/delta?${k}=${Buffer.from(JSON.stringify(s)).toString("base64url")}`;
    res.json({
      "@odata.context": `${base}/v1.0/$metadata#Collection(event)`,
      value,
      ...(more ? { "@odata.nextLink": link({ ...state, offset: (state.offset ?? 0) + 50 }, "$skiptoken") } : { "@odata.deltaLink": link({ seq: maxSeq, start: state.start, end: state.end, offset: 0 }, "$deltatoken") }),
    });
  });

  /**
   * Mail as Exchange keeps it (PLATFORM-FACTS §6f), as `mail-item` objects {mailbox, folder, message, props, files}:
   * `POST /users/{id}/messages` creates a draft in Drafts (201 with its id), `POST …/messages/{id}/send` delivers it
   * to each recipient and moves it to Sent Items (202; a missing id → 404 ErrorItemNotFound). The extended properties
   * are kept beside the message (Graph shows them only on $expand) for the folder look-up below.
   */
  const mailShape = (mailbox: string, m: Json, id: string) => {
    const t = now().toISOString();
    const address = { emailAddress: { name: mailbox, address: mailbox } };
    return {
      id, createdDateTime: t, lastModifiedDateTime: t, sentDateTime: null, receivedDateTime: t, changeKey: randomBytes(8).toString("base64url"),
      categories: [], hasAttachments: ((m.attachments ?? []) as Json[]).length > 0, internetMessageId: `<${randomUUID()}@standin.local>`, subject: m.subject ?? "",
      bodyPreview: String(m.body?.content ?? "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim().slice(0, 255),
      importance: "normal", parentFolderId: "drafts", conversationId: gid("AAQkAGI"), isDeliveryReceiptRequested: false,
      isReadReceiptRequested: false, isRead: true, isDraft: true, webLink: `${base}/mailboxes/${encodeURIComponent(mailbox)}`,
      body: { contentType: m.body?.contentType ?? "html", content: m.body?.content ?? "" }, sender: address, from: address,
      toRecipients: m.toRecipients ?? [], ccRecipients: [], bccRecipients: [], replyTo: [],
    };
  };

  graph.post("/users/:user/messages", async (req, res) => {
    const m = req.body as Json;
    const mailbox = lc(req.params.user as string);
    const id = gid("AAMkAGI");
    const message = mailShape(mailbox, m, id);
    // Inline file attachments (fileAttachment, contentBytes base64) stay with the draft until it is sent.
    const files = ((m.attachments ?? []) as Json[]).map((a) => ({ name: String(a.name ?? "attachment"), contentType: String(a.contentType ?? "application/octet-stream"), contentBytes: String(a.contentBytes ?? "") }));
    const props = ((m.singleValueExtendedProperties ?? []) as Json[]).map((p) => ({ id: String(p.id), value: String(p.value ?? "") }));
    await putObject("mail-item", id, { mailbox, folder: "drafts", message, props, files });
    res.status(201).json({ "@odata.context": `${base}/v1.0/$metadata#users('${encodeURIComponent(mailbox)}')/messages/$entity`, ...message });
  });

  graph.post("/users/:user/messages/:id/send", async (req, res) => {
    const mailbox = lc(req.params.user as string);
    const item = await getObject("mail-item", req.params.id as string);
    if (!item || item.mailbox !== mailbox || item.folder !== "drafts") return sendError(res, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
    const m = item.message as Json;
    for (const r of m.toRecipients ?? []) {
      const inboxId = await deliver(r.emailAddress.address, { kind: "mail", subject: m.subject ?? "", html: m.body?.content ?? "", sender: mailbox });
      for (const [n, f] of (item.files as Json[]).entries()) await putObject("mail-attachment", `${inboxId}:${n}`, { mailbox: lc(r.emailAddress.address), inboxId, ...f });
    }
    const sent = { ...m, isDraft: false, parentFolderId: "sentitems", sentDateTime: now().toISOString() };
    await putObject("mail-item", req.params.id as string, { ...item, folder: "sentitems", message: sent });
    res.status(202).end();
  });

  /**
   * A mail folder's messages (Sent Items or Drafts, by their well-known names), for the one query the gateway makes:
   * filtered on a single-value extended property (`singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…')`),
   * with $select and $top. As Graph: the property's name is compared case-sensitively, its value case-insensitively.
   */
  graph.get("/users/:user/mailFolders/:folder/messages", async (req, res) => {
    const folder = lc(req.params.folder as string);
    if (folder !== "sentitems" && folder !== "drafts") return sendError(res, 400, "ErrorInvalidRequest", "The stand-in has the Sent Items and Drafts folders only.");
    const q = req.query as Record<string, string | undefined>;
    const wanted = extendedPropertyFilter(q.$filter ?? "");
    if (!wanted) return sendError(res, 400, "BadRequest", "The stand-in supports $filter=singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…') only.");
    const top = Math.min(Math.max(Number(q.$top ?? 10) || 10, 1), 1000);
    const select = q.$select ? new Set(["id", ...q.$select.split(",").map((x) => x.trim())]) : null;
    const rows = await db.query<{ data: Json }>("SELECT data FROM standin_objects WHERE kind = 'mail-item' AND data->>'mailbox' = $1 AND data->>'folder' = $2 ORDER BY id",
      [lc(req.params.user as string), folder]);
    const hits = rows.map((r) => r.data).filter((d) => (d.props as { id: string; value: string }[]).some((p) => propertyId(p.id) === propertyId(wanted.id) && lc(p.value) === lc(wanted.value)));
    const value = hits.slice(0, top).map((d) => (select ? Object.fromEntries(Object.entries(d.message as Json).filter(([k]) => select.has(k))) : d.message));
    res.json({ "@odata.context": `${base}/v1.0/$metadata#users('${encodeURIComponent(req.params.user as string)}')/mailFolders('${folder}')/messages`, value });
  });

  graph.post("/teams/:team/channels/:channel/messages", async (req, res) => {
    const id = String(Date.now()) + randomBytes(3).toString("hex");
    const msg = {
      id, replyToId: null, etag: id, messageType: "message", createdDateTime: now().toISOString(), lastModifiedDateTime: now().toISOString(),
      deletedDateTime: null, subject: null, summary: null, importance: "normal", locale: "en-us",
      webUrl: `${base}/channels/${req.params.team}/${req.params.channel}/${id}`, body: (req.body as Json).body,
      channelIdentity: { teamId: req.params.team, channelId: req.params.channel }, attachments: [], mentions: [], reactions: [],
    };
    await putObject("channel-message", `${req.params.team}:${req.params.channel}:${id}`, msg);
    res.status(201).json(msg);
  });

  /** A channel's root messages, or one thread's replies, newest first, as Graph lists them ($top, up to 50). */
  const listChannel = async (req: Request, res: Response, replyTo: string | null) => {
    const top = Math.min(Math.max(Number((req.query as Record<string, string | undefined>).$top ?? 20) || 20, 1), 50);
    const all = (await listObjects("channel-message")).filter((m) => {
      const at = m.channelIdentity as { teamId: string; channelId: string };
      return at.teamId === req.params.team && at.channelId === req.params.channel && (m.replyToId ?? null) === replyTo;
    });
    res.json({ "@odata.context": `${base}/v1.0/$metadata#teams('${req.params.team}')/channels('${req.params.channel}')/messages`, value: all.reverse().slice(0, top) });
  };
  graph.get("/teams/:team/channels/:channel/messages", (req, res) => listChannel(req, res, null));
  graph.get("/teams/:team/channels/:channel/messages/:root/replies", (req, res) => listChannel(req, res, req.params.root as string));

  graph.get("/teams/:team/channels/:channel/filesFolder", (req, res) => {
    res.json({
      id: `folder-${req.params.channel}`, name: "General", webUrl: `${base}/files/${req.params.team}/${req.params.channel}`,
      parentReference: { driveId: `drive-${req.params.team}`, driveType: "documentLibrary" }, folder: { childCount: 0 },
    });
  });

  /** A file in a channel's Files folder (`drive-item`), as the simple PUT and a finished upload session store it. */
  async function saveDriveItem(drive: string, parent: string, name: string, bytes: Buffer) {
    // one item per drive, folder and name (a hash: a cut-off prefix made v1 and v2 of a record the same item)
    const id = `item-${createHash("sha256").update(`${drive}:${parent}:${name}`).digest("base64url").slice(0, 40)}`;
    const item = {
      id, name, size: bytes.length, createdDateTime: now().toISOString(), lastModifiedDateTime: now().toISOString(),
      webUrl: `${base}/files/${encodeURIComponent(name)}`, file: { mimeType: "application/octet-stream" },
      parentReference: { driveId: drive, id: parent },
    };
    await putObject("drive-item", id, { ...item, contentBase64: bytes.toString("base64") });
    return item;
  }

  graph.put(/^\/drives\/([^/]+)\/items\/([^/:]+):\/([^/]+):\/content$/, async (req, res) => {
    const [drive, parent, name] = [req.params[0], req.params[1], decodeURIComponent(req.params[2] as string)] as string[];
    res.status(201).json(await saveDriveItem(drive!, parent!, name!, Buffer.isBuffer(req.body) ? (req.body as Buffer) : Buffer.alloc(0)));
  });

  /**
   * An upload session (PLATFORM-FACTS §5b, for files over the simple-upload limit): its uploadUrl takes the bytes in
   * ranges (`Content-Range: bytes a-b/total`, no bearer token, as SharePoint's pre-authenticated URL); the last range
   * stores the file and answers 201 with the driveItem.
   */
  graph.post(/^\/drives\/([^/]+)\/items\/([^/:]+):\/([^/]+):\/createUploadSession$/, async (req, res) => {
    const [drive, parent, name] = [req.params[0], req.params[1], decodeURIComponent(req.params[2] as string)] as string[];
    const id = randomUUID();
    const expirationDateTime = new Date(now().getTime() + 3_600_000).toISOString();
    await putObject("upload-session", id, { drive, parent, name, expirationDateTime, contentBase64: "" });
    res.status(200).json({ uploadUrl: `${base}/upload-sessions/${id}`, expirationDateTime, nextExpectedRanges: ["0-"] });
  });

  graph.post("/subscriptions", async (req, res) => {
    const b = req.body as Json;
    const max = now().getTime() + 4230 * 60_000;
    if (!/^\/?users\/[^/]+\/events$/i.test(b.resource ?? "")) return sendError(res, 400, "InvalidRequest", "The stand-in supports subscriptions on /users/{id}/events only.");
    if (!String(b.changeType ?? "").split(",").every((c: string) => ["created", "updated", "deleted"].includes(c))) return sendError(res, 400, "InvalidRequest", "Invalid changeType.");
    if (new Date(b.expirationDateTime).getTime() > max) return sendError(res, 400, "InvalidRequest", "Subscription expiration can only be 4230 minutes in the future.");
    if (b.clientState && String(b.clientState).length > 128) return sendError(res, 400, "InvalidRequest", "clientState is limited to 128 characters.");
    for (const url of [b.notificationUrl, b.lifecycleNotificationUrl].filter(Boolean)) {
      const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
      const r = await post(`${url}${url.includes("?") ? "&" : "?"}validationToken=${encodeURIComponent(token)}`, "", "text/plain", o.validationTimeoutMs ?? 10_000);
      deliveries.push({ subscriptionId: "-", url, status: r.status, ms: r.ms, kind: "validation" });
      if (r.status !== 200 || r.text !== token) {
        return sendError(res, 400, "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
      }
    }
    const s = {
      id: randomUUID(), resource: b.resource, applicationId: "00000000-0000-0000-0000-000000000001", changeType: b.changeType,
      clientState: b.clientState ?? null, notificationUrl: b.notificationUrl, lifecycleNotificationUrl: b.lifecycleNotificationUrl ?? null,
      expirationDateTime: new Date(b.expirationDateTime).toISOString(), creatorId: "00000000-0000-0000-0000-000000000002",
      includeResourceData: false, latestSupportedTlsVersion: "v1_2", encryptionCertificate: null, encryptionCertificateId: null,
      notificationQueryOptions: null, notificationUrlAppId: null,
    };
    await db.query("INSERT INTO standin_subscriptions (id, data) VALUES ($1, $2)", [s.id, JSON.stringify(s)]);
    res.status(201).json(s);
  });

  graph.patch("/subscriptions/:id", async (req, res) => {
    const row = (await db.query<{ data: Json }>("SELECT data FROM standin_subscriptions WHERE id = $1", [req.params.id]))[0];
    if (!row) return sendError(res, 404, "ResourceNotFound", "The object was not found.");
    const exp = new Date((req.body as Json).expirationDateTime);
    if (exp.getTime() > now().getTime() + 4230 * 60_000) return sendError(res, 400, "InvalidRequest", "Subscription expiration can only be 4230 minutes in the future.");
    row.data.expirationDateTime = exp.toISOString();
    await db.query("UPDATE standin_subscriptions SET data = $2 WHERE id = $1", [req.params.id, JSON.stringify(row.data)]);
    res.json(row.data);
  });

  graph.delete("/subscriptions/:id", async (req, res) => {
    await db.query("DELETE FROM standin_subscriptions WHERE id = $1", [req.params.id]);
    res.status(204).end();
  });

  graph.get("/users/:user/onlineMeetings", async (req, res) => {
    const f = String((req.query as Record<string, string>).$filter ?? "");
    const m = /^\s*joinWebUrl\s+eq\s+'(.*)'\s*$/i.exec(f);
    if (!m) return sendError(res, 400, "BadRequest", "Filter on JoinWebUrl is required.");
    let url = m[1]!;
    if (/^https?%3A/i.test(url)) url = decodeURIComponent(url);
    const all = await listObjects("online-meeting");
    const hit = all.filter((x) => x.joinWebUrl === url && lc(x.organizer) === lc(req.params.user as string));
    res.json({ "@odata.context": `${base}/v1.0/$metadata#users('${req.params.user}')/onlineMeetings`, value: hit.map(({ eventId: _e, organizer: _o, ...rest }) => rest) });
  });

  const reportsOf = async (meetingId: string) => (await listObjects("attendance-report")).filter((r) => r.meetingId === meetingId);
  const reportShape = (r: Json, withRecords: boolean) => ({
    id: r.id, totalParticipantCount: r.totalParticipantCount, meetingStartDateTime: r.meetingStartDateTime, meetingEndDateTime: r.meetingEndDateTime,
    attendanceRecords: withRecords ? r.records : [],
  });
  graph.get("/users/:user/onlineMeetings/:meeting/attendanceReports", async (req, res) => {
    if (!(await getObject("online-meeting", req.params.meeting as string))) return sendError(res, 404, "NotFound", "The meeting was not found.");
    res.json({ value: (await reportsOf(req.params.meeting as string)).map((r) => reportShape(r, false)) });
  });
  graph.get("/users/:user/onlineMeetings/:meeting/attendanceReports/:report", async (req, res) => {
    const r = (await reportsOf(req.params.meeting as string)).find((x) => x.id === req.params.report);
    if (!r) return sendError(res, 404, "NotFound", "The report was not found.");
    res.json(reportShape(r, true));
  });
  graph.get("/users/:user/onlineMeetings/:meeting/attendanceReports/:report/attendanceRecords", async (req, res) => {
    const r = (await reportsOf(req.params.meeting as string)).find((x) => x.id === req.params.report);
    if (!r) return sendError(res, 404, "NotFound", "The report was not found.");
    res.json({ value: r.records });
  });

  graph.use((req, res) => sendError(res, 400, "BadRequest", `The stand-in does not implement ${req.method} ${req.path}.`));
  app.use("/v1.0", graph);

  // ---------- local-mode pages and test controls ----------
  app.put("/upload-sessions/:id", express.raw({ limit: "60mb", type: () => true }), async (req, res) => {
    const session = await getObject("upload-session", req.params.id);
    if (!session) return sendError(res, 404, "itemNotFound", "The upload session was not found.");
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.header("content-range") ?? "");
    const bytes = Buffer.isBuffer(req.body) ? (req.body as Buffer) : Buffer.alloc(0);
    const have = Buffer.from(String(session.contentBase64), "base64");
    if (!range || Number(range[1]) !== have.length || Number(range[2]) - Number(range[1]) + 1 !== bytes.length) {
      return sendError(res, 416, "invalidRange", `Expected the range starting at ${have.length}.`);
    }
    const all = Buffer.concat([have, bytes]);
    if (all.length < Number(range[3])) {
      await putObject("upload-session", req.params.id, { ...session, contentBase64: all.toString("base64") });
      return res.status(202).json({ expirationDateTime: session.expirationDateTime, nextExpectedRanges: [`${all.length}-`] });
    }
    await db.query("DELETE FROM standin_objects WHERE kind = 'upload-session' AND id = $1", [req.params.id]);
    res.status(201).json(await saveDriveItem(session.drive, session.parent, session.name, all));
  });
  const form = formBody({ limit: "64kb" }); // strings cleaned (issue 11 point 9)
  app.get("/", (_req, res) => res.redirect("/mailboxes"));
  app.get("/mailboxes", async (_req, res) => {
    const rows = await db.query<{ mailbox: string; n: number; last: Date }>(
      "SELECT mailbox, count(*)::int AS n, max(received_at) AS last FROM standin_inbox GROUP BY mailbox ORDER BY mailbox");
    res.type("html").send(renderMailboxList(rows));
  });
  app.get("/mailboxes/:address", async (req, res) => {
    const mailbox = lc(req.params.address);
    const messages = await db.query<{ id: number; kind: string; event_id: string | null; subject: string; html: string; sender: string; received_at: Date }>(
      "SELECT id::int AS id, kind, event_id, subject, html, sender, received_at FROM standin_inbox WHERE mailbox = $1 ORDER BY id DESC LIMIT 200", [mailbox]);
    const eventIds = [...new Set(messages.map((m) => m.event_id).filter((x): x is string => !!x))];
    const events = eventIds.length ? await db.query<{ id: string; data: Json; deleted: boolean }>("SELECT id, data, deleted FROM standin_events WHERE id = ANY($1)", [eventIds]) : [];
    const answers = new Map(events.map((e) => [e.id, {
      deleted: e.deleted,
      response: (e.data.attendees as Json[]).find((a) => lc(a.emailAddress.address) === mailbox)?.status?.response ?? null,
      joinUrl: e.data.onlineMeeting?.joinUrl ?? null,
    }]));
    const files = await db.query<{ id: string; data: Json }>("SELECT id, data FROM standin_objects WHERE kind = 'mail-attachment' AND data->>'mailbox' = $1", [mailbox]);
    const attachments = new Map<number, { id: string; name: string }[]>();
    for (const f of files) attachments.set(Number(f.data.inboxId), [...(attachments.get(Number(f.data.inboxId)) ?? []), { id: f.id, name: String(f.data.name) }]);
    res.type("html").send(renderMailbox(mailbox, messages, answers, attachments));
  });
  app.get("/mailboxes/:address/attachments/:id", async (req, res) => {
    const f = await getObject("mail-attachment", req.params.id);
    if (!f || f.mailbox !== lc(req.params.address)) return void res.status(404).send("No such attachment");
    res.type(String(f.contentType)).setHeader("content-disposition", `attachment; filename="${String(f.name).replace(/[^\w.-]/g, "_")}"`);
    res.send(Buffer.from(String(f.contentBytes), "base64"));
  });
  app.post("/mailboxes/:address/respond", form, async (req, res) => {
    const r = String(req.body?.response ?? "");
    if (!["accepted", "declined", "tentativelyAccepted"].includes(r)) return void res.status(400).send("Unknown answer");
    try {
      await respond(req.params.address, String(req.body?.eventId ?? ""), r as "accepted");
    } catch (e) {
      return void res.status((e as { status?: number }).status ?? 500).send("That invitation cannot be answered (cancelled, or not sent to this mailbox).");
    }
    res.redirect(303, `/mailboxes/${encodeURIComponent(req.params.address)}`);
  });
  // Channel files (issue 13 point 2): what the app uploaded to a channel's Files folder, listed and downloadable.
  const files = async () => (await listObjects("drive-item")) as { name: string; size: number; lastModifiedDateTime: string; contentBase64: string }[];
  app.get("/files", async (_req, res) => {
    const rows = (await files()).map((f) => `<li><a href="/files/${encodeURIComponent(f.name)}">${esc(f.name)}</a> · ${f.size} bytes · ${esc(f.lastModifiedDateTime)}</li>`);
    res.type("html").send(`<!doctype html><html lang="en-GB"><title>Channel files</title><h1>Channel files (uploaded by the app)</h1><ul>${rows.join("") || "<li>None yet.</li>"}</ul></html>`);
  });
  app.get("/files/:name", async (req, res) => {
    const f = (await files()).find((x) => x.name === req.params.name);
    if (!f) return void res.status(404).send("No such file");
    res.type(f.name.endsWith(".pdf") ? "application/pdf" : "application/octet-stream").send(Buffer.from(f.contentBase64, "base64"));
  });
  app.get("/meet/:id", async (req, res) => {
    const m = await getObject("online-meeting", req.params.id);
    if (!m) return void res.status(404).send("No such meeting");
    const ev = await getEvent(m.eventId);
    const reports = await reportsOf(req.params.id);
    res.type("html").send(renderMeeting(m, ev?.data ?? null, reports.length));
  });
  app.post("/meet/:id/end", form, async (req, res) => {
    const m = await getObject("online-meeting", req.params.id);
    if (!m) return void res.status(404).send("No such meeting");
    const ev = await getEvent(m.eventId);
    const people: { address: string | null; name: string; seconds: number; role?: string }[] = [{ address: m.organizer, name: m.organizer, seconds: Number(req.body?.minutes ?? 45) * 60, role: "Organizer" }];
    for (const a of (ev?.data.attendees ?? []) as Json[]) {
      const key = `m:${lc(a.emailAddress.address)}`;
      const minutes = Number(req.body?.[key] ?? 0);
      if (minutes > 0) people.push({ address: lc(a.emailAddress.address), name: a.emailAddress.name ?? a.emailAddress.address, seconds: Math.round(minutes * 60) });
    }
    await endMeeting(req.params.id, people);
    res.redirect(303, `/meet/${encodeURIComponent(req.params.id)}`);
  });

  const control = express.Router();
  control.use(express.json());
  control.post("/faults", (req, res) => {
    const list = (Array.isArray(req.body) ? req.body : [req.body]) as Fault[];
    for (const f of list) faults.push({ ...f, count: Number(f.count ?? 1) });
    res.json({ faults });
  });
  control.delete("/faults", (_req, res) => { faults.length = 0; res.json({ faults }); });
  control.post("/respond", async (req, res) => {
    try {
      await respond(req.body.mailbox, req.body.eventId, req.body.response);
      res.json({ ok: true });
    } catch (e) {
      res.status((e as { status?: number }).status ?? 500).json({ error: (e as Error).message });
    }
  });
  control.post("/busy", async (req, res) => {
    await putObject("busy", randomUUID(), { address: req.body.address, start: req.body.start, end: req.body.end, status: req.body.status ?? "busy" });
    res.json({ ok: true });
  });
  control.post("/lifecycle", async (req, res) => { await lifecycle(req.body.subscriptionId, req.body.event); res.json({ ok: true }); });
  control.post("/notifications", (req, res) => { settings.notifications = req.body.enabled !== false; res.json(settings); });
  control.get("/requests", async (_req, res) => {
    res.json(await db.query("SELECT method, path, status, contract, at FROM standin_requests ORDER BY id"));
  });
  app.use("/_standin", control);

  const host = o.host ?? "127.0.0.1";
  const server = await listenOn(app, o.port ?? 3979, host, "GRAPH_STANDIN_PORT");
  const port = (server.address() as AddressInfo).port;
  base = `http://${host}:${port}`;

  return {
    url: base,
    graphBaseUrl: `${base}/v1.0`,
    server, faults, deliveries, responseProblems,
    async settle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
    respond, endMeeting, lifecycle,
    setNotifications(on) { settings.notifications = on; },
    setTransactionDedupe(on) { settings.dedupe = on; },
    async botPosted(m) {
      const at = now().toISOString();
      await putObject("channel-message", `${m.teamId}:${m.channelId}:${m.id}`, {
        id: m.id, replyToId: m.replyToId, messageType: "message", createdDateTime: at, lastModifiedDateTime: at, body: { contentType: "html", content: "<attachment></attachment>" },
        channelIdentity: { teamId: m.teamId, channelId: m.channelId }, attachments: [{ id: m.id, contentType: "application/vnd.microsoft.card.adaptive", content: JSON.stringify(m.card) }],
      });
    },
    async stop() {
      await Promise.allSettled([...inflight]);
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}
