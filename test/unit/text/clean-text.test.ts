import { describe, expect, it } from "vitest";
import { cleanStrings, cleanText, TooDeeplyNested } from "../../../src/domain/text/clean-text.js";

describe("cleanText / cleanStrings (issue 11 point 9)", () => {
  it("removes NUL and other C0 controls, keeps tab and line breaks, replaces unpaired surrogates, keeps pairs", () => {
    expect(cleanText("a\u0000b\u0007c\u001bd\u000be\u000cf")).toBe("abcdef");
    expect(cleanText("line 1\r\nline\t2\n")).toBe("line 1\r\nline\t2\n");
    expect(cleanText("x\uD800y\uDC00z\uD83D")).toBe("x\uFFFDy\uFFFDz\uFFFD");
    expect(cleanText("emoji \uD83D\uDE00 ok, é, 中")).toBe("emoji \uD83D\uDE00 ok, é, 中");
  });

  it("cleans every string of a parsed body, keys too, shares what is clean and never sets a prototype", () => {
    const clean = { a: ["x", { b: 1 }], c: null };
    expect(cleanStrings(clean)).toBe(clean);
    const dirty = JSON.parse('{"k\\u0000ey":"v\\u0000","list":["\\ud800",2],"__proto__":{"x":"\\u0000"}}');
    const out = cleanStrings(dirty) as Record<string, unknown>;
    expect(out).toEqual({ key: "v", list: ["\uFFFD", 2], ["__proto__"]: { x: "" } });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(dirty.list[0]).toBe("\uD800"); // the input is not changed
  });

  it("refuses a body nested deeper than its limit instead of exhausting the stack", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => cleanStrings(deep)).toThrow(TooDeeplyNested);
  });
});
