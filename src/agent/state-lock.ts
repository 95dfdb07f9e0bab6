/**
 * One agent per state folder: `agent.lock` holds the pid and host of the agent using it. A
 * lock whose process is gone (a `kill -9`) is taken over; a live one refuses the start, so
 * two agents never resume each other's claims or clean each other's temporary files (with a
 * PostgresStore, several agents share the database but each has its own `stateDir`).
 * @internal
 * @module
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import { syncDir } from './durable-fs.js';

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of a state folder, held until {@link StateLock.release}. */
export class StateLock {
  readonly #file: string;

  private constructor(file: string) {
    this.#file = file;
  }

  /**
   * Takes the lock of `dir`.
   * @throws {StoreError} VDXP_STORE_LOCKED when a live agent (or one on another host) holds it
   */
  static async acquire(dir: string, now: Date = new Date()): Promise<StateLock> {
    const file = join(dir, 'agent.lock');
    const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx');
        try {
          await handle.writeFile(JSON.stringify(mine));
          await handle.sync();
        } finally {
          await handle.close();
        }
        await syncDir(dir);
        return new StateLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError('VDXP_STORE_IO', `cannot create ${file}`, { cause: e, location: file });
      }
      let held: Partial<LockInfo> = {};
      try {
        held = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
      } catch {
        // unreadable: written by a process killed mid-write
      }
      const stale = held.pid === undefined || (held.host === mine.host && (held.pid === process.pid || !alive(held.pid)));
      if (!stale) {
        throw new StoreError('VDXP_STORE_LOCKED', `another agent (pid ${held.pid} on ${held.host}, since ${held.startedAt}) uses the state folder ${dir}; give each agent its own stateDir`, { location: file });
      }
      await unlink(file).catch(() => undefined);
    }
    throw new StoreError('VDXP_STORE_LOCKED', `another agent took the state folder ${dir} while this one started`, { location: file });
  }

  /** Removes the lock file. Idempotent. */
  async release(): Promise<void> {
    try {
      const held = JSON.parse(await readFile(this.#file, 'utf8')) as Partial<LockInfo>;
      if (held.pid === process.pid) await unlink(this.#file);
    } catch {
      // gone already
    }
  }
}
