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
import { FolderSync, ioError, openBlobFile, putBlobFile, syncDir, type DurableTarget } from './durable-files.js';
import { FileLock } from './file-lock.js';
import { RecordFolder, freeze } from './record-folder.js';
import { INLINE_BLOB_BYTES, JournaledRecords, type InlineBlob } from './journaled-records.js';
import { RECORD_SCHEMAS } from './record-schemas.js';
import type {
  AddInboxResult, AddResult, BlobInfo, ClaimOptions, Decision, DecisionPatch, InboxClaimOptions, InboxEntry, InboxFilter, InboxPatch,
  NewDecision, NewInboxEntry, NewOutboxEntry, NewStatusRecord, OutboxEntry, OutboxFilter, OutboxPatch, PutBlobOptions,
  Lease, PruneOptions, PruneResult, QuarantineEntry, ReceiveClaimOptions, StatusFilter, StatusRecord, Store, UpdateExpectation,
} from './store.js';
import {
  RECEIVE_CLAIM_MEMORY_MS, applyPatch, assertStoreId, byKeys, checkExpectation, checkPruneOptions, decisionMatches, inboxDocumentKey, inboxMatches, isInboxClaimable,
  isOutboxClaimable, isPackagePrunable, leaseFor, outboxMatches, prunedStamp, statusMatches, statusRecordId,
} from './store-rules.js';

/** Records stamped per journal batch by `prunePackages` (one journal line each). */
const PRUNE_BATCH = 500;

/**
 * A {@link Store} in a folder: a folder of records per kind (`outbox/`, `inbox/`, `statuses/`,
 * `decisions/`, `quarantine/`, `marks/`), package bytes in `blobs/`, and a write-ahead journal
 * (`journal/`). A change is appended to the journal and `fdatasync`ed before its promise
 * resolves; changes that arrive while a write is under way are written together in the next
 * one (group commit), so many concurrent changes cost about one disk flush. Each journal line
 * carries a CRC-32: a `kill -9` at any moment leaves every change acknowledged and at most
 * an unacknowledged tail, which the next open drops. Full logs are folded into the record
 * folders in the background, and so is everything on open and on close, so a closed store
 * holds no journal: each fold writes, per folder it changed, one **segment**
 * (`seg-<sequence>.jsonl`, the current version of each changed record, one JSON record per
 * line, then an end line with their count and CRC-32) with a temporary file, one fsync, a
 * rename and one folder fsync. A later segment's line supersedes an earlier one; once
 * superseded lines make up half of a folder's bytes, or it holds more than 64 files, the
 * folder is rewritten as one segment and its older files deleted. (Earlier versions wrote one
 * file per record, `<id>.json`: such files are read as the oldest lines and go at the first
 * rewrite.) A blob over 64 KiB is written durably on its own (`blobs/<ref>.blob`: its bytes,
 * then an end line with their size and SHA-256; temporary file, fsync, rename, folder fsync);
 * smaller ones ride in the journal, and each fold writes those it holds as one
 * **pack** (`blobs/pack-<sequence>.bin`: their bytes, then their index with each one's SHA-256,
 * then an end line with the index's CRC-32) with one fsync.
 *
 * On open, temporary files are discarded and everything is checked; damage is
 * `VDXP_STORE_CORRUPT`, never skipped, and a refused open leaves every other file as it was:
 * a journal line before the tail, a log missing between two others, a segment or a pack index
 * whose CRC-32 or count does not match or that is cut short or grown, a record that breaks its
 * schema, a missing segment (every number from a folder's newest whole segment on must be
 * there), a pack whose blobs do not fill it up to its index. Every blob is checked against
 * its SHA-256 when it is read: a blob file without its whole end line is refused when opened,
 * and a blob whose bytes do not match fails its stream with `VDXP_STORE_CORRUPT` (at the end,
 * for a blob file, so that a reader that reads to the end never takes damaged bytes for good
 * ones; the connector then fails the send for good). What no check can tell: a folder's newest segment or the journal's newest log
 * deleted (the store is then the older one it was before), and a damaged last line of the
 * newest log (read as a write a crash cut short, and dropped). Blob files of earlier versions
 * (`blobs/<ref>`, no end line) are read as they are.
 *
 * One process at a time: `LOCK` holds pid, host and start time; a lock whose process is gone
 * is taken over, and so are the leases its
 * workers held (work claimed by a killed process is claimable at once). Indexes live in
 * memory, and so do leases: a claim writes nothing (a lease on disk could only be dropped on
 * the next open), it rides along with the record's next durable change.
 *
 * Every record is held in memory (an outbox entry takes about 1.2 KB of heap), with indexes
 * for each lookup the connector makes per document (by DocumentId, by the received document
 * a status answers, the entries still to send and those still to hand over), so that a
 * document costs the same however much history the store holds. Opening reads every file,
 * synchronously in slices of about 10 ms with the event loop let go between them: 5 000
 * outbox records open in about 0.07 s on the benchmark machine, 20 000 in 0.24–0.29 s. For a
 * history of hundreds of thousands of documents, or several workers, use {@link PostgresStore}.
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
  readonly #outbox: RecordFolder<OutboxEntry, 'document' | 'inbox' | 'open'>;
  readonly #inbox: RecordFolder<InboxEntry, 'document' | 'waiting'>;
  readonly #statuses: RecordFolder<StatusRecord, 'document'>;
  readonly #decisions: RecordFolder<Decision>;
  readonly #quarantine: RecordFolder<QuarantineEntry>;
  readonly #marks: RecordFolder<{ id: string; key: string; at: string }>;
  readonly #inboxByAxisDocId = new Map<string, string>();
  readonly #inboxByDocument = new Map<string, string>();
  readonly #quarantineByAxisDocId = new Map<string, string>();
  /** Receive leases by axis DocId: in memory, as the lock makes this process the only one. */
  readonly #receiveClaims = new Map<string, { readonly workerId: string; readonly expiresAt: number }>();
  readonly #records: JournaledRecords;
  #closed: Promise<void> | undefined;
  /** The prune under way (one at a time: two would rewrite the same packs). */
  #pruning: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, target: DurableTarget, lock: FileLock, compactAfterBytes: number) {
    this.#dir = dir;
    this.#target = target;
    this.#lock = lock;
    // Indexes for every lookup the connector makes per document, so that its cost does not grow
    // with the history the store holds: by DocumentId, by the received document a status
    // answers, and the few entries still to send or to hand over.
    this.#outbox = new RecordFolder(join(dir, 'outbox'), RECORD_SCHEMAS.outbox, target, {
      document: (e: OutboxEntry) => e.documentId,
      inbox: (e: OutboxEntry) => e.inboxId,
      open: (e: OutboxEntry) => (e.state === 'pending' || e.state === 'sending' ? e.state : undefined),
    });
    this.#inbox = new RecordFolder(join(dir, 'inbox'), RECORD_SCHEMAS.inbox, target, {
      document: (e: InboxEntry) => e.documentId,
      waiting: (e: InboxEntry) => (e.handedOverAt === undefined ? 'waiting' : undefined),
    });
    this.#statuses = new RecordFolder(join(dir, 'statuses'), RECORD_SCHEMAS.statuses, target, { document: (s: StatusRecord) => s.documentId });
    this.#decisions = new RecordFolder(join(dir, 'decisions'), RECORD_SCHEMAS.decisions, target);
    this.#quarantine = new RecordFolder(join(dir, 'quarantine'), RECORD_SCHEMAS.quarantine, target);
    this.#marks = new RecordFolder(join(dir, 'marks'), RECORD_SCHEMAS.marks, target);
    const folders = new Map<string, RecordFolder<{ readonly id: string }>>([
      ['outbox', this.#outbox], ['inbox', this.#inbox], ['statuses', this.#statuses],
      ['decisions', this.#decisions], ['quarantine', this.#quarantine], ['marks', this.#marks],
    ] as unknown as [string, RecordFolder<{ readonly id: string }>][]);
    this.#records = new JournaledRecords({ dir, folders, target, compactAfterBytes, onDiscard: () => this.#rebuildIndexes() });
  }

  /**
   * Opens (or creates) a store: takes the lock, discards temporary files, reads and checks
   * every record, replays the journal (dropping an unacknowledged tail) and folds it into the
   * record folders, builds the indexes.
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
    const loaded = await this.#records.load();
    // the lock makes this the only process: leases on disk belong to processes that are gone
    for (const folder of [this.#outbox, this.#inbox] as unknown as RecordFolder<{ id: string; lease?: unknown }>[]) {
      for (const r of folder.values()) {
        if (r.lease === undefined) continue;
        const { lease: _gone, ...free } = r;
        folder.set(freeze(free));
      }
    }
    this.#rebuildIndexes();
    await this.#records.start(loaded);
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

  /** Claims up to `limit` due records of `folder`, in `order`: the leases live in memory only. */
  #claimIn<T extends { readonly id: string; readonly version: number }, I extends string>(
    folder: RecordFolder<T, I>,
    candidates: () => T[],
    options: ClaimOptions,
    due: (r: T) => boolean,
    order: (a: T, b: T) => number,
  ): Promise<T[]> {
    return this.#records.claim(() => {
      const lease = leaseFor(options);
      return candidates()
        .filter(due)
        .sort(order)
        .slice(0, Math.max(0, options.limit))
        .map((r) => folder.keep(applyPatch(r, { lease })));
    });
  }

  /** Patches one record of `folder` (named `what` in errors), checking `expect`. */
  #update<T extends { readonly id: string; readonly version: number; readonly lease?: Lease }, I extends string>(folder: RecordFolder<T, I>, what: string, id: string, patch: object, expect: UpdateExpectation | undefined): Promise<T> {
    return this.#records.change(() => {
      const current = folder.current(id);
      if (!current) throw new StoreError('VDXP_STORE_NOT_FOUND', `no ${what} ${id}`);
      checkExpectation(current, expect, `${what} ${id}`);
      return folder.stage(applyPatch(current, patch));
    });
  }

  #open(): void {
    if (this.#closed) throw new StoreError('VDXP_STORE_IO', 'the store is closed');
  }

  // --- blobs --------------------------------------------------------------------------------

  /**
   * Stores bytes. A blob of up to 64 KiB goes into the journal with the next batch (one
   * `fdatasync` shared with the changes around it) and, when the journal is folded, into a
   * pack with the other small blobs of that fold; a larger one is written to its own file
   * (temporary file, fsync, rename, folder fsync). Either way it is durable when the promise
   * resolves.
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
    return this.#records.change(() => {
      this.#records.stageBlob(blob);
      return { ref: blob.ref, size: blob.size, sha256: blob.sha256 };
    });
  }

  async openBlob(ref: string): Promise<Readable> {
    this.#open();
    assertStoreId(ref, 'openBlob');
    const inline = this.#records.inlineBlob(ref);
    if (inline) return Readable.from([inline]);
    return (await this.#records.packedBlob(ref)) ?? openBlobFile(join(this.#dir, 'blobs'), ref);
  }

  // --- outbox -------------------------------------------------------------------------------

  async addOutbox(entry: NewOutboxEntry): Promise<AddResult<OutboxEntry>> {
    assertStoreId(entry.id, 'addOutbox');
    return this.#records.change(() => {
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
    let candidates: OutboxEntry[];
    if (filter.documentId !== undefined) candidates = this.#outbox.withKey('document', filter.documentId);
    else if (filter.inboxId !== undefined) candidates = this.#outbox.withKey('inbox', filter.inboxId);
    else if (filter.state === 'pending' || filter.state === 'sending') candidates = this.#outbox.withKey('open', filter.state);
    else candidates = this.#outbox.values();
    return candidates
      .filter((e) => outboxMatches(e, filter))
      .sort(byKeys((e) => e.createdAt, (e) => e.id));
  }

  claimOutbox(options: ClaimOptions): Promise<OutboxEntry[]> {
    const open = () => [...this.#outbox.withKey('open', 'pending'), ...this.#outbox.withKey('open', 'sending')];
    return this.#claimIn(this.#outbox, open, options, (e) => isOutboxClaimable(e, options.now), byKeys((e) => e.nextAttemptAt, (e) => e.createdAt, (e) => e.id));
  }

  updateOutbox(id: string, patch: OutboxPatch, expect?: UpdateExpectation): Promise<OutboxEntry> {
    return this.#update(this.#outbox, 'outbox entry', id, patch, expect);
  }

  // --- inbox --------------------------------------------------------------------------------

  async addInbox(entry: NewInboxEntry): Promise<AddInboxResult> {
    assertStoreId(entry.id, 'addInbox');
    return this.#records.change(() => {
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
    } else if (filter.documentId !== undefined) {
      candidates = this.#inbox.withKey('document', filter.documentId);
    } else if (filter.handedOver === false) {
      candidates = this.#inbox.withKey('waiting', 'waiting');
    } else {
      candidates = this.#inbox.values();
    }
    return candidates
      .filter((e) => inboxMatches(e, filter))
      .sort(byKeys((e) => e.receivedAt, (e) => e.id));
  }

  claimInboxHandover(options: InboxClaimOptions): Promise<InboxEntry[]> {
    return this.#claimIn(this.#inbox, () => this.#inbox.withKey('waiting', 'waiting'), options, (e) => isInboxClaimable(e, options.now, options.documents !== false), byKeys((e) => e.receivedAt, (e) => e.id));
  }

  updateInbox(id: string, patch: InboxPatch, expect?: UpdateExpectation): Promise<InboxEntry> {
    return this.#update(this.#inbox, 'inbox entry', id, patch, expect);
  }

  async claimReceive(options: ReceiveClaimOptions): Promise<boolean> {
    this.#open();
    const now = options.now.getTime();
    const held = this.#receiveClaims.get(options.axisDocId);
    if (held && held.workerId !== options.workerId && held.expiresAt > now) return false;
    this.#receiveClaims.set(options.axisDocId, { workerId: options.workerId, expiresAt: now + options.leaseMs });
    return true;
  }

  async releaseReceive(axisDocId: string, workerId: string, now: Date): Promise<void> {
    this.#open();
    if (this.#receiveClaims.get(axisDocId)?.workerId === workerId) this.#receiveClaims.delete(axisDocId);
    const forgotten = now.getTime() - RECEIVE_CLAIM_MEMORY_MS;
    for (const [id, claim] of this.#receiveClaims) if (claim.expiresAt < forgotten) this.#receiveClaims.delete(id);
  }

  // --- statuses, decisions, quarantine, marks ---------------------------------------------------

  addStatus(record: NewStatusRecord): Promise<AddResult<StatusRecord>> {
    return this.#records.change(() => {
      const id = statusRecordId(record);
      const existing = this.#statuses.current(id);
      if (existing) return { created: false, record: existing };
      return { created: true, record: this.#statuses.stage({ ...record, id }) };
    });
  }

  async listStatuses(filter: StatusFilter = {}): Promise<StatusRecord[]> {
    this.#open();
    return (filter.documentId !== undefined ? this.#statuses.withKey('document', filter.documentId) : this.#statuses.values())
      .filter((s) => statusMatches(s, filter))
      .sort(byKeys((s) => s.at, (s) => s.recordedAt, (s) => s.id));
  }

  async addDecision(decision: NewDecision): Promise<AddResult<Decision>> {
    assertStoreId(decision.id, 'addDecision');
    return this.#records.change(() => {
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
    return this.#update(this.#decisions, 'decision', id, patch, expect);
  }

  async addQuarantine(entry: QuarantineEntry): Promise<AddResult<QuarantineEntry>> {
    assertStoreId(entry.id, 'addQuarantine');
    return this.#records.change(() => {
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
    return this.#records.change(() => {
      const id = `m_${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
      if (this.#marks.current(id)) return false;
      this.#marks.stage({ id, key, at });
      return true;
    });
  }

  /**
   * Removes the package bytes of finished records ({@link Store.prunePackages}; the rules are
   * {@link isPackagePrunable}'s). The records are stamped in journal batches of 500; then blob files
   * are deleted (one folder fsync) and every pack that held a removed package is written again
   * without it. A package still in the journal is let go at once and its bytes leave the disk
   * with the journal's next fold. Each run also deletes the packages of records an interrupted
   * run had stamped.
   * @throws {InputError} VDXP_INPUT_INVALID for bad options
   * @throws {StoreError} VDXP_STORE_IO, VDXP_STORE_CORRUPT (a pack to rewrite is damaged)
   */
  prunePackages(options: PruneOptions): Promise<PruneResult> {
    try {
      this.#open();
    } catch (e) {
      return Promise.reject(e);
    }
    const run = this.#pruning.then(() => this.#prune(options));
    this.#pruning = run.catch(() => undefined);
    return run;
  }

  async #prune(options: PruneOptions): Promise<PruneResult> {
    const o = checkPruneOptions(options);
    const records = { outbox: 0, inbox: 0, quarantine: 0 };
    const mark = prunedStamp(o.now);
    type Pruned = OutboxEntry | InboxEntry | QuarantineEntry;
    const kinds: readonly { kind: 'outbox' | 'inbox' | 'quarantine'; folder: RecordFolder<Pruned, string>; stamp: (r: Pruned) => Pruned }[] = [
      { kind: 'outbox', folder: this.#outbox as unknown as RecordFolder<Pruned, string>, stamp: (r) => applyPatch(r as OutboxEntry, mark) },
      { kind: 'inbox', folder: this.#inbox as unknown as RecordFolder<Pruned, string>, stamp: (r) => applyPatch(r as InboxEntry, mark) },
      { kind: 'quarantine', folder: this.#quarantine as unknown as RecordFolder<Pruned, string>, stamp: (r) => ({ ...r, ...mark }) },
    ];
    /** Dry run: the records a real run would stamp. */
    const wouldPrune = new Set<Pruned>();
    for (const { kind, folder, stamp } of kinds) {
      const candidates = folder.values().filter((r) => isPackagePrunable(kind, r, o));
      if (o.dryRun) {
        for (const r of candidates) wouldPrune.add(r);
        records[kind] = candidates.length;
        continue;
      }
      // in journal batches of a bounded size (a line per batch), each record checked again as
      // the batch sees it
      for (let i = 0; i < candidates.length; i += PRUNE_BATCH) {
        const batch = candidates.slice(i, i + PRUNE_BATCH);
        records[kind] += await this.#records.change(() => {
          let stamped = 0;
          for (const { id } of batch) {
            const current = folder.current(id);
            if (!current || !isPackagePrunable(kind, current, o)) continue;
            folder.stage(stamp(current));
            stamped += 1;
          }
          return stamped;
        });
      }
    }
    // the packages no record keeps any more: refs of pruned records (now or before) less those
    // of records that keep theirs, with the sizes the records give
    const kept = new Set<string>();
    const dropped = new Map<string, number>();
    for (const { folder } of kinds) {
      for (const r of folder.values()) {
        if (!r.blob) continue;
        if (r.packagePrunedAt !== undefined || wouldPrune.has(r)) dropped.set(r.blob.ref, r.blob.size);
        else kept.add(r.blob.ref);
      }
    }
    const dead = new Map([...dropped].filter(([ref]) => !kept.has(ref)));
    const blobDir = join(this.#dir, 'blobs');
    let names: string[];
    try {
      names = await readdir(blobDir);
    } catch (e) {
      throw ioError('cannot list the blob folder', e, blobDir);
    }
    /** Blob files of dead packages (names), and their bytes. */
    const files: string[] = [];
    let fileBytes = 0;
    for (const name of names) {
      const size = dead.get(name.endsWith('.blob') ? name.slice(0, -'.blob'.length) : name);
      if (size === undefined) continue;
      files.push(name);
      fileBytes += size;
    }
    if (o.dryRun) {
      let blobs = files.length;
      let bytes = fileBytes;
      for (const ref of dead.keys()) {
        const size = this.#records.smallBlobSize(ref);
        if (size !== undefined) {
          blobs += 1;
          bytes += size;
        }
      }
      return { records, blobs, bytes };
    }
    for (const name of files) {
      const path = join(blobDir, name);
      try {
        await rm(path, { force: true });
      } catch (e) {
        throw ioError('cannot delete a blob', e, path);
      }
    }
    if (files.length > 0 && this.#target.fsync) await syncDir(blobDir);
    const small = await this.#records.dropSmallBlobs(new Set(dead.keys()));
    return { records, blobs: files.length + small.blobs, bytes: fileBytes + small.bytes };
  }

  /**
   * Waits for pending changes, folds the journal into the record folders, releases the lock.
   * Idempotent.
   * @throws {StoreError} VDXP_STORE_IO when the journal cannot be folded (it stays, and is replayed on the next open)
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await this.#pruning;
        await this.#records.close();
      } finally {
        await this.#target.folders?.close();
        await this.#lock.release();
      }
    })();
    return this.#closed;
  }
}

