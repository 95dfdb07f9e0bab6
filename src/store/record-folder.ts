/**
 * One folder of JSON records for {@link FileStore}: one file per record (`<id>.json`), read
 * and checked on open, kept in memory. Changes are staged, written to the journal in batches,
 * then published; the record files are rewritten when the journal is compacted.
 * @internal
 * @module
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import type { z } from 'zod';
import { StoreError } from '../errors.js';
import { ioError, writeDurably, type DurableTarget } from './durable-files.js';

/** Deep-freezes a plain record so that callers cannot change the stored copy. */
export function freeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value); // first, so that a cycle ends here
    for (const v of Object.values(value)) freeze(v);
  }
  return value;
}

/**
 * A deep, frozen copy of a record, so that the caller's object and the stored one never share
 * anything. `structuredClone` on purpose: it also copies every string into a string of its
 * own. A field read from a package is often a slice of the package's whole decoded text, and
 * a record holding that slice would keep the whole text alive for as long as the store keeps
 * the record (every record stays in memory). A property-by-property copy was 4–5 times faster
 * (1.0–1.4 µs against 5.1–7.6 µs for an outbox entry) but kept about 7 MB more alive over a
 * 1000-document round trip (both stores), for a gain of about 0.5% of its time.
 */
export function frozenCopy<T>(value: T): T {
  return freeze(structuredClone(value));
}

/** How long {@link RecordFolder.load} reads files before it lets the event loop run. */
export const LOAD_SLICE_MS = 10;

/** A folder of records of one kind. */
export class RecordFolder<T extends { readonly id: string }, I extends string = never> {
  readonly #records = new Map<string, T>();
  /** Per index: ids by key, for the lookups that would otherwise scan every record. */
  readonly #indexes: readonly { readonly name: I; readonly keyOf: (record: T) => string | undefined; readonly ids: Map<string, Set<string>> }[];
  readonly #dir: string;
  readonly #schema: z.ZodType<T>;
  readonly #target: DurableTarget;
  readonly #staged = new Map<string, T>();

  /**
   * `indexes`: named keys of a record, looked up with {@link withKey}. A key may change when
   * the record does (a state); a record whose key is `undefined` is not in that index (so an
   * index of the few open entries stays small however many closed ones the folder holds).
   */
  constructor(dir: string, schema: z.ZodType<T>, target: DurableTarget, indexes: Readonly<Record<I, (record: T) => string | undefined>> = {} as Record<I, never>) {
    this.#indexes = (Object.keys(indexes) as I[]).map((name) => ({ name, keyOf: indexes[name], ids: new Map<string, Set<string>>() }));
    this.#dir = dir;
    this.#schema = schema;
    this.#target = target;
  }

  /**
   * Reads every record; leftover temporary files of an interrupted write are removed.
   *
   * The files are read synchronously, in slices of about {@link LOAD_SLICE_MS} with the event
   * loop let go between slices: `fs/promises.readFile` takes several thread-pool round trips
   * per file, and one after the other they made opening a store with 20 000 records take
   * 6–7 s (mostly waiting), against about 0.3 s read synchronously.
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
    let sliceStart = performance.now();
    for (const name of names) {
      if (performance.now() - sliceStart >= LOAD_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const path = join(this.#dir, name);
      if (!name.endsWith('.json')) {
        if (name.endsWith('.tmp')) await rm(path, { force: true });
        continue;
      }
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
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
    const frozen = frozenCopy(record);
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
    const frozen = frozenCopy(record);
    this.set(frozen);
    return frozen;
  }

  /** Puts a (frozen) record in memory, keeping the indexes current. */
  set(record: T): void {
    const before = this.#records.get(record.id);
    this.#records.set(record.id, record);
    for (const index of this.#indexes) {
      const key = index.keyOf(record);
      const old = before ? index.keyOf(before) : undefined;
      if (old !== undefined && old !== key) {
        const ids = index.ids.get(old);
        ids?.delete(record.id);
        if (ids?.size === 0) index.ids.delete(old);
      }
      if (key === undefined) continue;
      let ids = index.ids.get(key);
      if (!ids) index.ids.set(key, (ids = new Set()));
      ids.add(record.id);
    }
  }

  /** The published records whose key in `index` is `key` (in no particular order). */
  withKey(index: I, key: string): T[] {
    const ids = this.#indexes.find((i) => i.name === index)?.ids.get(key);
    const out: T[] = [];
    if (!ids) return out;
    for (const id of ids) {
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
