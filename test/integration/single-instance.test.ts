import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/browser.js";
import { appStore, type AppStore } from "../support/databases.js";
import { openDatabase } from "../../src/infra/store/open-database.js";

/**
 * Issue 11, point 1 (data loss): two copies of the app on one PGlite folder both ran and the second one's
 * strats were lost; a port in use failed with "Cannot read properties of null (reading 'port')" after the
 * database had been opened and migrated. The real `src/main.ts` in child processes.
 */
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> }

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, PLAYGROUND: "false", LOG_LEVEL: "error", DATABASE_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (b: Buffer) => { out += b.toString(); });
  child.stderr!.on("data", (b: Buffer) => { err += b.toString(); });
  const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function ports(): Promise<{ PORT: string; GRAPH_STANDIN_PORT: string }> {
  return { PORT: String(await freePort()), GRAPH_STANDIN_PORT: String(await freePort()) };
}

/**
 * Started: it says so on stdout (after its signal handlers are in place) and /healthz answers. A cold start
 * under `tsx` takes ~5 s alone and over 30 s with the rest of the suite on 2 cores, hence the 90 s.
 */
async function up(r: Run, port: string): Promise<void> {
  for (const until = Date.now() + 90_000; Date.now() < until;) {
    if (r.child.exitCode !== null) throw new Error(`the app exited: ${r.stderr()}`);
    if (r.stdout().includes("app is running") && await fetch(`http://127.0.0.1:${port}/healthz`).then((x) => x.ok, () => false)) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("the app did not start");
}

async function stop(r: Run): Promise<number | null> {
  r.child.kill("SIGTERM");
  return r.exit;
}

const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "strat-lock-"));
  dirs.push(d);
  return d;
}

describe("one PGlite folder, one process (issue 11 point 1)", () => {
  it("a second process on the same DATA_DIR refuses to start with one line naming the folder and the holder, and leaves the database alone", async () => {
    const DATA_DIR = tempDataDir();
    const pa = await ports();
    const a = run({ ...pa, DATA_DIR });
    await up(a, pa.PORT);

    const pb = await ports();
    const b = run({ ...pb, DATA_DIR });
    expect(await b.exit).toBe(1);
    const out = lines(b.stderr());
    expect(out).toHaveLength(1);
    expect(b.stdout()).toBe(""); // the one line is all it says
    expect(out[0]).toContain(`Start-up failed: the database folder ${join(DATA_DIR, "pglite")} is in use by process ${a.child.pid}`);
    expect(out[0]).toContain("set DATA_DIR");
    // the second one never served
    expect(await fetch(`http://127.0.0.1:${pb.PORT}/healthz`).then(() => "up", () => "down")).toBe("down");
    // the first one still serves, and still holds the folder
    expect((await fetch(`http://127.0.0.1:${pa.PORT}/healthz`)).ok).toBe(true);
    expect(readFileSync(join(DATA_DIR, "pglite.lock"), "utf8").trim().split(" ")[0]).toBe(String(a.child.pid));

    // a clean stop lets go of the folder: the next process starts on it
    expect(await stop(a)).toBe(0);
    expect(existsSync(join(DATA_DIR, "pglite.lock"))).toBe(false);
    const pc = await ports();
    const c = run({ ...pc, DATA_DIR });
    await up(c, pc.PORT);
    expect(readFileSync(join(DATA_DIR, "pglite.lock"), "utf8").trim().split(" ")[0]).toBe(String(c.child.pid));
    expect(await stop(c)).toBe(0);
  }, 180_000);

  it("a lock left by a process that is gone (kill -9) is taken over", async () => {
    const DATA_DIR = tempDataDir();
    const gone = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    const deadPid = gone.pid!;
    await new Promise((r) => gone.once("exit", r));
    writeFileSync(join(DATA_DIR, "pglite.lock"), `${deadPid}\n`);
    const p = await ports();
    const a = run({ ...p, DATA_DIR });
    await up(a, p.PORT);
    expect(readFileSync(join(DATA_DIR, "pglite.lock"), "utf8").trim().split(" ")[0]).toBe(String(a.child.pid));
    expect(await stop(a)).toBe(0);
  }, 150_000);

  it("a lock with this process's own pid from an earlier process (a restarted container gets pid 1 again) is taken over", async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, "pglite.lock"), `${process.pid} ${Date.now() - process.uptime() * 1000 - 3_600_000}\n`);
    const db = await openDatabase({ dataDir });
    expect(await db.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await db.close();
    expect(existsSync(join(dataDir, "pglite.lock"))).toBe(false);
  }, 150_000);

  it("in one process, the folder cannot be opened twice either; closing lets go", async () => {
    const dataDir = tempDataDir();
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toThrow(`the database folder ${join(dataDir, "pglite")} is in use by process ${process.pid}`);
    await first.close();
    const again = await openDatabase({ dataDir });
    expect(await again.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await again.close();
  }, 150_000);
});

describe("a port in use (issue 11 point 1)", () => {
  let store: AppStore | undefined;
  let blocker: Server | undefined;
  afterAll(async () => {
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
    await store?.drop();
  });

  it("says which port and which setting, before the database is opened or migrated", async () => {
    store = await appStore({ persistent: true });
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(port, "127.0.0.1", r));
    const r = run({ PORT: String(port), GRAPH_STANDIN_PORT: String(await freePort()), DATA_DIR: store.env.DATA_DIR, DATABASE_URL: store.env.DATABASE_URL ?? "" });
    expect(await r.exit).toBe(1);
    const out = lines(r.stderr());
    expect(out).toEqual([`Start-up failed: port ${port} is in use (set PORT).`]);
    expect(r.stdout()).toBe("");
    // nothing was opened: no PGlite folder, or an empty PostgreSQL database (no migrations ran)
    if (store.name === "pglite") expect(existsSync(join(store.env.DATA_DIR, "pglite"))).toBe(false);
    else {
      const db = await openPgWithoutMigrating(store.env.DATABASE_URL!);
      expect(db).toEqual([]);
    }
  }, 150_000);

  it("names GRAPH_STANDIN_PORT when the Graph stand-in's port is taken", async () => {
    const port = await freePort();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(port, "127.0.0.1", r));
    try {
      const r = run({ PORT: String(await freePort()), GRAPH_STANDIN_PORT: String(port), DATA_DIR: tempDataDir() });
      expect(await r.exit).toBe(1);
      expect(lines(r.stderr())).toEqual([`Start-up failed: port ${port} is in use (set GRAPH_STANDIN_PORT).`]);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  }, 150_000);
});

/** The tables in the public schema of a PostgreSQL database, read without running the app's migrations. */
async function openPgWithoutMigrating(url: string): Promise<string[]> {
  const pg = (await import("pg")).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rows = await c.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'");
    return rows.rows.map((x) => x.t);
  } finally {
    await c.end();
  }
}
