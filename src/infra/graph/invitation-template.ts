import { escapeHtml as esc } from "../../domain/text/escape-html.js";
import { londonClock, londonLabel } from "../../domain/time/london.js";

/**
 * The words of the invitation (DOMAIN.md I-WORD): a "Strategy Discussion", whom it is for (by case
 * reference), the presenting safeguarding issues, date, time and the link. Generic mailboxes are shared
 * inboxes, so the subject and body carry the case and strat references only — never a child's name.
 */
export interface InvitationFacts {
  caseRef: string;
  stratRef: string;
  presentingIssues: string[];
  start: Date;
  end: Date;
  chairLabel?: string | null;
}

const whenLabel = (start: Date, end: Date) => `${londonLabel(start)}–${londonClock(end)} (UK time)`;

export const invitationSubject = (f: Pick<InvitationFacts, "caseRef" | "stratRef">) =>
  `Strategy Discussion – case ${f.caseRef} (${f.stratRef})`;

export function invitationHtml(f: InvitationFacts): string {
  const issues = f.presentingIssues.length ? f.presentingIssues.map(esc).join(", ") : "given in the meeting";
  return [
    `<p>You are invited to a <b>Strategy Discussion</b> about child protection concerns (Working Together to Safeguard Children).</p>`,
    `<p><b>For:</b> the child or children in case <b>${esc(f.caseRef)}</b> (our reference ${esc(f.stratRef)}). Names and details are shared in the meeting, not in this invitation, because agency mailboxes are shared.</p>`,
    `<p><b>Presenting safeguarding issues:</b> ${issues}</p>`,
    `<p><b>When:</b> ${esc(whenLabel(f.start, f.end))}</p>`,
    f.chairLabel ? `<p><b>Chair:</b> ${esc(f.chairLabel)}</p>` : "",
    `<p><b>Join:</b> with the Microsoft Teams link in this invitation. Please accept or decline so the chair knows who will attend; if your agency cannot attend, say who can.</p>`,
  ].join("");
}

/** The separate email carrying one mailbox's signed response link (shared mailboxes may not send calendar replies). */
export function responseLinkMail(f: InvitationFacts & { link: string; joinUrl: string | null }): { subject: string; html: string } {
  return {
    subject: `${invitationSubject(f)}: please confirm who will attend`,
    html: [
      `<p>A <b>Strategy Discussion</b> for case <b>${esc(f.caseRef)}</b> (${esc(f.stratRef)}) is booked for ${esc(whenLabel(f.start, f.end))}. You should also have the calendar invitation.</p>`,
      `<p>If your mailbox cannot answer calendar invitations, answer here (this link is for your mailbox only): <a href="${esc(f.link)}">confirm attendance</a>.</p>`,
      f.joinUrl ? `<p>Join the Teams meeting: <a href="${esc(f.joinUrl)}">${esc(f.joinUrl)}</a></p>` : "",
    ].join(""),
  };
}
