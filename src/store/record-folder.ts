/**
 * One folder of JSON records for {@link FileStore}: one file per record (`<id>.json`), read
 * and checked on open, kept in memory. Changes are staged, written to the journal in batches,
 * then published; the record files are rewritten when the journal is compacted.
 * @internal
 * @module
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { StoreError } from '../errors.js';
import { ioError, writeDurably, type DurableTarget } from './durable-files.js';

/** Deep-freezes a plain record so that callers cannot change the stored copy. */
export function freeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) freeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A folder of records of one kind. */
export class RecordFolder<T extends { readonly id: string }> {
  readonly #records = new Map<string, T>();
  /** Ids by the index key (`indexBy`), for the lookups that would otherwise scan every record. */
  readonly #byKey = new Map<string, Set<string>>();
  readonly #indexBy: ((record: T) => string) | undefined;
  readonly #dir: string;
  readonly #schema: z.ZodType<T>;
  readonly #target: DurableTarget;
  readonly #staged = new Map<string, T>();

  /** `indexBy`: a key that never changes for a record (a DocumentId), looked up with {@link withKey}. */
  constructor(dir: string, schema: z.ZodType<T>, target: DurableTarget, indexBy?: (record: T) => string) {
    this.#indexBy = indexBy;
    this.#dir = dir;
    this.#schema = schema;
    this.#target = target;
  }

  /**
   * Reads every record; leftover temporary files of an interrupted write are removed.
   * @throws {StoreError} VDXP_STORE_CORRUPT for a record that is not valid JSON of its kind, or whose id is not its file name
   */
  async load(): Promise<void> {
    await mkdir(this.#dir, { recursive: true }).catch((e: unknown) => {
      throw ioError('cannot create a store folder', e, this.#dir);
    });
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (e) {
      throw ioError('cannot list a store folder', e, this.#dir);
    }
    for (const name of names) {
      const path = join(this.#dir, name);
      if (!name.endsWith('.json')) {
        if (name.endsWith('.tmp')) await rm(path, { force: true });
        continue;
      }
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        throw ioError('cannot read a record', e, path);
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new StoreError('VDXP_STORE_CORRUPT', `record ${name} is not valid JSON; restore it from a backup or move it away`, { cause: e, location: path });
      }
      const record = this.#check(value, name, path);
      if (`${record.id}.json` !== name) {
        throw new StoreError('VDXP_STORE_CORRUPT', `record ${name} carries another id`, { location: path });
      }
      this.set(freeze(record));
    }
  }

  /**
   * Applies a record replayed from the journal.
   * @throws {StoreError} VDXP_STORE_CORRUPT when it breaks its schema
   */
  replay(value: unknown, location: string): T {
    const record = freeze(this.#check(value, `${String((value as { id?: unknown }).id)} in the journal`, location));
    this.set(record);
    return record;
  }

  #check(value: unknown, name: string, location: string): T {
    const parsed = this.#schema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new StoreError('VDXP_STORE_CORRUPT', `record ${name} is malformed (${first ? `${first.path.join('.')}: ${first.message}` : 'schema'})`, { location });
    }
    return parsed.data;
  }

  /**
   * Stages a record for the next journal batch: changes that follow in the same batch see it
   * through {@link current}; readers see it only after {@link publish}.
   */
  stage(record: T): T {
    const frozen = freeze(structuredClone(record));
    this.#staged.set(record.id, frozen);
    return frozen;
  }

  /** The staged records (the batch being built). */
  staged(): T[] {
    return [...this.#staged.values()];
  }

  /** Makes the staged records visible (their batch is durable); returns them. */
  publish(): T[] {
    const out = [...this.#staged.values()];
    for (const r of out) this.set(r);
    this.#staged.clear();
    return out;
  }

  /** Drops the staged records (their batch failed). */
  discard(): void {
    this.#staged.clear();
  }

  /** Writes one record file durably (compaction), without the folder fsync: the caller syncs the folder once. */
  async writeFile(record: T): Promise<void> {
    await writeDurably({ ...this.#target, folders: undefined }, this.#dir, `${record.id}.json`, JSON.stringify(record), { syncFolder: false });
  }

  /** The folder's path. */
  get dir(): string {
    return this.#dir;
  }

  /** Replaces a record in memory only (for state that must not outlive the process: leases). */
  keep(record: T): T {
    const frozen = freeze(structuredClone(record));
    this.set(frozen);
    return frozen;
  }

  /** Puts a (frozen) record in memory, keeping the index current. */
  set(record: T): void {
    const before = this.#records.get(record.id);
    this.#records.set(record.id, record);
    if (!this.#indexBy) return;
    const key = this.#indexBy(record);
    if (before) {
      const old = this.#indexBy(before);
      if (old !== key) this.#byKey.get(old)?.delete(record.id);
    }
    let ids = this.#byKey.get(key);
    if (!ids) this.#byKey.set(key, (ids = new Set()));
    ids.add(record.id);
  }

  /** The published records whose index key is `key`. */
  withKey(key: string): T[] {
    const out: T[] = [];
    for (const id of this.#byKey.get(key) ?? []) {
      const r = this.#records.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  /** The record as the batch being built sees it (staged, else published). */
  current(id: string): T | undefined {
    return this.#staged.get(id) ?? this.#records.get(id);
  }

  get(id: string): T | undefined {
    return this.#records.get(id);
  }

  values(): T[] {
    return [...this.#records.values()];
  }
}
