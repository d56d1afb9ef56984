/**
 * `${{NAME}}` placeholders, as in Microsoft 365 Agents Toolkit app packages. Filling walks the parsed
 * JSON and replaces inside string values only, so a value can never break the JSON structure.
 */

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export type Vars = Readonly<Record<string, string | undefined>>;

export interface VariableSpec {
  /** Used when the variable is unset or empty; a variable without a default is required. */
  default?: string;
  /** Checked after filling; returns a problem (e.g. "must be a GUID") or undefined. */
  check?: (value: string) => string | undefined;
}

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
/** A host name with an optional port, no scheme or path: what goes after https:// in the tab URLs. */
const HOST = /^(?=.{1,253}(:|$))([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:[0-9]{1,5})?$/;

export const guid = (v: string): string | undefined => (GUID.test(v) ? undefined : "must be a GUID");
export const hostName = (v: string): string | undefined =>
  HOST.test(v) ? undefined : "must be a host name such as strat.example.org (no https://, no path)";

/** The variables appPackage/manifest.json uses. Anything else found in the template is treated as required. */
export const MANIFEST_VARIABLES: Readonly<Record<string, VariableSpec>> = {
  TEAMS_APP_ID: { check: guid },
  BOT_ID: { check: guid },
  TAB_DOMAIN: { check: hostName },
  APP_NAME_SUFFIX: { default: "" },
};

/** Names of every placeholder in `value`, in first-seen order. */
export function listPlaceholders(value: unknown): string[] {
  const seen = new Set<string>();
  walkStrings(value, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) seen.add(m[1]!);
    return s;
  });
  return [...seen];
}

export interface FillResult<T> {
  value: T;
  /** Required variables that were unset or empty (sorted by first use). */
  missing: string[];
  /** "NAME must be …" for set variables whose value is malformed. */
  invalid: string[];
}

/** Replaces every `${{NAME}}` in string values of `template`. Does not mutate `template`. */
export function fillPlaceholders<T>(
  template: T,
  vars: Vars,
  specs: Readonly<Record<string, VariableSpec>> = MANIFEST_VARIABLES,
): FillResult<T> {
  const resolved = new Map<string, string>();
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const name of listPlaceholders(template)) {
    const spec = specs[name] ?? {};
    const given = vars[name];
    if (given === undefined || given.trim() === "") {
      if (spec.default === undefined) missing.push(name);
      else resolved.set(name, spec.default);
      continue;
    }
    // Checked values (ids, host names) are trimmed; free text such as a " (dev)" suffix is kept as given.
    const value = spec.check ? given.trim() : given;
    const problem = spec.check?.(value);
    if (problem) invalid.push(`${name} ${problem}`);
    resolved.set(name, value);
  }
  const value = walkStrings(template, (s) => s.replace(PLACEHOLDER, (whole, name: string) => resolved.get(name) ?? whole));
  return { value: value as T, missing, invalid };
}

function walkStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => walkStrings(v, f));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, f)]));
  }
  return value;
}
