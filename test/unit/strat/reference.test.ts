/**
 * Child and case references (issue 11 point 12): the case system's reference, never a name or a date of
 * birth. The default pattern (letters, digits, - or /, up to 20, no spaces) and the date check, and a
 * council's own pattern (CHILD_REFERENCE_PATTERN).
 */
import { describe, expect, it } from "vitest";
import { isAppError } from "../../../src/domain/errors.js";
import {
  DEFAULT_REFERENCE_FORMAT, checkCaseReference, checkChildReferences, looksLikeDate, referenceFormat,
} from "../../../src/domain/strat/reference.js";

const caseRefError = (value: string, format = DEFAULT_REFERENCE_FORMAT) => {
  try {
    checkCaseReference(value, format);
    return null;
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { field: e.field, message: e.userMessage };
  }
};

describe("references: the case system's reference, never a name or date of birth", () => {
  it.each(["C1", "LCS-204411", "KIDREF99", "12/3456", "1234567", "12345678", "140317", "A".repeat(20), "LCS-XMAS"])("accepts %s", (v) => {
    expect(caseRefError(v)).toBeNull();
  });

  it.each([
    ["Jane Smith", "a name (a space)"],
    ["Tom Smith 14/03/2017", "a name and a date of birth"],
    ["14/03/2017", "dd/mm/yyyy"],
    ["14-03-2017", "dd-mm-yyyy"],
    ["2017-03-14", "yyyy-mm-dd"],
    ["14032017", "ddmmyyyy (eight digits that are a real date)"],
    ["20170314", "yyyymmdd"],
    ["1/3/17", "d/m/yy"],
    ["14-Mar-2017", "a month name"],
    ["A".repeat(21), "longer than 20"],
    ["", "empty"],
    ["C1!", "a character outside letters, digits, - and /"],
  ])("refuses %s (%s), naming the field in the chair's words", (v) => {
    const err = caseRefError(v);
    expect(err).toEqual({
      field: "caseRef",
      message: "Case reference: use the case system's reference (letters, digits, - or /, up to 20), never a name or date of birth.",
    });
    expect(err!.message).not.toContain(v || "\u0000"); // the refused value is never repeated
  });

  it("child references: the first wrong one is named by its row, as on the card", () => {
    const children = [{ ref: "C1" }, { ref: "Jane Smith" }];
    let caught: unknown;
    try {
      checkChildReferences(children, DEFAULT_REFERENCE_FORMAT);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: "invalid_input", field: "children[1].ref",
      userMessage: "Child 2 reference: use the case system's reference (letters, digits, - or /, up to 20), never a name or date of birth.",
    });
    expect(() => checkChildReferences([{ ref: "C1" }, { ref: "C2" }], DEFAULT_REFERENCE_FORMAT)).not.toThrow();
  });

  it("dates in common UK forms are recognised; digit-only references that are not a real date are not", () => {
    for (const d of ["14/03/2017", "14-03-2017", "14.03.2017", "2017-03-14", "2017/3/14", "14032017", "20170314", "14/03/17", "14Mar2017", "14-March-2017"]) {
      expect(looksLikeDate(d), d).toBe(true);
    }
    // 8 digits that are no date, 6 and 7 digits (case systems' person ids: a ddmmyy reading is not refused), other shapes
    for (const v of ["12345678", "31022017", "00001234", "140317", "1403172", "LCS-2017-0314", "C1", "13/13/2017", "2017-02-30"]) {
      expect(looksLikeDate(v), v).toBe(false);
    }
  });

  it("a council's own pattern (the whole reference must match) replaces the default shape; a date is still refused", () => {
    const digits = referenceFormat("[0-9]{6,9}");
    expect(caseRefError("1234567", digits)).toBeNull();
    expect(caseRefError("C1", digits)?.message).toBe("Case reference: use the case system's reference (in the format the council set), never a name or date of birth.");
    expect(caseRefError("1234567x", digits)).not.toBeNull(); // anchored: a match inside the value is not enough
    expect(caseRefError("14032017", digits)).not.toBeNull();
  });

  it("a pattern that is not a regular expression, or that lets a name with a space through, is refused with a reason", () => {
    expect(() => referenceFormat("[A-Z")).toThrow(/not a valid regular expression/);
    expect(() => referenceFormat(".+")).toThrow(/accepts "Jane Smith"/);
    expect(() => referenceFormat("[A-Za-z ]{1,40}")).toThrow(/space/);
  });
});
