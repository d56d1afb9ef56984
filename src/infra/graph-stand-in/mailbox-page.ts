/** The stand-in's local pages: what each mailbox "received", answering as that mailbox, and a meeting room. */

import { escapeHtml as esc } from "../../domain/text/escape-html.js";
import { londonTimestamp } from "../../domain/time/london.js";

const when = (d: Date) => londonTimestamp(d);

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:Segoe UI,system-ui,sans-serif;margin:2rem;max-width:60rem;color:#242424}
h1{font-size:1.4rem}.note{color:#616161}.msg{border:1px solid #d1d1d1;border-radius:6px;padding:1rem;margin:1rem 0}
.kind{display:inline-block;font-size:.75rem;text-transform:uppercase;background:#ebebeb;border-radius:4px;padding:.1rem .4rem;margin-right:.5rem}
.answer{font-weight:600}iframe{width:100%;border:1px solid #ebebeb;height:14rem}button{margin-right:.5rem;padding:.3rem .8rem}
table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ebebeb;text-align:left}
</style></head><body><p class="note">Local Microsoft Graph stand-in — not a real mailbox. Nothing here leaves this machine.</p>${body}</body></html>`;

export function renderMailboxList(rows: { mailbox: string; n: number; last: Date }[]): string {
  const list = rows.length
    ? `<table><tr><th>Mailbox</th><th>Messages</th><th>Last received</th></tr>${rows.map((r) =>
      `<tr><td><a href="/mailboxes/${encodeURIComponent(r.mailbox)}">${esc(r.mailbox)}</a></td><td>${r.n}</td><td>${esc(when(r.last))}</td></tr>`).join("")}</table>`
    : `<p>No mailbox has received anything yet. Schedule a strategy discussion in the app (type <code>schedule</code> to the bot) and the invitations appear here.</p>`;
  return page("Mailboxes", `<h1>Mailboxes</h1><p>Every invitation, update, cancellation and email the app sent through Microsoft Graph, by recipient. Open a mailbox to answer as it.</p>${list}`);
}

export function renderMailbox(
  mailbox: string,
  messages: { id: number; kind: string; event_id: string | null; subject: string; html: string; sender: string; received_at: Date }[],
  answers: Map<string, { deleted: boolean; response: string | null; joinUrl: string | null }>,
  /** Inline attachments by inbox message id (e.g. the record's PDF), each downloadable. */
  attachments: Map<number, { id: string; name: string }[]> = new Map(),
): string {
  const words: Record<string, string> = { none: "not answered yet", accepted: "accepted", declined: "declined", tentativelyAccepted: "tentative", organizer: "organiser" };
  const files = (id: number) => (attachments.get(id) ?? [])
    .map((f) => `<p>Attachment: <a href="/mailboxes/${encodeURIComponent(mailbox)}/attachments/${encodeURIComponent(f.id)}">${esc(f.name)}</a></p>`).join("");
  const items = messages.map((m) => {
    const a = m.event_id ? answers.get(m.event_id) : undefined;
    const canAnswer = (m.kind === "invitation" || m.kind === "update") && a && !a.deleted && a.response !== null;
    const controls = canAnswer
      ? `<p>Your answer: <span class="answer">${esc(words[a.response!] ?? a.response!)}</span></p>
<form method="post" action="/mailboxes/${encodeURIComponent(mailbox)}/respond">
<input type="hidden" name="eventId" value="${esc(m.event_id!)}">
<button name="response" value="accepted">Accept</button><button name="response" value="tentativelyAccepted">Tentative</button><button name="response" value="declined">Decline</button>
</form>${a.joinUrl ? `<p><a href="${esc(a.joinUrl)}">Join the Teams meeting (stand-in)</a></p>` : ""}`
      : a?.deleted ? `<p class="note">This meeting was cancelled.</p>` : "";
    return `<div class="msg"><div><span class="kind">${esc(m.kind)}</span><b>${esc(m.subject)}</b></div>
<div class="note">From ${esc(m.sender)} · ${esc(when(m.received_at))}</div>
<iframe sandbox="" srcdoc="${esc(m.html)}" title="message body"></iframe>${files(m.id)}${controls}</div>`;
  }).join("");
  return page(`Mailbox ${mailbox}`, `<p><a href="/mailboxes">← all mailboxes</a></p><h1>${esc(mailbox)}</h1>${items || "<p>Nothing received.</p>"}`);
}

export function renderMeeting(meeting: { id: string; subject: string; startDateTime: string; endDateTime: string; organizer: string }, event: any, reports: number): string {
  const attendees = ((event?.attendees ?? []) as { emailAddress: { address: string; name?: string }; status?: { response?: string } }[]);
  const rows = attendees.map((a) => `<tr><td>${esc(a.emailAddress.address)}</td><td>${esc(a.status?.response ?? "none")}</td>
<td><input type="number" min="0" max="600" name="m:${esc(a.emailAddress.address.toLowerCase())}" value="${a.status?.response === "accepted" ? 45 : 0}"> min</td></tr>`).join("");
  return page(`Meeting ${meeting.subject}`, `<h1>${esc(meeting.subject)}</h1>
<p>${esc(when(new Date(meeting.startDateTime)))} – ${esc(when(new Date(meeting.endDateTime)))} · organiser ${esc(meeting.organizer)}</p>
<p>Stand-in for the Teams meeting. Say who was there and for how long, then end the meeting: Teams' attendance report is created, and the app can read it.</p>
<form method="post" action="/meet/${encodeURIComponent(meeting.id)}/end">
<table><tr><th>Invitee</th><th>Calendar answer</th><th>Time in the meeting</th></tr>
<tr><td>${esc(meeting.organizer)} (organiser)</td><td>organiser</td><td><input type="number" min="1" max="600" name="minutes" value="45"> min</td></tr>${rows}</table>
<p><button>End the meeting (create the attendance report)</button></p></form>
<p class="note">Attendance reports so far: ${reports}</p>`);
}
