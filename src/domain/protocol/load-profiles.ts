/**
 * Validate and compose protocol profiles from their parsed JSON (no I/O here: the files are read by
 * src/infra/profiles/read-profile-files.ts, which hands over each file's name and JSON).
 *
 * Shipped profiles live in ./profiles/*.json next to this module; a local authority can add its own
 * profile files without code changes (env PROFILES_DIR). An invalid file stops start-up with
 * AppError("profile_invalid", "<file>: <path.in.file>: <what is wrong>"). Duplicate ids across files are an error.
 *
 * Composition: a profile may `extends` another (its fields override the base: convening rules by
 * concern, follow-on rules by rule id, invitee rules appended, directory entries by key) and may list
 * `addOns` merged the same way (bromley-2023 merges bromley-missing-2020). Each file is applied at most
 * once, so bromley-missing-2020 alone equals bromley-2023 + missing rules.
 */
import { AppError } from "../errors.js";
import { WorkingCalendar } from "../time/working-time.js";
import { ZHolidayOverrides, englandWalesHolidays, type HolidayOverrides } from "../time/bank-holidays.js";
import { formatPath } from "./referral.js";
import { compileInvitees, norm, type CompiledInvitees } from "./invitees.js";
import { compileDeadlines, type CompiledDeadlines } from "./deadlines.js";
import {
  ZProfileFile,
  type ConveningRule,
  type DirectoryEntry,
  type FollowOnRule,
  type InviteeRule,
  type ProfileFile,
  type RecordField,
} from "./profile-schema.js";
import type { Concern } from "./referral.js";
import type { ProfileBase } from "./profile.js";

export type { ProfileBase } from "./profile.js";

/** A composed profile with the hot-path forms of its rules (deadlines.ts and invitees.ts compile them). */
export interface Profile extends ProfileBase {
  /**
   * Hot-path forms of the rules above, built once at load (sorted convening rules and basis
   * strings; invitee rules with resolved directory entries, dedupe keys and split reason templates).
   */
  readonly compiled: { readonly deadlines: CompiledDeadlines; readonly invitees: CompiledInvitees };
}

export interface ProfileInfo {
  id: string;
  title: string;
  source: string;
  file: string;
  status: string;
  selectable: boolean;
}

export interface ProfileRegistry {
  /** The profile, or AppError("not_found", …, "profile"). Superseded profiles need { includeHistory: true }. */
  get(id: string, opts?: { includeHistory?: boolean }): Profile;
  list(): ProfileInfo[];
  readonly calendar: WorkingCalendar;
}

/** One profile file as read: its name (for messages) and its parsed JSON. */
export interface ProfileFileJson { file: string; json: unknown }

function invalid(file: string, p: string, what: string): AppError {
  return new AppError("profile_invalid", `${file}: ${p || "(root)"}: ${what}`);
}

/** A holiday overrides file's JSON { "add": ["YYYY-MM-DD"], "remove": ["YYYY-MM-DD"] }, validated. */
export function parseHolidayOverrides(file: string, json: unknown): HolidayOverrides {
  const res = ZHolidayOverrides.safeParse(json);
  if (!res.success) {
    const i = res.error.issues[0];
    throw new AppError("config", `${file}: ${i ? formatPath(i.path) || "(root)" : "(root)"}: ${i?.message ?? "invalid"}`);
  }
  return res.data;
}

interface Draft {
  convening: Map<Concern, ConveningRule>;
  target: ProfileFile["target"];
  distribution: NonNullable<ProfileFile["distribution"]>;
  followOn: Map<string, FollowOnRule>;
  quorum: ProfileFile["quorum"];
  chair: ProfileFile["chair"];
  ages: ProfileFile["ages"];
  directory: Map<string, DirectoryEntry>;
  invitees: InviteeRule[];
  missingRiskTool: boolean;
  readings: string[];
  record: Map<string, RecordField>;
}

function overlay(d: Draft, f: ProfileFile): void {
  for (const c of f.convening ?? []) d.convening.set(c.concern, c);
  if (f.target !== undefined) d.target = f.target;
  if (f.distribution !== undefined) d.distribution = f.distribution;
  for (const r of f.followOn ?? []) d.followOn.set(r.rule, r);
  if (f.quorum) d.quorum = f.quorum;
  if (f.chair) d.chair = f.chair;
  if (f.ages) d.ages = f.ages;
  for (const [k, v] of Object.entries(f.directory ?? {})) d.directory.set(k, v);
  d.invitees.push(...(f.invitees ?? []));
  if (f.missingRiskTool !== undefined) d.missingRiskTool = d.missingRiskTool || f.missingRiskTool;
  d.readings.push(...f.readings);
  for (const r of f.record ?? []) d.record.set(r.id, r);
}

/** Validate and compose every profile (files in load order). Throws AppError("profile_invalid"). */
export function buildProfiles(files: readonly ProfileFileJson[], overrides?: HolidayOverrides): ProfileRegistry {
  const calendar = new WorkingCalendar(englandWalesHolidays(overrides));

  const parsed = new Map<string, { file: string; data: ProfileFile }>();
  for (const { file, json } of files) {
    const res = ZProfileFile.safeParse(json);
    if (!res.success) {
      const i = res.error.issues[0]!;
      let p = formatPath(i.path);
      let msg = i.message;
      if (i.code === "unrecognized_keys") {
        p = formatPath([...i.path, i.keys[0] ?? ""]);
        msg = `unknown field "${i.keys[0]}"`;
      }
      throw invalid(file, p, msg);
    }
    const prev = parsed.get(res.data.id);
    if (prev) throw invalid(file, "id", `duplicate profile id "${res.data.id}" (also in ${prev.file})`);
    parsed.set(res.data.id, { file, data: res.data });
  }

  const built = new Map<string, Profile>();
  const compose = (id: string, d: Draft, applied: Set<string>, stack: string[], file: string, p: string): void => {
    const entry = parsed.get(id);
    if (!entry) throw invalid(file, p, `unknown profile "${id}"`);
    if (applied.has(id)) return;
    if (stack.includes(id)) throw invalid(entry.file, "extends", `circular extends: ${[...stack, id].join(" → ")}`);
    const f = entry.data;
    if (f.extends) compose(f.extends, d, applied, [...stack, id], entry.file, "extends");
    overlay(d, f);
    applied.add(id);
    // An add-on that is itself being composed (it extends this profile) is applied by the outer call.
    f.addOns.forEach((a, i) => {
      if (!stack.includes(a)) compose(a, d, applied, [...stack, id], entry.file, `addOns[${i}]`);
    });
  };

  for (const [id, { file, data }] of parsed) {
    const d: Draft = {
      convening: new Map(),
      target: null,
      followOn: new Map(),
      quorum: undefined,
      chair: undefined,
      ages: undefined,
      directory: new Map(),
      invitees: [],
      missingRiskTool: false,
      readings: [],
      record: new Map(),
      distribution: [],
    };
    compose(id, d, new Set(), [], file, "id");
    const std = d.convening.get("standard");
    if (!std) throw invalid(file, "convening", 'no rule for concern "standard" (T-STD) after composing extends/addOns');
    if (std.timing.kind === "standard" || std.timing.kind === "conditional") throw invalid(file, "convening", "the standard rule must be a plain timescale operation");
    if (!d.quorum) throw invalid(file, "quorum", "is required (here or in the profile it extends)");
    if (!d.chair) throw invalid(file, "chair", "is required (here or in the profile it extends)");
    if (!d.ages) throw invalid(file, "ages", "is required (here or in the profile it extends)");
    d.invitees.forEach((r, i) => {
      const keys: string[] =
        r.kind === "directory" ? r.entries.map((e) => e.key) : r.kind === "school-nursing" ? [r.home, ...r.outOfBorough] : r.kind === "education" ? [r.fallback] : [];
      for (const k of keys) if (!d.directory.has(k)) throw invalid(file, `invitees[${i}]`, `directory entry "${k}" not found (rule ${r.rule})`);
    });
    for (const r of d.followOn.values()) {
      for (const st of r.steps) if (st.to !== undefined && !d.directory.has(st.to)) throw invalid(file, `followOn ${r.rule}`, `directory entry "${st.to}" not found (step ${st.key})`);
    }
    const rules = new Set<string>();
    for (const c of d.convening.values()) rules.add(c.rule);
    if (d.target) rules.add("T-TGT");
    for (const r of d.followOn.keys()) rules.add(r);
    for (const r of d.invitees) rules.add(r.rule);
    rules.add("Q-1");
    if (d.missingRiskTool) rules.add("M-RAG");
    const serviceIndex = new Map<string, DirectoryEntry>();
    for (const e of d.directory.values()) for (const a of e.services) if (!serviceIndex.has(norm(a))) serviceIndex.set(norm(a), e);
    built.set(id, {
      id,
      title: data.title,
      source: data.source,
      file,
      status: data.status,
      selectable: data.selectable,
      readings: d.readings,
      calendar,
      convening: d.convening,
      standardOp: std.timing,
      target: d.target ?? null,
      distribution: d.distribution,
      followOn: d.followOn,
      quorum: d.quorum,
      chair: d.chair,
      ages: d.ages,
      directory: d.directory,
      invitees: d.invitees,
      serviceIndex,
      missingRiskTool: d.missingRiskTool,
      record: [...d.record.values()],
      rules,
      compiled: { deadlines: compileDeadlines(d.convening, std.timing), invitees: compileInvitees(d.invitees, d.directory) },
    });
  }

  return {
    calendar,
    get(id: string, o?: { includeHistory?: boolean }): Profile {
      const p = built.get(id);
      const selectable = [...built.values()].filter((x) => x.selectable).map((x) => x.id);
      if (!p) throw new AppError("not_found", `profile: unknown profile "${id}"; choose one of ${selectable.join(", ")}`, "profile");
      if (!p.selectable && !o?.includeHistory) {
        throw new AppError("not_found", `profile: "${id}" is ${p.status} and kept only as history; choose one of ${selectable.join(", ")}`, "profile");
      }
      return p;
    },
    list(): ProfileInfo[] {
      return [...built.values()].map((p) => ({ id: p.id, title: p.title, source: p.source, file: p.file, status: p.status, selectable: p.selectable }));
    },
  };
}
