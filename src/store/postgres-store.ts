/**
 * `PostgresStore`: the {@link Store} for several connector workers on one database.
 * @module
 */
import type { Readable } from 'node:stream';
import { StoreError, isVdxpError } from '../errors.js';
import { readBlob, writeBlob, type PostgresBlobTarget } from './postgres-blobs.js';
import { claimLeased, inTransaction, sqlFilter, wrapPgError } from './postgres-database.js';
import { migratePostgresSchema, postgresSchemaVersion, POSTGRES_MIGRATIONS, quoteSchema } from './postgres-migrations.js';
import { openPostgresPool, type PostgresClient, type PostgresPool } from './postgres-pool.js';
import { PostgresRecordTable, type Queryable } from './postgres-record-table.js';
import { POSTGRES_TABLES } from './postgres-tables.js';
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from './postgres-store-options.js';
import type {
  AddInboxResult, AddResult, BlobInfo, ClaimOptions, Decision, DecisionPatch, InboxClaimOptions, InboxEntry, InboxFilter, InboxPatch,
  NewDecision, NewInboxEntry, NewOutboxEntry, NewStatusRecord, OutboxEntry, OutboxFilter, OutboxPatch, PruneOptions, PruneResult,
  PutBlobOptions, QuarantineEntry, ReceiveClaimOptions, StatusFilter, StatusRecord, Store, UpdateExpectation,
} from './store.js';
import {
  RECEIVE_CLAIM_MEMORY_MS, assertStoreId, byKeys, checkPruneOptions, isPackagePrunable, prunedStamp, statusRecordId,
} from './store-rules.js';

/** The record kinds that hold packages, as `prunePackages` counts them. */
type PruneKind = 'outbox' | 'inbox' | 'quarantine';
const PRUNE_KINDS: readonly PruneKind[] = ['outbox', 'inbox', 'quarantine'];
/** Records looked at (and stamped) per transaction, and blobs deleted per statement. */
const PRUNE_BATCH = 500;
/** Dead blobs found per pass over the record tables (each pass reads them whole). */
const PRUNE_ROUND = 10_000;

/** Values of one statement: `add` keeps a value and gives its placeholder, cast to `type`. */
function sqlValues(): { readonly values: unknown[]; add(value: unknown, type: string): string } {
  const values: unknown[] = [];
  return { values, add: (value, type) => `$${values.push(value)}::${type}` };
}

/**
 * The rows of a kind that {@link isPackagePrunable} may accept, as SQL on the table's columns
 * and record (the same tests; text times compared byte-wise as JavaScript compares them);
 * undefined when the options leave the kind out. The decision stays `isPackagePrunable`'s on
 * each parsed record: this only keeps the rest of the table unread.
 */
function prunableSql(kind: PruneKind, o: PruneOptions, sql: ReturnType<typeof sqlValues>): string | undefined {
  const kept = "NOT record ? 'packagePrunedAt'";
  const before = () => sql.add(o.before, 'text');
  const leaseFree = () => `(lease_expires_at IS NULL OR lease_expires_at <= ${sql.add(o.now, 'timestamptz')})`;
  if (kind === 'inbox') {
    if (o.received === false) return undefined;
    return `handed_over AND ${kept} AND ${leaseFree()} AND (record->>'handedOverAt') COLLATE "C" < ${before()}`;
  }
  if (kind === 'outbox') {
    if (o.sent !== true) return undefined;
    const finished = "CASE state WHEN 'sent' THEN coalesce(record->>'sentAt', created_at) ELSE coalesce(record#>>'{lastError,at}', created_at) END";
    return `message_type = 'edoc' AND state IN ('sent', 'failed') AND ${kept} AND ${leaseFree()} AND (${finished}) COLLATE "C" < ${before()}`;
  }
  if (o.quarantined === false) return undefined;
  return `record ? 'blob' AND ${kept} AND at < ${before()}`;
}

/**
 * A {@link Store} in PostgreSQL, for provinces that run several connector workers on one
 * database. Work is claimed with `SELECT … FOR UPDATE SKIP LOCKED` under leases, so two
 * workers never send or hand over the same item, and an abandoned lease makes the item
 * claimable again; duplicates are refused by unique constraints (axis DocId; recipient +
 * sender + DocumentId + operation); packages are kept as chunk rows. The tables live in one
 * schema (`vdxp` by default), created and upgraded by the migrations the library ships
 * (`POSTGRES_MIGRATIONS`), applied on open under an advisory lock.
 *
 * Needs the optional peer dependency `pg` when opened from a `url`.
 *
 * @example
 * ```ts
 * const store = await PostgresStore.open({ url: process.env.DATABASE_URL! });
 * const connector = new Connector({ axis, store, agency, workerId: 'worker-1' });
 * // …
 * await store.close();
 * ```
 */
export class PostgresStore implements Store {
  /** The schema holding the tables. */
  readonly schema: string;
  readonly #pool: PostgresPool;
  readonly #ownsPool: boolean;
  readonly #blobs: PostgresBlobTarget;
  readonly #outbox: PostgresRecordTable<OutboxEntry>;
  readonly #inbox: PostgresRecordTable<InboxEntry>;
  readonly #statuses: PostgresRecordTable<StatusRecord>;
  readonly #decisions: PostgresRecordTable<Decision>;
  readonly #quarantine: PostgresRecordTable<QuarantineEntry>;
  readonly #marks: string;
  readonly #receiveClaims: string;
  #closed: Promise<void> | undefined;

  private constructor(pool: PostgresPool, ownsPool: boolean, schema: string, chunkBytes: number) {
    const q = quoteSchema(schema);
    this.schema = schema;
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#blobs = { schema: q, chunkBytes };
    this.#outbox = new PostgresRecordTable(q, POSTGRES_TABLES.outbox);
    this.#inbox = new PostgresRecordTable(q, POSTGRES_TABLES.inbox);
    this.#statuses = new PostgresRecordTable(q, POSTGRES_TABLES.statuses);
    this.#decisions = new PostgresRecordTable(q, POSTGRES_TABLES.decisions);
    this.#quarantine = new PostgresRecordTable(q, POSTGRES_TABLES.quarantine);
    this.#marks = `${q}.once_marks`;
    this.#receiveClaims = `${q}.receive_claims`;
  }

  /**
   * Connects, and brings the schema to this library's version (unless `migrate: false`,
   * then checks that it is current).
   * @throws {ConfigError} VDXP_CONFIG_INVALID for bad options, or when `pg` is not installed
   * @throws {StoreError} VDXP_STORE_IO (cannot connect, or `migrate: false` on an old schema),
   *   VDXP_STORE_CONFLICT / VDXP_STORE_CORRUPT from the migrations
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const o = resolvePostgresStoreOptions(options);
    const pool =
      o.pool ??
      (await openPostgresPool(o.url!, { max: o.maxConnections ?? 10, connectionTimeoutMs: o.connectionTimeoutMs, applicationName: o.applicationName }));
    try {
      if (o.migrate) {
        await migratePostgresSchema(pool, o.schema);
      } else {
        const version = await postgresSchemaVersion(pool, o.schema);
        const newest = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
        if (version !== newest) {
          throw new StoreError('VDXP_STORE_IO', `schema ${o.schema} is at version ${version}, this library needs ${newest}: run the migrations (open with migrate: true)`);
        }
      }
    } catch (error) {
      if (!o.pool) await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(pool, !o.pool, o.schema, o.blobChunkBytes);
  }

  // --- plumbing -----------------------------------------------------------------------------

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('VDXP_STORE_IO', 'the store is closed');
  }

  /** Runs on the pool, turning database failures into `VDXP_STORE_IO`. */
  async #run<T>(what: string, fn: (db: Queryable) => Promise<T>): Promise<T> {
    this.#assertOpen();
    try {
      return await fn(this.#pool);
    } catch (error) {
      throw wrapPgError(what, error);
    }
  }

  /** Runs in one transaction on one connection. */
  #tx<T>(what: string, fn: (tx: PostgresClient) => Promise<T>): Promise<T> {
    this.#assertOpen();
    return inTransaction(this.#pool, what, fn);
  }

  // --- blobs --------------------------------------------------------------------------------

  async putBlob(source: Uint8Array | AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<BlobInfo> {
    try {
      return await this.#tx('putBlob', (tx) => writeBlob(tx, this.#blobs, source, options));
    } catch (error) {
      if (options.signal?.aborted && !isVdxpError(error)) throw options.signal.reason;
      throw error;
    }
  }

  async openBlob(ref: string): Promise<Readable> {
    this.#assertOpen();
    assertStoreId(ref, 'openBlob');
    return this.#run('openBlob', () => readBlob(this.#pool, this.#blobs, ref));
  }

  // --- outbox -------------------------------------------------------------------------------

  async addOutbox(entry: NewOutboxEntry): Promise<AddResult<OutboxEntry>> {
    assertStoreId(entry.id, 'addOutbox');
    const record: OutboxEntry = { ...entry, version: 1, state: 'pending', attempts: 0 };
    return this.#run('addOutbox', async (db) => {
      const created = await this.#outbox.insertIfAbsent(db, record);
      if (created) return { created: true, record: created };
      return { created: false, record: await this.#mustGet(db, this.#outbox, entry.id) };
    });
  }

  getOutbox(id: string): Promise<OutboxEntry | undefined> {
    return this.#run('getOutbox', (db) => this.#outbox.get(db, id));
  }

  listOutbox(filter: OutboxFilter = {}): Promise<OutboxEntry[]> {
    const w = sqlFilter([
      ['document_id = ?', filter.documentId],
      ['state = ?', filter.state],
      ['message_type = ?', filter.messageType],
      ['inbox_id = ?', filter.inboxId],
    ]);
    return this.#run('listOutbox', (db) => this.#outbox.select(db, w.sql, w.values, 'created_at, id'));
  }

  async claimOutbox(options: ClaimOptions): Promise<OutboxEntry[]> {
    const due = { due: "state IN ('pending', 'sending') AND next_attempt_at <= $1", order: 'next_attempt_at, created_at, id' };
    const rows = await this.#run('claimOutbox', (db) => claimLeased(db, this.#outbox.name, due, options));
    return this.#outbox.parseRows(rows).sort(byKeys((e) => e.nextAttemptAt, (e) => e.createdAt, (e) => e.id));
  }

  updateOutbox(id: string, patch: OutboxPatch, expect?: UpdateExpectation): Promise<OutboxEntry> {
    return this.#tx('updateOutbox', (tx) => this.#outbox.update(tx, id, patch, expect));
  }

  // --- inbox --------------------------------------------------------------------------------

  async addInbox(entry: NewInboxEntry): Promise<AddInboxResult> {
    assertStoreId(entry.id, 'addInbox');
    const record: InboxEntry = { ...entry, version: 1, withdrawn: entry.withdrawn ?? false };
    return this.#run('addInbox', async (db) => {
      const created = await this.#inbox.insertIfAbsent(db, record);
      if (created) return { status: 'created', entry: created };
      const byDocId = await this.#inbox.select(db, 'axis_doc_id = $1', [entry.axisDocId], 'id');
      if (byDocId[0]) return { status: 'duplicate', matchedBy: 'axisDocId', entry: byDocId[0] };
      const byDocument = await this.#inbox.select(
        db,
        'to_agency = $1 AND from_agency = $2 AND document_id = $3 AND operation = $4',
        [entry.to, entry.from, entry.documentId, entry.operation],
        'id',
      );
      if (byDocument[0]) return { status: 'duplicate', matchedBy: 'document', entry: byDocument[0] };
      return { status: 'duplicate', matchedBy: 'axisDocId', entry: await this.#mustGet(db, this.#inbox, entry.id) };
    });
  }

  getInbox(id: string): Promise<InboxEntry | undefined> {
    return this.#run('getInbox', (db) => this.#inbox.get(db, id));
  }

  listInbox(filter: InboxFilter = {}): Promise<InboxEntry[]> {
    const w = sqlFilter([
      ['axis_doc_id = ?', filter.axisDocId],
      ['document_id = ?', filter.documentId],
      ['message_type = ?', filter.messageType],
      ['from_agency = ?', filter.from],
      ['to_agency = ?', filter.to],
      ['handed_over = ?', filter.handedOver],
    ]);
    return this.#run('listInbox', (db) => this.#inbox.select(db, w.sql, w.values, 'received_at, id'));
  }

  async claimInboxHandover(options: InboxClaimOptions): Promise<InboxEntry[]> {
    // documents: edocs whose operation is new or replace (isReceivedDocument)
    const kinds = options.documents === false ? " AND NOT (message_type = 'edoc' AND operation IN ('new', 'replace'))" : '';
    const due = { due: `NOT handed_over${kinds}`, order: 'received_at, id' };
    const rows = await this.#run('claimInboxHandover', (db) => claimLeased(db, this.#inbox.name, due, options));
    return this.#inbox.parseRows(rows).sort(byKeys((e) => e.receivedAt, (e) => e.id));
  }

  updateInbox(id: string, patch: InboxPatch, expect?: UpdateExpectation): Promise<InboxEntry> {
    return this.#tx('updateInbox', (tx) => this.#inbox.update(tx, id, patch, expect));
  }

  async claimReceive(options: ReceiveClaimOptions): Promise<boolean> {
    const { axisDocId, workerId, leaseMs, now } = options;
    const res = await this.#run('claimReceive', (db) =>
      db.query(
        `INSERT INTO ${this.#receiveClaims} AS c (axis_doc_id, worker_id, lease_expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (axis_doc_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, lease_expires_at = EXCLUDED.lease_expires_at
         WHERE c.worker_id = EXCLUDED.worker_id OR c.lease_expires_at <= $4`,
        [axisDocId, workerId, new Date(now.getTime() + leaseMs), now],
      ),
    );
    return res.rowCount === 1;
  }

  async releaseReceive(axisDocId: string, workerId: string, now: Date): Promise<void> {
    await this.#run('releaseReceive', (db) =>
      db.query(`DELETE FROM ${this.#receiveClaims} WHERE (axis_doc_id = $1 AND worker_id = $2) OR lease_expires_at < $3`, [
        axisDocId,
        workerId,
        new Date(now.getTime() - RECEIVE_CLAIM_MEMORY_MS),
      ]),
    );
  }

  // --- statuses, decisions, quarantine, marks ---------------------------------------------------

  async addStatus(record: NewStatusRecord): Promise<AddResult<StatusRecord>> {
    const full: StatusRecord = { ...record, id: statusRecordId(record) };
    return this.#run('addStatus', async (db) => {
      const created = await this.#statuses.insertIfAbsent(db, full);
      if (created) return { created: true, record: created };
      return { created: false, record: await this.#mustGet(db, this.#statuses, full.id) };
    });
  }

  listStatuses(filter: StatusFilter = {}): Promise<StatusRecord[]> {
    const w = sqlFilter([
      ['direction = ?', filter.direction],
      ['document_id = ?', filter.documentId],
      ['counterpart = ?', filter.counterpart],
    ]);
    return this.#run('listStatuses', (db) => this.#statuses.select(db, w.sql, w.values, 'at, recorded_at, id'));
  }

  async addDecision(decision: NewDecision): Promise<AddResult<Decision>> {
    assertStoreId(decision.id, 'addDecision');
    const record: Decision = { ...decision, version: 1, state: 'open' };
    return this.#run('addDecision', async (db) => {
      const created = await this.#decisions.insertIfAbsent(db, record);
      if (created) return { created: true, record: created };
      return { created: false, record: await this.#mustGet(db, this.#decisions, decision.id) };
    });
  }

  getDecision(id: string): Promise<Decision | undefined> {
    return this.#run('getDecision', (db) => this.#decisions.get(db, id));
  }

  listDecisions(filter: { readonly state?: Decision['state']; readonly documentId?: string } = {}): Promise<Decision[]> {
    const w = sqlFilter([
      ['state = ?', filter.state],
      ['document_id = ?', filter.documentId],
    ]);
    return this.#run('listDecisions', (db) => this.#decisions.select(db, w.sql, w.values, 'created_at, id'));
  }

  updateDecision(id: string, patch: DecisionPatch, expect?: UpdateExpectation): Promise<Decision> {
    return this.#tx('updateDecision', (tx) => this.#decisions.update(tx, id, patch, expect));
  }

  async addQuarantine(entry: QuarantineEntry): Promise<AddResult<QuarantineEntry>> {
    assertStoreId(entry.id, 'addQuarantine');
    return this.#run('addQuarantine', async (db) => {
      const created = await this.#quarantine.insertIfAbsent(db, entry);
      if (created) return { created: true, record: created };
      const same = await this.#quarantine.select(db, 'axis_doc_id = $1', [entry.axisDocId], 'id');
      return { created: false, record: same[0] ?? (await this.#mustGet(db, this.#quarantine, entry.id)) };
    });
  }

  listQuarantine(): Promise<QuarantineEntry[]> {
    return this.#run('listQuarantine', (db) => this.#quarantine.select(db, '', [], 'at, id'));
  }

  async markOnce(key: string, at: string): Promise<boolean> {
    const res = await this.#run('markOnce', (db) => db.query(`INSERT INTO ${this.#marks} (key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [key, at]));
    return res.rowCount === 1;
  }

  // --- pruning ------------------------------------------------------------------------------

  /**
   * Removes the package bytes of finished records: see {@link Store.prunePackages} (which
   * records is {@link isPackagePrunable}'s decision). Records are stamped in transactions of
   * 500, taken with `FOR UPDATE SKIP LOCKED` (a row another transaction holds waits for the
   * next run); then every blob that only stamped records name is deleted with its chunk
   * rows, including those an interrupted run left behind. A blob no record names is kept.
   * @throws {InputError} VDXP_INPUT_INVALID for bad options
   * @throws {StoreError} VDXP_STORE_IO, VDXP_STORE_CORRUPT (a candidate record breaks its schema)
   */
  async prunePackages(options: PruneOptions): Promise<PruneResult> {
    const o = checkPruneOptions(options);
    this.#assertOpen();
    const records = { outbox: 0, inbox: 0, quarantine: 0 };
    /** Dry run: rows the SQL takes but `isPackagePrunable` refuses, which keep their package. */
    const refused: Record<PruneKind, string[]> = { outbox: [], inbox: [], quarantine: [] };
    for (const kind of PRUNE_KINDS) records[kind] = await this.#stampPrunable(kind, o, refused[kind]);
    let blobs = 0;
    let bytes = 0;
    for (let after = ''; ; ) {
      const dead = await this.#run('prunePackages', (db) => this.#deadBlobs(db, o, refused, after));
      if (o.dryRun) {
        blobs += dead.length;
        for (const b of dead) bytes += Number(b.size);
      } else {
        for (let i = 0; i < dead.length; i += PRUNE_BATCH) {
          const refs = dead.slice(i, i + PRUNE_BATCH).map((b) => b.ref);
          // chunk rows go with their blob row (ON DELETE CASCADE); a blob deleted meanwhile by
          // another worker's run is not returned, so not counted twice
          const res = await this.#run('prunePackages', (db) =>
            db.query<{ size: string }>(`DELETE FROM ${this.#blobs.schema}.blobs WHERE ref = ANY($1::text[]) RETURNING size`, [refs]),
          );
          blobs += res.rows.length;
          for (const r of res.rows) bytes += Number(r.size);
        }
      }
      if (dead.length < PRUNE_ROUND) break;
      after = dead[dead.length - 1]!.ref;
    }
    return { records, blobs, bytes };
  }

  /**
   * Stamps (dry run: counts) the records of one kind that {@link isPackagePrunable} accepts,
   * going through the table in id order, one transaction per batch.
   */
  async #stampPrunable(kind: PruneKind, o: PruneOptions, refused: string[]): Promise<number> {
    const table = { outbox: this.#outbox, inbox: this.#inbox, quarantine: this.#quarantine }[kind] as PostgresRecordTable<OutboxEntry | InboxEntry | QuarantineEntry>;
    if (prunableSql(kind, o, sqlValues()) === undefined) return 0;
    const mark = prunedStamp(o.now);
    let count = 0;
    let after = '';
    const batch = async (db: Queryable): Promise<number> => {
      const sql = sqlValues();
      const where = prunableSql(kind, o, sql)!;
      const lock = o.dryRun ? '' : ' FOR UPDATE SKIP LOCKED';
      const res = await db.query<{ record: unknown }>(
        `SELECT record FROM ${table.name} WHERE ${where} AND id > ${sql.add(after, 'text')} ORDER BY id LIMIT ${PRUNE_BATCH}${lock}`,
        sql.values,
      );
      const chosen: string[] = [];
      for (const r of table.parseRows(res.rows)) {
        after = r.id;
        if (!isPackagePrunable(kind, r, o)) {
          if (o.dryRun) refused.push(r.id);
          continue;
        }
        chosen.push(r.id);
        // outbox and inbox: the update methods' path (version + 1, columns in step with the record)
        if (!o.dryRun && kind !== 'quarantine') await table.update(db, r.id, mark, { version: (r as OutboxEntry | InboxEntry).version });
      }
      if (!o.dryRun && kind === 'quarantine' && chosen.length > 0) {
        // no version to raise, and the columns (id, axis_doc_id, at) do not change
        await db.query(`UPDATE ${table.name} SET record = record || jsonb_build_object('packagePrunedAt', $1::text) WHERE id = ANY($2::text[])`, [
          mark.packagePrunedAt,
          chosen,
        ]);
      }
      count += chosen.length;
      return res.rows.length;
    };
    for (;;) {
      const seen = o.dryRun ? await this.#run('prunePackages', batch) : await this.#tx('prunePackages', batch);
      // rows another transaction holds are skipped, not returned: a short batch is the last
      if (seen < PRUNE_BATCH) return count;
    }
  }

  /**
   * Up to {@link PRUNE_ROUND} blobs after `after` (by ref) that some record names and every
   * record naming them has let go: stamped, or in a dry run about to be (the rows
   * {@link prunableSql} takes, less `refused`).
   */
  async #deadBlobs(db: Queryable, o: PruneOptions, refused: Record<PruneKind, string[]>, after: string): Promise<{ ref: string; size: string }[]> {
    const sql = sqlValues();
    const gone = (kind: PruneKind): string => {
      const stamped = "record ? 'packagePrunedAt'";
      const prunable = o.dryRun ? prunableSql(kind, o, sql) : undefined;
      const either = prunable === undefined ? stamped : `${stamped} OR ((${prunable}) AND NOT id = ANY(${sql.add(refused[kind], 'text[]')}))`;
      return `coalesce(${either}, false)`; // never null: bool_and would skip it
    };
    const ref = `(record#>>'{blob,ref}') COLLATE "C"`;
    const res = await db.query<{ ref: string; size: string }>(
      `WITH named AS (
         SELECT ${ref} AS ref, ${gone('outbox')} AS gone FROM ${this.#outbox.name}
         UNION ALL SELECT ${ref}, ${gone('inbox')} FROM ${this.#inbox.name}
         UNION ALL SELECT ${ref}, ${gone('quarantine')} FROM ${this.#quarantine.name} WHERE record ? 'blob'
       ), dead AS (
         SELECT ref FROM named GROUP BY ref HAVING bool_and(gone)
       )
       SELECT b.ref, b.size FROM ${this.#blobs.schema}.blobs b JOIN dead ON dead.ref = b.ref
       WHERE b.ref > ${sql.add(after, 'text')} ORDER BY b.ref LIMIT ${PRUNE_ROUND}`,
      sql.values,
    );
    return res.rows;
  }

  /** Ends the pool the store opened from `url` (a caller's pool is left open). Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#ownsPool ? this.#pool.end().catch(() => undefined) : Promise.resolve();
    return this.#closed;
  }

  async #mustGet<T extends { readonly id: string }>(db: Queryable, table: PostgresRecordTable<T>, id: string): Promise<T> {
    const found = await table.get(db, id);
    if (!found) throw new StoreError('VDXP_STORE_CONFLICT', `${table.name}: a unique key of ${id} is taken by another record`);
    return found;
  }
}
