/** Words the cards use for a strat's parts (typed state in, strings out): one place for every view. */
import { concernLabels } from "../../src/domain/protocol/concern-labels.js";
import type { Referral } from "../../src/domain/protocol/referral.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { Invitee } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";

export { CONCERN_LABELS } from "../../src/domain/protocol/concern-labels.js";

export const concernsOf = (referral: Referral): string => concernLabels(referral).join("; ");

const ANSWER_WORDS: Record<string, string> = {
  accepted: "accepted", declined: "declined", tentative: "tentative", delegate: "sending a delegate", report: "sending a written report", none: "no answer yet",
};

export function describeAnswer(i: Invitee): string {
  const r = i.response;
  if (!r || r.kind === "none") return "";
  const extra = r.kind === "declined" ? ` (${r.reason})` : r.kind === "delegate" ? ` (${r.delegate?.name}, ${r.delegate?.role})` : "";
  return `${ANSWER_WORDS[r.kind]}${extra} · via ${r.via} · ${showLondon(r.at)}`;
}

/** The ids every card of a strat carries (never case content): which strat, and the version it showed. */
export const stratHeader = (s: Strat) => ({ stratId: s.id, version: String(s.version), ref: s.ref, caseRef: s.caseRef, profile: s.profileId });
