/**
 * One folder of JSON records for {@link FileStore}, read and checked on open and kept in
 * memory. Changes are staged, written to the journal in batches, then published; compaction
 * writes the current version of every record a folded log changed as one **segment**
 * (`seg-<sequence>.jsonl`, one record per line) with one fsync, instead of one file and one
 * fsync per record. A later segment's line supersedes an earlier one; once superseded lines
 * make up half of what the folder holds, or it holds more than {@link MAX_FOLDER_FILES} files,
 * the folder is rewritten as one segment and the older files are deleted. Record files of
 * earlier versions (`<id>.json`, one per record) are read first, as the oldest lines, and go
 * at the first rewrite.
 *
 * A segment ends with a line of its own, `end <records> <crc32> <kind>`: the number of record
 * lines, the CRC-32 of every byte before that line (8 hex digits), and `all` for a rewrite
 * (every record of the folder) or `changes` for a fold. A flipped byte, a segment cut short
 * (even at a line boundary) or grown is `VDXP_STORE_CORRUPT`, and so is a missing segment:
 * from the newest `all` segment (or from number 1, when there is none) to the last, every
 * sequence number must be there.
 * Segments older than the newest `all` one are superseded whole. What no check can tell is a
 * folder's newest segment deleted: the folder is then the older store it was before that fold.
 * @internal
 * @module
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { z } from 'zod';
import { StoreError } from '../errors.js';
import { ioError, lastLine, readAt, streamDurably, syncDir, type DurableTarget } from './durable-files.js';

const SEGMENT_NAME = /^seg-(\d{12})\.jsonl$/;
const NEWLINE = 0x0a;
/** The name of segment number `seq`. */
const segmentName = (seq: number): string => `seg-${String(seq).padStart(12, '0')}.jsonl`;
/** Segment bytes handed to the file at a time. */
const SEGMENT_CHUNK_BYTES = 256 * 1024;
/** A segment's last line: record lines, CRC-32 of the bytes before it, what it holds. */
const SEGMENT_END = /^end (\d{1,12}) ([0-9a-f]{8}) (all|changes)$/;
/** The longest end line (with its newline). */
const SEGMENT_END_MAX = 'end  ffffffff changes\n'.length + 12;
const segmentEnd = (records: number, crc: number, all: boolean): string => `end ${records} ${crc.toString(16).padStart(8, '0')} ${all ? 'all' : 'changes'}\n`;
/**
 * Files a folder may hold before it is rewritten as one segment even with few superseded
 * lines (records that never change after their first fold would otherwise add a file per fold
 * for ever; a folder of record files from an earlier version is rewritten at its first fold).
 */
export const MAX_FOLDER_FILES = 64;

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
  /** The folder's files (record files of earlier versions and segments), with their sizes. */
  readonly #files = new Map<string, number>();
  /** Per record, the size of its newest line on disk; their sum. */
  readonly #lineBytes = new Map<string, number>();
  #liveBytes = 0;
  #nextSeq = 1;

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
   * Reads every record: the record files of earlier versions, then the segments in order
   * (a later line supersedes an earlier one). Leftover temporary files of an interrupted write
   * are removed.
   *
   * The files are read synchronously, in slices of about {@link LOAD_SLICE_MS} with the event
   * loop let go between slices: `fs/promises.readFile` takes several thread-pool round trips
   * per file, and one after the other they made opening a store with 20 000 record files take
   * 6–7 s (mostly waiting), against about 0.3 s read synchronously.
   * @throws {StoreError} VDXP_STORE_CORRUPT for a record that is not valid JSON of its kind, a record file whose id is not its name, a segment without its end line or whose count or CRC-32 does not match, a missing segment; VDXP_STORE_IO
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
    const segments: { seq: number; name: string }[] = [];
    const pace = new Pace();
    for (const name of names) {
      await pace.step();
      const path = join(this.#dir, name);
      const seg = SEGMENT_NAME.exec(name);
      if (seg) {
        segments.push({ seq: Number(seg[1]), name });
        continue;
      }
      if (!name.endsWith('.json')) {
        if (name.endsWith('.tmp')) await rm(path, { force: true });
        continue;
      }
      const bytes = readBytes(path);
      const record = this.#read(bytes, `record ${name}`, path);
      if (`${record.id}.json` !== name) {
        throw new StoreError('VDXP_STORE_CORRUPT', `record ${name} carries another id`, { location: path });
      }
      this.set(freeze(record));
      this.#onDisk(record.id, bytes.byteLength);
      this.#files.set(name, bytes.byteLength);
    }
    segments.sort((a, b) => a.seq - b.seq);
    // from the newest segment that holds every record (else from the first) to the last, none
    // may be missing; the ones before it are superseded whole and not read (their bytes only
    // count towards the next rewrite, which deletes them)
    const ends = segments.map(({ name }) => segmentEndOf(join(this.#dir, name)));
    const from = Math.max(0, ends.findLastIndex((e) => e.all));
    const first = segments[from];
    if (first && !ends[from]!.all && first.seq !== 1) {
      throw new StoreError('VDXP_STORE_CORRUPT', `segment ${segmentName(first.seq - 1)} is missing (the oldest segment left holds only changes); restore the store from a backup`, { location: this.#dir });
    }
    for (let i = from + 1; i < segments.length; i++) {
      if (segments[i]!.seq !== segments[i - 1]!.seq + 1) {
        throw new StoreError('VDXP_STORE_CORRUPT', `segment ${segmentName(segments[i - 1]!.seq + 1)} is missing; restore the store from a backup`, { location: this.#dir });
      }
    }
    for (const [i, { seq, name }] of segments.entries()) {
      this.#nextSeq = seq + 1;
      if (i < from) {
        this.#files.set(name, ends[i]!.size);
        continue;
      }
      const path = join(this.#dir, name);
      const { bytes, end } = readSegment(path, name);
      let at = 0;
      for (let line = 1; at < end; line++) {
        await pace.step();
        const next = bytes.indexOf(NEWLINE, at);
        const record = this.#read(bytes.subarray(at, next), `line ${line} of segment ${name}`, path);
        this.set(freeze(record));
        this.#onDisk(record.id, next + 1 - at);
        at = next + 1;
      }
      this.#files.set(name, bytes.byteLength);
    }
  }

  /** Parses and checks one record's JSON. */
  #read(bytes: Buffer, name: string, location: string): T {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      throw new StoreError('VDXP_STORE_CORRUPT', `${name} is not valid JSON; restore the store from a backup`, { cause: e, location });
    }
    return this.#check(value, name, location);
  }

  /** Notes that the newest line on disk of record `id` is `bytes` long. */
  #onDisk(id: string, bytes: number): void {
    this.#liveBytes += bytes - (this.#lineBytes.get(id) ?? 0);
    this.#lineBytes.set(id, bytes);
  }

  /**
   * Writes `records` (their current versions) as the folder's next segment, durably but
   * without the folder fsync: the caller syncs the folder once. `all`: they are every record
   * of the folder (a rewrite), so the segments before this one are superseded whole.
   * @throws {StoreError} VDXP_STORE_IO
   */
  async writeSegment(records: readonly T[], all = false): Promise<void> {
    const seq = this.#nextSeq++;
    const name = segmentName(seq);
    const sizes: [string, number][] = [];
    function* chunks(): Generator<Buffer> {
      let text = '';
      let crc = 0;
      for (const r of records) {
        const line = `${JSON.stringify(r)}\n`;
        sizes.push([r.id, Buffer.byteLength(line)]);
        text += line;
        if (text.length >= SEGMENT_CHUNK_BYTES) {
          const chunk = Buffer.from(text);
          crc = crc32(chunk, crc);
          yield chunk;
          text = '';
        }
      }
      const last = Buffer.from(text);
      yield Buffer.concat([last, Buffer.from(segmentEnd(records.length, crc32(last, crc), all))]);
    }
    let size: number;
    try {
      ({ size } = await streamDurably({ ...this.#target, folders: undefined }, this.#dir, name, chunks(), {}, { syncFolder: false }));
    } catch (e) {
      // nothing was written: the number is free again (a gap would read as a lost segment)
      if (this.#nextSeq === seq + 1) this.#nextSeq = seq;
      throw e;
    }
    for (const [id, bytes] of sizes) this.#onDisk(id, bytes);
    this.#files.set(name, size);
  }

  /**
   * When superseded lines make up at least half of the folder's bytes on disk, or the folder
   * holds more than {@link MAX_FOLDER_FILES} files: writes every record as one segment, fsyncs
   * the folder, and deletes the older files.
   * @throws {StoreError} VDXP_STORE_IO
   */
  async rewriteIfWasteful(): Promise<void> {
    const files = this.#files.size;
    let bytes = 0;
    for (const n of this.#files.values()) bytes += n;
    if (files < 2 || (bytes < 2 * this.#liveBytes && files <= MAX_FOLDER_FILES)) return;
    const older = [...this.#files.keys()];
    await this.writeSegment(this.values(), true);
    if (this.#target.fsync) await syncDir(this.#dir);
    for (const name of older) {
      const path = join(this.#dir, name);
      try {
        await rm(path, { force: true });
      } catch (e) {
        throw ioError('cannot delete a superseded segment', e, path);
      }
      this.#files.delete(name);
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

/** A segment's size, and whether its end line says it holds every record (reads only its end). */
function segmentEndOf(path: string): { size: number; all: boolean } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const { size } = fstatSync(fd);
    const last = lastLine(readAt(fd, Math.max(0, size - SEGMENT_END_MAX - 1), Math.min(size, SEGMENT_END_MAX + 1)));
    return { size, all: (last && SEGMENT_END.exec(last.text))?.[3] === 'all' };
  } catch (e) {
    throw ioError('cannot read a store file', e, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads a segment and checks its end line: its CRC-32 and its count of record lines.
 * Returns the bytes and where the record lines end.
 * @throws {StoreError} VDXP_STORE_CORRUPT, VDXP_STORE_IO
 */
function readSegment(path: string, name: string): { bytes: Buffer; end: number } {
  const bytes = readBytes(path);
  const damaged = (what: string) => new StoreError('VDXP_STORE_CORRUPT', `segment ${name} ${what}; restore the store from a backup`, { location: path });
  if (bytes.length < 2 || bytes[bytes.length - 1] !== NEWLINE) throw damaged('does not end with a whole line');
  const { start: end, text } = lastLine(bytes)!;
  const m = bytes.length - end <= SEGMENT_END_MAX ? SEGMENT_END.exec(text) : null;
  if (!m) throw damaged('has no end line (cut short, or grown)');
  if (crc32(bytes.subarray(0, end)) !== Number.parseInt(m[2]!, 16)) throw damaged('is damaged (its CRC-32 does not match)');
  let lines = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0 && at < end; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  if (lines !== Number(m[1])) throw damaged(`holds ${lines} record lines where its end line says ${m[1]}`);
  return { bytes, end };
}

/** Reads a whole file. @throws {StoreError} VDXP_STORE_IO */
function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw ioError('cannot read a store file', e, path);
  }
}

/** Lets the event loop run once a slice of {@link LOAD_SLICE_MS} of synchronous work is over. */
class Pace {
  #sliceStart = performance.now();

  async step(): Promise<void> {
    if (performance.now() - this.#sliceStart < LOAD_SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}
