/**
 * The small blobs of {@link FileStore} once the journal that carried them is folded. Each
 * fold writes the blobs it holds as one **pack** (`blobs/pack-<sequence>.bin`, their bytes one
 * after the other) and its index (`pack-<sequence>.idx`, one JSON line per blob: `ref`,
 * `offset`, `size`, `sha256`): two files and three fsyncs per fold, instead of a file and an
 * fsync per blob (and a file per blob on disk). Blobs are never deleted, so packs are never
 * rewritten. An index is written only once its pack is durable: an index whose pack is missing
 * or too short is damage (`VDXP_STORE_CORRUPT`); a pack without its index is a fold that never
 * finished (its blobs are still in the journal) and is removed on open. The indexes are read
 * on open and kept in memory (the packs are not).
 * @internal
 * @module
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StoreError } from '../errors.js';
import { ioError, streamDurably, writeDurably, type DurableTarget } from './durable-files.js';
import type { InlineBlob } from './journaled-records.js';
import { STORE_ID_PATTERN } from './store.js';

const PACK_NAME = /^pack-(\d{12})\.(bin|idx)$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const packName = (seq: number, ext: 'bin' | 'idx'): string => `pack-${String(seq).padStart(12, '0')}.${ext}`;

/** Where a packed blob's bytes are. */
interface Place {
  readonly pack: string;
  readonly offset: number;
  readonly size: number;
}

/** The packs of a blob folder. */
export class BlobPacks {
  readonly #dir: string;
  readonly #target: DurableTarget;
  readonly #places = new Map<string, Place>();
  #nextSeq = 1;

  constructor(dir: string, target: DurableTarget) {
    this.#dir = dir;
    this.#target = target;
  }

  /**
   * Reads every index (checking it against its pack) and removes packs whose index was never
   * written.
   * @throws {StoreError} VDXP_STORE_CORRUPT, VDXP_STORE_IO
   */
  async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (e) {
      throw ioError('cannot list the blob folder', e, this.#dir);
    }
    const packs = new Map<number, { bin?: boolean; idx?: boolean }>();
    for (const name of names) {
      const m = PACK_NAME.exec(name);
      if (!m) continue;
      const seq = Number(m[1]);
      const p = packs.get(seq) ?? {};
      p[m[2] as 'bin' | 'idx'] = true;
      packs.set(seq, p);
    }
    for (const seq of [...packs.keys()].sort((a, b) => a - b)) {
      const { bin, idx } = packs.get(seq)!;
      this.#nextSeq = seq + 1;
      const binPath = join(this.#dir, packName(seq, 'bin'));
      if (!idx) {
        await rm(binPath, { force: true }).catch((e: unknown) => {
          throw ioError('cannot remove an unfinished blob pack', e, binPath);
        });
        continue;
      }
      const idxPath = join(this.#dir, packName(seq, 'idx'));
      if (!bin) throw new StoreError('VDXP_STORE_CORRUPT', `blob pack ${packName(seq, 'bin')} is missing but its index is there; restore the store from a backup`, { location: binPath });
      let packSize: number;
      let text: string;
      try {
        packSize = statSync(binPath).size;
        text = readFileSync(idxPath, 'utf8');
      } catch (e) {
        throw ioError('cannot read a blob pack', e, idxPath);
      }
      const lines = text.split('\n');
      if (lines.pop() !== '') throw new StoreError('VDXP_STORE_CORRUPT', `blob pack index ${packName(seq, 'idx')} does not end with a whole line`, { location: idxPath });
      for (const [i, line] of lines.entries()) {
        const place = placeOf(line, packName(seq, 'bin'), packSize);
        if (!place) throw new StoreError('VDXP_STORE_CORRUPT', `line ${i + 1} of blob pack index ${packName(seq, 'idx')} is malformed or points past its pack`, { location: idxPath });
        this.#places.set(place.ref, place);
      }
    }
  }

  /** The bytes of a packed blob; undefined when `ref` is not one. */
  open(ref: string): Readable | undefined {
    const place = this.#places.get(ref);
    if (!place) return undefined;
    if (place.size === 0) return Readable.from([]);
    return createReadStream(join(this.#dir, place.pack), { start: place.offset, end: place.offset + place.size - 1 });
  }

  /**
   * Writes `blobs` as the next pack: the pack durably (with its folder entry), then its index
   * durably but without the folder fsync, which the caller makes once.
   * @throws {StoreError} VDXP_STORE_IO
   */
  async write(blobs: readonly InlineBlob[]): Promise<void> {
    const seq = this.#nextSeq++;
    const target = { ...this.#target, folders: undefined };
    const pack = packName(seq, 'bin');
    await streamDurably(target, this.#dir, pack, blobs.map((b) => b.data), {});
    const places: [string, Place][] = [];
    let offset = 0;
    let index = '';
    for (const b of blobs) {
      index += `${JSON.stringify({ ref: b.ref, offset, size: b.size, sha256: b.sha256 })}\n`;
      places.push([b.ref, { pack, offset, size: b.size }]);
      offset += b.size;
    }
    await writeDurably(target, this.#dir, packName(seq, 'idx'), index, { syncFolder: false });
    for (const [ref, place] of places) this.#places.set(ref, place);
  }
}

/** One index line, checked; undefined when it is malformed or points past the pack. */
function placeOf(line: string, pack: string, packSize: number): (Place & { readonly ref: string }) | undefined {
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
  if ((offset as number) + (size as number) > packSize) return undefined;
  return { ref, pack, offset: offset as number, size: size as number };
}
