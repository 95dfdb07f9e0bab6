/**
 * Durable storage of a {@link LocalAxis}'s queues in its `dataDir`: `state.json` and one
 * file per package under `packages/`, each written atomically (temporary file, fsync,
 * rename, fsync of the folder), one write at a time.
 * @module
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../errors.js';

/** Writes and reads a LocalAxis's files. */
export class AxisPersistence {
  readonly #dir: string;
  #queue: Promise<unknown> = Promise.resolve();
  #counter = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Creates the folders. @throws {IoError} VDXP_IO */
  async init(): Promise<void> {
    try {
      await mkdir(join(this.#dir, 'packages'), { recursive: true });
    } catch (e) {
      throw new IoError(this.#dir, `cannot use ${this.#dir} as the data folder: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
    }
  }

  /** The saved state, or undefined on a fresh folder. @throws {IoError} VDXP_IO when it is unreadable */
  async loadState(): Promise<unknown> {
    const path = join(this.#dir, 'state.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new IoError(path, `cannot read ${path}`, { cause: e });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new IoError(path, `${path} is not valid JSON`, { cause: e });
    }
  }

  /** Saves the state (serialised with other writes). */
  saveState(state: unknown): Promise<void> {
    return this.#enqueue(() => this.#writeAtomic(join(this.#dir, 'state.json'), Buffer.from(JSON.stringify(state))));
  }

  /** Saves a package's bytes. */
  savePackage(docId: string, bytes: Uint8Array): Promise<void> {
    return this.#enqueue(() => this.#writeAtomic(this.packagePath(docId), bytes));
  }

  /** Removes a package file (missing is fine). */
  removePackage(docId: string): Promise<void> {
    return this.#enqueue(() => rm(this.packagePath(docId), { force: true }));
  }

  /** Where a package's bytes live. */
  packagePath(docId: string): string {
    if (!/^[0-9a-f]{24}$/.test(docId)) throw new IoError(docId, 'not a package id');
    return join(this.#dir, 'packages', `${docId}.edxml`);
  }

  /** Resolves when every queued write is done. */
  async flush(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.#queue.catch(() => undefined).then(job);
    this.#queue = run;
    return run;
  }

  async #writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
    const tmp = `${path}.${process.pid}.${++this.#counter}.tmp`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      const dir = await open(join(path, '..'), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new IoError(path, `cannot write ${path}`, { cause: e });
    }
  }
}
