/**
 * REFERENCE COPY (test only) of src/domain/protocol/invitees.ts before the hot-path compilation
 * (at 7728d12): the straightforward, uncached implementation. The property test
 * compiled-equivalence.test.ts checks that the compiled engine returns exactly what this returns.
 *
 * Recommended invitees (DOMAIN.md §4, rules I-*), from a referral and the meeting instant.
 *
 * Readings (docs/protocol-readings.md):
 * - Out of hours (I-POL-OOH) is decided at the meeting instant `at`: outside 09:00–17:00 on a working
 *   day; 17:00 exactly is out of hours (bromley-2023 §1b "after 5pm"; Appendix 1 "5pm – 9am").
 * - All children in the household are considered (I-SIB): a child-based rule applies when any child
 *   matches and its reason names the matching child refs (case refs, never names).
 * - I-BHC applies when any child is not in hospital, or there are no children (unborn only).
 * - I-CPAED applies when medicalImplications is true OR the concerns include serious-harm or
 *   sexual-abuse-forensic (bromley-2023 §1c lists physical injury, severe neglect and CSA as
 *   significant medical implications).
 * - School-aged children: I-EDU invites the school's DSL (dslEmail) when a school is given, else
 *   the profile's fallback (Bromley Education Welfare). A child under school age with a school/nursery
 *   given also gets I-EDU to that DSL (bromley-2023 §1d "nursery/ school/ college").
 * - I-SN: school in the home borough → home team; out-of-borough → the Appendix 7 team for that
 *   borough; no school given → home team; borough not listed → an entry with address null telling the
 *   chair to find that borough's school nursing team.
 * - I-KNOWN: the named professional AND the generic mailbox of their service (matched on the
 *   directory's `services` aliases, case-insensitive); unknown service → entry with address null.
 * - Recommendations with no known address (Bedford/Bristol empty address book, unknown borough,
 *   midwifery, ward nurse) are KEPT with address null so the chair fills one in.
 * - Deduplicated by address (case-insensitive); null-address entries by rule+name. The first rule
 *   is `rule`, all rules are in `rules`, reasons are merged with " | ". A quorum role from any merged
 *   rule is kept.
 */
import type { Profile } from "../../../../src/domain/protocol/load-profiles.js";
import type { DirectoryEntry, InviteeCondition, QuorumRole } from "../../../../src/domain/protocol/profile-schema.js";
import { ageInYears, type Referral } from "../../../../src/domain/protocol/referral.js";

export interface Invitee {
  address: string | null;
  name: string;
  agency: string;
  role: string;
  rule: string;
  rules: string[];
  reason: string;
  quorumRole: QuorumRole | null;
  /** "invite" to the meeting, or "notify" only (e.g. Missing.Children mailbox, Atlas analyst). */
  action: "invite" | "notify";
  /** Copy (cc) rather than a main recipient (I-POL-OOH copy to the front door). */
  cc: boolean;
  /** A shared/generic mailbox (subject and title must carry the case ref, not the child's name). */
  generic: boolean;
  /** When the mailbox is read, if known (e.g. "Mon–Fri 09:00–17:00"). */
  readingHours: string | null;
  /** True when the meeting is out of hours and this mailbox is only read in working hours. */
  unreadAtMeetingTime: boolean;
  phone: string | null;
}

interface ChildFacts {
  ref: string;
  age: number;
  underFive: boolean;
  schoolAged: boolean;
  school: Referral["children"][number]["school"];
  inHospital: boolean;
  inPatient: boolean;
  lookedAfter: boolean;
}

/** Normalise a borough or service name for matching (case, punctuation, "London Borough of"). */
export function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/^(the\s+)?(london|royal)\s+borough\s+of\s+/, "")
    .replace(/\s+(council|borough)$/, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function fill(template: string, vars: Record<string, string>): string {
  if (!template.includes("{")) return template;
  let out = template;
  for (const k in vars) out = out.split(`{${k}}`).join(vars[k]!);
  return out;
}

/** Recommend invitees for a referral and meeting instant `at` (pure). */
interface Ctx {
  children: ChildFacts[];
  referral: Referral;
  outOfHours: boolean;
  medical: boolean;
  missing: boolean;
}

interface Match {
  applies: boolean;
  refs: string[];
}

const NO_REFS: string[] = [];

function kidsWhere(children: ChildFacts[], p: (c: ChildFacts) => boolean): Match {
  const refs: string[] = [];
  for (const c of children) if (p(c)) refs.push(c.ref);
  return { applies: refs.length > 0, refs };
}

function flagMatch(b: boolean): Match {
  return { applies: b, refs: NO_REFS };
}

/** Does an invitee condition apply; which children match (child-based conditions). */
function match(cond: InviteeCondition, x: Ctx): Match {
  const { children, referral } = x;
  switch (cond) {
    case "always":
      return flagMatch(true);
    case "inHours":
      return flagMatch(!x.outOfHours);
    case "outOfHours":
      return flagMatch(x.outOfHours);
    case "inHospital":
      return kidsWhere(children, (c) => c.inHospital);
    case "inPatient":
      return kidsWhere(children, (c) => c.inPatient);
    case "notInHospital":
      return children.length === 0 ? flagMatch(true) : kidsWhere(children, (c) => !c.inHospital);
    case "medicalImplications":
      return flagMatch(x.medical);
    case "underFive":
      return kidsWhere(children, (c) => c.underFive);
    case "schoolAged":
      return kidsWhere(children, (c) => c.schoolAged);
    case "lookedAfter":
      return kidsWhere(children, (c) => c.lookedAfter);
    case "unborn":
      return flagMatch(referral.unborn);
    case "unbornMaternalMentalHealth":
      return flagMatch(referral.unborn && referral.maternalMentalHealth);
    case "parentalMentalHealth":
      return flagMatch(referral.parentalMentalHealth);
    case "camhsInvolved":
      return flagMatch(referral.camhsInvolved);
    case "substanceMisuse":
      return flagMatch(referral.substanceMisuse);
    case "missing":
      return flagMatch(x.missing);
    case "missingLookedAfter":
      return x.missing ? kidsWhere(children, (c) => c.lookedAfter) : flagMatch(false);
  }
}

const IN_HOURS_ONLY = /09:00[–-]17:00/;

function fromEntry(
  e: DirectoryEntry,
  outOfHours: boolean,
  rule: string,
  reason: string,
  quorumRole: QuorumRole | null,
  extra: { cc?: boolean; action?: "invite" | "notify"; address?: string | null; name?: string; agency?: string } = {},
): Invitee {
  const address = extra.address !== undefined ? extra.address : e.address;
  const readsOnlyInHours = e.generic && e.readingHours !== null && IN_HOURS_ONLY.test(e.readingHours);
  return {
    address,
    name: extra.name ?? e.name,
    agency: extra.agency ?? e.agency,
    role: e.role,
    rule,
    rules: [rule],
    reason,
    quorumRole,
    action: extra.action ?? "invite",
    cc: extra.cc ?? false,
    generic: e.generic,
    readingHours: e.readingHours,
    unreadAtMeetingTime: outOfHours && readsOnlyInHours && address !== null,
    phone: e.phone,
  };
}

export function recommendInvitees(profile: Profile, referral: Referral, at: Date): Invitee[] {
  const cal = profile.calendar;
  const outOfHours = cal.isOutOfHours(at);
  const localDate = cal.localDate(referral.receivedAt);
  const children: ChildFacts[] = referral.children.map((c) => {
    const age = ageInYears(c.dob, localDate);
    return {
      ref: c.ref,
      age,
      underFive: age < profile.ages.underFive.maxYearsExclusive,
      schoolAged: age >= profile.ages.schoolAged.minYears && age < profile.ages.schoolAged.maxYearsExclusive,
      school: c.school,
      inHospital: c.inHospital,
      inPatient: c.inPatient,
      lookedAfter: c.lookedAfter,
    };
  });
  const concerns = new Set(referral.concerns);
  const medical = referral.medicalImplications || concerns.has("serious-harm") || concerns.has("sexual-abuse-forensic");
  const missing = concerns.has("missing");

  const ctx: Ctx = { children, referral, outOfHours, medical, missing };
  const out: Invitee[] = [];
  for (const r of profile.invitees) {
    switch (r.kind) {
      case "directory": {
        const m = match(r.when, ctx);
        if (!m.applies) break;
        if ((r.hours === "inHours" && outOfHours) || (r.hours === "outOfHours" && !outOfHours)) break;
        const reason = fill(r.reason, { children: m.refs.join(", ") });
        for (const ref of r.entries) {
          const e = profile.directory.get(ref.key)!;
          out.push(fromEntry(e, outOfHours, r.rule, ref.cc ? `${reason} (copy)` : reason, r.quorumRole, { cc: ref.cc, action: ref.action }));
        }
        break;
      }
      case "school-nursing": {
        const home = profile.directory.get(r.home)!;
        const teams = r.outOfBorough.map((k) => profile.directory.get(k)!);
        for (const c of children.filter((x) => x.schoolAged)) {
          const borough = c.school?.borough ?? null;
          const nb = borough === null ? null : norm(borough);
          const isHome = nb === null || r.homeBorough === null || nb === norm(r.homeBorough) || home.boroughs.some((b) => norm(b) === nb);
          if (isHome) {
            out.push(fromEntry(home, outOfHours, r.rule, fill(r.reason, { children: c.ref, borough: borough ?? r.homeBorough ?? "the child's area" }), null));
            continue;
          }
          const team = teams.find((t) => t.boroughs.some((b) => norm(b) === nb));
          if (team) {
            out.push(fromEntry(team, outOfHours, r.rule, fill(r.reason, { children: c.ref, borough: borough! }) + " (out-of-borough school)", null));
          } else {
            out.push(
              fromEntry(home, outOfHours, r.rule, `Child ${c.ref} attends school in ${borough}: find ${borough}'s school nursing team (not in the directory) and add its address`, null, {
                address: null,
                name: `School nursing team for ${borough}`,
                agency: `${borough} school nursing`,
              }),
            );
          }
        }
        break;
      }
      case "education": {
        const fb = profile.directory.get(r.fallback)!;
        for (const c of children) {
          if (c.school) {
            if (!c.schoolAged && c.age >= profile.ages.schoolAged.maxYearsExclusive) continue;
            const reason = c.schoolAged
              ? fill(r.reason, { children: c.ref }) + `: designated safeguarding lead at ${c.school.name}`
              : `Child ${c.ref} attends ${c.school.name}: invite its designated safeguarding lead`;
            out.push(fromEntry(fb, outOfHours, r.rule, reason, null, { address: c.school.dslEmail, name: `${c.school.name} designated safeguarding lead`, agency: c.school.name }));
            out[out.length - 1]!.generic = false;
            out[out.length - 1]!.readingHours = null;
            out[out.length - 1]!.unreadAtMeetingTime = false;
          } else if (c.schoolAged) {
            out.push(fromEntry(fb, outOfHours, r.rule, fill(r.reason, { children: c.ref }) + ": school not known", null));
          }
        }
        break;
      }
      case "known-professionals": {
        for (const kp of referral.knownProfessionals) {
          const generic: DirectoryEntry | undefined = profile.serviceIndex.get(norm(kp.service));
          const reason = fill(r.reason, { service: kp.service });
          out.push({
            address: kp.email,
            name: kp.name,
            agency: generic?.agency ?? kp.service,
            role: `${kp.service} (named professional)`,
            rule: r.rule,
            rules: [r.rule],
            reason,
            quorumRole: null,
            action: "invite",
            cc: false,
            generic: false,
            readingHours: null,
            unreadAtMeetingTime: false,
            phone: null,
          });
          if (generic) {
            out.push(fromEntry(generic, outOfHours, r.rule, `${reason}: generic mailbox in case ${kp.name} is unavailable`, null));
          } else {
            out.push({
              address: null,
              name: `${kp.service} generic mailbox`,
              agency: kp.service,
              role: `${kp.service} generic mailbox`,
              rule: r.rule,
              rules: [r.rule],
              reason: `${reason}: generic mailbox not in the directory; add it in case ${kp.name} is unavailable`,
              quorumRole: null,
              action: "invite",
              cc: false,
              generic: true,
              readingHours: null,
              unreadAtMeetingTime: false,
              phone: null,
            });
          }
        }
        break;
      }
      case "referrer": {
        const ref = referral.referrer;
        if (ref && ref.professional) {
          out.push({
            address: ref.email,
            name: ref.name,
            agency: "Referrer",
            role: "Referrer (professional)",
            rule: r.rule,
            rules: [r.rule],
            reason: r.reason,
            quorumRole: null,
            action: "invite",
            cc: false,
            generic: false,
            readingHours: null,
            unreadAtMeetingTime: false,
            phone: null,
          });
        }
        break;
      }
    }
  }
  return dedupe(out);
}

/** Deduplicate by address (case-insensitive); keep first rule as `rule`, merge rules and reasons. */
export function dedupe(list: Invitee[]): Invitee[] {
  const byKey = new Map<string, Invitee>();
  const result: Invitee[] = [];
  for (const inv of list) {
    const key = inv.address !== null ? `a:${inv.address.toLowerCase()}` : `n:${inv.rule}:${inv.name.toLowerCase()}`;
    const prev = byKey.get(key);
    if (!prev) {
      const copy = { ...inv, rules: [...inv.rules] };
      byKey.set(key, copy);
      result.push(copy);
      continue;
    }
    for (const r of inv.rules) if (!prev.rules.includes(r)) prev.rules.push(r);
    if (!prev.reason.includes(inv.reason)) prev.reason = `${prev.reason} | ${inv.reason}`;
    if (prev.quorumRole === null) prev.quorumRole = inv.quorumRole;
    if (prev.cc && !inv.cc) prev.cc = false;
    if (prev.action === "notify" && inv.action === "invite") prev.action = "invite";
  }
  return result;
}
