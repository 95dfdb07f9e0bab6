/**
 * `FileStore`: the embedded default {@link Store}, a folder on disk.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ConfigError, StoreError, issuesFromZod } from '../errors.js';
import { FileStoreOptionsSchema, type FileStoreOptions } from './file-store-options.js';
import { FolderSync, ioError, openBlobFile, putBlobFile, type DurableTarget } from './durable-files.js';
import { FileLock } from './file-lock.js';
import { RecordFolder, freeze } from './record-folder.js';
import { RECORD_SCHEMAS } from './record-schemas.js';
import type {
  AddInboxResult, AddResult, BlobInfo, ClaimOptions, Decision, DecisionPatch, InboxEntry, InboxFilter, InboxPatch,
  NewDecision, NewInboxEntry, NewOutboxEntry, NewStatusRecord, OutboxEntry, OutboxFilter, OutboxPatch, PutBlobOptions,
  QuarantineEntry, StatusFilter, StatusRecord, Store, UpdateExpectation,
} from './store.js';
import {
  applyPatch, assertStoreId, byKeys, checkExpectation, decisionMatches, inboxDocumentKey, inboxMatches, isInboxClaimable, isOutboxClaimable,
  leaseFor, outboxMatches, statusMatches, statusRecordId,
} from './store-rules.js';

/**
 * A {@link Store} in a folder: one JSON file per record (`outbox/`, `inbox/`, `statuses/`,
 * `decisions/`, `quarantine/`, `marks/`), package bytes in `blobs/`. Every change is written
 * to a temporary file, fsynced, renamed into place and its folder fsynced before the promise
 * resolves, so a `kill -9` at any moment leaves each record old or new, never torn. On open,
 * temporary files are discarded and every record is checked (a corrupt one is
 * `VDXP_STORE_CORRUPT`, never skipped). One process at a time: `LOCK` holds pid, host and
 * start time; a lock whose process is gone is taken over, and so are the leases its workers
 * held (work claimed by a killed process is claimable at once). Indexes live in memory, and so
 * do leases: a claim writes nothing (a lease on disk could only be dropped on the next open),
 * it rides along with the record's next durable change.
 *
 * @example
 * ```ts
 * const store = await FileStore.open({ dir: '/var/lib/vdxp' });
 * const connector = new Connector({ axis, store, agency });
 * // …
 * await store.close();
 * ```
 */
export class FileStore implements Store {
  readonly #dir: string;
  readonly #target: DurableTarget;
  readonly #lock: FileLock;
  readonly #outbox: RecordFolder<OutboxEntry>;
  readonly #inbox: RecordFolder<InboxEntry>;
  readonly #statuses: RecordFolder<StatusRecord>;
  readonly #decisions: RecordFolder<Decision>;
  readonly #quarantine: RecordFolder<QuarantineEntry>;
  readonly #marks: RecordFolder<{ id: string; key: string; at: string }>;
  readonly #inboxByAxisDocId = new Map<string, string>();
  readonly #inboxByDocument = new Map<string, string>();
  readonly #quarantineByAxisDocId = new Map<string, string>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed: Promise<void> | undefined;

  private constructor(dir: string, target: DurableTarget, lock: FileLock) {
    this.#dir = dir;
    this.#target = target;
    this.#lock = lock;
    this.#outbox = new RecordFolder(join(dir, 'outbox'), RECORD_SCHEMAS.outbox, target);
    this.#inbox = new RecordFolder(join(dir, 'inbox'), RECORD_SCHEMAS.inbox, target);
    this.#statuses = new RecordFolder(join(dir, 'statuses'), RECORD_SCHEMAS.statuses, target);
    this.#decisions = new RecordFolder(join(dir, 'decisions'), RECORD_SCHEMAS.decisions, target);
    this.#quarantine = new RecordFolder(join(dir, 'quarantine'), RECORD_SCHEMAS.quarantine, target);
    this.#marks = new RecordFolder(join(dir, 'marks'), RECORD_SCHEMAS.marks, target);
  }

  /**
   * Opens (or creates) a store: takes the lock, discards temporary files, reads and checks
   * every record, builds the indexes.
   * @throws {ConfigError} VDXP_CONFIG_INVALID for bad options
   * @throws {StoreError} VDXP_STORE_LOCKED (a live process holds it), VDXP_STORE_CORRUPT, VDXP_STORE_IO
   */
  static async open(options: FileStoreOptions): Promise<FileStore> {
    const parsed = FileStoreOptionsSchema.safeParse(options);
    if (!parsed.success) throw new ConfigError('FileStore', issuesFromZod(parsed.error.issues));
    const o = parsed.data;
    const tmpDir = join(o.dir, 'tmp');
    try {
      await mkdir(tmpDir, { recursive: true });
      await mkdir(join(o.dir, 'blobs'), { recursive: true });
    } catch (e) {
      throw ioError('cannot create the store folder', e, o.dir);
    }
    const lock = await FileLock.acquire(o.dir, tmpDir, (o.now ?? (() => new Date()))());
    try {
      for (const name of await readdir(tmpDir)) {
        if (!name.startsWith('lock-')) await rm(join(tmpDir, name), { force: true });
      }
      const store = new FileStore(o.dir, { tmpDir, fsync: o.fsync, folders: new FolderSync() }, lock);
      await store.#load();
      return store;
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  async #load(): Promise<void> {
    for (const folder of [this.#outbox, this.#inbox, this.#statuses, this.#decisions, this.#quarantine, this.#marks]) await folder.load();
    for (const e of this.#inbox.values()) {
      this.#inboxByAxisDocId.set(e.axisDocId, e.id);
      this.#inboxByDocument.set(inboxDocumentKey(e), e.id);
    }
    for (const q of this.#quarantine.values()) this.#quarantineByAxisDocId.set(q.axisDocId, q.id);
    // the lock makes this the only process: leases on disk belong to processes that are gone
    for (const folder of [this.#outbox, this.#inbox] as RecordFolder<{ id: string; lease?: unknown }>[]) {
      for (const r of folder.values()) {
        if (r.lease === undefined) continue;
        const { lease: _gone, ...free } = r;
        folder.records.set(r.id, freeze(free));
      }
    }
  }

  /** Runs a change after every earlier one (one writer at a time inside the process). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('VDXP_STORE_IO', 'the store is closed'));
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #open(): void {
    if (this.#closed) throw new StoreError('VDXP_STORE_IO', 'the store is closed');
  }

  // --- blobs --------------------------------------------------------------------------------

  async putBlob(source: Uint8Array | AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<BlobInfo> {
    this.#open();
    return putBlobFile(this.#target, join(this.#dir, 'blobs'), source, options);
  }

  async openBlob(ref: string): Promise<Readable> {
    this.#open();
    assertStoreId(ref, 'openBlob');
    return openBlobFile(join(this.#dir, 'blobs'), ref);
  }

  // --- outbox -------------------------------------------------------------------------------

  async addOutbox(entry: NewOutboxEntry): Promise<AddResult<OutboxEntry>> {
    assertStoreId(entry.id, 'addOutbox');
    return this.#exclusive(async () => {
      const existing = this.#outbox.get(entry.id);
      if (existing) return { created: false, record: existing };
      const record = await this.#outbox.put({ ...entry, version: 1, state: 'pending', attempts: 0 });
      return { created: true, record };
    });
  }

  /** One outbox entry by id; undefined when there is none. */
  async getOutbox(id: string): Promise<OutboxEntry | undefined> {
    this.#open();
    return this.#outbox.get(id);
  }

  async listOutbox(filter: OutboxFilter = {}): Promise<OutboxEntry[]> {
    this.#open();
    return this.#outbox
      .values()
      .filter((e) => outboxMatches(e, filter))
      .sort(byKeys((e) => e.createdAt, (e) => e.id));
  }

  claimOutbox(options: ClaimOptions): Promise<OutboxEntry[]> {
    return this.#exclusive(async () => {
      const lease = leaseFor(options);
      const due = this.#outbox.values().filter((e) => isOutboxClaimable(e, options.now)).sort(byKeys((e) => e.nextAttemptAt, (e) => e.createdAt, (e) => e.id));
      const out: OutboxEntry[] = [];
      for (const e of due.slice(0, Math.max(0, options.limit))) out.push(this.#outbox.keep(applyPatch(e, { lease })));
      return out;
    });
  }

  updateOutbox(id: string, patch: OutboxPatch, expect?: UpdateExpectation): Promise<OutboxEntry> {
    return this.#exclusive(async () => {
      const current = this.#outbox.get(id);
      if (!current) throw new StoreError('VDXP_STORE_NOT_FOUND', `no outbox entry ${id}`);
      checkExpectation(current, expect, `outbox entry ${id}`);
      return this.#outbox.put(applyPatch(current, patch));
    });
  }

  // --- inbox --------------------------------------------------------------------------------

  async addInbox(entry: NewInboxEntry): Promise<AddInboxResult> {
    assertStoreId(entry.id, 'addInbox');
    return this.#exclusive(async () => {
      const byDocId = this.#inboxByAxisDocId.get(entry.axisDocId);
      if (byDocId) return { status: 'duplicate', matchedBy: 'axisDocId', entry: this.#inbox.get(byDocId)! };
      const key = inboxDocumentKey(entry);
      const byDocument = this.#inboxByDocument.get(key);
      if (byDocument) return { status: 'duplicate', matchedBy: 'document', entry: this.#inbox.get(byDocument)! };
      const existing = this.#inbox.get(entry.id);
      if (existing) return { status: 'duplicate', matchedBy: 'axisDocId', entry: existing };
      const record = await this.#inbox.put({ ...entry, version: 1, withdrawn: entry.withdrawn ?? false });
      this.#inboxByAxisDocId.set(record.axisDocId, record.id);
      this.#inboxByDocument.set(key, record.id);
      return { status: 'created', entry: record };
    });
  }

  /** One inbox entry by id; undefined when there is none. */
  async getInbox(id: string): Promise<InboxEntry | undefined> {
    this.#open();
    return this.#inbox.get(id);
  }

  async listInbox(filter: InboxFilter = {}): Promise<InboxEntry[]> {
    this.#open();
    return this.#inbox
      .values()
      .filter((e) => inboxMatches(e, filter))
      .sort(byKeys((e) => e.receivedAt, (e) => e.id));
  }

  claimInboxHandover(options: ClaimOptions): Promise<InboxEntry[]> {
    return this.#exclusive(async () => {
      const lease = leaseFor(options);
      const due = this.#inbox.values().filter((e) => isInboxClaimable(e, options.now)).sort(byKeys((e) => e.receivedAt, (e) => e.id));
      const out: InboxEntry[] = [];
      for (const e of due.slice(0, Math.max(0, options.limit))) out.push(this.#inbox.keep(applyPatch(e, { lease })));
      return out;
    });
  }

  updateInbox(id: string, patch: InboxPatch, expect?: UpdateExpectation): Promise<InboxEntry> {
    return this.#exclusive(async () => {
      const current = this.#inbox.get(id);
      if (!current) throw new StoreError('VDXP_STORE_NOT_FOUND', `no inbox entry ${id}`);
      checkExpectation(current, expect, `inbox entry ${id}`);
      return this.#inbox.put(applyPatch(current, patch));
    });
  }

  // --- statuses, decisions, quarantine, marks ---------------------------------------------------

  addStatus(record: NewStatusRecord): Promise<AddResult<StatusRecord>> {
    return this.#exclusive(async () => {
      const id = statusRecordId(record);
      const existing = this.#statuses.get(id);
      if (existing) return { created: false, record: existing };
      return { created: true, record: await this.#statuses.put({ ...record, id }) };
    });
  }

  async listStatuses(filter: StatusFilter = {}): Promise<StatusRecord[]> {
    this.#open();
    return this.#statuses
      .values()
      .filter((s) => statusMatches(s, filter))
      .sort(byKeys((s) => s.at, (s) => s.recordedAt, (s) => s.id));
  }

  async addDecision(decision: NewDecision): Promise<AddResult<Decision>> {
    assertStoreId(decision.id, 'addDecision');
    return this.#exclusive(async () => {
      const existing = this.#decisions.get(decision.id);
      if (existing) return { created: false, record: existing };
      return { created: true, record: await this.#decisions.put({ ...decision, version: 1, state: 'open' }) };
    });
  }

  /** One decision by id; undefined when there is none. */
  async getDecision(id: string): Promise<Decision | undefined> {
    this.#open();
    return this.#decisions.get(id);
  }

  async listDecisions(filter: { readonly state?: Decision['state']; readonly documentId?: string } = {}): Promise<Decision[]> {
    this.#open();
    return this.#decisions
      .values()
      .filter((d) => decisionMatches(d, filter))
      .sort(byKeys((d) => d.createdAt, (d) => d.id));
  }

  updateDecision(id: string, patch: DecisionPatch, expect?: UpdateExpectation): Promise<Decision> {
    return this.#exclusive(async () => {
      const current = this.#decisions.get(id);
      if (!current) throw new StoreError('VDXP_STORE_NOT_FOUND', `no decision ${id}`);
      checkExpectation(current, expect, `decision ${id}`);
      return this.#decisions.put(applyPatch(current, patch));
    });
  }

  async addQuarantine(entry: QuarantineEntry): Promise<AddResult<QuarantineEntry>> {
    assertStoreId(entry.id, 'addQuarantine');
    return this.#exclusive(async () => {
      const existingId = this.#quarantineByAxisDocId.get(entry.axisDocId) ?? (this.#quarantine.get(entry.id) ? entry.id : undefined);
      if (existingId) return { created: false, record: this.#quarantine.get(existingId)! };
      const record = await this.#quarantine.put(entry);
      this.#quarantineByAxisDocId.set(record.axisDocId, record.id);
      return { created: true, record };
    });
  }

  async listQuarantine(): Promise<QuarantineEntry[]> {
    this.#open();
    return this.#quarantine.values().sort(byKeys((q) => q.at, (q) => q.id));
  }

  markOnce(key: string, at: string): Promise<boolean> {
    return this.#exclusive(async () => {
      const id = `m_${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
      if (this.#marks.get(id)) return false;
      await this.#marks.put({ id, key, at });
      return true;
    });
  }

  /** Waits for pending changes, releases the lock. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#queue;
      await this.#target.folders?.close();
      await this.#lock.release();
    })();
    return this.#closed;
  }
}
