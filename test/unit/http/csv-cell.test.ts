/** CSV cells of the list's download (src/infra/http/tab-list.ts; issue 15 point 5): RFC 4180 quoting, no formulas. */
import { describe, expect, it } from "vitest";
import { csvCell } from "../../../src/infra/http/tab-list.js";

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks (doubling quotes), joins lists, leaves plain text and empties plain", () => {
    expect(csvCell("LCS-1")).toBe("LCS-1");
    expect(csvCell("Chair, Duty")).toBe('"Chair, Duty"');
    expect(csvCell('the "duty" chair')).toBe('"the ""duty"" chair"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(["physical", "missing"])).toBe("physical; missing");
    expect(csvCell(null)).toBe("");
    expect(csvCell(false)).toBe("false");
    expect(csvCell(3)).toBe("3");
  });
  it("a cell a spreadsheet would run as a formula starts with an apostrophe", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  });
});
