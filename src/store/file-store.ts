/**
 * `FileStore`: the embedded default {@link Store}, a folder on disk.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, StoreError, issuesFromZod } from '../errors.js';
import { FileStoreOptionsSchema, type FileStoreOptions } from './file-store-options.js';
import { FolderSync, ioError, openBlobFile, putBlobFile, syncDir, writeDurably, type DurableTarget } from './durable-files.js';
import { FileLock } from './file-lock.js';
import { RecordFolder, freeze } from './record-folder.js';
import { RecordJournal, readJournal, type JournalChange } from './record-journal.js';
import { RECORD_SCHEMAS } from './record-schemas.js';
import type {
  AddInboxResult, AddResult, BlobInfo, ClaimOptions, Decision, DecisionPatch, InboxEntry, InboxFilter, InboxPatch,
  NewDecision, NewInboxEntry, NewOutboxEntry, NewStatusRecord, OutboxEntry, OutboxFilter, OutboxPatch, PutBlobOptions,
  QuarantineEntry, StatusFilter, StatusRecord, Store, UpdateExpectation,
} from './store.js';
import { STORE_ID_PATTERN } from './store.js';
import {
  applyPatch, assertStoreId, byKeys, checkExpectation, decisionMatches, inboxDocumentKey, inboxMatches, isInboxClaimable, isOutboxClaimable,
  leaseFor, outboxMatches, statusMatches, statusRecordId,
} from './store-rules.js';

/**
 * A {@link Store} in a folder: one JSON file per record (`outbox/`, `inbox/`, `statuses/`,
 * `decisions/`, `quarantine/`, `marks/`), package bytes in `blobs/`, and a write-ahead journal
 * (`journal/`). A change is appended to the journal and `fdatasync`ed before its promise
 * resolves; changes that arrive while a write is under way are written together in the next
 * one (group commit), so many concurrent changes cost about one disk flush. Each journal line
 * carries a CRC-32: a `kill -9` at any moment leaves every change acknowledged and at most
 * an unacknowledged tail, which the next open drops. Full logs are folded into the record
 * files in the background (temporary file, fsync, rename, one folder fsync per folder),
 * and so is everything on open and on close, so a closed store is plain record files. On
 * open, temporary files are discarded and every record and journal line is checked (a
 * corrupt one is `VDXP_STORE_CORRUPT`, never skipped). Blobs are written durably on their own
 * (temporary file, fsync, rename, folder fsync). One process at a time: `LOCK` holds pid, host
 * and start time; a lock whose process is gone is taken over, and so are the leases its
 * workers held (work claimed by a killed process is claimable at once). Indexes live in
 * memory, and so do leases: a claim writes nothing (a lease on disk could only be dropped on
 * the next open), it rides along with the record's next durable change.
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
  readonly #folders: ReadonlyMap<string, RecordFolder<{ readonly id: string }>>;
  readonly #journalDir: string;
  readonly #compactAfterBytes: number;
  #journal: RecordJournal | undefined;
  /** Changes waiting for the next batch. */
  #ops: Op[] = [];
  #draining: Promise<void> | undefined;
  /** Records changed in the journal since the last rotation (ids, by folder). */
  #dirty = new Map<RecordFolder<{ readonly id: string }>, Set<string>>();
  /** Small blobs kept in the journal (and memory) until compaction writes their files. */
  readonly #inlineBlobs = new Map<string, InlineBlob>();
  #stagedBlobs = new Map<string, InlineBlob>();
  #dirtyBlobs = new Set<string>();
  /** Logs whose compaction failed (retried with the next one). */
  #oldLogs: string[] = [];
  #compaction: Promise<void> | undefined;
  #closed: Promise<void> | undefined;

  private constructor(dir: string, target: DurableTarget, lock: FileLock, compactAfterBytes: number) {
    this.#dir = dir;
    this.#target = target;
    this.#lock = lock;
    this.#journalDir = join(dir, 'journal');
    this.#compactAfterBytes = compactAfterBytes;
    this.#outbox = new RecordFolder(join(dir, 'outbox'), RECORD_SCHEMAS.outbox, target, (e) => e.documentId);
    this.#inbox = new RecordFolder(join(dir, 'inbox'), RECORD_SCHEMAS.inbox, target);
    this.#statuses = new RecordFolder(join(dir, 'statuses'), RECORD_SCHEMAS.statuses, target, (s) => s.documentId);
    this.#decisions = new RecordFolder(join(dir, 'decisions'), RECORD_SCHEMAS.decisions, target);
    this.#quarantine = new RecordFolder(join(dir, 'quarantine'), RECORD_SCHEMAS.quarantine, target);
    this.#marks = new RecordFolder(join(dir, 'marks'), RECORD_SCHEMAS.marks, target);
    this.#folders = new Map<string, RecordFolder<{ readonly id: string }>>([
      ['outbox', this.#outbox], ['inbox', this.#inbox], ['statuses', this.#statuses],
      ['decisions', this.#decisions], ['quarantine', this.#quarantine], ['marks', this.#marks],
    ] as unknown as [string, RecordFolder<{ readonly id: string }>][]);
  }

  /**
   * Opens (or creates) a store: takes the lock, discards temporary files, reads and checks
   * every record, replays the journal (dropping an unacknowledged tail) and folds it into the
   * record files, builds the indexes.
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
      const store = new FileStore(o.dir, { tmpDir, fsync: o.fsync, folders: new FolderSync() }, lock, o.compactAfterBytes);
      await store.#load();
      return store;
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  async #load(): Promise<void> {
    for (const folder of this.#folders.values()) await folder.load();
    const journal = await readJournal(this.#journalDir);
    for (const batch of journal.batches) {
      for (const [name, value] of batch) {
        if (name === 'blobs') {
          const blob = inlineBlobOf(value, this.#journalDir);
          this.#inlineBlobs.set(blob.ref, blob);
          this.#dirtyBlobs.add(blob.ref);
          continue;
        }
        const folder = this.#folders.get(name);
        if (!folder) throw new StoreError('VDXP_STORE_CORRUPT', `the journal names an unknown folder "${name.slice(0, 40)}"`, { location: this.#journalDir });
        this.#markDirty(folder, folder.replay(value, this.#journalDir).id);
      }
    }
    // the lock makes this the only process: leases on disk belong to processes that are gone
    for (const folder of [this.#outbox, this.#inbox] as unknown as RecordFolder<{ id: string; lease?: unknown }>[]) {
      for (const r of folder.values()) {
        if (r.lease === undefined) continue;
        const { lease: _gone, ...free } = r;
        folder.set(freeze(free));
      }
    }
    this.#rebuildIndexes();
    this.#journal = await RecordJournal.create(this.#journalDir, journal.nextSeq, this.#target.fsync);
    if (journal.logs.length > 0) await this.#compact([...journal.logs], this.#takeDirty(), this.#takeDirtyBlobs());
  }

  #rebuildIndexes(): void {
    this.#inboxByAxisDocId.clear();
    this.#inboxByDocument.clear();
    this.#quarantineByAxisDocId.clear();
    for (const e of this.#inbox.values()) {
      this.#inboxByAxisDocId.set(e.axisDocId, e.id);
      this.#inboxByDocument.set(inboxDocumentKey(e), e.id);
    }
    for (const q of this.#quarantine.values()) this.#quarantineByAxisDocId.set(q.axisDocId, q.id);
  }

  // --- batches -------------------------------------------------------------------------------

  /**
   * Queues a change. `fn` runs synchronously, in order with every other change, against the
   * records as the batch being built sees them; what it stages is written with its batch, and
   * the promise settles when that batch is durable (or has failed).
   */
  #change<T>(fn: () => T): Promise<T> {
    return this.#enqueue(fn, false);
  }

  /** Queues a claim: it runs once the changes queued before it are durable, and writes nothing. */
  #claim<T>(fn: () => T): Promise<T> {
    return this.#enqueue(fn, true);
  }

  #enqueue<T>(fn: () => T, claim: boolean): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('VDXP_STORE_IO', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#ops.push({ fn, claim, resolve: resolve as (v: unknown) => void, reject });
      this.#drain();
    });
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = (async () => {
      while (this.#ops.length > 0) await this.#runBatch(this.#ops.splice(0));
    })().finally(() => {
      this.#draining = undefined;
      if (this.#ops.length > 0) this.#drain();
    });
  }

  async #runBatch(ops: Op[]): Promise<void> {
    let done: { op: Op; value: unknown }[] = [];
    for (const op of ops) {
      if (op.claim && done.length > 0) {
        await this.#commit(done);
        done = [];
      }
      let value: unknown;
      try {
        value = op.fn();
      } catch (e) {
        op.reject(e);
        continue;
      }
      if (op.claim) op.resolve(value);
      else done.push({ op, value });
    }
    if (done.length > 0) await this.#commit(done);
  }

  /** Writes the staged records as one journal line, then publishes them and settles `done`. */
  async #commit(done: { op: Op; value: unknown }[]): Promise<void> {
    const changes: JournalChange[] = [];
    for (const b of this.#stagedBlobs.values()) {
      const line: { id: string; size: number; sha256: string; data: string } = { id: b.ref, size: b.size, sha256: b.sha256, data: b.data.toString('base64') };
      changes.push(['blobs', line]);
    }
    for (const [name, folder] of this.#folders) for (const r of folder.staged()) changes.push([name, r]);
    if (changes.length > 0) {
      try {
        await this.#journal!.append(changes);
      } catch (e) {
        this.#stagedBlobs = new Map();
        for (const folder of this.#folders.values()) folder.discard();
        this.#rebuildIndexes();
        for (const d of done) d.op.reject(e);
        return;
      }
      for (const b of this.#stagedBlobs.values()) {
        this.#inlineBlobs.set(b.ref, b);
        this.#dirtyBlobs.add(b.ref);
      }
      this.#stagedBlobs = new Map();
      for (const folder of this.#folders.values()) for (const r of folder.publish()) this.#markDirty(folder, r.id);
    }
    for (const d of done) d.op.resolve(d.value);
    if (this.#journal!.size >= this.#compactAfterBytes && !this.#compaction) await this.#startCompaction();
  }

  /** Starts a new log and folds the full one into the record files in the background. */
  async #startCompaction(): Promise<void> {
    let old: string;
    try {
      old = await this.#journal!.rotate();
    } catch {
      return; // the log grows on; the next batch tries again
    }
    const logs = [...this.#oldLogs.splice(0), old];
    const dirty = this.#takeDirty();
    const blobs = this.#takeDirtyBlobs();
    this.#compaction = this.#compact(logs, dirty, blobs)
      .catch(() => {
        // nothing is lost (the logs stay and replay on open); the next compaction takes them again
        this.#oldLogs.unshift(...logs);
        for (const [folder, ids] of dirty) for (const id of ids) this.#markDirty(folder, id);
        for (const ref of blobs) this.#dirtyBlobs.add(ref);
      })
      .finally(() => {
        this.#compaction = undefined;
      });
  }

  #markDirty(folder: RecordFolder<{ readonly id: string }>, id: string): void {
    let ids = this.#dirty.get(folder);
    if (!ids) this.#dirty.set(folder, (ids = new Set()));
    ids.add(id);
  }

  #takeDirtyBlobs(): Set<string> {
    const dirty = this.#dirtyBlobs;
    this.#dirtyBlobs = new Set();
    return dirty;
  }

  #takeDirty(): Map<RecordFolder<{ readonly id: string }>, Set<string>> {
    const dirty = this.#dirty;
    this.#dirty = new Map();
    return dirty;
  }

  /**
   * Folds logs into the record files: writes the blobs they hold and the current version of
   * every record they changed (at least as new as the logs), fsyncs each folder once, then
   * deletes the logs and lets go of the blobs' bytes. A crash at any point leaves the logs,
   * which replay over the files to the same result.
   */
  async #compact(logs: readonly string[], dirty: Map<RecordFolder<{ readonly id: string }>, Set<string>>, blobs: ReadonlySet<string>): Promise<void> {
    const jobs: (() => Promise<void>)[] = [];
    const blobDir = join(this.#dir, 'blobs');
    const noFolderHandles = { ...this.#target, folders: undefined };
    for (const ref of blobs) {
      const blob = this.#inlineBlobs.get(ref);
      if (blob) jobs.push(() => writeDurably(noFolderHandles, blobDir, ref, blob.data, { syncFolder: false }));
    }
    for (const [folder, ids] of dirty) {
      for (const id of ids) {
        const record = folder.get(id);
        if (record) jobs.push(() => folder.writeFile(record));
      }
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(COMPACTION_WRITERS, jobs.length) }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
    if (this.#target.fsync) {
      if (blobs.size > 0) await syncDir(blobDir);
      for (const folder of dirty.keys()) await syncDir(folder.dir);
    }
    for (const log of logs) await rm(log, { force: true });
    if (this.#target.fsync) await syncDir(this.#journalDir);
    for (const ref of blobs) this.#inlineBlobs.delete(ref);
  }

  #open(): void {
    if (this.#closed) throw new StoreError('VDXP_STORE_IO', 'the store is closed');
  }

  // --- blobs --------------------------------------------------------------------------------

  /**
   * Stores bytes. A blob of up to 64 KiB goes into the journal with the next batch (one
   * `fdatasync` shared with the changes around it) and reaches its own file when the journal
   * is compacted; a larger one is written to its own file (temporary file, fsync, rename,
   * folder fsync). Either way it is durable when the promise resolves.
   */
  async putBlob(source: Uint8Array | AsyncIterable<Uint8Array>, options: PutBlobOptions = {}): Promise<BlobInfo> {
    this.#open();
    const dir = join(this.#dir, 'blobs');
    if (source instanceof Uint8Array) {
      if (options.maxBytes !== undefined && source.byteLength > options.maxBytes) throw new StoreError('VDXP_STORE_IO', `the blob is larger than maxBytes (${options.maxBytes})`);
      if (source.byteLength <= INLINE_BLOB_BYTES) return this.#putInline(Buffer.from(source));
      return putBlobFile(this.#target, dir, source, options);
    }
    // read up to the inline size; past it, the rest streams to a file after what was read
    const it = source[Symbol.asyncIterator]();
    const head: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const r = await it.next();
      if (r.done) break;
      if (!(r.value instanceof Uint8Array)) {
        await it.return?.();
        throw new StoreError('VDXP_STORE_IO', 'cannot store a blob: a blob source must yield Uint8Array chunks');
      }
      head.push(r.value);
      size += r.value.byteLength;
      if (size > INLINE_BLOB_BYTES) {
        const rest = async function* (): AsyncGenerator<Uint8Array> {
          yield* head;
          for (;;) {
            const n = await it.next();
            if (n.done) return;
            yield n.value;
          }
        };
        return putBlobFile(this.#target, dir, rest(), options);
      }
    }
    options.signal?.throwIfAborted();
    if (options.maxBytes !== undefined && size > options.maxBytes) throw new StoreError('VDXP_STORE_IO', `the blob is larger than maxBytes (${options.maxBytes})`);
    return this.#putInline(Buffer.concat(head, size));
  }

  #putInline(data: Buffer): Promise<BlobInfo> {
    const blob: InlineBlob = { ref: `b${randomBytes(16).toString('hex')}`, size: data.byteLength, sha256: createHash('sha256').update(data).digest('hex'), data };
    return this.#change(() => {
      this.#stagedBlobs.set(blob.ref, blob);
      return { ref: blob.ref, size: blob.size, sha256: blob.sha256 };
    });
  }

  async openBlob(ref: string): Promise<Readable> {
    this.#open();
    assertStoreId(ref, 'openBlob');
    const inline = this.#inlineBlobs.get(ref);
    if (inline) return Readable.from([inline.data]);
    return openBlobFile(join(this.#dir, 'blobs'), ref);
  }

  // --- outbox -------------------------------------------------------------------------------

  async addOutbox(entry: NewOutboxEntry): Promise<AddResult<OutboxEntry>> {
    assertStoreId(entry.id, 'addOutbox');
    return this.#change(() => {
      const existing = this.#outbox.current(entry.id);
      if (existing) return { created: false, record: existing };
      const record = this.#outbox.stage({ ...entry, version: 1, state: 'pending', attempts: 0 });
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
    return (filter.documentId !== undefined ? this.#outbox.withKey(filter.documentId) : this.#outbox.values())
      .filter((e) => outboxMatches(e, filter))
      .sort(byKeys((e) => e.createdAt, (e) => e.id));
  }

  claimOutbox(options: ClaimOptions): Promise<OutboxEntry[]> {
    return this.#claim(() => {
      const lease = leaseFor(options);
      const due = this.#outbox.values().filter((e) => isOutboxClaimable(e, options.now)).sort(byKeys((e) => e.nextAttemptAt, (e) => e.createdAt, (e) => e.id));
      const out: OutboxEntry[] = [];
      for (const e of due.slice(0, Math.max(0, options.limit))) out.push(this.#outbox.keep(applyPatch(e, { lease })));
      return out;
    });
  }

  updateOutbox(id: string, patch: OutboxPatch, expect?: UpdateExpectation): Promise<OutboxEntry> {
    return this.#change(() => {
      const current = this.#outbox.current(id);
      if (!current) throw new StoreError('VDXP_STORE_NOT_FOUND', `no outbox entry ${id}`);
      checkExpectation(current, expect, `outbox entry ${id}`);
      return this.#outbox.stage(applyPatch(current, patch));
    });
  }

  // --- inbox --------------------------------------------------------------------------------

  async addInbox(entry: NewInboxEntry): Promise<AddInboxResult> {
    assertStoreId(entry.id, 'addInbox');
    return this.#change(() => {
      const byDocId = this.#inboxByAxisDocId.get(entry.axisDocId);
      if (byDocId) return { status: 'duplicate', matchedBy: 'axisDocId', entry: this.#inbox.current(byDocId)! };
      const key = inboxDocumentKey(entry);
      const byDocument = this.#inboxByDocument.get(key);
      if (byDocument) return { status: 'duplicate', matchedBy: 'document', entry: this.#inbox.current(byDocument)! };
      const existing = this.#inbox.current(entry.id);
      if (existing) return { status: 'duplicate', matchedBy: 'axisDocId', entry: existing };
      const record = this.#inbox.stage({ ...entry, version: 1, withdrawn: entry.withdrawn ?? false });
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
    let candidates: InboxEntry[];
    if (filter.axisDocId !== undefined) {
      const id = this.#inboxByAxisDocId.get(filter.axisDocId);
      const e = id === undefined ? undefined : this.#inbox.get(id);
      candidates = e ? [e] : [];
    } else {
      candidates = this.#inbox.values();
    }
    return candidates
      .filter((e) => inboxMatches(e, filter))
      .sort(byKeys((e) => e.receivedAt, (e) => e.id));
  }

  claimInboxHandover(options: ClaimOptions): Promise<InboxEntry[]> {
    return this.#claim(() => {
      const lease = leaseFor(options);
      const due = this.#inbox.values().filter((e) => isInboxClaimable(e, options.now)).sort(byKeys((e) => e.receivedAt, (e) => e.id));
      const out: InboxEntry[] = [];
      for (const e of due.slice(0, Math.max(0, options.limit))) out.push(this.#inbox.keep(applyPatch(e, { lease })));
      return out;
    });
  }

  updateInbox(id: string, patch: InboxPatch, expect?: UpdateExpectation): Promise<InboxEntry> {
    return this.#change(() => {
      const current = this.#inbox.current(id);
      if (!current) throw new StoreError('VDXP_STORE_NOT_FOUND', `no inbox entry ${id}`);
      checkExpectation(current, expect, `inbox entry ${id}`);
      return this.#inbox.stage(applyPatch(current, patch));
    });
  }

  // --- statuses, decisions, quarantine, marks ---------------------------------------------------

  addStatus(record: NewStatusRecord): Promise<AddResult<StatusRecord>> {
    return this.#change(() => {
      const id = statusRecordId(record);
      const existing = this.#statuses.current(id);
      if (existing) return { created: false, record: existing };
      return { created: true, record: this.#statuses.stage({ ...record, id }) };
    });
  }

  async listStatuses(filter: StatusFilter = {}): Promise<StatusRecord[]> {
    this.#open();
    return (filter.documentId !== undefined ? this.#statuses.withKey(filter.documentId) : this.#statuses.values())
      .filter((s) => statusMatches(s, filter))
      .sort(byKeys((s) => s.at, (s) => s.recordedAt, (s) => s.id));
  }

  async addDecision(decision: NewDecision): Promise<AddResult<Decision>> {
    assertStoreId(decision.id, 'addDecision');
    return this.#change(() => {
      const existing = this.#decisions.current(decision.id);
      if (existing) return { created: false, record: existing };
      return { created: true, record: this.#decisions.stage({ ...decision, version: 1, state: 'open' }) };
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
    return this.#change(() => {
      const current = this.#decisions.current(id);
      if (!current) throw new StoreError('VDXP_STORE_NOT_FOUND', `no decision ${id}`);
      checkExpectation(current, expect, `decision ${id}`);
      return this.#decisions.stage(applyPatch(current, patch));
    });
  }

  async addQuarantine(entry: QuarantineEntry): Promise<AddResult<QuarantineEntry>> {
    assertStoreId(entry.id, 'addQuarantine');
    return this.#change(() => {
      const existingId = this.#quarantineByAxisDocId.get(entry.axisDocId) ?? (this.#quarantine.current(entry.id) ? entry.id : undefined);
      if (existingId) return { created: false, record: this.#quarantine.current(existingId)! };
      const record = this.#quarantine.stage(entry);
      this.#quarantineByAxisDocId.set(record.axisDocId, record.id);
      return { created: true, record };
    });
  }

  async listQuarantine(): Promise<QuarantineEntry[]> {
    this.#open();
    return this.#quarantine.values().sort(byKeys((q) => q.at, (q) => q.id));
  }

  markOnce(key: string, at: string): Promise<boolean> {
    return this.#change(() => {
      const id = `m_${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
      if (this.#marks.current(id)) return false;
      this.#marks.stage({ id, key, at });
      return true;
    });
  }

  /**
   * Waits for pending changes, folds the journal into the record files, releases the lock.
   * Idempotent.
   * @throws {StoreError} VDXP_STORE_IO when the journal cannot be folded (it stays, and is replayed on the next open)
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        while (this.#draining) await this.#draining;
        await this.#compaction;
        if (this.#journal) {
          const last = await this.#journal.close();
          await this.#compact([...this.#oldLogs.splice(0), last], this.#takeDirty(), this.#takeDirtyBlobs());
        }
      } finally {
        await this.#target.folders?.close();
        await this.#lock.release();
      }
    })();
    return this.#closed;
  }
}

/** A queued change or claim. */
interface Op {
  readonly fn: () => unknown;
  readonly claim: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** A blob kept in the journal until compaction. */
interface InlineBlob {
  readonly ref: string;
  readonly size: number;
  readonly sha256: string;
  readonly data: Buffer;
}

/** Blobs up to this size go into the journal. */
const INLINE_BLOB_BYTES = 64 * 1024;

/**
 * Reads a blob line of the journal, checking its size and hash.
 * @throws {StoreError} VDXP_STORE_CORRUPT
 */
function inlineBlobOf(value: { readonly id: string }, location: string): InlineBlob {
  const v = value as { id: unknown; size?: unknown; sha256?: unknown; data?: unknown };
  const ok = typeof v.id === 'string' && STORE_ID_PATTERN.test(v.id) && typeof v.size === 'number' && typeof v.sha256 === 'string' && typeof v.data === 'string';
  const data = ok ? Buffer.from(v.data as string, 'base64') : undefined;
  if (!ok || !data || data.byteLength !== v.size || createHash('sha256').update(data).digest('hex') !== v.sha256) {
    throw new StoreError('VDXP_STORE_CORRUPT', 'a blob in the journal is malformed or does not match its hash', { location });
  }
  return { ref: v.id as string, size: data.byteLength, sha256: v.sha256 as string, data };
}

/** Record files written at once during a compaction. */
const COMPACTION_WRITERS = 8;
