/**
 * The ZIP records the reader needs (APPNOTE 6.3): local file header, central directory
 * entry, end of central directory. Parsing only, with every field bounds-checked; ZIP64,
 * encryption and methods other than stored/deflate are refused.
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';

export const LOCAL_HEADER_SIGNATURE = 0x04034b50;
export const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
export const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
export const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EXTRA_ID = 0x0001;

export const LOCAL_HEADER_FIXED = 30;
const CENTRAL_HEADER_FIXED = 46;
const EOCD_FIXED = 22;

/** Flag bit 0: encrypted. Bit 3: sizes and CRC follow the data. Bit 6: strong encryption. Bit 11: UTF-8 names. */
const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;

/** What both headers say about an entry. */
export interface ZipRecord {
  readonly flags: number;
  /** 0 stored, 8 deflate. */
  readonly method: 0 | 8;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly name: string;
}

export interface LocalHeader extends ZipRecord {
  /** Bytes from the signature to the first byte of data. */
  readonly headerLength: number;
  /** Sizes and CRC are in a data descriptor after the data (flag bit 3). */
  readonly hasDescriptor: boolean;
}

export interface CentralEntry extends ZipRecord {
  readonly localHeaderOffset: number;
  /** Length of this central directory record. */
  readonly recordLength: number;
}

export interface EndOfCentralDirectory {
  readonly offset: number;
  readonly entries: number;
  readonly centralDirectorySize: number;
  readonly centralDirectoryOffset: number;
  /** Offset just past the record and its comment. */
  readonly end: number;
}

/** The error of every refused archive. */
export function zipError(message: string, path: string, cause?: unknown): EdxmlError {
  return new EdxmlError('VDXP_EDXML_ATTACHMENT', `attachment archive refused: ${message}`, cause === undefined ? { path } : { path, cause });
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Parses the local file header at `offset`; undefined when `b` does not hold all of it yet.
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT
 */
export function parseLocalHeader(b: Uint8Array, offset: number, path: string): LocalHeader | undefined {
  if (b.length - offset < LOCAL_HEADER_FIXED) return undefined;
  const v = view(b);
  if (v.getUint32(offset, true) !== LOCAL_HEADER_SIGNATURE) throw zipError('no local file header where one was expected', path);
  const nameLength = v.getUint16(offset + 26, true);
  const extraLength = v.getUint16(offset + 28, true);
  const headerLength = LOCAL_HEADER_FIXED + nameLength + extraLength;
  if (b.length - offset < headerLength) return undefined;
  const flags = v.getUint16(offset + 6, true);
  const record = checkRecord(
    {
      flags,
      method: v.getUint16(offset + 8, true),
      crc32: v.getUint32(offset + 14, true),
      compressedSize: v.getUint32(offset + 18, true),
      uncompressedSize: v.getUint32(offset + 22, true),
      nameBytes: b.subarray(offset + 30, offset + 30 + nameLength),
      extra: b.subarray(offset + 30 + nameLength, offset + headerLength),
    },
    path,
  );
  return { ...record, headerLength, hasDescriptor: (flags & FLAG_DATA_DESCRIPTOR) !== 0 };
}

/**
 * Finds the end of central directory record in the last bytes of an archive.
 * `base` is the absolute offset of `b[0]` within the archive.
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT when absent or ZIP64
 */
export function findEndOfCentralDirectory(b: Uint8Array, base: number, path: string): EndOfCentralDirectory {
  const v = view(b);
  const lowest = Math.max(0, b.length - EOCD_FIXED - 0xffff);
  for (let i = b.length - EOCD_FIXED; i >= lowest; i--) {
    if (v.getUint32(i, true) !== END_OF_CENTRAL_DIRECTORY_SIGNATURE) continue;
    const commentLength = v.getUint16(i + 20, true);
    if (i + EOCD_FIXED + commentLength !== b.length) continue;
    const disk = v.getUint16(i + 4, true);
    const cdDisk = v.getUint16(i + 6, true);
    const entriesHere = v.getUint16(i + 8, true);
    const entries = v.getUint16(i + 10, true);
    const size = v.getUint32(i + 12, true);
    const cdOffset = v.getUint32(i + 16, true);
    if (entries === 0xffff || size === 0xffffffff || cdOffset === 0xffffffff) throw zipError('ZIP64 archives are not supported', path);
    if (i >= 20 && v.getUint32(i - 20, true) === ZIP64_LOCATOR_SIGNATURE) throw zipError('ZIP64 archives are not supported', path);
    if (disk !== 0 || cdDisk !== 0 || entriesHere !== entries) throw zipError('multi-volume archives are not supported', path);
    return { offset: base + i, entries, centralDirectorySize: size, centralDirectoryOffset: cdOffset, end: base + b.length };
  }
  throw zipError('no end of central directory record (truncated or not a ZIP archive)', path);
}

/**
 * Parses the central directory record at `offset` of `b`.
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT
 */
export function parseCentralEntry(b: Uint8Array, offset: number, path: string): CentralEntry {
  if (b.length - offset < CENTRAL_HEADER_FIXED) throw zipError('central directory is truncated', path);
  const v = view(b);
  if (v.getUint32(offset, true) !== CENTRAL_HEADER_SIGNATURE) throw zipError('central directory record is malformed', path);
  const nameLength = v.getUint16(offset + 28, true);
  const extraLength = v.getUint16(offset + 30, true);
  const commentLength = v.getUint16(offset + 32, true);
  const recordLength = CENTRAL_HEADER_FIXED + nameLength + extraLength + commentLength;
  if (b.length - offset < recordLength) throw zipError('central directory is truncated', path);
  const localHeaderOffset = v.getUint32(offset + 42, true);
  if (localHeaderOffset === 0xffffffff) throw zipError('ZIP64 archives are not supported', path);
  const record = checkRecord(
    {
      flags: v.getUint16(offset + 8, true),
      method: v.getUint16(offset + 10, true),
      crc32: v.getUint32(offset + 16, true),
      compressedSize: v.getUint32(offset + 20, true),
      uncompressedSize: v.getUint32(offset + 24, true),
      nameBytes: b.subarray(offset + 46, offset + 46 + nameLength),
      extra: b.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength),
    },
    path,
  );
  return { ...record, localHeaderOffset, recordLength };
}

/**
 * Checks that a data descriptor (with or without its signature) at `offset` repeats the
 * central directory's CRC and sizes; returns its length (12 or 16).
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT
 */
export function checkDataDescriptor(b: Uint8Array, offset: number, entry: ZipRecord, path: string): number {
  const v = view(b);
  let at = offset;
  if (b.length - at >= 16 && v.getUint32(at, true) === DATA_DESCRIPTOR_SIGNATURE) at += 4;
  if (b.length - at < 12) throw zipError('data descriptor is truncated', path);
  const same =
    v.getUint32(at, true) === entry.crc32 &&
    v.getUint32(at + 4, true) === entry.compressedSize &&
    v.getUint32(at + 8, true) === entry.uncompressedSize;
  if (!same) throw zipError('data descriptor disagrees with the central directory', path);
  return at + 12 - offset;
}

/**
 * Refuses an entry whose local header and central directory disagree.
 * `hasDescriptor`: the local CRC and sizes may be zero (they follow the data).
 */
export function checkSameEntry(local: LocalHeader, central: CentralEntry, path: string): void {
  if (local.name !== central.name || local.method !== central.method) {
    throw zipError('local header and central directory disagree', path);
  }
  if (!local.hasDescriptor) {
    const same =
      local.crc32 === central.crc32 &&
      local.compressedSize === central.compressedSize &&
      local.uncompressedSize === central.uncompressedSize;
    if (!same) throw zipError('local header and central directory disagree on sizes', path);
  }
}

function checkRecord(
  r: { flags: number; method: number; crc32: number; compressedSize: number; uncompressedSize: number; nameBytes: Uint8Array; extra: Uint8Array },
  path: string,
): ZipRecord {
  if (r.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw zipError('encrypted entries are not supported', path);
  if (r.compressedSize === 0xffffffff || r.uncompressedSize === 0xffffffff || hasZip64Extra(r.extra)) {
    throw zipError('ZIP64 entries are not supported', path);
  }
  if (r.method !== 0 && r.method !== 8) throw zipError(`compression method ${r.method} is not supported (only stored and deflate)`, path);
  const name = new TextDecoder(r.flags & FLAG_UTF8 ? 'utf-8' : 'latin1').decode(r.nameBytes);
  return { flags: r.flags, method: r.method, crc32: r.crc32, compressedSize: r.compressedSize, uncompressedSize: r.uncompressedSize, name };
}

function hasZip64Extra(extra: Uint8Array): boolean {
  const v = view(extra);
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = v.getUint16(i, true);
    const len = v.getUint16(i + 2, true);
    if (id === ZIP64_EXTRA_ID) return true;
    i += 4 + len;
  }
  return false;
}
