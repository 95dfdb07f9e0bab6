/**
 * The write-ahead journal of {@link FileStore}: every durable change is one line appended to
 * `journal/<sequence>.log` and made durable with one `fdatasync`, instead of a temporary
 * file, an fsync, a rename and a folder fsync per record. Changes that wait while a line is
 * being written go into the next line together (group commit).
 *
 * A line is `<crc32 as 8 hex digits> <JSON>\n`, the JSON an array of `[folder, record]`
 * pairs: one line is one atomic batch. On open the lines are replayed over the record folders;
 * an incomplete or damaged **tail** of the last log is a write that was never acknowledged
 * (a crash before its `fdatasync` returned) and is dropped; a damaged line followed by a good
 * one is `VDXP_STORE_CORRUPT`, never skipped, and so is a log missing between two others
 * (folds delete logs oldest first, so the logs left are numbered without a gap). Logs are
 * folded into the record folders (compaction) in the background, on open and on close.
 * @internal
 * @module
 */
import { mkdir, open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreError } from '../errors.js';
import { ioError, syncDir } from './durable-files.js';

/** One change: the folder (`outbox`, `inbox`, …) and the whole new record. */
export type JournalChange = readonly [folder: string, record: { readonly id: string }];

const LOG_NAME = /^(\d{12})\.log$/;
const NEWLINE = 0x0a;

/** The name of log number `seq`. */
const logName = (seq: number): string => `${String(seq).padStart(12, '0')}.log`;

/** What {@link readJournal} found. */
export interface JournalContents {
  /** The logs, oldest first (full paths). */
  readonly logs: readonly string[];
  /** Every complete, intact batch, in order. */
  readonly batches: readonly (readonly JournalChange[])[];
  /** The sequence number the next log takes. */
  readonly nextSeq: number;
}

/** Parses one line (without its newline); undefined when it is damaged. */
function parseLine(line: Buffer): JournalChange[] | undefined {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const sum = line.subarray(0, 8).toString('latin1');
  if (!/^[0-9a-f]{8}$/.test(sum)) return undefined;
  const body = line.subarray(9);
  if (crc32(body).toString(16).padStart(8, '0') !== sum) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const changes: JournalChange[] = [];
  for (const c of value) {
    if (!Array.isArray(c) || c.length !== 2 || typeof c[0] !== 'string' || c[1] === null || typeof c[1] !== 'object' || typeof c[1].id !== 'string') return undefined;
    changes.push([c[0], c[1] as { id: string }]);
  }
  return changes;
}

/**
 * Reads every log of `dir` (created when missing).
 * @throws {StoreError} VDXP_STORE_CORRUPT for a damaged line before the tail or a missing log (a gap in their numbers), VDXP_STORE_IO
 */
export async function readJournal(dir: string): Promise<JournalContents> {
  let names: string[];
  try {
    await mkdir(dir, { recursive: true });
    names = (await readdir(dir)).filter((n) => LOG_NAME.test(n)).sort();
  } catch (e) {
    throw ioError('cannot read the journal folder', e, dir);
  }
  // folds delete logs oldest first, so the logs left are numbered without a gap
  const seqs = names.map((n) => Number(LOG_NAME.exec(n)![1]));
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i] !== seqs[i - 1]! + 1) {
      throw new StoreError('VDXP_STORE_CORRUPT', `journal log ${logName(seqs[i - 1]! + 1)} is missing; restore the store from a backup`, { location: dir });
    }
  }
  const batches: JournalChange[][] = [];
  for (const [i, name] of names.entries()) {
    const path = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw ioError('cannot read a journal log', e, path);
    }
    const last = i === names.length - 1;
    let at = 0;
    let line = 0;
    while (at < bytes.length) {
      line++;
      const end = bytes.indexOf(NEWLINE, at);
      const parsed = end < 0 ? undefined : parseLine(bytes.subarray(at, end));
      if (parsed) {
        batches.push(parsed);
        at = end + 1;
        continue;
      }
      // damaged: acceptable only as the tail of the last log, with nothing intact after it
      if (!last || hasIntactLineAfter(bytes, end < 0 ? bytes.length : end + 1)) {
        throw new StoreError('VDXP_STORE_CORRUPT', `journal log ${name} is damaged at line ${line} (byte ${at}) and later lines are intact; restore the store from a backup`, { location: path });
      }
      break; // the unacknowledged tail is dropped
    }
  }
  const lastName = names.at(-1);
  const nextSeq = lastName ? Number(LOG_NAME.exec(lastName)![1]) + 1 : 1;
  return { logs: names.map((n) => join(dir, n)), batches, nextSeq };
}

function hasIntactLineAfter(bytes: Buffer, from: number): boolean {
  let at = from;
  while (at < bytes.length) {
    const end = bytes.indexOf(NEWLINE, at);
    if (end < 0) return false;
    if (parseLine(bytes.subarray(at, end))) return true;
    at = end + 1;
  }
  return false;
}

/** The open log that batches are appended to. */
export class RecordJournal {
  readonly #dir: string;
  readonly #fsync: boolean;
  #handle: FileHandle;
  #seq: number;
  #size = 0;
  #broken: StoreError | undefined;

  private constructor(dir: string, fsync: boolean, handle: FileHandle, seq: number) {
    this.#dir = dir;
    this.#fsync = fsync;
    this.#handle = handle;
    this.#seq = seq;
  }

  /**
   * Creates log number `seq` in `dir` and makes its name durable.
   * @throws {StoreError} VDXP_STORE_IO
   */
  static async create(dir: string, seq: number, fsync: boolean): Promise<RecordJournal> {
    return new RecordJournal(dir, fsync, await RecordJournal.#createLog(dir, seq, fsync), seq);
  }

  static async #createLog(dir: string, seq: number, fsync: boolean): Promise<FileHandle> {
    const path = join(dir, logName(seq));
    try {
      const handle = await open(path, 'wx');
      if (fsync) await syncDir(dir);
      return handle;
    } catch (e) {
      throw ioError('cannot create a journal log', e, path);
    }
  }

  /** Bytes in the current log. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one batch and waits until it is durable. After a failed write the log is cut
   * back to its last complete line; when even that fails, every later append fails too
   * (reopen the store).
   * @throws {StoreError} VDXP_STORE_IO
   */
  async append(changes: readonly JournalChange[]): Promise<void> {
    if (this.#broken) throw this.#broken;
    const body = Buffer.from(JSON.stringify(changes), 'utf8');
    const head = Buffer.from(`${crc32(body).toString(16).padStart(8, '0')} `, 'latin1');
    const line = Buffer.concat([head, body, Buffer.of(NEWLINE)]);
    try {
      let written = 0;
      while (written < line.length) {
        const { bytesWritten } = await this.#handle.write(line, written, line.length - written, this.#size + written);
        written += bytesWritten;
      }
      if (this.#fsync) await this.#handle.datasync();
      this.#size += line.length;
    } catch (e) {
      const error = ioError('cannot append to the journal', e, join(this.#dir, logName(this.#seq)));
      try {
        await this.#handle.truncate(this.#size);
        if (this.#fsync) await this.#handle.datasync();
      } catch {
        this.#broken = new StoreError('VDXP_STORE_IO', 'the journal could not be repaired after a failed write; close and reopen the store', { cause: e });
      }
      throw error;
    }
  }

  /**
   * Starts the next log; returns the path of the one just closed (for compaction).
   * @throws {StoreError} VDXP_STORE_IO
   */
  async rotate(): Promise<string> {
    const old = join(this.#dir, logName(this.#seq));
    const next = await RecordJournal.#createLog(this.#dir, this.#seq + 1, this.#fsync);
    await this.#handle.close().catch(() => undefined);
    this.#handle = next;
    this.#seq++;
    this.#size = 0;
    return old;
  }

  /** Closes the current log (it stays on disk until compacted). */
  async close(): Promise<string> {
    await this.#handle.close().catch(() => undefined);
    return join(this.#dir, logName(this.#seq));
  }
}
