/**
 * The lock file that keeps a {@link FileStore} to one process: `LOCK` holds the owner's pid,
 * host, start time and a token. Created atomically (hard link of a complete temporary
 * file); released on close and at process exit; recovered when its process is gone.
 * @internal
 * @module
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import { ioError } from './durable-files.js';

/** What the lock file says. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO 8601 UTC: when the lock was taken. */
  readonly startedAt: string;
  /** Start time of the process in clock ticks since boot (Linux `/proc/<pid>/stat`), to spot a reused pid. */
  readonly processStart?: string;
  readonly token: string;
}

/** A held lock. */
export class FileLock {
  readonly #path: string;
  readonly #token: string;
  readonly #onExit: () => void;
  #released = false;

  private constructor(path: string, token: string) {
    this.#path = path;
    this.#token = token;
    this.#onExit = () => this.#releaseSync();
    process.once('exit', this.#onExit);
  }

  /**
   * Takes the lock at `dir/LOCK`, recovering a stale one (its process is gone).
   * @throws {StoreError} VDXP_STORE_LOCKED when a live process holds it, VDXP_STORE_IO
   */
  static async acquire(dir: string, tmpDir: string, now: Date): Promise<FileLock> {
    const path = join(dir, 'LOCK');
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      startedAt: now.toISOString(),
      ...(processStartOf(process.pid) ? { processStart: processStartOf(process.pid)! } : {}),
      token: randomUUID(),
    };
    const tmp = join(tmpDir, `lock-${owner.token}.tmp`);
    try {
      await writeFile(tmp, JSON.stringify(owner), { flag: 'wx' });
    } catch (e) {
      throw ioError('cannot write the lock file', e, tmp);
    }
    try {
      for (let round = 0; round < 5; round++) {
        try {
          await link(tmp, path);
          return new FileLock(path, owner.token);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('cannot create the lock file', e, path);
        }
        const current = await readOwner(path);
        if (current === 'missing') continue;
        if (current !== 'unreadable' && isAlive(current)) {
          const where = current.host === owner.host ? '' : ` on host ${current.host}`;
          throw new StoreError(
            'VDXP_STORE_LOCKED',
            `the store is in use by process ${current.pid}${where} since ${current.startedAt}; stop it first` +
              (where ? ' (remove LOCK only if that host is down)' : ''),
            { location: path },
          );
        }
        await takeOverStale(path, current === 'unreadable' ? undefined : current.token);
      }
      throw new StoreError('VDXP_STORE_LOCKED', 'the store lock keeps changing hands; another process is starting on it', { location: path });
    } finally {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    process.off('exit', this.#onExit);
    const current = await readOwner(this.#path);
    if (typeof current === 'object' && current.token === this.#token) await rm(this.#path, { force: true });
  }

  #releaseSync(): void {
    if (this.#released) return;
    this.#released = true;
    try {
      const current = JSON.parse(readFileSync(this.#path, 'utf8')) as Partial<LockOwner>;
      if (current.token === this.#token) unlinkSync(this.#path);
    } catch {
      // nothing to release
    }
  }
}

async function readOwner(path: string): Promise<LockOwner | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw ioError('cannot read the lock file', e, path);
  }
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string' && typeof v.startedAt === 'string') return v as LockOwner;
  } catch {
    // fall through
  }
  return 'unreadable';
}

/** True when the owner may still be running (another host: assume so). */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const start = processStartOf(owner.pid);
  return !(owner.processStart && start && start !== owner.processStart);
}

/** Moves a stale lock aside; puts it back if it turned out to be a fresh one. */
async function takeOverStale(path: string, staleToken: string | undefined): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw ioError('cannot remove a stale lock file', e, path);
  }
  const moved = await readOwner(aside);
  const wasStale = moved === 'unreadable' || moved === 'missing' || moved.token === staleToken;
  if (!wasStale) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Field 22 of `/proc/<pid>/stat` (start time in ticks), or undefined off Linux. */
function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}
