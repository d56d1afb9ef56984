import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { AppError } from "../../domain/errors.js";

/** True while a process with this id runs (EPERM: it runs under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** When this process started (ms, to the second): with the pid, tells this process from an earlier one that had its pid. */
const startedAt = () => Math.round((Date.now() - process.uptime() * 1000) / 1000) * 1000;

function holderOf(lockFile: string): number | null | "gone" {
  try {
    const [pidText, startedText] = readFileSync(lockFile, "utf8").trim().split(/\s+/);
    const pid = Number.parseInt(pidText ?? "", 10);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    // our own pid written by an earlier process (a container restarted with the same pid, e.g. 1): stale
    if (pid === process.pid && startedText !== undefined && Math.abs(Number(startedText) - startedAt()) > 2000) return null;
    return pid;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw e;
  }
}

/**
 * One process per PGlite folder (issue 11, point 1): PGlite has no lock of its own, and a second process on
 * the same folder ran happily and lost its writes. `lockFile` is created exclusively (`wx`) with this process
 * id in it; a lock whose process is gone (kill -9, power cut) is taken over; `release` removes it on a clean
 * stop (only while it is still ours). `folder` is the database folder the message names.
 */
export function lockFolder(lockFile: string, folder: string, dataDirDir: string): { release(): void } {
  mkdirSync(dataDirDir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockFile, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = holderOf(lockFile);
      if (holder === "gone") continue; // let go while we looked: try again
      if (holder !== null && alive(holder)) {
        throw new AppError("unavailable", `the database folder ${folder} is in use by process ${holder} (another copy of this app?). Stop it, or set DATA_DIR to another folder.`);
      }
      // stale (its process is gone, or it never got its id written): take it over, unless it changed meanwhile
      if (holderOf(lockFile) === holder) rmSync(lockFile, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid} ${startedAt()}\n`);
    } finally {
      closeSync(fd);
    }
    return {
      release() {
        if (holderOf(lockFile) === process.pid) rmSync(lockFile, { force: true });
      },
    };
  }
  throw new AppError("unavailable", `the database folder ${folder} could not be locked (${lockFile} keeps changing). Stop other copies of this app, or set DATA_DIR to another folder.`);
}
