/**
 * One folder of JSON records for {@link FileStore}: one file per record (`<id>.json`), read
 * and checked on open, kept in memory, every change written durably.
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
  readonly records = new Map<string, T>();
  readonly #dir: string;
  readonly #schema: z.ZodType<T>;
  readonly #target: DurableTarget;

  constructor(dir: string, schema: z.ZodType<T>, target: DurableTarget) {
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
      const parsed = this.#schema.safeParse(value);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new StoreError('VDXP_STORE_CORRUPT', `record ${name} is malformed (${first ? `${first.path.join('.')}: ${first.message}` : 'schema'})`, { location: path });
      }
      if (`${parsed.data.id}.json` !== name) {
        throw new StoreError('VDXP_STORE_CORRUPT', `record ${name} carries another id`, { location: path });
      }
      this.records.set(parsed.data.id, freeze(parsed.data));
    }
  }

  /** Writes a record durably, then keeps it in memory. */
  async put(record: T): Promise<T> {
    const frozen = freeze(structuredClone(record));
    await writeDurably(this.#target, this.#dir, `${record.id}.json`, JSON.stringify(frozen));
    this.records.set(record.id, frozen);
    return frozen;
  }

  get(id: string): T | undefined {
    return this.records.get(id);
  }

  values(): T[] {
    return [...this.records.values()];
  }
}
