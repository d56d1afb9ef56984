/**
 * The timescale rules (DOMAIN.md §2–3) in a chair's words: cards lead with these; the rule id follows in
 * small print for the curious (issue 11 point 7);
 * the managers' tab shows the same words.
 */
const RULE_WORDS: Readonly<Record<string, string>> = {
  "T-STD": "standard timescale", "T-SH": "serious harm: the same day", "T-SAF": "sexual abuse, forensic window: the same day",
  "T-IA": "immediate protective action taken", "T-CX": "complex or organised abuse", "T-AAS": "allegation against staff",
  "T-MIS": "missing child", "T-MWK": "missing child: reconvene within 7 days", "T-TGT": "local target", "T-REC": "record to everyone invited",
  "T-OOH": "out-of-hours record", "T-ICPC": "initial child protection conference", "T-SEE": "child seen by a social worker",
  "T-S47": "section 47 assessment", "T-RHI": "return home interview", "T-MHOS": "missing over 7 days: Head of Service", "T-MDCS": "missing: tell the Director",
  "FOLLOW-UP": "follow-up strategy discussion set at the meeting",
};

/** A rule in words, e.g. "standard timescale" for T-STD (an unknown id is shown as itself). */
export const ruleWords = (rule: string): string => RULE_WORDS[rule] ?? `rule ${rule}`;
