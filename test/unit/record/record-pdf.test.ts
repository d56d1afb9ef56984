import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, describe, expect, it } from "vitest";
import { assembleRecord, recordJson } from "../../../src/domain/record/record.js";
import { actionLine } from "../../../src/domain/record/sections.js";
import { renderRecordPdf } from "../../../src/infra/record/pdf.js";
import { fullStrat } from "../../support/full-strat.js";

/**
 * Issue 13 point 1: the record as an archival PDF (PDF/A-3a, tagged, en-GB), read back with unpdf (pdf.js):
 * headings, every action, the footer with the hash on every page, the embedded record.json equal to the JSON export.
 */
const record = assembleRecord(fullStrat({ children: 5, invitees: 12, actions: 30 }), { id: "bromley-2023", title: "Bromley 2023" });
const pdf = await renderRecordPdf(record);
const doc = await getDocumentProxy(new Uint8Array(pdf));
const { text: pages } = await extractText(doc, { mergePages: false });
const footers = (i: number) => [
  `Case CASE-777 · SD-2026-0042 · version 2 · verified ${record.verifiedAt} · page ${i + 1} of ${pages.length}`, `SHA-256 ${record.contentHash}`,
];
const flat = (t: string) => t.replace(/\s+/g, " ");
/** The body text: every page without its footer, joined (an action may run over a page break). */
const body = pages.map((p, i) => footers(i).reduce((t, f) => t.replace(f, " "), flat(p))).join(" ").replace(/\s+/g, " ");

describe("renderRecordPdf", () => {
  it("holds the title, every heading, every action and the content hash", () => {
    expect(body).toContain("Strategy discussion record SD-2026-0042 (case CASE-777)");
    for (const h of ["Summary", "Children (references)", "Invited", "Attendance and quorum", "Agency contributions", "Analysis of risk", "Decisions",
      "Interim safety plan", "Actions", "Dissent", "Amendments (versions)"]) expect(body).toContain(h);
    expect(record.actions).toHaveLength(30);
    for (const a of record.actions) expect(body).toContain(flat(actionLine(a)));
    expect(body).not.toContain(record.contentHash);
    expect(flat(pages[0]!)).toContain(record.contentHash);
  });

  it("has the footer on every page: case, strat, version, verification, page n of m and the hash", () => {
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((p, i) => {
      for (const f of footers(i)) expect(flat(p)).toContain(f);
    });
  });

  it("embeds record.json (relationship Data) equal to the JSON export", async () => {
    const files = (await doc.getAttachments()) as Record<string, { filename: string; content: Uint8Array }>;
    const att = Object.values(files).find((f) => f.filename === "record.json");
    expect(att).toBeDefined();
    expect(Buffer.from(att!.content).toString("utf8")).toBe(recordJson(record));
    expect(pdf.toString("latin1")).toMatch(/\/AFRelationship \/Data/);
  });

  it("declares PDF/A-3a in its XMP, is tagged (MarkInfo, StructTreeRoot), en-GB, titled without a child's name or date of birth", async () => {
    const meta = await doc.getMetadata();
    const raw = pdf.toString("latin1");
    expect(raw).toContain("<pdfaid:part>3</pdfaid:part>");
    expect(raw).toContain("<pdfaid:conformance>A</pdfaid:conformance>");
    expect(raw).toMatch(/%PDF-1\.7/);
    expect(meta).toMatchObject({ hasStructTree: true });
    expect((meta.info as { Title?: string }).Title).toBe("Strategy discussion record SD-2026-0042 (case CASE-777)");
    expect(await doc.getMarkInfo()).toMatchObject({ Marked: true });
    expect(raw).toContain("/StructTreeRoot");
    expect(raw).toMatch(/\/Lang \(en-GB\)/);
    expect(raw).toContain("/DisplayDocTitle true");
    expect(raw).toContain("/OutputIntents");
    expect(raw).toMatch(/\/FontFile2/);
    for (const h of ["/H1", "/H2", "/L", "/LI", "/LBody"]) expect(raw).toContain(h);
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent({ includeMarkedContent: true });
      const tags = content.items.flatMap((item) => ("tag" in item && typeof item.tag === "string" ? [item.tag] : []));
      expect(tags, `page ${n}: the footer is an Artifact`).toContain("Artifact");
    }
    for (const c of fullStrat({ children: 5, invitees: 12, actions: 30 }).referral.children) expect(body).not.toContain(c.dob);
  });
});

/**
 * The same PDF checked by Debian's tools (installed by .ci/run: qpdf, poppler-utils), as the issue asks: `qpdf --check`
 * finds no error, `pdfinfo` says tagged with a metadata stream, `pdfinfo -meta` carries the PDF/A-3a identification
 * (pdfaid part 3, conformance A), and `pdfdetach` lists and extracts record.json, equal to the JSON export.
 */
describe("renderRecordPdf, checked with qpdf and poppler-utils", () => {
  const dir = mkdtempSync(join(tmpdir(), "record-pdf-"));
  const file = join(dir, "record.pdf");
  writeFileSync(file, pdf);
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8" });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("qpdf --check passes", () => {
    expect(run("qpdf", ["--check", file])).toMatch(/No syntax or stream encoding errors found/);
  });
  it("pdfinfo: tagged, metadata stream, PDF 1.7, A4; -meta: pdfaid part 3, conformance A", () => {
    const info = run("pdfinfo", [file]);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(info).toMatch(/Metadata Stream:\s+yes/);
    expect(info).toMatch(/PDF version:\s+1\.7/);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    const meta = run("pdfinfo", ["-meta", file]);
    expect(meta).toMatch(/<pdfaid:part>3<\/pdfaid:part>/);
    expect(meta).toMatch(/<pdfaid:conformance>A<\/pdfaid:conformance>/);
  });
  it("pdfdetach lists record.json and extracts it equal to the JSON export", () => {
    expect(run("pdfdetach", ["-list", file])).toMatch(/1: record\.json/);
    const out = join(dir, "out.json");
    run("pdfdetach", ["-save", "1", "-o", out, file]);
    expect(readFileSync(out, "utf8")).toBe(recordJson(record));
  });
});
