/**
 * The published JSON Schema of the record (docs/record.schema.json), generated from ZStratRecord so the two never
 * drift: `npm run -s record -- schema > docs/record.schema.json`; test/unit/record/record-schema.test.ts checks the
 * file equals this and validates real records against it. Versioned by `$id` (RECORD_SCHEMA_ID).
 */
import { z } from "zod";
import { RECORD_SCHEMA_ID, RECORD_SCHEMA_VERSION, ZStratRecord } from "./record.js";

export function recordJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ZStratRecord, { target: "draft-2020-12" }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    $id: RECORD_SCHEMA_ID,
    title: `Strategy discussion record, version ${RECORD_SCHEMA_VERSION}`,
    description: "The record of a child-protection strategy discussion (DOMAIN.md §5, R-*): children by reference only; contentHash is the SHA-256 of the canonical JSON (sorted keys) of the record without contentHash.",
    ...generated,
  };
}

/** The schema file's text (2-space JSON, trailing newline). */
export const recordJsonSchemaText = (): string => `${JSON.stringify(recordJsonSchema(), null, 2)}\n`;
