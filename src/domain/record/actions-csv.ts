/**
 * The record's actions (R-ACT) as CSV for import into case management (LCS, Mosaic, Liquid Logic): RFC 4180
 * (CRLF line ends, every field quoted when it holds a comma, quote or line break, quotes doubled), one header row.
 * A field starting with = + - @ or a tab is prefixed with ' so a spreadsheet never runs it as a formula (CSV injection).
 */
import type { StratRecord } from "./record.js";

export const ACTION_CSV_COLUMNS = [
  "strat ref", "case ref", "action id", "owner", "agency", "what", "by when", "purpose", "status", "last update",
] as const;

/** One CSV field, RFC 4180 quoted when needed. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The actions of a record as CSV (by when as ISO 8601 UTC; last update = the latest update's text, or empty). */
export function actionsCsv(record: StratRecord): string {
  const rows = record.actions.map((a) => [
    record.stratRef, record.caseRef, a.id, a.owner, a.agency, a.what, a.byWhen, a.purpose, a.status, a.updates.at(-1)?.text ?? "",
  ]);
  return [[...ACTION_CSV_COLUMNS], ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
