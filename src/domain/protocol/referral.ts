/**
 * The referral: what the protocol engine needs to know about a strat request. Validated with zod
 * (strict: unknown fields are an error); parseReferral turns any failure into
 * AppError("invalid_input", message, field path) naming the first offending field.
 *
 * Readings (docs/protocol-readings.md):
 * - Instants (receivedAt, missing.reportedAt) must be ISO-8601 with "Z" or an offset (±HH:MM or
 *   ±HHMM); naive local times are rejected because their meaning around clock changes is ambiguous.
 * - Boolean flags default to false, `school`, `referrer`, `missing` to null, `knownProfessionals` to [].
 * - `children` may be empty only when `unborn` is true (a pre-birth strat, bedford "pre-birth").
 * - A child's dob must be a real date and not after receivedAt's London calendar date.
 * - Concern "missing" requires the `missing` object; a `missing` object without that concern is
 *   accepted and only feeds the follow-on missing rules when the bot asks for them.
 * - `concerns` must list at least one concern; duplicates are rejected.
 */
import { z } from "zod";
import { AppError } from "../errors.js";
import { isRealDate } from "../time/bank-holidays.js";
import { localDayNumber, dayNumberOf } from "../time/london.js";

export const CONCERNS = [
  "standard",
  "serious-harm",
  "sexual-abuse-forensic",
  "immediate-action",
  "complex",
  "allegation-against-staff",
  "missing",
] as const;
export type Concern = (typeof CONCERNS)[number];

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parse an ISO-8601 instant that carries Z or an offset; NaN when invalid. */
export function parseIsoInstant(s: string): number {
  const m = ISO_INSTANT.exec(s);
  if (!m) return Number.NaN;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const sec = ss === undefined ? 0 : Number(ss);
  if (!isRealDate(`${ys}-${mos}-${ds}`) || h > 23 || mi > 59 || sec > 59) return Number.NaN;
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  let offsetMin = 0;
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return Number.NaN;
    offsetMin = sign * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
}

export const ZInstant = z
  .string({ error: "must be an ISO-8601 date-time string" })
  .refine((s) => !Number.isNaN(parseIsoInstant(s)), {
    error: "must be an ISO-8601 date-time with Z or an offset, e.g. 2026-12-24T16:59:00Z (naive local times are not accepted)",
  })
  .refine((s) => {
    const y = new Date(parseIsoInstant(s)).getUTCFullYear();
    return y >= 2000 && y <= 2099;
  }, { error: "must be between the years 2000 and 2099" });

const ZIsoDate = z
  .string({ error: "must be a date string YYYY-MM-DD" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date YYYY-MM-DD" })
  .refine(isRealDate, { error: "is not a real calendar date" });

const ZEmail = z.email({ error: "must be an email address" });
const ZText = z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }).max(500);

export const ZSchool = z.strictObject({
  name: ZText,
  borough: ZText,
  dslEmail: ZEmail,
});

export const ZChild = z.strictObject({
  ref: ZText,
  dob: ZIsoDate,
  inHospital: z.boolean().default(false),
  inPatient: z.boolean().default(false),
  lookedAfter: z.boolean().default(false),
  cpPlan: z.boolean().default(false),
  school: ZSchool.nullable().default(null),
});

export const ZKnownProfessional = z.strictObject({
  name: ZText,
  email: ZEmail,
  service: ZText,
});

export const ZReferrer = z.strictObject({
  name: ZText,
  email: ZEmail,
  professional: z.boolean(),
});

export const ZMissing = z.strictObject({
  reportedAt: ZInstant,
  particularConcerns: z.boolean().default(false),
});

export const ZReferral = z
  .strictObject({
    receivedAt: ZInstant,
    concerns: z
      .array(z.enum(CONCERNS, { error: `must be one of ${CONCERNS.join(", ")}` }))
      .min(1, { error: "must list at least one concern" }),
    children: z.array(ZChild).max(50),
    unborn: z.boolean().default(false),
    medicalImplications: z.boolean().default(false),
    parentalMentalHealth: z.boolean().default(false),
    maternalMentalHealth: z.boolean().default(false),
    substanceMisuse: z.boolean().default(false),
    camhsInvolved: z.boolean().default(false),
    knownProfessionals: z.array(ZKnownProfessional).max(100).default([]),
    referrer: ZReferrer.nullable().default(null),
    missing: ZMissing.nullable().default(null),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.concerns.forEach((c, i) => {
      if (seen.has(c)) ctx.addIssue({ code: "custom", path: ["concerns", i], message: `concern "${c}" is listed twice` });
      seen.add(c);
    });
    if (r.children.length === 0 && !r.unborn) {
      ctx.addIssue({ code: "custom", path: ["children"], message: "must list at least one child (for a pre-birth strategy discussion, mark the household as unborn)" });
    }
    if (r.concerns.includes("missing") && r.missing === null) {
      ctx.addIssue({ code: "custom", path: ["missing"], message: "is required when the concerns include a missing child" });
    }
    const receivedDay = localDayNumber(parseIsoInstant(r.receivedAt));
    r.children.forEach((c, i) => {
      const dobDay = dayNumberOf(Number(c.dob.slice(0, 4)), Number(c.dob.slice(5, 7)), Number(c.dob.slice(8, 10)));
      if (dobDay > receivedDay) {
        ctx.addIssue({ code: "custom", path: ["children", i, "dob"], message: "is after the referral date (for an unborn baby, mark the household as unborn instead)" });
      }
      if (c.inPatient && !c.inHospital) {
        ctx.addIssue({ code: "custom", path: ["children", i, "inPatient"], message: "is marked in-patient but not in hospital" });
      }
    });
    const refs = new Set<string>();
    r.children.forEach((c, i) => {
      if (refs.has(c.ref)) ctx.addIssue({ code: "custom", path: ["children", i, "ref"], message: "is the same as another child's" });
      refs.add(c.ref);
    });
  });

export type ReferralInput = z.input<typeof ZReferral>;
type ParsedReferral = z.output<typeof ZReferral>;

/** A validated referral with instants parsed. */
export type Referral = Omit<ParsedReferral, "receivedAt" | "missing"> & {
  receivedAt: Date;
  missing: null | { reportedAt: Date; particularConcerns: boolean };
};

/** Render a zod path as `children[0].dob`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string; path: PropertyKey[] } {
  let path = [...issue.path];
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    path = [...path, key];
    message = `is not a known field ("${key}")`;
  } else if (issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined) {
    message = "is required";
  }
  return { field: formatPath(path) || "referral", message, path };
}

const FIELD_WORDS: Readonly<Record<string, string>> = {
  receivedAt: "the referral date (when reasonable cause to suspect significant harm was identified)", concerns: "the concerns", children: "the children",
  ref: "reference", dob: "date of birth", inHospital: "in hospital", inPatient: "in-patient", lookedAfter: "looked after", cpPlan: "child protection plan",
  school: "school", name: "name", borough: "borough", dslEmail: "safeguarding lead's email", email: "email", service: "service",
  missing: "when the child was reported missing", reportedAt: "when the child was reported missing", particularConcerns: "particular concerns",
  referrer: "the referrer", knownProfessionals: "the professionals already working with the family", professional: "professional",
};

/**
 * A field path in a chair's words, for the message (the path itself stays in AppError.field for the card and
 * the CLI): `children[0].dob` → "Child 1's date of birth", `knownProfessionals[0].email` → "Professional 1's email".
 */
export function fieldWords(path: readonly PropertyKey[]): string {
  const [head, index, ...rest] = path;
  const words = (k: PropertyKey) => FIELD_WORDS[String(k)] ?? String(k);
  const tail = (parts: readonly PropertyKey[]) => parts.filter((p) => typeof p !== "number").map(words).join(" ");
  if (head === "children" && typeof index === "number") return rest.length ? `Child ${index + 1}'s ${tail(rest)}` : `Child ${index + 1}`;
  if (head === "knownProfessionals" && typeof index === "number") return rest.length ? `Professional ${index + 1}'s ${tail(rest)}` : `Professional ${index + 1}`;
  if (head === "concerns" && typeof index === "number") return `Concern ${index + 1}`;
  if (head === "referrer" && index !== undefined) return `The referrer's ${tail([index, ...rest])}`;
  if (head === "missing") return "When the child was reported missing";
  const w = tail(path);
  return w ? w[0]!.toUpperCase() + w.slice(1) : "The referral";
}

/** Parse and validate a referral (JSON value) → Referral, or throw AppError("invalid_input", …, field). */
export function parseReferral(json: unknown): Referral {
  const res = ZReferral.safeParse(json);
  if (!res.success) {
    const first = res.error.issues[0];
    if (!first) throw new AppError("invalid_input", "referral: invalid", "referral");
    const { field, message, path } = describeIssue(first);
    throw new AppError("invalid_input", `${fieldWords(path)} ${message}.`.replace(/\.\.$/, "."), field);
  }
  const r = res.data;
  return {
    ...r,
    receivedAt: new Date(parseIsoInstant(r.receivedAt)),
    missing: r.missing === null ? null : { reportedAt: new Date(parseIsoInstant(r.missing.reportedAt)), particularConcerns: r.missing.particularConcerns },
  };
}

/** A parsed referral back as JSON input (instants as ISO strings): what the store keeps, and what a follow-up strat re-parses. */
export function referralInput(r: Referral): z.output<typeof ZReferral> {
  return {
    ...r,
    receivedAt: r.receivedAt.toISOString(),
    missing: r.missing === null ? null : { reportedAt: r.missing.reportedAt.toISOString(), particularConcerns: r.missing.particularConcerns },
  };
}

/** Parse an ISO instant given on the command line or by the bot; AppError naming `field` when invalid. */
export function parseInstant(value: unknown, field: string): Date {
  const res = ZInstant.safeParse(value);
  if (!res.success) throw new AppError("invalid_input", `${field}: ${res.error.issues[0]?.message ?? "invalid"}`, field);
  return new Date(parseIsoInstant(res.data));
}

/** Age in whole years on the London calendar date of `at` (29 Feb birthdays count on 1 Mar in common years). */
export function ageInYears(dob: string, atLocalIsoDate: string): number {
  const by = Number(dob.slice(0, 4));
  const bm = Number(dob.slice(5, 7));
  const bd = Number(dob.slice(8, 10));
  const ay = Number(atLocalIsoDate.slice(0, 4));
  const am = Number(atLocalIsoDate.slice(5, 7));
  const ad = Number(atLocalIsoDate.slice(8, 10));
  let age = ay - by;
  if (am < bm || (am === bm && ad < bd)) age--;
  return age;
}
