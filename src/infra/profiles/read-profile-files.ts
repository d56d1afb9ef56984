/**
 * Reads the protocol profiles from disk (the shipped ones beside src/domain/protocol, then a local
 * authority's own PROFILES_DIR) and the bank-holiday overrides file, and hands their JSON to the
 * protocol engine (src/domain/protocol/load-profiles.ts), which validates and composes them.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../../domain/errors.js";
import { buildProfiles, parseHolidayOverrides, type ProfileRegistry } from "../../domain/protocol/load-profiles.js";
import type { HolidayOverrides } from "../../domain/time/bank-holidays.js";

export interface LoadProfilesOptions {
  /** An extra directory of *.json profile files (e.g. env PROFILES_DIR), loaded after the shipped ones. */
  extraDir?: string;
  /** JSON file { "add": ["YYYY-MM-DD"], "remove": ["YYYY-MM-DD"] } adjusting bank holidays. */
  holidayOverridesFile?: string;
  /** Override the shipped directory (tests). */
  shippedDir?: string;
}

export const SHIPPED_PROFILES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "domain", "protocol", "profiles");

function readJson(file: string, code: "profile_invalid" | "config"): unknown {
  const fail = (what: string) => new AppError(code, code === "profile_invalid" ? `${file}: (root): ${what}` : `${file}: ${what}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw fail("cannot read file");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fail(`invalid JSON (${e instanceof Error ? e.message : "invalid JSON"})`);
  }
}

function listJson(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    names = readdirSync(dir);
  } catch {
    throw new AppError("config", `${dir}: profiles directory not found`);
  }
  return names.filter((n) => n.endsWith(".json")).sort().map((n) => path.join(dir, n));
}

export function loadHolidayOverrides(file: string): HolidayOverrides {
  return parseHolidayOverrides(file, readJson(file, "config"));
}

/** Reads, validates and composes every profile. Throws AppError("profile_invalid" | "config"). */
export function loadProfiles(opts: LoadProfilesOptions = {}): ProfileRegistry {
  const overrides = opts.holidayOverridesFile ? loadHolidayOverrides(opts.holidayOverridesFile) : undefined;
  const files = listJson(opts.shippedDir ?? SHIPPED_PROFILES_DIR);
  if (opts.extraDir) files.push(...listJson(opts.extraDir));
  return buildProfiles(files.map((file) => ({ file, json: readJson(file, "profile_invalid") })), overrides);
}
