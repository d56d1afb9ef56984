import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Database } from "../../src/ports/store.js";
import { openDatabase } from "../../src/infra/store/open-database.js";

/**
 * The stores every integration suite runs against: PGlite always, and a real PostgreSQL server when
 * DATABASE_URL is set (`.ci/run` starts one). Each PostgreSQL suite gets its own fresh database.
 */
export interface TestStore {
  name: string;
  /** `url`: PostgreSQL only, the suite's database (to open a second pool, as a second app instance would). */
  open(): Promise<Database & { drop(): Promise<void>; url?: string }>;
}

export function testStores(): TestStore[] {
  const stores: TestStore[] = [
    {
      name: "pglite",
      async open() {
        const db = await openDatabase({ dataDir: "memory://" });
        return Object.assign(db, { drop: () => db.close() });
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    stores.push({
      name: "postgres",
      async open() {
        const name = `strat_test_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const u = new URL(url);
        u.pathname = `/${name}`;
        const db = await openDatabase({ databaseUrl: u.toString(), dataDir: "unused" });
        return Object.assign(db, {
          url: u.toString(),
          async drop() {
            await db.close();
            const a = new pg.Client({ connectionString: url });
            await a.connect();
            await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await a.end();
          },
        });
      },
    });
  }
  return stores;
}
