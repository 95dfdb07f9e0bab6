/**
 * One kind of record in a PostgreSQL table: the whole record as `jsonb`, plus the columns
 * queries filter, order, lock and de-duplicate on (kept in step with the record on every
 * write). What is read back is checked against the record's schema: a row that breaks it is
 * `VDXP_STORE_CORRUPT`, never skipped.
 * @module
 */
import type { z } from 'zod';
import { StoreError } from '../errors.js';
import { applyPatch, checkExpectation } from './store-rules.js';
import type { UpdateExpectation } from './store.js';
import type { PostgresQueryResult } from './postgres-pool.js';

/** A pool or a connection inside a transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, values?: readonly unknown[]): Promise<PostgresQueryResult<R>>;
}

/** How a kind of record maps to its table. */
export interface RecordTableSpec<T> {
  /** Table name inside the store's schema. */
  readonly table: string;
  /** What a record is called in messages (`outbox entry`). */
  readonly what: string;
  readonly schema: z.ZodType<T>;
  /** Columns besides `record`, the first being `id`. */
  readonly columns: readonly string[];
  /** Their values for a record, in the same order. */
  readonly values: (record: T) => readonly unknown[];
}

/** Records of one kind in one table. */
export class PostgresRecordTable<T extends { readonly id: string }> {
  /** `"schema".table`. */
  readonly name: string;
  readonly #spec: RecordTableSpec<T>;
  readonly #insert: string;
  readonly #write: string;

  constructor(quotedSchema: string, spec: RecordTableSpec<T>) {
    this.name = `${quotedSchema}.${spec.table}`;
    this.#spec = spec;
    const cols = [...spec.columns, 'record'];
    const params = cols.map((c, i) => (c === 'record' ? `$${i + 1}::jsonb` : `$${i + 1}`));
    this.#insert = `INSERT INTO ${this.name} (${cols.join(', ')}) VALUES (${params.join(', ')}) ON CONFLICT DO NOTHING RETURNING record`;
    const sets = cols.slice(1).map((c, i) => `${c} = ${params[i + 1]}`);
    this.#write = `UPDATE ${this.name} SET ${sets.join(', ')} WHERE id = $1`;
  }

  #params(record: T): unknown[] {
    return [...this.#spec.values(record), JSON.stringify(record)];
  }

  /** Checks one stored record. @throws {StoreError} VDXP_STORE_CORRUPT */
  parse(value: unknown): T {
    const parsed = this.#spec.schema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const id = typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : '?';
      throw new StoreError('VDXP_STORE_CORRUPT', `${this.#spec.what} ${id} in ${this.name} is malformed (${first ? `${first.path.join('.')}: ${first.message}` : 'schema'})`, {
        location: `${this.name}/${id}`,
      });
    }
    return parsed.data;
  }

  /** Inserts unless a unique key (id or another) is taken; undefined when it was. */
  async insertIfAbsent(db: Queryable, record: T): Promise<T | undefined> {
    const res = await db.query<{ record: unknown }>(this.#insert, this.#params(record));
    const row = res.rows[0];
    return row ? this.parse(row.record) : undefined;
  }

  /** Records matching `where` (SQL on the table's columns, `$1`… for `values`), in `order`. */
  async select(db: Queryable, where: string, values: readonly unknown[], order: string): Promise<T[]> {
    const res = await db.query<{ record: unknown }>(
      `SELECT record FROM ${this.name}${where ? ` WHERE ${where}` : ''} ORDER BY ${order}`,
      values,
    );
    return res.rows.map((r) => this.parse(r.record));
  }

  async get(db: Queryable, id: string): Promise<T | undefined> {
    return (await this.select(db, 'id = $1', [id], 'id'))[0];
  }

  /**
   * Applies a patch under a row lock: the caller runs this inside a transaction.
   * @throws {StoreError} VDXP_STORE_NOT_FOUND, VDXP_STORE_CONFLICT
   */
  async update(tx: Queryable, id: string, patch: object, expect: UpdateExpectation | undefined): Promise<T> {
    const res = await tx.query<{ record: unknown }>(`SELECT record FROM ${this.name} WHERE id = $1 FOR UPDATE`, [id]);
    const row = res.rows[0];
    if (!row) throw new StoreError('VDXP_STORE_NOT_FOUND', `no ${this.#spec.what} ${id}`, { location: `${this.name}/${id}` });
    const current = this.parse(row.record);
    checkExpectation(current as T & { version: number }, expect, `${this.#spec.what} ${id}`);
    const next = applyPatch(current as T & { version: number }, patch);
    await tx.query(this.#write, this.#params(next));
    return next;
  }

  /** Parses rows returned by a statement of the caller's (a claim). */
  parseRows(rows: readonly { record: unknown }[]): T[] {
    return rows.map((r) => this.parse(r.record));
  }
}
