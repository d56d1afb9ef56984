/**
 * The record's export formats, in one place (the CLI today; the channel upload and the mail attachment later):
 * pdf (archival, src/infra/record/pdf.ts), json (canonical, the bytes the PDF embeds, docs/record.schema.json)
 * and csv (the actions, RFC 4180, for case-management import).
 */
import { actionsCsv } from "../../domain/record/actions-csv.js";
import { recordJson, recordPdfFileName, type StratRecord } from "../../domain/record/record.js";
import { renderRecordPdf } from "./pdf.js";

export const RECORD_FORMATS = ["pdf", "json", "csv"] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

export interface RecordFile { bytes: Buffer; contentType: string; fileName: string }

/** The record in a format, with its content type and a file name made of the references only (never a child's name). */
export async function exportRecord(record: StratRecord, format: RecordFormat): Promise<RecordFile> {
  const base = `${record.stratRef}-v${record.version}`;
  switch (format) {
    case "pdf": return { bytes: await renderRecordPdf(record), contentType: "application/pdf", fileName: recordPdfFileName(record) };
    case "json": return { bytes: Buffer.from(recordJson(record), "utf8"), contentType: "application/json", fileName: `${base}.json` };
    case "csv": return { bytes: Buffer.from(actionsCsv(record), "utf8"), contentType: "text/csv; charset=utf-8; header=present", fileName: `${base}-actions.csv` };
  }
}
