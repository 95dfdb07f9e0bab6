/**
 * Crash-safe file writes for {@link FileStore}: write a temporary file, fsync it, rename it
 * into place, fsync the folder. A reader sees the old file or the new one, never a torn one.
 * @internal
 * @module
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, readSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import type { BlobInfo, PutBlobOptions } from './records.js';

/** Where and how durably to write. */
export interface DurableTarget {
  /** Folder for temporary files, on the same file system as the targets. */
  readonly tmpDir: string;
  /** fsync files and folders (off only for throwaway stores). */
  readonly fsync: boolean;
  /** Folder handles kept open for their fsync; without it each fsync opens its folder. */
  readonly folders?: FolderSync;
}

/**
 * Open handles of the folders a store writes into, so that the fsync that makes each rename
 * durable does not cost an open and a close as well. After {@link close} it falls back to
 * opening the folder each time.
 */
export class FolderSync {
  readonly #handles = new Map<string, Promise<FileHandle>>();
  #closed = false;

  /** fsyncs `dir`. */
  async sync(dir: string): Promise<void> {
    if (this.#closed) return syncDir(dir);
    let handle = this.#handles.get(dir);
    if (!handle) {
      handle = open(dir, 'r');
      this.#handles.set(dir, handle);
      handle.catch(() => this.#handles.delete(dir));
    }
    await (await handle).sync();
  }

  /** Closes the handles (after waiting for the fsyncs under way). */
  async close(): Promise<void> {
    this.#closed = true;
    const handles = [...this.#handles.values()];
    this.#handles.clear();
    for (const h of handles) await h.then((f) => f.close()).catch(() => undefined);
  }
}

/** Flushes a folder's entries (a rename is durable only once its folder is synced). */
export async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } finally {
    await handle?.close();
  }
}

/** What {@link streamDurably} wrote. */
export interface StreamedFile {
  readonly size: number;
  readonly sha256: string;
}

/**
 * Streams chunks into `dir/name` (temporary file, fsync, rename, fsync folder — with
 * `syncFolder: false` the rename is durable only once the caller fsyncs `dir`), hashing and
 * counting on the way; `trailer` makes, from what was counted and hashed, bytes written after
 * the source's (themselves neither counted nor hashed). Nothing is left behind when the
 * source fails, `maxBytes` is passed or the signal aborts.
 * @throws {StoreError} VDXP_STORE_IO
 */
export async function streamDurably(
  target: DurableTarget,
  dir: string,
  name: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limits: { maxBytes?: number | undefined; signal?: AbortSignal | undefined },
  how: { syncFolder?: boolean; trailer?: (written: StreamedFile) => Uint8Array } = {},
): Promise<StreamedFile> {
  const tmp = join(target.tmpDir, `${randomUUID()}.tmp`);
  const hash = createHash('sha256');
  let size = 0;
  let written: StreamedFile;
  try {
    const handle = await open(tmp, 'wx');
    try {
      for await (const chunk of source) {
        limits.signal?.throwIfAborted();
        if (!(chunk instanceof Uint8Array)) throw new TypeError('a blob source must yield Uint8Array chunks');
        size += chunk.byteLength;
        if (limits.maxBytes !== undefined && size > limits.maxBytes) {
          throw new StoreError('VDXP_STORE_IO', `the blob is larger than maxBytes (${limits.maxBytes})`);
        }
        hash.update(chunk);
        await writeAll(handle, chunk);
      }
      limits.signal?.throwIfAborted();
      written = { size, sha256: hash.digest('hex') };
      if (how.trailer) await writeAll(handle, how.trailer(written));
      if (target.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(dir, name));
    if (target.fsync && how.syncFolder !== false) await (target.folders ? target.folders.sync(dir) : syncDir(dir));
    return written;
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    if (e instanceof StoreError) throw e;
    if (limits.signal?.aborted) throw limits.signal.reason;
    throw ioError(`cannot store blob ${name}`, e, join(dir, name));
  }
}

/** `length` bytes of an open file from `position` (fewer when the file ends first). */
export function readAt(fd: number, position: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? out : out.subarray(0, got);
}

/**
 * The last line of `bytes`: where it starts and its text (latin1, without its newline), the
 * form of the end lines that segments and packs close with; undefined when `bytes` does not
 * end with a newline.
 */
export function lastLine(bytes: Buffer): { start: number; text: string } | undefined {
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) return undefined;
  const start = bytes.length < 2 ? 0 : bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  return { start, text: bytes.toString('latin1', start, bytes.length - 1) };
}

/** Writes all of `chunk` (a write may take only part of it). */
async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let done = 0;
  while (done < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done);
    done += bytesWritten;
  }
}

/** Wraps a file-system failure, keeping the system code (never file content). */
export function ioError(what: string, cause: unknown, location?: string): StoreError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new StoreError('VDXP_STORE_IO', `${what}${code ? ` (${code})` : ''}`, {
    cause,
    ...(location ? { location } : {}),
  });
}

/** The end of a blob file: `end <size, 16 digits> <sha256>\n`, always this long. */
const BLOB_END_BYTES = 86;
const BLOB_END = /^end (\d{16}) ([0-9a-f]{64})\n$/;

/**
 * Stores a blob under a new random ref in `dir`, as `<ref>.blob`: its bytes, then an end line
 * with their size and SHA-256 ({@link openBlobFile} checks both).
 */
export async function putBlobFile(target: DurableTarget, dir: string, source: Uint8Array | AsyncIterable<Uint8Array>, options: PutBlobOptions): Promise<BlobInfo> {
  const ref = `b${randomBytes(16).toString('hex')}`;
  const trailer = ({ size, sha256 }: StreamedFile) => Buffer.from(`end ${String(size).padStart(16, '0')} ${sha256}\n`);
  const written = await streamDurably(target, dir, `${ref}.blob`, source instanceof Uint8Array ? [source] : source, options, { trailer });
  return { ref, ...written };
}

/**
 * Opens a stored blob file. A `<ref>.blob` must end with a whole end line whose size matches
 * (else `VDXP_STORE_CORRUPT` at once); its bytes are hashed as they are read, and the stream
 * fails with `VDXP_STORE_CORRUPT` at its end when they do not match the SHA-256 (a consumer
 * that reads to the end never takes damaged bytes for good ones). A file named `<ref>`, as
 * earlier versions wrote them, is read as it is.
 * @throws {StoreError} VDXP_STORE_NOT_FOUND, VDXP_STORE_CORRUPT, VDXP_STORE_IO
 */
export async function openBlobFile(dir: string, ref: string): Promise<Readable> {
  const path = join(dir, `${ref}.blob`);
  let end: Buffer;
  let fileSize: number;
  try {
    const handle = await open(path, 'r');
    try {
      fileSize = (await handle.stat()).size;
      end = Buffer.alloc(Math.min(fileSize, BLOB_END_BYTES));
      await handle.read(end, 0, end.length, fileSize - end.length);
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('cannot open a blob', e, path);
    return openLegacyBlobFile(dir, ref);
  }
  const m = BLOB_END.exec(end.toString('latin1'));
  const size = m ? Number(m[1]) : -1;
  if (!m || size !== fileSize - BLOB_END_BYTES) {
    throw new StoreError('VDXP_STORE_CORRUPT', `blob ${ref} has no whole end line (cut short, or grown); restore the store from a backup`, { location: path });
  }
  const expected = m[2]!;
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (hash.digest('hex') === expected) done();
      else done(new StoreError('VDXP_STORE_CORRUPT', `blob ${ref} is damaged (its bytes do not match its SHA-256); restore the store from a backup`, { location: path }));
    },
  });
  if (size === 0) {
    check.end();
    return check;
  }
  const bytes = createReadStream(path, { start: 0, end: size - 1 });
  bytes.on('error', (e) => check.destroy(ioError('cannot read a blob', e, path)));
  check.on('close', () => bytes.destroy());
  return bytes.pipe(check);
}

/** A blob file of an earlier version (no end line): read as it is. */
async function openLegacyBlobFile(dir: string, ref: string): Promise<Readable> {
  const path = join(dir, ref);
  try {
    await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('VDXP_STORE_NOT_FOUND', `no blob ${ref}`, { location: path });
    throw ioError('cannot open a blob', e, path);
  }
  return createReadStream(path);
}
