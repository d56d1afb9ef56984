/**
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
 * - Two reasons per recommendation (issue 11 point 12): `reason` for the chair, inside the council, names
 *   the child refs and the school; `publicReason`, the one an outside agency sees (its invitation card,
 *   its response page), fills {children} with "in this case" and says "the school" instead of its name.
 *   The borough (I-SN), the service and the named professional (I-KNOWN) are not the child's and stay.
 */
import type { ProfileBase } from "./profile.js";
import { civilOfDayNumber, localDayNumber } from "../time/london.js";
import type { DirectoryEntry, InviteeCondition, InviteeRule, QuorumRole } from "./profile-schema.js";
import type { Referral } from "./referral.js";

export interface Invitee {
  address: string | null;
  name: string;
  agency: string;
  role: string;
  rule: string;
  rules: string[];
  /** Why, for the chair (inside the council): names the matching child refs and the school. */
  reason: string;
  /** Why, for the invitee outside the council: never a child reference or a school name. */
  publicReason: string;
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
  /** A phone line to call instead of mail (address null; I-HOSP-OOH switchboard): the chair is told, nothing is sent. */
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

/**
 * A reason template compiled at load: `template.split("{name}")` done once, so filling one variable
 * is a join. `fill(t, { name: v })` ≡ `parts.join(v)` (and ≡ the template when there is no "{").
 */
interface Template {
  readonly parts: readonly string[];
  /** The template filled with "" (flag conditions: no children refs). */
  readonly empty: string;
}

function compileTemplate(template: string, name: string): Template {
  const parts = template.includes("{") ? template.split(`{${name}}`) : [template];
  return { parts, empty: parts.join("") };
}

function fillT(t: Template, value: string): string {
  const p = t.parts;
  if (p.length === 1) return p[0]!;
  if (p.length === 2) return p[0]! + value + p[1]!;
  return p.join(value);
}

/**
 * `fill(template, { children, borough })` compiled: fill replaces {children} first, then {borough} in
 * the result. When the children value holds neither "{" nor "}" and no part boundary can form a
 * "{borough}" across the inserted value (checked at load: no "{" in the last 8 characters before a
 * boundary and no "}" in the first 8 after it), that equals replacing {borough} inside each part and
 * joining with the value. Otherwise (`safe` false, or such a value) fall back to fill().
 */
export interface Template2 {
  readonly template: string;
  readonly safe: boolean;
  /** Parts between {children}, each split by {borough}. */
  readonly parts: readonly (readonly string[])[];
}

/** @internal exported for the property test against fill(). */
export function compileTemplate2(template: string): Template2 {
  const outer = template.split("{children}");
  let safe = true;
  for (let i = 0; i + 1 < outer.length; i++) {
    if (outer[i]!.slice(-8).includes("{") || outer[i + 1]!.slice(0, 8).includes("}")) safe = false;
  }
  return { template, safe, parts: outer.map((p) => p.split("{borough}")) };
}

/** @internal exported for the property test against fill(). */
export function fillT2(t: Template2, children: string, borough: string): string {
  if (!t.safe || children.includes("{") || children.includes("}")) return fill(t.template, { children, borough });
  let out = "";
  const parts = t.parts;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out += children;
    const q = parts[i]!;
    out += q.length === 1 ? q[0]! : q.length === 2 ? q[0]! + borough + q[1]! : q.join(borough);
  }
  return out;
}

const IN_HOURS_ONLY = /09:00[–-]17:00/;

/** A directory entry as used by one invitee rule, with everything per-call work needs precomputed. */
interface CompiledEntry {
  readonly entry: DirectoryEntry;
  readonly cc: boolean;
  readonly action: "invite" | "notify";
  /** Dedupe key: `a:<address lower-case>` or `n:<rule>:<name lower-case>`. */
  readonly key: string;
  /** Generic mailbox read only in working hours, with an address (→ unread when out of hours). */
  readonly unreadOutOfHours: boolean;
}

const enum Cond {
  Always,
  InHours,
  OutOfHours,
  InHospital,
  InPatient,
  NotInHospital,
  Medical,
  UnderFive,
  SchoolAged,
  LookedAfter,
  Unborn,
  UnbornMaternalMentalHealth,
  ParentalMentalHealth,
  Camhs,
  SubstanceMisuse,
  Missing,
  MissingLookedAfter,
}

const COND_CODE: Record<InviteeCondition, Cond> = {
  always: Cond.Always,
  inHours: Cond.InHours,
  outOfHours: Cond.OutOfHours,
  inHospital: Cond.InHospital,
  inPatient: Cond.InPatient,
  notInHospital: Cond.NotInHospital,
  medicalImplications: Cond.Medical,
  underFive: Cond.UnderFive,
  schoolAged: Cond.SchoolAged,
  lookedAfter: Cond.LookedAfter,
  unborn: Cond.Unborn,
  unbornMaternalMentalHealth: Cond.UnbornMaternalMentalHealth,
  parentalMentalHealth: Cond.ParentalMentalHealth,
  camhsInvolved: Cond.Camhs,
  substanceMisuse: Cond.SubstanceMisuse,
  missing: Cond.Missing,
  missingLookedAfter: Cond.MissingLookedAfter,
};

type CompiledRule =
  | {
      readonly kind: "directory";
      readonly rule: string;
      readonly when: Cond;
      /** Only in working hours (true), only out of hours (false), or at any hour (null). */
      readonly inHours: boolean | null;
      readonly quorumRole: QuorumRole | null;
      readonly reason: Template;
      readonly entries: readonly CompiledEntry[];
      /** Reasons for flag conditions (no children refs), without and with " (copy)". */
      readonly flagReason: string;
      readonly flagReasonCopy: string;
      /** The reason outside the council for child conditions ({children} → "in this case"). */
      readonly publicReason: string;
    }
  | {
      readonly kind: "school-nursing";
      readonly rule: string;
      readonly homeBorough: string | null;
      readonly homeBoroughNorm: string | null;
      readonly home: DirectoryEntry;
      readonly homeKey: string;
      readonly homeUnreadOutOfHours: boolean;
      /** Normalised boroughs of the home entry. */
      readonly homeBoroughs: ReadonlySet<string>;
      /** Normalised borough → first out-of-borough team listing it (profile order). */
      readonly teams: ReadonlyMap<string, CompiledEntry>;
      readonly reason: Template2;
    }
  | {
      readonly kind: "education";
      readonly rule: string;
      readonly fallback: DirectoryEntry;
      readonly fallbackUnreadOutOfHours: boolean;
      readonly reason: Template;
      /** The school-aged reason outside the council, before ": the school's …" / ": school not known". */
      readonly publicReason: string;
    }
  | { readonly kind: "known-professionals"; readonly rule: string; readonly reason: Template }
  | { readonly kind: "referrer"; readonly rule: string; readonly reason: string };

/** Bounded memo of norm() (lives in the compiled profile; cleared when full). */
class NormMemo {
  readonly #map = new Map<string, string>();
  get(s: string): string {
    let v = this.#map.get(s);
    if (v === undefined) {
      if (this.#map.size >= 1024) this.#map.clear();
      v = norm(s);
      this.#map.set(s, v);
    }
    return v;
  }
}

/** What the invitee rules read of a profile. */
type Profile = ProfileBase & { readonly compiled: { readonly invitees: CompiledInvitees } };

export interface CompiledInvitees {
  readonly rules: readonly CompiledRule[];
  readonly norm: NormMemo;
}

function readsOnlyInHours(e: DirectoryEntry): boolean {
  return e.generic && e.readingHours !== null && IN_HOURS_ONLY.test(e.readingHours);
}

function addressKey(address: string): string {
  return `a:${address.toLowerCase()}`;
}

function entryKey(e: DirectoryEntry, rule: string): string {
  return e.address !== null ? addressKey(e.address) : `n:${rule}:${e.name.toLowerCase()}`;
}

function compileEntry(e: DirectoryEntry, rule: string, cc: boolean, action: "invite" | "notify"): CompiledEntry {
  return { entry: e, cc, action, key: entryKey(e, rule), unreadOutOfHours: readsOnlyInHours(e) && e.address !== null };
}

/** Precompile a profile's invitee rules (called once by loadProfiles; keys are checked there first). */
export function compileInvitees(rules: readonly InviteeRule[], directory: ReadonlyMap<string, DirectoryEntry>): CompiledInvitees {
  const out: CompiledRule[] = rules.map((r): CompiledRule => {
    switch (r.kind) {
      case "directory": {
        const reason = compileTemplate(r.reason, "children");
        return {
          kind: "directory",
          rule: r.rule,
          when: COND_CODE[r.when],
          inHours: r.hours === "any" ? null : r.hours === "inHours",
          quorumRole: r.quorumRole,
          reason,
          entries: r.entries.map((ref) => compileEntry(directory.get(ref.key)!, r.rule, ref.cc, ref.action)),
          flagReason: reason.empty,
          flagReasonCopy: `${reason.empty} (copy)`,
          publicReason: fillT(reason, OUTSIDE_CHILDREN),
        };
      }
      case "school-nursing": {
        const home = directory.get(r.home)!;
        const teams = new Map<string, CompiledEntry>();
        for (const k of r.outOfBorough) {
          const t = directory.get(k)!;
          const ce = compileEntry(t, r.rule, false, "invite");
          for (const b of t.boroughs) if (!teams.has(norm(b))) teams.set(norm(b), ce);
        }
        return {
          kind: "school-nursing",
          rule: r.rule,
          homeBorough: r.homeBorough,
          homeBoroughNorm: r.homeBorough === null ? null : norm(r.homeBorough),
          home,
          homeKey: entryKey(home, r.rule),
          homeUnreadOutOfHours: readsOnlyInHours(home) && home.address !== null,
          homeBoroughs: new Set(home.boroughs.map(norm)),
          teams,
          reason: compileTemplate2(r.reason),
        };
      }
      case "education": {
        const fb = directory.get(r.fallback)!;
        const reason = compileTemplate(r.reason, "children");
        return {
          kind: "education", rule: r.rule, fallback: fb, fallbackUnreadOutOfHours: readsOnlyInHours(fb) && fb.address !== null,
          reason, publicReason: fillT(reason, OUTSIDE_CHILDREN),
        };
      }
      case "known-professionals":
        return { kind: "known-professionals", rule: r.rule, reason: compileTemplate(r.reason, "service") };
      case "referrer":
        return { kind: "referrer", rule: r.rule, reason: r.reason };
    }
  });
  return { rules: out, norm: new NormMemo() };
}

/** What {children} reads as outside the council (issue 11 point 12): no child reference leaves it. */
const OUTSIDE_CHILDREN = "in this case";

/** Comma-separated refs of the children matching a child-based condition; null when none match. */
function childRefs(children: readonly ChildFacts[], cond: Cond): string | null {
  let refs: string | null = null;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    let m: boolean;
    switch (cond) {
      case Cond.InHospital:
        m = c.inHospital;
        break;
      case Cond.InPatient:
        m = c.inPatient;
        break;
      case Cond.NotInHospital:
        m = !c.inHospital;
        break;
      case Cond.UnderFive:
        m = c.underFive;
        break;
      case Cond.SchoolAged:
        m = c.schoolAged;
        break;
      default: // LookedAfter, MissingLookedAfter
        m = c.lookedAfter;
    }
    if (m) refs = refs === null ? c.ref : `${refs}, ${c.ref}`;
  }
  return refs;
}

/** Invitee from a directory entry (same field order everywhere: one object shape). */
function fromEntry(
  e: DirectoryEntry,
  address: string | null,
  unread: boolean,
  rule: string,
  reason: string,
  publicReason: string,
  quorumRole: QuorumRole | null,
  action: "invite" | "notify",
  cc: boolean,
): Invitee {
  return {
    address,
    name: e.name,
    agency: e.agency,
    role: e.role,
    rule,
    rules: [rule],
    reason,
    publicReason,
    quorumRole,
    action,
    cc,
    generic: e.generic,
    readingHours: e.readingHours,
    unreadAtMeetingTime: unread,
    phone: e.phone,
  };
}

/**
 * Accumulates invitees deduplicated by key (see dedupe), merging as they are added. Lists are short
 * (≈ 15), so keys are matched by a linear scan (most keys are strings built once at load); a Map
 * takes over past LINEAR_MAX entries (many known professionals).
 */
const LINEAR_MAX = 32;

class Deduper {
  readonly result: Invitee[] = [];
  readonly #keys: string[] = [];
  #byKey: Map<string, Invitee> | null = null;

  add(inv: Invitee, key: string): void {
    const keys = this.#keys;
    let prev: Invitee | undefined;
    if (this.#byKey !== null) {
      prev = this.#byKey.get(key);
    } else {
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] === key) {
          prev = this.result[i];
          break;
        }
      }
    }
    if (prev === undefined) {
      keys.push(key);
      this.result.push(inv);
      if (this.#byKey !== null) this.#byKey.set(key, inv);
      else if (keys.length > LINEAR_MAX) {
        const m = new Map<string, Invitee>();
        for (let i = 0; i < keys.length; i++) m.set(keys[i]!, this.result[i]!);
        this.#byKey = m;
      }
      return;
    }
    mergeInto(prev, inv);
  }
}

function mergeInto(prev: Invitee, inv: Invitee): void {
  for (const r of inv.rules) if (!prev.rules.includes(r)) prev.rules.push(r);
  if (!prev.reason.includes(inv.reason)) prev.reason = `${prev.reason} | ${inv.reason}`;
  if (!prev.publicReason.includes(inv.publicReason)) prev.publicReason = `${prev.publicReason} | ${inv.publicReason}`;
  if (prev.quorumRole === null) prev.quorumRole = inv.quorumRole;
  if (prev.cc && !inv.cc) prev.cc = false;
  if (prev.action === "notify" && inv.action === "invite") prev.action = "invite";
}

function dynamicKey(address: string | null, rule: string, name: string): string {
  return address !== null ? addressKey(address) : `n:${rule}:${name.toLowerCase()}`;
}

/** Recommend invitees for a referral and meeting instant `at` (pure). */
export function recommendInvitees(profile: Profile, referral: Referral, at: Date): Invitee[] {
  const cal = profile.calendar;
  const compiled = profile.compiled.invitees;
  const outOfHours = cal.isOutOfHours(at);
  // Age on receivedAt's London calendar date, by integer arithmetic (no Date, no ISO string).
  const receivedMs = referral.receivedAt.getTime();
  const civil = civilOfDayNumber(localDayNumber(receivedMs));
  const ay = Math.floor(civil / 10_000);
  const amd = civil - ay * 10_000;
  const ages = profile.ages;
  const rc = referral.children;
  const children: ChildFacts[] = new Array<ChildFacts>(rc.length);
  for (let i = 0; i < rc.length; i++) {
    const c = rc[i]!;
    const dob = c.dob;
    const by = Number(dob.slice(0, 4));
    const bmd = Number(dob.slice(5, 7)) * 100 + Number(dob.slice(8, 10));
    const age = amd < bmd ? ay - by - 1 : ay - by;
    children[i] = {
      ref: c.ref,
      age,
      underFive: age < ages.underFive.maxYearsExclusive,
      schoolAged: age >= ages.schoolAged.minYears && age < ages.schoolAged.maxYearsExclusive,
      school: c.school,
      inHospital: c.inHospital,
      inPatient: c.inPatient,
      lookedAfter: c.lookedAfter,
    };
  }
  const concerns = referral.concerns;
  const medical = referral.medicalImplications || concerns.includes("serious-harm") || concerns.includes("sexual-abuse-forensic");
  const missing = concerns.includes("missing");

  const out = new Deduper();
  const rules = compiled.rules;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    switch (r.kind) {
      case "directory": {
        // I-HOSP / I-HOSP-OOH: the meeting's time decides, beside the condition (DOMAIN.md §4).
        if (r.inHours !== null && r.inHours === outOfHours) break;
        // Flag conditions → reason without refs; child conditions → refs of matching children.
        let refs: string | null = null;
        let applies: boolean;
        switch (r.when) {
          case Cond.Always:
            applies = true;
            break;
          case Cond.InHours:
            applies = !outOfHours;
            break;
          case Cond.OutOfHours:
            applies = outOfHours;
            break;
          case Cond.Medical:
            applies = medical;
            break;
          case Cond.Unborn:
            applies = referral.unborn;
            break;
          case Cond.UnbornMaternalMentalHealth:
            applies = referral.unborn && referral.maternalMentalHealth;
            break;
          case Cond.ParentalMentalHealth:
            applies = referral.parentalMentalHealth;
            break;
          case Cond.Camhs:
            applies = referral.camhsInvolved;
            break;
          case Cond.SubstanceMisuse:
            applies = referral.substanceMisuse;
            break;
          case Cond.Missing:
            applies = missing;
            break;
          case Cond.NotInHospital:
            if (children.length === 0) {
              applies = true;
              break;
            }
            refs = childRefs(children, r.when);
            applies = refs !== null;
            break;
          case Cond.MissingLookedAfter:
            if (!missing) {
              applies = false;
              break;
            }
            refs = childRefs(children, r.when);
            applies = refs !== null;
            break;
          default:
            refs = childRefs(children, r.when);
            applies = refs !== null;
        }
        if (!applies) break;
        const reason = refs === null ? r.flagReason : fillT(r.reason, refs);
        const outside = refs === null ? r.flagReason : r.publicReason;
        for (const ce of r.entries) {
          const why = ce.cc ? (refs === null ? r.flagReasonCopy : `${reason} (copy)`) : reason;
          const whyOutside = ce.cc ? `${outside} (copy)` : outside;
          out.add(fromEntry(ce.entry, ce.entry.address, outOfHours && ce.unreadOutOfHours, r.rule, why, whyOutside, r.quorumRole, ce.action, ce.cc), ce.key);
        }
        break;
      }
      case "school-nursing": {
        for (const c of children) {
          if (!c.schoolAged) continue;
          const borough = c.school?.borough ?? null;
          const nb = borough === null ? null : compiled.norm.get(borough);
          const isHome = nb === null || r.homeBorough === null || nb === r.homeBoroughNorm || r.homeBoroughs.has(nb);
          if (isHome) {
            const area = borough ?? r.homeBorough ?? "the child's area";
            const reason = fillT2(r.reason, c.ref, area);
            out.add(fromEntry(r.home, r.home.address, outOfHours && r.homeUnreadOutOfHours, r.rule, reason, fillT2(r.reason, OUTSIDE_CHILDREN, area), null, "invite", false), r.homeKey);
            continue;
          }
          const team = r.teams.get(nb);
          if (team) {
            const reason = fillT2(r.reason, c.ref, borough!) + " (out-of-borough school)";
            const outside = fillT2(r.reason, OUTSIDE_CHILDREN, borough!) + " (out-of-borough school)";
            out.add(fromEntry(team.entry, team.entry.address, outOfHours && team.unreadOutOfHours, r.rule, reason, outside, null, "invite", false), team.key);
          } else {
            const name = `School nursing team for ${borough}`;
            out.add(
              {
                address: null,
                name,
                agency: `${borough} school nursing`,
                role: r.home.role,
                rule: r.rule,
                rules: [r.rule],
                reason: `Child ${c.ref} attends school in ${borough}: find ${borough}'s school nursing team (not in the directory) and add its address`,
                publicReason: `Child ${OUTSIDE_CHILDREN} attends school in ${borough}: the school nursing team for ${borough}`,
                quorumRole: null,
                action: "invite",
                cc: false,
                generic: r.home.generic,
                readingHours: r.home.readingHours,
                unreadAtMeetingTime: false,
                phone: null,
              },
              dynamicKey(null, r.rule, name),
            );
          }
        }
        break;
      }
      case "education": {
        const fb = r.fallback;
        for (const c of children) {
          if (c.school) {
            if (!c.schoolAged && c.age >= ages.schoolAged.maxYearsExclusive) continue;
            const reason = c.schoolAged
              ? fillT(r.reason, c.ref) + `: designated safeguarding lead at ${c.school.name}`
              : `Child ${c.ref} attends ${c.school.name}: invite its designated safeguarding lead`;
            const publicReason = c.schoolAged
              ? `${r.publicReason}: the school's designated safeguarding lead`
              : `Child ${OUTSIDE_CHILDREN} attends the school or nursery: its designated safeguarding lead`;
            const address = c.school.dslEmail;
            out.add(
              {
                address,
                name: `${c.school.name} designated safeguarding lead`,
                agency: c.school.name,
                role: fb.role,
                rule: r.rule,
                rules: [r.rule],
                reason,
                publicReason,
                quorumRole: null,
                action: "invite",
                cc: false,
                generic: false,
                readingHours: null,
                unreadAtMeetingTime: false,
                phone: null,
              },
              addressKey(address),
            );
          } else if (c.schoolAged) {
            out.add(
              fromEntry(fb, fb.address, outOfHours && r.fallbackUnreadOutOfHours, r.rule, fillT(r.reason, c.ref) + ": school not known", `${r.publicReason}: school not known`, null, "invite", false),
              entryKey(fb, r.rule),
            );
          }
        }
        break;
      }
      case "known-professionals": {
        for (const kp of referral.knownProfessionals) {
          const generic: DirectoryEntry | undefined = profile.serviceIndex.get(compiled.norm.get(kp.service));
          const reason = fillT(r.reason, kp.service);
          out.add(
            {
              address: kp.email,
              name: kp.name,
              agency: generic?.agency ?? kp.service,
              role: `${kp.service} (named professional)`,
              rule: r.rule,
              rules: [r.rule],
              reason,
              publicReason: reason,
              quorumRole: null,
              action: "invite",
              cc: false,
              generic: false,
              readingHours: null,
              unreadAtMeetingTime: false,
              phone: null,
            },
            addressKey(kp.email),
          );
          if (generic) {
            const why = `${reason}: generic mailbox in case ${kp.name} is unavailable`;
            out.add(
              fromEntry(generic, generic.address, outOfHours && readsOnlyInHours(generic) && generic.address !== null, r.rule, why, why, null, "invite", false),
              entryKey(generic, r.rule),
            );
          } else {
            const name = `${kp.service} generic mailbox`;
            out.add(
              {
                address: null,
                name,
                agency: kp.service,
                role: `${kp.service} generic mailbox`,
                rule: r.rule,
                rules: [r.rule],
                reason: `${reason}: generic mailbox not in the directory; add it in case ${kp.name} is unavailable`,
                publicReason: `${reason}: generic mailbox`,
                quorumRole: null,
                action: "invite",
                cc: false,
                generic: true,
                readingHours: null,
                unreadAtMeetingTime: false,
                phone: null,
              },
              dynamicKey(null, r.rule, name),
            );
          }
        }
        break;
      }
      case "referrer": {
        const ref = referral.referrer;
        if (ref && ref.professional) {
          out.add(
            {
              address: ref.email,
              name: ref.name,
              agency: "Referrer",
              role: "Referrer (professional)",
              rule: r.rule,
              rules: [r.rule],
              reason: r.reason,
              publicReason: r.reason,
              quorumRole: null,
              action: "invite",
              cc: false,
              generic: false,
              readingHours: null,
              unreadAtMeetingTime: false,
              phone: null,
            },
            addressKey(ref.email),
          );
        }
        break;
      }
    }
  }
  return out.result;
}

/** Deduplicate by address (case-insensitive); keep first rule as `rule`, merge rules and reasons. */
export function dedupe(list: Invitee[]): Invitee[] {
  const byKey = new Map<string, Invitee>();
  const result: Invitee[] = [];
  for (const inv of list) {
    const key = dynamicKey(inv.address, inv.rule, inv.name);
    const prev = byKey.get(key);
    if (!prev) {
      const copy = { ...inv, rules: [...inv.rules] };
      byKey.set(key, copy);
      result.push(copy);
      continue;
    }
    mergeInto(prev, inv);
  }
  return result;
}
