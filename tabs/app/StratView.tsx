/**
 * One strat (issue 15 point 4): its header, the record as the channel record has it (verified or not, each verified
 * version's PDF), the timeline, invited against attended with the quorum (Q-1), actions (R-ACT), dissent (R-DIS) and
 * the audit trail with its chain check. Words not codes, UK times; a strat the viewer may not see reads as none.
 */
import {
  Badge, Link, makeStyles, MessageBar, MessageBarBody, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title2, tokens,
} from "@fluentui/react-components";
import { useEffect, useState, type ReactNode } from "react";
import { ApiError, ZStratView, type GetJson, type StratViewData } from "./api.js";
import { concernWords, quorumWords, ruleWords, STATUS_WORDS, ukTime } from "./words.js";

const useStyles = makeStyles({
  header: { display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: "16px", rowGap: "4px", margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  overdue: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  section: { display: "flex", flexDirection: "column", gap: "8px" },
});

type Row = readonly [label: string, value: ReactNode];
const QUORUM_ROLE_WORDS: Readonly<Record<string, string>> = { police: "Police", health: "Health", csc: "Children's social care" };
const ANSWER_WORDS: Readonly<Record<string, string>> = {
  accepted: "accepted", declined: "declined", tentative: "tentative", delegate: "sending a delegate", report: "written report", none: "no answer",
};
const STAGE_WORDS: Readonly<Record<string, string>> = { chair: "with the chair", "senior-managers": "escalated to senior managers" };
const TIMELINE_WORDS: Readonly<Record<string, string>> = {
  "referral-received": "Referral received", opened: "Strategy discussion opened", "invitations-sent": "Invitations sent", answered: "Answer",
  booked: "Meeting booked", moved: "Meeting moved", cancelled: "Meeting cancelled", held: "Meeting held (attendance recorded)",
  verified: "Record verified", distributed: "Record sent", amended: "Record amended", reconvened: "Reconvened",
};
const DECISION_WORDS: Readonly<Record<string, string>> = {
  s47: "Section 47 enquiry", enquiry: "Enquiry", singleAgencyReason: "Why single-agency", criminalInvestigation: "Criminal investigation",
  medical: "Medical", abeInterview: "ABE interview", childSeenAlone: "Child seen alone", interpreter: "Interpreter", otherChildren: "Other children",
  sharedWithFamily: "Shared with the family", withheldReason: "Why withheld", legal: "Legal advice", icpc: "Child protection conference",
  lado: "LADO", followUpStrat: "Follow-up strategy discussion", noS47Outcome: "Outcome without section 47",
};
const plain = (code: string): string => code.replace(/[._-]+/g, " ");
const roleWords = (role: string | null): string => (role ? QUORUM_ROLE_WORDS[role] ?? role : "");
const yesNo = (b: boolean | null): string => (b === null ? "not recorded" : b ? "yes" : "no");

/** A definition list of label → value (empty values left out). */
function Facts({ rows, id }: { rows: readonly Row[]; id?: string }) {
  const styles = useStyles();
  return (
    <dl className={styles.header} id={id}>
      {rows.filter(([, v]) => v !== "" && v !== null).map(([k, v]) => [<dt key={`${k}-t`} className={styles.term}>{k}</dt>, <dd key={`${k}-d`} style={{ margin: 0 }}>{v}</dd>])}
    </dl>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <section aria-labelledby={`${id}-title`} id={id} className={styles.section}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function SimpleTable({ label, head, rows, rowClass }: { label: string; head: readonly string[]; rows: readonly (readonly ReactNode[])[]; rowClass?: (i: number) => string | undefined }) {
  return (
    <Table aria-label={label}>
      <TableHeader><TableRow>{head.map((h) => <TableHeaderCell key={h}>{h}</TableHeaderCell>)}</TableRow></TableHeader>
      <TableBody>
        {rows.map((cells, i) => <TableRow key={i} className={rowClass?.(i)}>{cells.map((c, j) => <TableCell key={j}>{c}</TableCell>)}</TableRow>)}
      </TableBody>
    </Table>
  );
}

/** The record: the channel record's sections (R-*), verified or not, with each verified version's PDF. */
function RecordSection({ v }: { v: StratViewData }) {
  const r = v.record;
  const decisions = Object.entries(r.decisions ?? {}).filter(([k, x]) => k in DECISION_WORDS && x !== null && x !== "")
    .map(([k, x]): Row => [DECISION_WORDS[k]!, plain(String(x))]);
  const sections = [...new Set(r.profileFields.map((f) => f.sectionTitle))];
  return (
    <Section id="record" title={`Record, version ${r.version}`}>
      <Badge appearance="tint" color={v.verified ? "success" : "warning"}>{v.verified ? "verified" : "not yet verified"}</Badge>
      <h3>Reason</h3>
      <Facts rows={[["Concerns", concernWords(r.reason.concerns)], ["Referral received", ukTime(r.reason.receivedAt)], ["Must be held by", `${ukTime(r.reason.due)} (${ruleWords(r.reason.dueRule)})`],
        ["Meeting", r.meeting ? `${ukTime(r.meeting.start)} (${plain(r.meeting.mode)})` : "not booked"]]} />
      <h3>Decisions</h3>
      {decisions.length ? <Facts id="decisions" rows={[...decisions, ["Analysis of risk", r.riskAnalysis ?? ""]]} /> : <Text as="p">Not recorded yet.</Text>}
      {r.contributions.length > 0 && <Facts rows={r.contributions.map((c): Row => [c.agency, c.summary])} />}
      <h3>Interim safety plan</h3>
      <Text as="p">{r.interimSafetyPlan?.text ?? "Not recorded yet."}</Text>
      <h3>Attendance and quorum</h3>
      <Text as="p">{r.quorum ? `${quorumWords(r.quorum.quorate)}${r.quorum.inquorateReason ? `: ${r.quorum.inquorateReason}` : ""}` : "Not recorded yet."}</Text>
      {sections.map((title) => (
        <div key={title}>
          <h3>{title}</h3>
          <Facts rows={r.profileFields.filter((f) => f.sectionTitle === title).map((f): Row => [f.label, f.value])} />
        </div>
      ))}
      {r.amendments.length > 0 && <><h3>Amendments</h3><Facts rows={r.amendments.map((a): Row => [`Version ${a.version}, ${ukTime(a.at)}`, `${a.text} (why: ${a.why})`])} /></>}
      <h3>Verified versions</h3>
      {v.versions.length ? (
        <ul>{v.versions.map((x) => <li key={x.version}><Link href={x.pdf}>Version {x.version} (PDF)</Link>: {ukTime(x.at)}, by {x.by}{x.reason ? `; why: ${x.reason}` : ""}</li>)}</ul>
      ) : <Text as="p">None yet: the chair verifies the record at close.</Text>}
    </Section>
  );
}

type Event = StratViewData["timeline"][number];
const eventWords = (e: Event): string => [
  TIMELINE_WORDS[e.kind] ?? plain(e.kind),
  e.agency ? `${e.agency}${e.role ? ` (${e.role})` : ""}` : "",
  e.answer ? ANSWER_WORDS[e.answer] ?? plain(e.answer) : "",
  e.meeting ? `for ${ukTime(e.meeting.start)}` : "",
  e.version ? `version ${e.version}` : "",
  e.recipient ? `to ${e.recipient}` : "",
  e.sent ?? "",
].filter(Boolean).join(", ");

/** "Audit trail verified", or where the chain first breaks (its entry's number, 1-based). */
export function chainWords(audit: StratViewData["audit"]): string {
  const bad = audit.chain.firstBad;
  if (audit.chain.verified || !bad) return "Audit trail verified";
  const n = audit.entries.findIndex((e) => e.at === bad.at && e.kind === bad.kind);
  return n >= 0 ? `Audit trail broken at entry ${n + 1}` : `Audit trail broken: ${bad.problem}`;
}

/** The strat's page from its data (the component tests give it directly). */
export function StratPage({ v }: { v: StratViewData }) {
  const styles = useStyles();
  const r = v.record;
  const q = v.attendance.quorum;
  return (
    <article aria-labelledby="strat-title">
      <Link href="#/list">Back to the list</Link>
      <Title2 as="h1" id="strat-title" block>Strategy discussion {r.stratRef}</Title2>
      <Facts id="strat-header" rows={[["Case", r.caseRef], ["Profile", r.profile.title], ["State", STATUS_WORDS[r.status]],
        ["Must be held by", ukTime(r.reason.due)], ["Chair", v.versions[0]?.by ?? v.audit.entries.find((e) => e.kind === "strat.opened")?.actor ?? ""]]} />
      <Text as="p">Times are UK time.</Text>
      <RecordSection v={v} />
      <Section id="timeline" title="Timeline">
        <ol>{v.timeline.map((e, i) => <li key={i}><time dateTime={e.at}>{ukTime(e.at)}</time>: {eventWords(e)}</li>)}</ol>
      </Section>
      <Section id="attendance" title="Invited and attended">
        <SimpleTable label="Invited and attended" head={["Agency", "Role", "Quorum role", "Answer", "Attended"]}
          rows={v.attendance.invited.map((i) => [i.agency, i.role ?? "", roleWords(i.quorumRole), i.answer ? ANSWER_WORDS[i.answer] ?? plain(i.answer) : "no answer yet", yesNo(i.attended)])} />
        {q ? (
          <>
            <SimpleTable label="Quorum by role" head={["Quorum role", "Invited", "Attended"]} rows={q.byRole.map((b) => [roleWords(b.role), b.invited, b.attended])} />
            <Text as="p" id="quorum">
              Quorum: {quorumWords(q.quorate)}{q.missingRoles.length ? `; missing: ${q.missingRoles.map(roleWords).join(", ")}` : ""}{q.inquorateReason ? `; reason: ${q.inquorateReason}` : ""}
            </Text>
          </>
        ) : <Text as="p" id="quorum">Quorum: not recorded yet.</Text>}
      </Section>
      <Section id="actions" title="Actions">
        {v.actions.length ? (
          <SimpleTable label="Actions" head={["Action", "Owner", "Due", "Status", "Latest progress"]}
            rowClass={(i) => (v.actions[i]!.overdue ? styles.overdue : undefined)}
            rows={v.actions.map((a) => [a.what, `${a.owner} (${a.agency})`, ukTime(a.due), a.overdue ? "overdue" : a.status === "done" ? "done" : "open",
              a.latest ? `${ukTime(a.latest.at)}: ${a.latest.text}` : "none yet"])} />
        ) : <Text as="p">No actions.</Text>}
      </Section>
      <Section id="dissent" title="Dissent">
        {v.dissent.length ? (
          <SimpleTable label="Dissent" head={["Agency", "Decision disputed", "Raised", "Age", "Escalation"]}
            rows={v.dissent.map((d) => [d.agency, d.decision, ukTime(d.at), `${d.ageDays} day${d.ageDays === 1 ? "" : "s"}`,
              d.stages.map((s) => `${STAGE_WORDS[s.stage] ?? plain(s.stage)} (${ukTime(s.at)})${s.outcome ? `: ${s.outcome}` : ""}`).join("; ")])} />
        ) : <Text as="p">No dissent.</Text>}
      </Section>
      <Section id="audit" title="Audit trail">
        <Text as="p" id="chain" weight="semibold">{chainWords(v.audit)}</Text>
        <SimpleTable label="Audit trail" head={["Time", "Who", "What"]} rows={v.audit.entries.map((e) => [ukTime(e.at), e.actor, plain(e.kind)])} />
      </Section>
    </article>
  );
}

/** Loads GET /api/tab/strat/:ref; a 404 reads as "none that you can see" (it does not tell whether it exists). */
export function StratView({ get, strat }: { get: GetJson; strat: string }) {
  const [state, setState] = useState<{ view: StratViewData | null; error: string | null }>({ view: null, error: null });
  useEffect(() => {
    setState({ view: null, error: null });
    get(`/api/tab/strat/${encodeURIComponent(strat)}`, ZStratView).then(
      (view) => setState({ view, error: null }),
      (e: Error) => setState({ view: null, error: e instanceof ApiError && e.status === 404 ? `No strategy discussion ${strat} that you can see.` : e.message }),
    );
  }, [get, strat]);
  if (state.view) return <StratPage v={state.view} />;
  return (
    <article aria-labelledby="strat-title">
      <Link href="#/list">Back to the list</Link>
      <Title2 as="h1" id="strat-title" block>Strategy discussion {strat}</Title2>
      {state.error ? <MessageBar intent="error"><MessageBarBody>{state.error}</MessageBarBody></MessageBar> : <Text as="p">Loading…</Text>}
    </article>
  );
}
