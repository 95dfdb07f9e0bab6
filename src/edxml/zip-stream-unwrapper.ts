/**
 * Unwraps a one-entry ZIP archive as it streams by, with flat memory: the local header is
 * parsed, the entry is inflated incrementally (zlib's InflateRaw, with backpressure) and
 * handed on chunk by chunk; the inflated size is bounded as it grows. At the end the trailer
 * is checked: exactly one entry, central directory agreeing with the local header, sizes and
 * CRC-32 of what was produced.
 * @internal
 * @module
 */
import { once } from 'node:events';
import { createInflateRaw, crc32, type InflateRaw } from 'node:zlib';
import {
  checkDataDescriptor,
  checkSameEntry,
  findEndOfCentralDirectory,
  LOCAL_HEADER_FIXED,
  parseCentralEntry,
  parseLocalHeader,
  zipError,
  type LocalHeader,
} from './zip-structures.js';
import { ByteWindow } from './byte-window.js';

/** Room kept at the end for the data descriptor, central directory and end record. */
const TRAILER_WINDOW = 320 * 1024;
const MAX_LOCAL_HEADER = LOCAL_HEADER_FIXED + 2 * 0xffff;

export interface ZipStreamUnwrapperOptions {
  /** Largest inflated entry in bytes, declared or actual. */
  readonly maxBytes: number;
  /** XML path of the attachment, for error messages. */
  readonly path: string;
  /** Called once with the entry's name, before any data. */
  onEntry(name: string): Promise<void> | void;
  /** Receives the inflated bytes in order; awaited (backpressure). */
  onData(chunk: Uint8Array): Promise<void>;
}

/** Feed the archive's bytes with {@link write}, then call {@link end}. */
export class ZipStreamUnwrapper {
  private received = 0;
  private readonly window = new ByteWindow(2 * TRAILER_WINDOW);
  private headerBytes: Uint8Array[] = [];
  private local: LocalHeader | undefined;
  private inflater: InflateRaw | undefined;
  private consumer: Promise<void> | undefined;
  private inflateDone = false;
  private fed = 0;
  /** Stored entries: bytes handed on so far (absolute end offset). */
  private emittedTo = 0;
  private outSize = 0;
  private crc = 0;

  constructor(private readonly opts: ZipStreamUnwrapperOptions) {}

  /**
   * Takes the next bytes of the archive.
   * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT
   */
  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length > TRAILER_WINDOW) {
      for (let i = 0; i < chunk.length; i += TRAILER_WINDOW) await this.write(chunk.subarray(i, i + TRAILER_WINDOW));
      return;
    }
    if (chunk.length === 0) return;
    const start = this.received;
    this.received += chunk.length;
    this.window.push(chunk);
    if (!this.local) {
      this.headerBytes.push(chunk);
      const head = Buffer.concat(this.headerBytes);
      const local = parseLocalHeader(head, 0, this.opts.path);
      if (!local) {
        if (head.length > MAX_LOCAL_HEADER) throw zipError('local header is malformed', this.opts.path);
        this.headerBytes = [head];
        return;
      }
      this.headerBytes = [];
      await this.begin(local);
      const rest = head.subarray(local.headerLength);
      if (rest.length > 0) await this.data(rest, local.headerLength);
      return;
    }
    await this.data(chunk, start);
  }

  /**
   * Ends the archive and checks its trailer.
   * @returns the entry's name, inflated size and CRC-32
   * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT
   */
  async end(): Promise<{ name: string; size: number; crc32: number }> {
    const path = this.opts.path;
    const local = this.local;
    if (!local) throw zipError('the archive is truncated inside its first header', path);
    if (this.inflater && this.consumer) {
      if (!this.inflateDone) this.inflater.end();
      await this.consumer;
    }
    const tail = this.window.bytes();
    const base = this.window.start;
    const eocd = findEndOfCentralDirectory(tail, base, path);
    if (eocd.entries !== 1) throw zipError(`the archive holds ${eocd.entries} entries: only a one-entry archive is unwrapped`, path);
    if (eocd.centralDirectoryOffset < base || eocd.centralDirectoryOffset + eocd.centralDirectorySize !== eocd.offset) {
      throw zipError('central directory is not where the end record says', path);
    }
    const entry = parseCentralEntry(tail.subarray(0, eocd.offset - base), eocd.centralDirectoryOffset - base, path);
    if (entry.recordLength !== eocd.centralDirectorySize) throw zipError('central directory holds more than one entry', path);
    if (entry.localHeaderOffset !== 0) throw zipError('the entry is not at the start of the archive', path);
    checkSameEntry(local, entry, path);
    if (entry.uncompressedSize > this.opts.maxBytes) throw this.bomb(entry.uncompressedSize);
    const dataEnd = local.headerLength + entry.compressedSize;
    let trailerStart = dataEnd;
    if (local.hasDescriptor) {
      if (dataEnd < base) throw zipError('data descriptor is not where expected', path);
      trailerStart += checkDataDescriptor(tail.subarray(0, eocd.centralDirectoryOffset - base), dataEnd - base, entry, path);
    }
    if (trailerStart !== eocd.centralDirectoryOffset) throw zipError('unexpected bytes between the entry and the central directory', path);
    if (local.method === 8) {
      const consumed = this.inflater!.bytesWritten;
      if (consumed !== entry.compressedSize) throw zipError('compressed size disagrees with the deflate data', path);
    } else {
      if (entry.compressedSize !== entry.uncompressedSize) throw zipError('stored entry sizes disagree', path);
      if (this.emittedTo > dataEnd) throw zipError('stored entry is shorter than what was read', path);
      if (this.emittedTo < dataEnd) {
        if (this.emittedTo < base) throw zipError('trailer is too large', path);
        await this.emit(this.window.range(this.emittedTo, dataEnd));
        this.emittedTo = dataEnd;
      }
    }
    if (this.outSize !== entry.uncompressedSize) {
      throw zipError(`entry produced ${this.outSize} bytes, not the ${entry.uncompressedSize} declared`, path);
    }
    if (this.crc !== entry.crc32) throw zipError('CRC-32 mismatch: the entry is corrupt', path);
    return { name: local.name, size: this.outSize, crc32: this.crc };
  }

  /** Stops inflating after a failure elsewhere. */
  destroy(): void {
    this.inflater?.destroy();
  }

  private async begin(local: LocalHeader): Promise<void> {
    const path = this.opts.path;
    if (local.name.endsWith('/')) throw zipError('the archive holds a folder, not a file', path);
    if (!local.hasDescriptor && local.uncompressedSize > this.opts.maxBytes) throw this.bomb(local.uncompressedSize);
    this.local = local;
    this.emittedTo = local.headerLength;
    await this.opts.onEntry(local.name);
    if (local.method !== 8) return;
    const inflater = createInflateRaw();
    this.inflater = inflater;
    this.consumer = (async () => {
      try {
        for await (const out of inflater as AsyncIterable<Buffer>) await this.emit(out);
      } catch (cause) {
        throw isAttachmentError(cause) ? cause : zipError('entry data is not valid deflate data', path, cause);
      } finally {
        this.inflateDone = true;
      }
    })();
    this.consumer.catch(() => undefined); // awaited in write/end
  }

  /** Bytes of the archive after the local header; `at` is the absolute offset of `chunk[0]`. */
  private async data(chunk: Uint8Array, at: number): Promise<void> {
    const local = this.local!;
    if (local.method === 8) {
      let piece = chunk;
      if (!local.hasDescriptor) {
        const left = local.compressedSize - this.fed;
        if (left <= 0) return;
        piece = chunk.subarray(0, Math.min(chunk.length, left));
      }
      this.fed += piece.length;
      await this.feed(piece);
      return;
    }
    // Stored: hand on what is surely data. Without sizes in the header, hold back the window
    // that may be the trailer; the central directory settles the end.
    const safeEnd = local.hasDescriptor ? this.received - TRAILER_WINDOW : local.headerLength + local.compressedSize;
    const upto = Math.min(safeEnd, at + chunk.length);
    if (upto > this.emittedTo) {
      await this.emit(this.window.range(this.emittedTo, upto));
      this.emittedTo = upto;
    }
  }

  private async feed(piece: Uint8Array): Promise<void> {
    const inflater = this.inflater!;
    const consumer = this.consumer!;
    if (this.inflateDone) {
      await consumer;
      return;
    }
    try {
      if (!inflater.write(piece)) await Promise.race([once(inflater, 'drain'), consumer]);
    } catch (cause) {
      await consumer; // the consumer's error is the meaningful one
      throw zipError('entry data is not valid deflate data', this.opts.path, cause);
    }
  }

  private async emit(out: Uint8Array): Promise<void> {
    if (out.length === 0) return;
    this.outSize += out.length;
    if (this.outSize > this.opts.maxBytes) {
      this.inflater?.destroy();
      throw this.bomb(this.outSize);
    }
    this.crc = crc32(out, this.crc);
    await this.opts.onData(out);
  }

  private bomb(size: number) {
    return zipError(`entry inflates to more than the ${this.opts.maxBytes} bytes allowed (${size} seen or declared; zip bomb?)`, this.opts.path);
  }
}

function isAttachmentError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'VDXP_EDXML_ATTACHMENT';
}
