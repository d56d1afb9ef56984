import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { assembleRecord, RECORD_SCHEMA_ID, RECORD_SCHEMA_VERSION, recordJson } from "../../../src/domain/record/record.js";
import { recordJsonSchemaText } from "../../../src/domain/record/schema.js";
import { fullStrat } from "../../support/full-strat.js";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const published = readFileSync(new URL("../../../docs/record.schema.json", import.meta.url), "utf8");

/** Issue 13 point 1: docs/record.schema.json is the versioned JSON Schema of the record, generated from the zod schema. */
describe("docs/record.schema.json", () => {
  it("is what the zod schema generates (regenerate: npm run -s record -- schema > docs/record.schema.json)", () => {
    expect(published).toBe(recordJsonSchemaText());
    expect(JSON.parse(published)).toMatchObject({ $id: RECORD_SCHEMA_ID, $schema: "https://json-schema.org/draft/2020-12/schema" });
  });

  it("is version 1.1.0 since the record gained the required missingRiskByChild (issue 14), and the record JSON says so", () => {
    expect(RECORD_SCHEMA_VERSION).toBe("1.1.0");
    expect(JSON.parse(published)).toMatchObject({ $id: "urn:strat:record:1.1.0", title: "Strategy discussion record, version 1.1.0" });
    expect(JSON.parse(published).required).toContain("missingRiskByChild");
    expect(JSON.parse(recordJson(assembleRecord(fullStrat(), { id: "p", title: "P" })))).toMatchObject({ recordSchemaVersion: "1.1.0" });
  });

  it("accepts real records (a full strat and a just-opened one) and refuses one with a child's date of birth or a bad hash", () => {
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(published) as object);
    const full = JSON.parse(recordJson(assembleRecord(fullStrat(), { id: "p", title: "P" }))) as Record<string, unknown> & { children: object[] };
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
    const bare = fullStrat({ children: 1, invitees: 3, actions: 0 });
    const opened = { ...bare, status: "open" as const, state: { ...bare.state, closure: null, amendments: [], decisions: null, plan: null, attendance: null, meeting: null } };
    expect(validate(JSON.parse(recordJson(assembleRecord(opened, { id: "p", title: "P" })))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...full, children: [{ ...full.children[0], dob: "2015-01-01" }] })).toBe(false);
    expect(validate({ ...full, contentHash: "nope" })).toBe(false);
  });
});
