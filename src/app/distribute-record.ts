/**
 * Issue 13 point 3: the verified record goes by mail to every recipient before T-REC (T-OOH where it applies).
 * `record.distribute` (written by closeStrat and amendClosedStrat in the same statement as the change) asks for one
 * Graph mail per recipient address, keyed by strat + version + address: the mail job (graph.mail) is exactly once
 * (its identity in a single-value extended property, Sent Items looked up before a retry), and asking again for the
 * same key is the same job, so a restart of this job sends nothing twice.
 *
 * Child data (I-WORD): the subject carries the strat and case reference only; the PDF's file name is references only.
 */
import { amendedBy, amendmentWords } from "../domain/record/amendment.js";
import type { StratRecord } from "../domain/record/record.js";
import type { Profile } from "../domain/protocol/index.js";
import type { Strat } from "../domain/strat/strat.js";
import { escapeHtml } from "../domain/text/escape-html.js";
import { londonClock, showLondon } from "../domain/time/london.js";
import type { JobOf, JobRequest, JobRow, MailAttachment } from "../ports/jobs.js";
import type { Notifier } from "../ports/notifier.js";
import type { AppContext } from "./context.js";
import { responseLink } from "./response-link.js";
import { recordOfStrat } from "./strat-record.js";
import { tellSeniorManager } from "./tell-senior-manager.js";

/** The record as a file (the composition root renders the PDF: src/infra/record/export.ts). */
export interface RecordFileOut { bytes: Uint8Array; contentType: string; fileName: string }
export type RenderRecordFile = (record: StratRecord) => Promise<RecordFileOut>;

/**
 * Graph's limit for an attachment inline in sendMail (PLATFORM-FACTS §6b: < 3 MB). Counted on the file's bytes,
 * decimal and a little under, so the base64 request stays under 4 MiB. Larger: the link only, said in the mail.
 */
export const MAX_INLINE_ATTACHMENT_BYTES = 3_000_000;

/** The record's PDF as an inline attachment, or none when it is too large for one mail (then the link only). */
export function recordAttachments(file: RecordFileOut): MailAttachment[] {
  if (file.bytes.byteLength >= MAX_INLINE_ATTACHMENT_BYTES) return [];
  return [{ name: file.fileName, contentType: file.contentType, contentBase64: Buffer.from(file.bytes).toString("base64") }];
}

/** The record version a strat's state stands at: 1 when verified, +1 per amendment (R-*). */
export const recordVersion = (s: Pick<Strat, "state">) => 1 + s.state.amendments.length;

/**
 * The distribution of record `version` as jobs, for closeStrat / amendClosedStrat to return from their mutation: the
 * mails now, and the checks one hour before the record's deadline (T-REC / T-OOH) and at it.
 */
export function distributionJobs(stratId: string, version: number, recordDue: Date, now: Date): JobRequest[] {
  const check = (at: "before" | "due", runAt: Date): JobRequest => ({
    kind: "record.distribution-check", dedupeKey: `distribution-check:${stratId}:${version}:${at}`, stratId, runAt, payload: { stratId, version, at },
  });
  return [
    { kind: "record.distribute", dedupeKey: `distribute:${stratId}:${version}`, stratId, runAt: now, payload: { stratId, version } },
    check("before", new Date(Math.max(now.getTime(), recordDue.getTime() - 3_600_000))), check("due", recordDue),
  ];
}

/** The mail key of a record version (+ the recipient's address): one mail each (graph-scheduler prefixes `mail:`). */
const recordMailKey = (stratId: string, version: number) => `record:${stratId}:v${version}:`;

/** One recipient of the record: an invitee (with their personal link) or one of the profile's extra recipients. */
export interface RecordRecipient { address: string; inviteeId: string | null; label: string }

/**
 * T-REC: every current invitee with a mailbox (invited or notify-only), then the profile's extra recipients
 * (bristol-2024 5.4: GP, Named Nurse, the education provider's DSL, the service manager), once per address; those
 * with no address are listed (`noAddress`), never sent to.
 */
export function recordRecipients(s: Strat, profile: Pick<Profile, "distribution">): { recipients: RecordRecipient[]; noAddress: string[] } {
  const by = new Map<string, RecordRecipient>();
  const noAddress: string[] = [];
  for (const i of s.state.invitees.filter((x) => !x.removed)) {
    if (!i.address) noAddress.push(i.agency);
    else if (!by.has(i.address.toLowerCase())) by.set(i.address.toLowerCase(), { address: i.address, inviteeId: i.id, label: i.agency });
  }
  for (const d of profile.distribution) {
    if (!d.address) noAddress.push(d.label);
    else if (!by.has(d.address.toLowerCase())) by.set(d.address.toLowerCase(), { address: d.address, inviteeId: null, label: d.label });
  }
  return { recipients: [...by.values()], noAddress };
}

/** The subject: strat and case reference only (I-WORD), the version, and "amendment" after the first. */
export const recordSubject = (s: Pick<Strat, "ref" | "caseRef">, version: number) =>
  `Strategy discussion record ${s.ref} (case ${s.caseRef}), version ${version}${version > 1 ? " (amendment)" : ""}`;

/** The mail's first line: the record and its version, or that this is an amendment, of what, why and by whom (point 6). */
function firstLine(s: Strat, version: number): string {
  const a = s.state.amendments[version - 2];
  return a ? `This is an amendment of the record of strategy discussion ${s.ref} (case ${s.caseRef}): ${amendmentWords({ ...a, version }, amendedBy(s, a.by))} It replaces the version sent before.`
    : `This is the record of strategy discussion ${s.ref} (case ${s.caseRef}), version ${version}, as verified by the chair.`;
}

function recordHtml(s: Strat, version: number, attached: boolean, link: string, due: string | null): string {
  const lines = [
    firstLine(s, version),
    attached ? "The record is attached as a PDF (it embeds the same record as data, for case-management systems)."
      : "The record is too large to attach to one email: read or download it from the link below.",
    ...(due ? [`It is sent to you by ${due} (London time), as the local procedure requires.`] : []),
    ...(link ? [`If the attachment is stripped by your mail system, read the record in your browser: ${link}`] : []),
    `Council contact: ${s.chairName ?? "the chair"} (chair).`,
  ];
  return lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("");
}

/** `record.distribute`: one graph.mail per recipient, with the PDF attached and the personal link to read it. */
export function distributeRecordJob(ctx: AppContext, render: RenderRecordFile) {
  return async (job: JobOf<"record.distribute">): Promise<void> => {
    const s = await ctx.strats.get(job.payload.stratId);
    if (!s || s.status !== "closed" || recordVersion(s) !== job.payload.version) return; // superseded by a later version
    const from = ctx.organizerMailbox;
    if (!ctx.scheduler || !from) {
      ctx.log.warn({ stratRef: s.ref, version: job.payload.version }, "record not distributed: no mail configured");
      return;
    }
    const record = await recordOfStrat(ctx, s);
    const attachments = recordAttachments(await render(record));
    const due = s.state.closure?.recordDue ? showLondon(new Date(s.state.closure.recordDue)) : null;
    for (const r of recordRecipients(s, ctx.profiles.get(s.profileId, { includeHistory: true })).recipients) {
      const personal = r.inviteeId ? responseLink(ctx, s, r.inviteeId) : "";
      await ctx.scheduler.requestMail({
        key: `${recordMailKey(s.id, job.payload.version)}${r.address.toLowerCase()}`, stratId: s.id, from, to: [r.address],
        subject: recordSubject(s, job.payload.version),
        html: recordHtml(s, job.payload.version, attachments.length > 0, personal ? `${personal}/record.pdf` : "", due),
        attachments,
      });
    }
    ctx.log.info({ stratRef: s.ref, version: job.payload.version, attached: attachments.length > 0 }, "record distribution requested");
  };
}

/**
 * What the distribution of the current version did, in a chair's words, from its mail jobs (the durable queue keeps
 * each one: requested, sent — done — or failed — dead — with its reason): "Record version 1 sent to 4 of 5 …".
 * Empty before the strat is closed. Invitees with no mailbox are listed as "no address".
 */
export async function distributionStatus(ctx: Pick<AppContext, "jobs" | "profiles">, s: Strat): Promise<string> {
  const t = await distributionOf(ctx, s);
  if (!t) return "";
  const due = s.state.closure?.recordDue ? ` Due ${showLondon(new Date(s.state.closure.recordDue))}.` : "";
  return [
    `Record version ${t.version} sent to ${t.sent} of ${t.total}${t.lastAt ? ` (last at ${showLondon(t.lastAt)})` : ""}.`,
    ...(t.failed.length ? [`${t.failed.length} failed: ${t.failed.map((f) => f.address).join("; ")}.`] : []),
    ...(t.sending ? [`${t.sending} still sending.`] : []),
    ...(t.noAddress.length ? [`${t.noAddress.length} with no address: ${t.noAddress.join(", ")}.`] : []),
  ].join(" ") + due;
}

/**
 * The same on the channel record's card (issue 13 points 2, 3), short and by agency (never a child, never an
 * address): "Sent to 11 of 12; 1 failed (Police); complete at 14:05" — before the first mail, that it is being sent.
 */
export async function channelDistributionWords(ctx: Pick<AppContext, "jobs" | "profiles">, s: Strat): Promise<string> {
  const t = await distributionOf(ctx, s);
  if (!t || t.total === 0 || (t.sent + t.failed.length + t.sending === 0)) return DISTRIBUTION_STARTING;
  return [
    `Sent to ${t.sent} of ${t.total}`,
    ...(t.failed.length ? [`${t.failed.length} failed (${t.failed.map((f) => f.label).join(", ")})`] : []),
    ...(t.sending ? [`${t.sending} still sending`] : []),
    ...(t.noAddress.length ? [`${t.noAddress.length} with no address (${t.noAddress.join(", ")})`] : []),
    ...(t.complete && t.lastAt ? [`complete at ${londonClock(t.lastAt)}`] : []),
  ].join("; ");
}

/** The card's words before the distribution has a mail to count. */
export const DISTRIBUTION_STARTING = "Sending by mail to each recipient; this line shows how it goes.";

/** One record mail: to whom (an agency or the profile's label, never an address), and when it was sent, if it was. */
export interface RecordDelivery { label: string; state: "sent" | "failed" | "sending"; at: Date | null }

export interface DistributionTally {
  version: number; sent: number; total: number; sending: number; lastAt: Date | null; complete: boolean;
  failed: { address: string; label: string }[]; noAddress: string[]; deliveries: RecordDelivery[];
}

/** The distribution of a closed strat's record `version` (default: the current one) from its mail jobs; null while open. */
export async function distributionOf(ctx: Pick<AppContext, "jobs" | "profiles">, s: Strat, version = recordVersion(s)): Promise<DistributionTally | null> {
  if (s.status !== "closed" || !ctx.jobs) return null;
  const rows = await ctx.jobs.ofStrat(s.id, "graph.mail", `mail:${recordMailKey(s.id, version)}`);
  const { recipients, noAddress } = recordRecipients(s, ctx.profiles.get(s.profileId, { includeHistory: true }));
  const labelOf = new Map(recipients.map((r) => [r.address.toLowerCase(), r.label]));
  const addressOf = (r: JobRow) => ((r.payload as { to?: string[] }).to ?? []).join(", ");
  const labelFor = (address: string) => labelOf.get(address.toLowerCase()) ?? "a recipient";
  const sent = rows.filter((r) => r.state === "done");
  const failed = rows.filter((r) => r.state === "dead").map((r) => ({ address: addressOf(r), label: labelFor(addressOf(r)) }));
  const last = sent.map((r) => r.doneAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  const deliveries = rows.map((r): RecordDelivery => ({
    label: labelFor(addressOf(r)), state: r.state === "done" ? "sent" : r.state === "dead" ? "failed" : "sending", at: r.state === "done" ? r.doneAt : null,
  }));
  return {
    deliveries, version, sent: sent.length, total: rows.length + noAddress.length, sending: rows.length - sent.length - failed.length,
    lastAt: last ? new Date(last) : null, failed, noAddress,
    complete: rows.length > 0 && sent.length === rows.length && noAddress.length === 0,
  };
}

/** A burst of mail changes is one card update: one refresh per strat, version and this many milliseconds. */
export const CHANNEL_REFRESH_MS = 5_000;

/** The refresh of the channel card after a change at `now`: it runs at the end of now's window (≤ 5 s later). */
export function channelRefreshJob(stratId: string, version: number, now: Date): JobRequest {
  const window = Math.floor(now.getTime() / CHANNEL_REFRESH_MS);
  return {
    kind: "record.channel-refresh", dedupeKey: `channel-refresh:${stratId}:v${version}:${window}`, stratId,
    runAt: new Date((window + 1) * CHANNEL_REFRESH_MS), payload: { stratId },
  };
}

/**
 * The status hook: wraps the mail job's handler so that each attempt of a closed strat's mail (sent, or failed)
 * asks for the coalesced refresh of its channel card. A mail of an open strat (an invitation) asks for nothing.
 */
export function refreshingChannelCard<J extends { stratId: string | null }, R extends unknown[]>(
  ctx: Pick<AppContext, "strats" | "jobs" | "clock" | "log">, run: (job: J, ...rest: R) => Promise<void>,
): (job: J, ...rest: R) => Promise<void> {
  const ask = async (stratId: string) => {
    const s = await ctx.strats.get(stratId);
    if (s?.status === "closed" && ctx.jobs) await ctx.jobs.enqueue([channelRefreshJob(s.id, recordVersion(s), ctx.clock.now())]);
  };
  return async (job, ...rest) => {
    try {
      await run(job, ...rest);
    } finally {
      if (job.stratId) await ask(job.stratId).catch((e: unknown) => ctx.log.warn({ err: { type: (e as Error).name } }, "channel card refresh not requested"));
    }
  };
}

/**
 * `record.distribution-check`: a distribution not complete one hour before the record's deadline, or at it (late), is
 * told to the chair (the strat's conversation) and to SENIOR_MANAGER (mail, or Teams), once each per version and check.
 */
export function distributionCheckJob(ctx: AppContext, notifier: Notifier) {
  return async (job: JobOf<"record.distribution-check">): Promise<void> => {
    const s = await ctx.strats.get(job.payload.stratId);
    if (!s || recordVersion(s) !== job.payload.version) return;
    const d = await distributionOf(ctx, s);
    if (!d || d.complete) return;
    const words = await distributionStatus(ctx, s);
    const when = job.payload.at === "due" ? "is late: its deadline has passed" : "is due within the hour";
    const text = `The record of ${s.ref} (case ${s.caseRef}) ${when} and has not reached everyone. ${words} Type status ${s.ref}.`;
    const chair = s.conversationId ? await notifier.toConversation(s.conversationId, { text }) : "no-conversation";
    const senior = (await tellSeniorManager(ctx, notifier, {
      to: ctx.seniorManager?.trim() ?? "", key: `distribution-check:${s.id}:${job.payload.version}:${job.payload.at}`, stratId: s.id,
      subject: `Strategy discussion ${s.caseRef} ${s.ref}: record not yet with everyone, for your attention`, lines: [text],
    })) ?? "not told";
    ctx.log.warn({ stratRef: s.ref, version: job.payload.version, at: job.payload.at, chair, senior }, "record distribution incomplete");
  };
}
