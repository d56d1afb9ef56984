import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 11 point 12: child and case references are the case system's reference, never a name or a date of
 * birth (CHILD_REFERENCE_PATTERN, default letters, digits, - or /, up to 20, not a date), and no reason an
 * outside agency sees (the invitation card in Teams, the response page) repeats a child reference or a
 * school name (I-EDU, I-SN, I-HV…). Over real HTTP, real botbuilder, the harness's store.
 */
const CHILD_MESSAGE = "Child 1 reference: use the case system's reference (letters, digits, - or /, up to 20), never a name or date of birth.";
const CASE_MESSAGE = "Case reference: use the case system's reference (letters, digits, - or /, up to 20), never a name or date of birth.";

function form(over: Record<string, string> = {}): Record<string, string> {
  return {
    requestId: crypto.randomUUID(), caseRef: "LCS-88001", profile: "bromley-2023", concerns: "standard",
    receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "ZQ7731", child1Dob: "2014-05-01", child1Flags: "",
    household: "", missingDate: "", missingTime: "", missingConcerns: "false", ...over,
  };
}

async function open(h: Harness, data: Record<string, string>) {
  const r = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "openStrat", data } } }));
  expect(r.status).toBe(200);
  expect(r.body.type).toBe("application/vnd.microsoft.card.adaptive");
  return r.body.value as Record<string, unknown>;
}

/** The input with this id, wherever it sits in the card. */
function inputById(card: unknown, id: string): { regex: string; maxLength: number } {
  let found: unknown;
  JSON.stringify(card, (_k, v: unknown) => {
    if (v && typeof v === "object" && (v as { id?: unknown }).id === id) found = v;
    return v;
  });
  return found as { regex: string; maxLength: number };
}

const openCount = async (h: Harness) => (await h.app.ctx.strats.listOpen(1000)).length;

describe("child and case references (default pattern)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  it("a name or a date of birth as a child or case reference comes back beside the field, in the chair's words; nothing is saved", async () => {
    const n0 = await openCount(h);
    const cases: [Record<string, string>, string][] = [
      [{ child1Ref: "Jane Smith" }, CHILD_MESSAGE],
      [{ child1Ref: "Tom Smith 14/03/2017" }, CHILD_MESSAGE],
      [{ child1Ref: "14/03/2017" }, CHILD_MESSAGE],
      [{ child1Ref: "14-03-2017" }, CHILD_MESSAGE],
      [{ child1Ref: "2017-03-14" }, CHILD_MESSAGE],
      [{ child1Ref: "14032017" }, CHILD_MESSAGE],
      [{ child1Ref: "C".repeat(21) }, CHILD_MESSAGE],
      [{ caseRef: "14032017" }, CASE_MESSAGE],
      [{ caseRef: "Jane Smith" }, CASE_MESSAGE],
    ];
    for (const [over, message] of cases) {
      const card = JSON.stringify(await open(h, form(over)));
      expect(card, JSON.stringify(over)).toContain(message);
      expect(card).toContain("Nothing was saved");
      expect(card).toMatch(/Open a strategy discussion/);
    }
    expect(await openCount(h)).toBe(n0);
    // and no log line repeats a refused value
    for (const v of ["Jane Smith", "Tom Smith", "14/03/2017", "14032017"]) expect(h.logs.filter((l) => l.includes(v))).toEqual([]);
  });

  it("the new card tells the chair the shape before submitting (help text and the client-side check)", async () => {
    const r = await h.post(activity({ text: "new", deliveryMode: "expectReplies" }));
    const card = cardsIn(r.body.activities)[0];
    const inputs = JSON.stringify(card);
    expect(inputs).toContain("use the case system's reference (letters, digits, - or /, up to 20), never a name or date of birth");
    const child1 = inputById(card, "child1Ref");
    expect(new RegExp(child1.regex).test("ZQ7731")).toBe(true);
    expect(new RegExp(child1.regex).test("Jane Smith")).toBe(false);
    expect(child1.maxLength).toBe(20);
  });

  it("outside agencies' invitation card (the response page; Teams shows the same card) never repeats the child reference or the school name; the chair's list still does", async () => {
    const opened = await open(h, form({
      caseRef: "LCS-88002", child1School: "Xylo Primary", child1SchoolBorough: "Bromley", child1SchoolDsl: "dsl@xylo.example.org",
      child2Ref: "ZQ7732", child2Dob: "2023-01-01", child2School: "Quillfarthing Nursery", child2SchoolBorough: "Croydon", child2SchoolDsl: "dsl@quill.example.org",
    }));
    const ref = /SD-\d{4}-\d{4,}/.exec(JSON.stringify(opened))![0];
    const chairList = cardsIn((await h.post(activity({ text: `invitees ${ref}`, deliveryMode: "expectReplies" }))).body.activities)[0];
    expect(JSON.stringify(chairList)).toContain("ZQ7731"); // the chair (inside the council) sees which child each rule is for
    expect(JSON.stringify(chairList)).toContain("Xylo Primary");
    const sent = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "inviteesSend", data: findAction(chairList, "inviteesSend").data } } }));
    const tokens = [...JSON.stringify(sent.body.value).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    expect(tokens.length).toBeGreaterThanOrEqual(5); // police, BHC, school nurses, both schools' DSLs, health visiting
    const whys: string[] = [];
    for (const t of tokens) {
      const html = await (await fetch(`${h.base}/respond/${t}`)).text();
      const card = JSON.parse(/<script type="application\/json" id="initial">([\s\S]*?)<\/script>/.exec(html)![1]!);
      const facts: { title: string; value: string }[] = card.body.find((b: { type: string }) => b.type === "FactSet").facts;
      const why = facts.find((f) => f.title === "Why you")!.value;
      whys.push(why);
      for (const secret of ["ZQ7731", "ZQ7732", "Xylo Primary", "Quillfarthing Nursery"]) expect(why, why).not.toContain(secret);
      for (const secret of ["ZQ7731", "ZQ7732"]) expect(html).not.toContain(secret);
    }
    expect(whys.some((w) => /Child in this case is of school age.*the school's designated safeguarding lead/.test(w))).toBe(true);
    expect(whys.some((w) => /Child in this case is under five/.test(w))).toBe(true);
  });
});

describe("child and case references (a council's own CHILD_REFERENCE_PATTERN)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ CHILD_REFERENCE_PATTERN: "[0-9]{7}" });
  });
  afterAll(async () => h?.stop());

  it("the configured pattern decides, for child and case references alike; a date is still refused", async () => {
    const own = "use the case system's reference (in the format the council set), never a name or date of birth.";
    expect(JSON.stringify(await open(h, form({ caseRef: "7654321", child1Ref: "C1" })))).toContain(`Child 1 reference: ${own}`);
    expect(JSON.stringify(await open(h, form({ caseRef: "LCS-88003", child1Ref: "1234567" })))).toContain(`Case reference: ${own}`);
    const r = await h.post(activity({ text: "new", deliveryMode: "expectReplies" }));
    expect(JSON.stringify(cardsIn(r.body.activities)[0])).toContain('"regex":"^(?:[0-9]{7})$"');
    const opened = JSON.stringify(await open(h, form({ caseRef: "7654321", child1Ref: "1234567" })));
    expect(opened).toMatch(/SD-\d{4}-\d{4,} opened/);
  });
});
