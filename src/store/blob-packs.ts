/**
 * The small blobs of {@link FileStore} once the journal that carried them is folded. Each
 * fold writes the blobs it holds as one **pack**, `blobs/pack-<sequence>.bin`: their bytes one
 * after the other, then their index (one JSON line per blob: `ref`, `offset`, `size`,
 * `sha256`), then an end line `end <blobs> <index offset> <crc32 of the index>` — one file and
 * one fsync per fold (written whole: temporary file, fsync, rename), instead of a file and an
 * fsync per blob. When blobs are removed ({@link BlobPacks.drop}, for `prunePackages`), each
 * pack that held one is written again as a new pack with the blobs it still holds (or just
 * deleted when none are left); the old pack is deleted once the new ones are durable. A blob
 * found in two packs (a crash between those two steps) is read from the newer one, and the
 * older copy goes at the next removal.
 *
 * On open only each pack's index and end line are read: a pack without a whole end line, an
 * index whose CRC-32 or count does not match, or whose blobs do not fill the pack up to the
 * index exactly, is `VDXP_STORE_CORRUPT`. A blob read from a pack is checked against its size
 * and SHA-256 before its bytes are handed out; a mismatch is `VDXP_STORE_CORRUPT` on the stream.
 * The indexes are kept in memory (the packs are not).
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { StoreError } from '../errors.js';
import { ioError, lastLine, readAt, streamDurably, syncDir, type DurableTarget } from './durable-files.js';
import type { InlineBlob } from './journaled-records.js';
import { STORE_ID_PATTERN } from './store.js';

const PACK_NAME = /^pack-(\d{12})\.bin$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const NEWLINE = 0x0a;
/** A pack's last line: blobs, where the index starts, CRC-32 of the index. */
const PACK_END = /^end (\d{1,12}) (\d{1,15}) ([0-9a-f]{8})$/;
/** The longest end line (with its newline). */
const PACK_END_MAX = 'end   ffffffff\n'.length + 12 + 15;
const packName = (seq: number): string => `pack-${String(seq).padStart(12, '0')}.bin`;

/** Where a packed blob's bytes are, and what they must be. */
interface Place {
  readonly pack: string;
  readonly offset: number;
  readonly size: number;
  readonly sha256: string;
}

/** A blob's place, with its ref (a line of a pack's index). */
type PackedPlace = Place & { readonly ref: string };

/** The packs of a blob folder. */
export class BlobPacks {
  readonly #dir: string;
  readonly #target: DurableTarget;
  readonly #places = new Map<string, Place>();
  /** Every pack's index, by pack name (places a newer pack supersedes included). */
  readonly #contents = new Map<string, PackedPlace[]>();
  #nextSeq = 1;

  constructor(dir: string, target: DurableTarget) {
    this.#dir = dir;
    this.#target = target;
  }

  /**
   * Reads every pack's index (not its blobs) and checks it.
   * @throws {StoreError} VDXP_STORE_CORRUPT, VDXP_STORE_IO
   */
  async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (e) {
      throw ioError('cannot list the blob folder', e, this.#dir);
    }
    const packs = names.flatMap((name) => {
      const m = PACK_NAME.exec(name);
      return m ? [{ seq: Number(m[1]), name }] : [];
    });
    for (const { seq, name } of packs.sort((a, b) => a.seq - b.seq)) {
      this.#nextSeq = seq + 1;
      const places = readIndex(join(this.#dir, name), name);
      this.#contents.set(name, places);
      for (const place of places) this.#places.set(place.ref, place);
    }
  }

  /** The size of a packed blob; undefined when `ref` is not one. */
  sizeOf(ref: string): number | undefined {
    return this.#places.get(ref)?.size;
  }

  /**
   * The bytes of a packed blob, checked against its size and SHA-256 before they are handed
   * out (the stream fails with `VDXP_STORE_CORRUPT` when they do not match); undefined when
   * `ref` is not a packed blob. The pack is opened before this resolves, so a pack rewritten
   * meanwhile does not take the bytes away.
   * @throws {StoreError} VDXP_STORE_IO
   */
  async open(ref: string): Promise<Readable | undefined> {
    for (;;) {
      const place = this.#places.get(ref);
      if (!place) return undefined;
      const path = join(this.#dir, place.pack);
      let handle: FileHandle;
      try {
        handle = await open(path, 'r');
      } catch (e) {
        // the pack was rewritten (the blob moved to a newer one) or the blob removed meanwhile
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' && this.#places.get(ref) !== place) continue;
        throw ioError('cannot read a blob pack', e, path);
      }
      const stream = Readable.from(readPlace(handle, path, place));
      // closed when the stream ends or is destroyed, read or not
      stream.once('close', () => void handle.close().catch(() => undefined));
      return stream;
    }
  }

  /**
   * Removes the `dead` blobs this object holds: every pack holding one (or holding a blob a
   * newer pack holds too) is written again as a new pack with its other blobs, or deleted when
   * none are left. New packs are made durable (folder fsync) before an old one is deleted.
   * @returns the blobs removed and their bytes
   * @throws {StoreError} VDXP_STORE_IO, VDXP_STORE_CORRUPT (a blob to keep is damaged: no pack is deleted)
   */
  async drop(dead: ReadonlySet<string>): Promise<{ readonly blobs: number; readonly bytes: number }> {
    const rewrites: { readonly pack: string; readonly keep: PackedPlace[] }[] = [];
    for (const [pack, places] of this.#contents) {
      const keep = places.filter((p) => this.#isCurrent(p) && !dead.has(p.ref));
      if (keep.length < places.length) rewrites.push({ pack, keep });
    }
    if (rewrites.length === 0) return { blobs: 0, bytes: 0 };
    for (const { pack, keep } of rewrites) {
      if (keep.length === 0) continue;
      const path = join(this.#dir, pack);
      const blobs: InlineBlob[] = [];
      const handle = await open(path, 'r').catch((e: unknown) => {
        throw ioError('cannot read a blob pack', e, path);
      });
      try {
        for (const place of keep) {
          const chunks: Buffer[] = [];
          for await (const chunk of readPlace(handle, path, place)) chunks.push(chunk);
          blobs.push({ ref: place.ref, size: place.size, sha256: place.sha256, data: Buffer.concat(chunks) });
        }
      } finally {
        await handle.close();
      }
      await this.write(blobs);
    }
    if (this.#target.fsync) await syncDir(this.#dir);
    let removed = 0;
    let bytes = 0;
    for (const { pack } of rewrites) {
      for (const place of this.#contents.get(pack)!) {
        if (this.#isCurrent(place)) {
          // a dead blob still current here (the kept ones now live in the new pack)
          this.#places.delete(place.ref);
          removed += 1;
          bytes += place.size;
        }
      }
      this.#contents.delete(pack);
      await rm(join(this.#dir, pack), { force: true }).catch((e: unknown) => {
        throw ioError('cannot delete a blob pack', e, join(this.#dir, pack));
      });
    }
    if (this.#target.fsync) await syncDir(this.#dir);
    return { blobs: removed, bytes };
  }

  /** True when `place` is where its blob is read from. */
  #isCurrent(place: PackedPlace): boolean {
    return this.#places.get(place.ref) === place;
  }

  /**
   * Writes `blobs` as the next pack, durably but without the folder fsync, which the caller
   * makes once.
   * @throws {StoreError} VDXP_STORE_IO
   */
  async write(blobs: readonly InlineBlob[]): Promise<void> {
    const pack = packName(this.#nextSeq++);
    const places: PackedPlace[] = [];
    let offset = 0;
    let index = '';
    for (const b of blobs) {
      index += `${JSON.stringify({ ref: b.ref, offset, size: b.size, sha256: b.sha256 })}\n`;
      places.push({ ref: b.ref, pack, offset, size: b.size, sha256: b.sha256 });
      offset += b.size;
    }
    const indexBytes = Buffer.from(index);
    const end = `end ${blobs.length} ${offset} ${crc32(indexBytes).toString(16).padStart(8, '0')}\n`;
    await streamDurably({ ...this.#target, folders: undefined }, this.#dir, pack, [...blobs.map((b) => b.data), indexBytes, Buffer.from(end)], {}, { syncFolder: false });
    this.#contents.set(pack, places);
    for (const place of places) this.#places.set(place.ref, place);
  }
}

/**
 * Reads and checks a pack's index: its end line, the index's CRC-32 and count, every line,
 * and that the blobs fill the pack up to the index with nothing left over.
 * @throws {StoreError} VDXP_STORE_CORRUPT, VDXP_STORE_IO
 */
function readIndex(path: string, name: string): PackedPlace[] {
  const damaged = (what: string) => new StoreError('VDXP_STORE_CORRUPT', `blob pack ${name} ${what}; restore the store from a backup`, { location: path });
  let fd: number | undefined;
  let size: number;
  let tail: Buffer;
  let index: Buffer;
  let m: RegExpExecArray | null;
  try {
    fd = openSync(path, 'r');
    size = fstatSync(fd).size;
    tail = readAt(fd, Math.max(0, size - PACK_END_MAX), Math.min(size, PACK_END_MAX));
    if (tail.length < 2 || tail[tail.length - 1] !== NEWLINE) throw damaged('does not end with a whole line');
    const endLine = lastLine(tail)!.text;
    m = PACK_END.exec(endLine);
    if (!m) throw damaged('has no end line (cut short, or grown)');
    const indexStart = Number(m[2]);
    const indexEnd = size - endLine.length - 1;
    if (indexStart > indexEnd) throw damaged('is shorter than its end line says');
    index = readAt(fd, indexStart, indexEnd - indexStart);
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw ioError('cannot read a blob pack', e, path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (crc32(index) !== Number.parseInt(m[3]!, 16)) throw damaged('has a damaged index (its CRC-32 does not match)');
  const lines = index.length === 0 ? [] : index.toString('utf8').split('\n');
  if (lines.length > 0 && lines.pop() !== '') throw damaged('has an index that does not end with a whole line');
  if (lines.length !== Number(m[1])) throw damaged(`indexes ${lines.length} blobs where its end line says ${m[1]}`);
  const places: PackedPlace[] = [];
  let next = 0;
  for (const [i, line] of lines.entries()) {
    const place = placeOf(line, name);
    if (!place || place.offset !== next) throw damaged(`has a malformed index line ${i + 1}`);
    places.push(place);
    next += place.size;
  }
  if (next !== Number(m[2])) throw damaged('holds bytes its index does not account for');
  return places;
}

/** A packed blob's bytes, checked, from an open pack (the caller closes it). */
async function* readPlace(handle: FileHandle, path: string, place: Place): AsyncGenerator<Buffer> {
  const bytes = Buffer.alloc(place.size);
  let got = 0;
  try {
    while (got < place.size) {
      const { bytesRead } = await handle.read(bytes, got, place.size - got, place.offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } catch (e) {
    throw ioError('cannot read a blob pack', e, path);
  }
  if (got !== place.size || createHash('sha256').update(bytes).digest('hex') !== place.sha256) {
    throw new StoreError('VDXP_STORE_CORRUPT', `a blob in pack ${place.pack} is damaged (its bytes do not match its SHA-256); restore the store from a backup`, { location: path });
  }
  if (bytes.length > 0) yield bytes;
}

/** One index line, checked; undefined when it is malformed. */
function placeOf(line: string, pack: string): PackedPlace | undefined {
  let v: { ref?: unknown; offset?: unknown; size?: unknown; sha256?: unknown };
  try {
    v = JSON.parse(line) as typeof v;
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const { ref, offset, size, sha256 } = v;
  if (typeof ref !== 'string' || !STORE_ID_PATTERN.test(ref) || typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return undefined;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || (offset as number) < 0 || (size as number) < 0) return undefined;
  return { ref, pack, offset: offset as number, size: size as number, sha256 };
}
