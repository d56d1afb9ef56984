import { describe, expect, it } from "vitest";
import { MAX_INLINE_ATTACHMENT_BYTES, recordAttachments, recordSubject } from "../../src/app/distribute-record.js";
import { ZJobPayloads } from "../../src/ports/jobs.js";

/**
 * Issue 13 point 3, bad input: a record too large for one mail (Graph's inline limit, < 3 MB: PLATFORM-FACTS §6b)
 * goes as the link only, never half-sent; below it, the PDF is attached whole (base64). Old graph.mail payloads
 * (no attachments) still parse.
 */
const file = (n: number) => ({ bytes: new Uint8Array(n).fill(0x25), contentType: "application/pdf", fileName: "SD-2026-0042-v1.pdf" });

describe("record mail: the attachment size switch", () => {
  it("attaches a record under the limit whole, and none at or over it (the mail then says link only)", () => {
    const small = recordAttachments(file(120_000));
    expect(small).toEqual([{ name: "SD-2026-0042-v1.pdf", contentType: "application/pdf", contentBase64: Buffer.from(file(120_000).bytes).toString("base64") }]);
    expect(recordAttachments(file(MAX_INLINE_ATTACHMENT_BYTES - 1))).toHaveLength(1);
    expect(recordAttachments(file(MAX_INLINE_ATTACHMENT_BYTES))).toEqual([]);
    expect(recordAttachments(file(5_000_000))).toEqual([]);
  });

  it("the largest inline attachment still fits the graph.mail payload; a payload without attachments parses as before", () => {
    const [a] = recordAttachments(file(MAX_INLINE_ATTACHMENT_BYTES - 1));
    const p = { from: "sd@council.example", to: ["a@b.example"], subject: recordSubject({ ref: "SD-2026-0042", caseRef: "CASE-1" }, 2), html: "<p>x</p>" };
    expect(ZJobPayloads["graph.mail"].safeParse({ ...p, attachments: [a] }).success).toBe(true);
    expect(ZJobPayloads["graph.mail"].parse(p)).toEqual(p);
    expect(p.subject).toBe("Strategy discussion record SD-2026-0042 (case CASE-1), version 2 (amendment)");
  });
});
