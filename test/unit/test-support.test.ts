import { describe, expect, it } from "vitest";
import { safeUrl } from "../support/databases.js";

/** The run prints the PostgreSQL server it used (test/support/stores-covered.ts), never its password. */
describe("safeUrl", () => {
  it.each([
    ["postgres://postgres@127.0.0.1:55432/postgres", "postgres://postgres@127.0.0.1:55432/postgres"],
    ["postgres://app:s3cr3t@db.example:5432/strat?sslmode=require", "postgres://app@db.example:5432/strat?sslmode=require (password hidden)"],
    ["postgresql://u:p%40ss@h/db", "postgresql://u@h/db (password hidden)"],
    ["not a url with secret", "(unparseable DATABASE_URL)"],
  ])("%s → %s", (url, shown) => {
    expect(safeUrl(url)).toBe(shown);
    expect(safeUrl(url)).not.toMatch(/s3cr3t|p%40ss|secret/);
  });
});
