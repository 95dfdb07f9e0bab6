/**
 * The journal side of {@link FileStore}: changes queued, run in order against the staged
 * records, written as one journal line per batch (group commit), published once durable;
 * small blobs carried in the journal; logs folded into the record folders and the blob packs
 * (compaction) in the background, on open and on close. See `record-journal.ts` for the line
 * format, `record-folder.ts` for segments and `blob-packs.ts` for packs.
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StoreError } from '../errors.js';
import { BlobPacks } from './blob-packs.js';
import { syncDir, type DurableTarget } from './durable-files.js';
import type { RecordFolder } from './record-folder.js';
import { RecordJournal, readJournal, type JournalChange } from './record-journal.js';
import { STORE_ID_PATTERN } from './store.js';

type AnyFolder = RecordFolder<{ readonly id: string }>;

/** What {@link JournaledRecords.load} read: the logs to fold, and the next log's number. */
export interface LoadedJournal {
  readonly logs: readonly string[];
  readonly nextSeq: number;
}

/** The record folders of a store, written through one journal. */
export class JournaledRecords {
  readonly #folders: ReadonlyMap<string, AnyFolder>;
  readonly #target: DurableTarget;
  readonly #journalDir: string;
  readonly #blobDir: string;
  readonly #packs: BlobPacks;
  readonly #compactAfterBytes: number;
  readonly #onDiscard: () => void;
  #journal: RecordJournal | undefined;
  /** Changes waiting for the next batch. */
  #ops: Op[] = [];
  #draining: Promise<void> | undefined;
  /** Records changed in the journal since the last rotation (ids, by folder). */
  #dirty = new Map<AnyFolder, Set<string>>();
  /** Small blobs kept in the journal (and memory) until compaction writes their files. */
  readonly #inlineBlobs = new Map<string, InlineBlob>();
  #stagedBlobs = new Map<string, InlineBlob>();
  #dirtyBlobs = new Set<string>();
  /** Logs whose compaction failed (retried with the next one). */
  #oldLogs: string[] = [];
  #compaction: Promise<void> | undefined;
  #closing = false;

  /**
   * `folders` by their journal name; `onDiscard` runs when a batch failed and its staged
   * records were dropped (indexes built from staged records must be rebuilt).
   */
  constructor(options: {
    readonly dir: string;
    readonly folders: ReadonlyMap<string, AnyFolder>;
    readonly target: DurableTarget;
    readonly compactAfterBytes: number;
    readonly onDiscard: () => void;
  }) {
    this.#folders = options.folders;
    this.#target = options.target;
    this.#journalDir = join(options.dir, 'journal');
    this.#blobDir = join(options.dir, 'blobs');
    this.#packs = new BlobPacks(this.#blobDir, options.target);
    this.#compactAfterBytes = options.compactAfterBytes;
    this.#onDiscard = options.onDiscard;
  }

  /**
   * Reads every record folder and replays the journal over them (dropping an unacknowledged
   * tail). Call {@link start} next.
   * @throws {StoreError} VDXP_STORE_CORRUPT, VDXP_STORE_IO
   */
  async load(): Promise<LoadedJournal> {
    for (const folder of this.#folders.values()) await folder.load();
    await this.#packs.load();
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
    return { logs: journal.logs, nextSeq: journal.nextSeq };
  }

  /**
   * Opens a new log and folds the replayed ones into the record folders.
   * @throws {StoreError} VDXP_STORE_IO
   */
  async start(loaded: LoadedJournal): Promise<void> {
    this.#journal = await RecordJournal.create(this.#journalDir, loaded.nextSeq, this.#target.fsync);
    if (loaded.logs.length > 0) await this.#compact([...loaded.logs], this.#takeDirty(), this.#takeDirtyBlobs());
  }

  /** Stages a small blob with the batch being built (call inside {@link change}). */
  stageBlob(blob: InlineBlob): void {
    this.#stagedBlobs.set(blob.ref, blob);
  }

  /** The bytes of a blob still held in the journal, if `ref` is one. */
  inlineBlob(ref: string): Buffer | undefined {
    return this.#inlineBlobs.get(ref)?.data;
  }

  /** The size of a small blob held in the journal or in a pack; undefined for any other ref. */
  smallBlobSize(ref: string): number | undefined {
    return this.#inlineBlobs.get(ref)?.size ?? this.#packs.sizeOf(ref);
  }

  /**
   * Removes small blobs (for `prunePackages`), after a fold under way: one still in the journal
   * is let go (it is not packed; its bytes leave with the journal's next fold), the packs
   * holding one are written again without it.
   * @returns the blobs removed and their bytes
   * @throws {StoreError} VDXP_STORE_IO, VDXP_STORE_CORRUPT
   */
  async dropSmallBlobs(dead: ReadonlySet<string>): Promise<{ readonly blobs: number; readonly bytes: number }> {
    await this.#compaction;
    let blobs = 0;
    let bytes = 0;
    for (const ref of dead) {
      const inline = this.#inlineBlobs.get(ref);
      if (!inline) continue;
      this.#inlineBlobs.delete(ref);
      this.#dirtyBlobs.delete(ref);
      blobs += 1;
      bytes += inline.size;
    }
    const packed = await this.#packs.drop(dead);
    return { blobs: blobs + packed.blobs, bytes: bytes + packed.bytes };
  }

  /** The bytes of a small blob in a pack (its journal folded), if `ref` is one. */
  packedBlob(ref: string): Promise<Readable | undefined> {
    return this.#packs.open(ref);
  }

  /**
   * Queues a change. `fn` runs synchronously, in order with every other change, against the
   * records as the batch being built sees them; what it stages is written with its batch, and
   * the promise settles when that batch is durable (or has failed).
   */
  change<T>(fn: () => T): Promise<T> {
    return this.#enqueue(fn, false);
  }

  /** Queues a claim: it runs once the changes queued before it are durable, and writes nothing. */
  claim<T>(fn: () => T): Promise<T> {
    return this.#enqueue(fn, true);
  }

  #enqueue<T>(fn: () => T, claim: boolean): Promise<T> {
    if (this.#closing) return Promise.reject(new StoreError('VDXP_STORE_IO', 'the store is closed'));
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
        this.#onDiscard();
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

  /** Starts a new log and folds the full one into the record folders in the background. */
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

  #markDirty(folder: AnyFolder, id: string): void {
    let ids = this.#dirty.get(folder);
    if (!ids) this.#dirty.set(folder, (ids = new Set()));
    ids.add(id);
  }

  #takeDirtyBlobs(): Set<string> {
    const dirty = this.#dirtyBlobs;
    this.#dirtyBlobs = new Set();
    return dirty;
  }

  #takeDirty(): Map<AnyFolder, Set<string>> {
    const dirty = this.#dirty;
    this.#dirty = new Map();
    return dirty;
  }

  /**
   * Folds logs into the record folders: writes the blobs they hold as one pack, and per folder
   * one segment with the current version of every record they changed (at least as new as the
   * logs); fsyncs each folder once, then deletes the logs and lets go of the blobs' bytes. A
   * crash at any point leaves the logs, which replay over the files to the same result. Last,
   * a folder that holds too many superseded lines or files is rewritten as one segment.
   */
  async #compact(logs: readonly string[], dirty: Map<AnyFolder, Set<string>>, blobs: ReadonlySet<string>): Promise<void> {
    const jobs: (() => Promise<void>)[] = [];
    const packed: InlineBlob[] = [];
    for (const ref of blobs) {
      const blob = this.#inlineBlobs.get(ref);
      if (blob) packed.push(blob);
    }
    if (packed.length > 0) jobs.push(() => this.#packs.write(packed));
    for (const [folder, ids] of dirty) {
      const records: { readonly id: string }[] = [];
      for (const id of ids) {
        const record = folder.get(id);
        if (record) records.push(record);
      }
      if (records.length > 0) jobs.push(() => folder.writeSegment(records));
    }
    // at most a pack and a segment per folder: written side by side, and all settled before a
    // failure is reported (no write of a failed fold may outlive it and race the next one)
    const failed = (await Promise.allSettled(jobs.map((job) => job()))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (this.#target.fsync) {
      if (packed.length > 0) await syncDir(this.#blobDir);
      for (const folder of dirty.keys()) await syncDir(folder.dir);
    }
    for (const log of logs) await rm(log, { force: true });
    if (this.#target.fsync) await syncDir(this.#journalDir);
    for (const ref of blobs) this.#inlineBlobs.delete(ref);
    for (const folder of dirty.keys()) await folder.rewriteIfWasteful();
  }

  /**
   * Waits for queued changes and a compaction under way, then folds the journal into the
   * record folders. Changes queued after this are refused.
   * @throws {StoreError} VDXP_STORE_IO when the journal cannot be folded (it stays, and is replayed on the next open)
   */
  async close(): Promise<void> {
    this.#closing = true;
    while (this.#draining) await this.#draining;
    await this.#compaction;
    if (this.#journal) {
      const last = await this.#journal.close();
      await this.#compact([...this.#oldLogs.splice(0), last], this.#takeDirty(), this.#takeDirtyBlobs());
    }
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
export interface InlineBlob {
  readonly ref: string;
  readonly size: number;
  readonly sha256: string;
  readonly data: Buffer;
}

/** Blobs up to this size go into the journal. */
export const INLINE_BLOB_BYTES = 64 * 1024;

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
