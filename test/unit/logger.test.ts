import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { REDACTED_KEYS, createLogger, scrub } from "../../src/infra/log/logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { lines, log: createLogger("debug", stream) };
}

describe("log redaction (issue 3 point 6: no child data in logs)", () => {
  it("censors every sensitive key at any depth, in arrays too, and leaves the rest", async () => {
    const { lines, log } = capture();
    const child = { dob: "2015-03-01", name: "Alex Example", ref: "C1" };
    log.info({ stratRef: "SD-2026-0001", referral: { children: [child] }, a: { b: { c: { d: { e: { email: "x@example.org", keep: 1 } } } } }, list: [{ reason: "family says" }, 3] }, "line");
    await new Promise((r) => setImmediate(r));
    const line = lines[0]!;
    expect(line.stratRef).toBe("SD-2026-0001");
    expect(line.referral).toBe("[redacted]");
    expect(line.a).toEqual({ b: { c: { d: { e: { email: "[redacted]", keep: 1 } } } } }); // deeper than pino's old four levels
    expect(line.list).toEqual([{ reason: "[redacted]" }, 3]);
    expect(JSON.stringify(lines)).not.toMatch(/2015-03-01|Alex Example|x@example\.org|family says/);
    expect(child.name).toBe("Alex Example"); // the caller's object is not changed
  });

  it("censors a child logger's bindings and covers every listed key", async () => {
    const { lines, log } = capture();
    log.child({ requestId: "r-1", displayName: "Chair Person" }).warn({ ...Object.fromEntries(REDACTED_KEYS.map((k) => [k, `secret-${k}`])) }, "all keys");
    await new Promise((r) => setImmediate(r));
    expect(lines[0]!.requestId).toBe("r-1");
    expect(JSON.stringify(lines[0])).not.toMatch(/secret-|Chair Person/);
  });

  it("returns the same object when there is nothing to censor, and cuts off what nests too deep", () => {
    const o = { a: [1, { b: 2 }], c: new Date(0) };
    expect(scrub(o)).toBe(o);
    let deep: Record<string, unknown> = { name: "x" };
    for (let i = 0; i < 12; i++) deep = { n: deep };
    expect(JSON.stringify(scrub(deep))).not.toContain('"x"');
  });

  it("issue 11 point 14: error messages are redacted like fields, wherever they are (Error objects, `message`, the first lines of `stack`)", async () => {
    const { lines, log } = capture();
    const e = new TypeError("Cannot create property 'kind' on string 'Jane Smith born 2017-03-14'");
    log.error({ err: e }, "an Error object");
    log.error({ err: { type: e.name, stack: e.stack } }, "a stack");
    log.error({ err: { type: "X", message: "Jane Smith born 2017-03-14", stack: "X: Jane Smith\nborn 2017-03-14\n    at f (/app/x.js:1:2)" } }, "a multi-line message");
    await new Promise((r) => setImmediate(r));
    expect(JSON.stringify(lines)).not.toMatch(/Jane|2017-03-14/);
    expect(lines[0]!.err).toMatchObject({ type: "TypeError", message: "[redacted]" });
    expect(String((lines[0]!.err as { stack: string }).stack)).toMatch(/^ {4}at /);
    expect(String((lines[1]!.err as { stack: string }).stack)).toMatch(/^ {4}at .*logger\.test\.ts/);
    expect(lines[2]!.err).toEqual({ type: "X", message: "[redacted]", stack: "    at f (/app/x.js:1:2)" });
  });
});
