/**
 * Child and case references (issue 11 point 12; DOMAIN.md §4 I-WORD: "subjects and calendar titles carry the
 * case reference, not the child's name"). A reference is the case system's reference, never a name or a date
 * of birth, because it travels to places outside the council (mail subjects, calendar titles, response pages).
 *
 * Readings:
 * - The shape is a pattern the council configures (CHILD_REFERENCE_PATTERN, for child and case references
 *   alike); the default is letters, digits, `-` and `/`, 1 to 20 characters, so no spaces (a name with a
 *   surname is refused). The WHOLE reference must match: the pattern is anchored as `^(?:…)$`.
 * - A pattern that accepts "Jane Smith" (or any value with a space) is refused at start-up.
 * - Whatever the pattern, a value that reads as a date in a common UK form is refused: d/m/y, d-m-y, d.m.y
 *   (2- or 4-digit year), y-m-d, a day and a month name (14Mar2017, 14-Mar-2017), and 8 digits that are a
 *   real date as ddmmyyyy or yyyymmdd with a year 1900–2099 (14032017, 20170314).
 * - Digit-only collisions: case systems number people with 6 to 8 digits. An 8-digit number is refused only
 *   when it is a real date in 1900–2099 (about 1 in 600 of all 8-digit numbers; e.g. 14032017, 01012020):
 *   such a reference is indistinguishable from a date of birth typed without separators. 6- and 7-digit
 *   numbers are accepted even when they read as ddmmyy (140317): about 1 in 25 six-digit person ids would
 *   collide, and a date written that way is rare; with separators (14/03/17) it is refused.
 * - References already stored are not checked again when read back or reconvened: a council that tightens
 *   its pattern can still open its earlier strats.
 */
import { AppError } from "../errors.js";

/** A validated reference pattern and how the chair is told its shape. */
export interface ReferenceFormat {
  /** Anchored: the whole reference must match. */
  readonly pattern: RegExp;
  /** The anchored source, for the card's client-side check. */
  readonly source: string;
  /** The most characters the card lets the chair type. */
  readonly maxLength: number;
  /** The shape in the chair's words, e.g. "letters, digits, - or /, up to 20". */
  readonly shape: string;
}

export const DEFAULT_REFERENCE_PATTERN = "[A-Za-z0-9/-]{1,20}";
const NAME_PROBES = ["Jane Smith", "Jane Smith 14/03/2017", "C 1"];

function compile(source: string, shape: string, maxLength: number): ReferenceFormat {
  const anchored = `^(?:${source})$`;
  return { pattern: new RegExp(anchored), source: anchored, maxLength, shape };
}

export const DEFAULT_REFERENCE_FORMAT: ReferenceFormat = compile(DEFAULT_REFERENCE_PATTERN, "letters, digits, - or /, up to 20", 20);

/** A council's own pattern (CHILD_REFERENCE_PATTERN); throws Error with the reason, without echoing the value. */
export function referenceFormat(source: string): ReferenceFormat {
  if (source === DEFAULT_REFERENCE_PATTERN) return DEFAULT_REFERENCE_FORMAT;
  let format: ReferenceFormat;
  try {
    format = compile(source, "in the format the council set", 100);
  } catch {
    throw new Error("is not a valid regular expression");
  }
  const leak = NAME_PROBES.find((p) => format.pattern.test(p));
  if (leak !== undefined) throw new Error(`accepts "${leak}": a reference pattern must not allow a space (a name)`);
  return format;
}

const MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";
const DAY_MONTH_YEAR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/;
const YEAR_MONTH_DAY = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/;
const DAY_MONTHNAME_YEAR = new RegExp(`^(\\d{1,2})[/.\\- ]?(${MONTHS})[a-z]*[/.\\- ]?(\\d{2}|\\d{4})$`, "i");
const EIGHT_DIGITS = /^\d{8}$/;

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}
/** A 2-digit year could be either century: a real date in either counts (29/02/00). */
const realDayMonth = (d: number, m: number, y: string) =>
  y.length === 4 ? realDate(Number(y), m, d) : realDate(2000 + Number(y), m, d) || realDate(1900 + Number(y), m, d);
const plausibleYear = (y: number) => y >= 1900 && y <= 2099;

/** True when the value reads as a date in a common UK form (see the readings above). */
export function looksLikeDate(value: string): boolean {
  const v = value.trim();
  let m = DAY_MONTH_YEAR.exec(v);
  if (m) return realDayMonth(Number(m[1]), Number(m[2]), m[3]!);
  m = YEAR_MONTH_DAY.exec(v);
  if (m) return realDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_MONTHNAME_YEAR.exec(v);
  if (m) return realDayMonth(Number(m[1]), MONTHS.split("|").indexOf(m[2]!.toLowerCase()) + 1, m[3]!);
  if (EIGHT_DIGITS.test(v)) {
    const n = (a: number, b: number) => Number(v.slice(a, b));
    const ddmmyyyy = plausibleYear(n(4, 8)) && realDate(n(4, 8), n(2, 4), n(0, 2));
    const yyyymmdd = plausibleYear(n(0, 4)) && realDate(n(0, 4), n(4, 6), n(6, 8));
    return ddmmyyyy || yyyymmdd;
  }
  return false;
}

/** What the chair is told: the field in their words, the shape, and never the refused value. */
export const referenceRule = (format: ReferenceFormat) =>
  `use the case system's reference (${format.shape}), never a name or date of birth`;

function check(value: string, format: ReferenceFormat, label: string, field: string): void {
  if (!format.pattern.test(value) || looksLikeDate(value)) {
    throw new AppError("invalid_input", `${label}: ${referenceRule(format)}.`, field);
  }
}

/** The case reference; AppError("invalid_input", …, "caseRef") when it is not one. */
export function checkCaseReference(value: string, format: ReferenceFormat): void {
  check(value, format, "Case reference", "caseRef");
}

/** Each child's reference, in order; the first wrong one is named by its row ("Child 2 reference", `children[1].ref`). */
export function checkChildReferences(children: readonly { ref: string }[], format: ReferenceFormat): void {
  children.forEach((c, i) => check(c.ref, format, `Child ${i + 1} reference`, `children[${i}].ref`));
}
