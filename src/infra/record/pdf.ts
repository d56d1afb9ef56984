/**
 * The record as an archival PDF (issue 13 point 1): PDF/A-3a, tagged for screen readers (document language en-GB,
 * H1/H2 headings, lists for attendance and actions, paragraphs, the footer an Artifact), A4, the open-licence
 * DejaVu Sans embedded (from the npm package dejavu-fonts-ttf: nothing reads the system), and the record's JSON
 * (the same bytes as the JSON export) embedded as an associated file, relationship Data, so a case-management
 * system or a person gets both in one file. Every page's footer: case ref, strat ref, version, verification time,
 * page n of m and the SHA-256 content hash. No child's name or date of birth: the record holds references only.
 */
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { recordJson, type StratRecord } from "../../domain/record/record.js";
import { recordSections, type RecordSection } from "../../domain/record/sections.js";

const require = createRequire(import.meta.url);
const FONT = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
const FONT_BOLD = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf");

/** pdfkit ≥ 0.15.2 takes the associated-file relationship (PDF/A-3); @types/pdfkit 0.17 does not know it yet. */
type AttachmentOptions = NonNullable<Parameters<PDFKit.PDFDocument["file"]>[1]> & { relationship: "Data" };

/** The document title: case and strat reference only (never a child's name). */
export const recordTitle = (r: StratRecord): string => `Strategy discussion record ${r.stratRef} (case ${r.caseRef})`;

const FOOTER_SIZE = 7;

/** When a version was fixed: its amendment, else the verification, else (a draft) when the referral came. */
const versionInstant = (r: StratRecord): Date => new Date(r.amendments.at(-1)?.at ?? r.verifiedAt ?? r.reason.receivedAt);

/** Renders the record as a PDF/A-3a document. */
export function renderRecordPdf(record: StratRecord): Promise<Buffer> {
  const doc = new PDFDocument({
    // font: null: no standard-14 Helvetica (PDF/A embeds every font); @types/pdfkit types the option as a string only.
    size: "A4", pdfVersion: "1.7", subset: "PDF/A-3a", tagged: true, lang: "en-GB", displayTitle: true, bufferPages: true, font: null as unknown as string,
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    // The version's own instant, not the clock: a version renders the same bytes whenever it is rendered (issue 15 point 4).
    info: { Title: recordTitle(record), Subject: `Record version ${record.version}, content hash ${record.contentHash}`, Creator: "strat app", Producer: "pdfkit", CreationDate: versionInstant(record) },
  });
  doc.registerFont("body", FONT).registerFont("bold", FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const file: AttachmentOptions = {
    name: "record.json", type: "application/json", relationship: "Data",
    description: `Machine-readable record ${record.stratRef} version ${record.version} (schema ${record.recordSchemaVersion}, SHA-256 ${record.contentHash})`,
  };
  doc.file(Buffer.from(recordJson(record), "utf8"), file);

  const root = doc.struct("Document");
  doc.addStructure(root);
  doc.font("bold").fontSize(16).text(recordTitle(record), { structParent: root, structType: "H1" });
  doc.moveDown(0.5);
  for (const section of recordSections(record)) writeSection(doc, root, section);
  root.end();

  writeFooters(doc, record);
  doc.end();
  return done;
}

function writeSection(doc: PDFKit.PDFDocument, root: PDFKit.PDFStructureElement, section: RecordSection): void {
  doc.font("bold").fontSize(12).text(section.title, { structParent: root, structType: "H2" });
  doc.font("body").fontSize(9.5);
  for (const line of section.lines) doc.text(line, { structParent: root });
  if (section.items.length) {
    const list = doc.struct("L");
    root.add(list);
    doc.list(section.items.map((i) => i.replace(/\n/g, " ")), { structParent: list, listType: "bullet", bulletRadius: 1.5 });
    list.end();
  }
  doc.moveDown(0.6);
}

/** Footer on every page (an Artifact: screen readers skip it): case, strat, version, verification, page n of m, hash. */
function writeFooters(doc: PDFKit.PDFDocument, r: StratRecord): void {
  const { start, count } = doc.bufferedPageRange();
  const verified = r.verifiedAt ? `verified ${r.verifiedAt}` : "not yet verified";
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    const y = doc.page.height - bottom + 16;
    doc.markContent("Artifact", { type: "Pagination" });
    doc.font("body").fontSize(FOOTER_SIZE)
      .text(`Case ${r.caseRef} · ${r.stratRef} · version ${r.version} · ${verified} · page ${i - start + 1} of ${count}`, doc.page.margins.left, y, { width, lineBreak: false })
      .text(`SHA-256 ${r.contentHash}`, doc.page.margins.left, y + FOOTER_SIZE + 3, { width, lineBreak: false });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
}
