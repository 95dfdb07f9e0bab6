/**
 * Reading a ZIP archive held in memory, bounded against hostile archives: the number of
 * entries, each entry's declared and actual inflated size, the CRC-32, and agreement between
 * local headers and the central directory are all checked. Stored and deflate only; ZIP64 and
 * encrypted entries are refused.
 * @internal
 * @module
 */
import { crc32, inflateRawSync } from 'node:zlib';
import {
  checkDataDescriptor,
  checkSameEntry,
  findEndOfCentralDirectory,
  parseCentralEntry,
  parseLocalHeader,
  zipError,
  type CentralEntry,
} from './zip-structures.js';

/** Bounds of {@link readZip}. */
export interface ZipReadLimits {
  /** Most entries in the archive. @defaultValue 1000 */
  maxEntries?: number;
  /** Largest inflated entry in bytes, declared or actual. @defaultValue 512 MiB */
  maxEntryBytes?: number;
  /** XML path of the attachment, for error messages. @defaultValue '' */
  path?: string;
}

/** An entry of the central directory. */
export type ZipEntry = CentralEntry;

/** A ZIP archive in memory: its entries, and a bounded reader for each. */
export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  /**
   * The inflated bytes of an entry, CRC checked.
   * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT
   */
  read(entry: ZipEntry): Uint8Array;
}

const DEFAULT_MAX_ENTRIES = 1000;
const DEFAULT_MAX_ENTRY_BYTES = 512 * 1024 * 1024;

/**
 * Opens an archive held in memory.
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT when the archive is malformed, ZIP64, encrypted
 * or past a limit
 */
export function readZip(bytes: Uint8Array, limits: ZipReadLimits = {}): ZipArchive {
  const path = limits.path ?? '';
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxEntryBytes = limits.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const eocd = findEndOfCentralDirectory(bytes, 0, path);
  if (eocd.entries > maxEntries) throw zipError(`more than ${maxEntries} entries (${eocd.entries})`, path);
  const cdEnd = eocd.centralDirectoryOffset + eocd.centralDirectorySize;
  if (cdEnd !== eocd.offset) throw zipError('central directory is not where the end record says', path);
  const entries: ZipEntry[] = [];
  let at = eocd.centralDirectoryOffset;
  while (at < cdEnd) {
    if (entries.length >= eocd.entries) throw zipError('central directory holds more entries than declared', path);
    const entry = parseCentralEntry(bytes.subarray(0, cdEnd), at, path);
    entries.push(entry);
    at += entry.recordLength;
  }
  if (entries.length !== eocd.entries) throw zipError('central directory holds fewer entries than declared', path);

  return {
    entries,
    read(entry: ZipEntry): Uint8Array {
      if (entry.uncompressedSize > maxEntryBytes) {
        throw zipError(`entry declares ${entry.uncompressedSize} bytes, more than the ${maxEntryBytes} allowed (zip bomb?)`, path);
      }
      const local = parseLocalHeader(bytes.subarray(0, eocd.centralDirectoryOffset), entry.localHeaderOffset, path);
      if (!local) throw zipError('local header is truncated', path);
      checkSameEntry(local, entry, path);
      const start = entry.localHeaderOffset + local.headerLength;
      const end = start + entry.compressedSize;
      if (end > eocd.centralDirectoryOffset) throw zipError('entry data runs past the central directory', path);
      if (local.hasDescriptor) checkDataDescriptor(bytes.subarray(0, eocd.centralDirectoryOffset), end, entry, path);
      const raw = bytes.subarray(start, end);
      let data: Uint8Array;
      if (entry.method === 0) {
        if (entry.compressedSize !== entry.uncompressedSize) throw zipError('stored entry sizes disagree', path);
        data = raw;
      } else {
        data = inflateBounded(raw, entry.uncompressedSize, path);
      }
      if (data.length !== entry.uncompressedSize) {
        throw zipError(`entry inflates to ${data.length} bytes, not the ${entry.uncompressedSize} declared`, path);
      }
      if (crc32(data) !== entry.crc32) throw zipError('CRC-32 mismatch: the entry is corrupt', path);
      return data;
    },
  };
}

/**
 * Unwraps a one-entry archive: the file the sender meant, and the entry's name.
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT when the archive holds more or less than one file,
 * or is refused by {@link readZip}
 */
export function unwrapSingleEntryZip(bytes: Uint8Array, limits: ZipReadLimits = {}): { entryName: string; data: Uint8Array } {
  const path = limits.path ?? '';
  const zip = readZip(bytes, limits);
  const entry = zip.entries[0];
  if (!entry) throw zipError('the archive is empty', path);
  if (zip.entries.length > 1) {
    throw zipError(`the archive holds ${zip.entries.length} entries: only a one-entry archive is unwrapped`, path);
  }
  if (entry.name.endsWith('/')) throw zipError('the archive holds a folder, not a file', path);
  return { entryName: entry.name, data: zip.read(entry) };
}

function inflateBounded(raw: Uint8Array, declared: number, path: string): Uint8Array {
  try {
    // Never more than the declared size (itself bounded): a lie about it cannot make us allocate more.
    const out = inflateRawSync(raw, { maxOutputLength: Math.max(1, declared) });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw zipError(`entry inflates to more than the ${declared} bytes declared (zip bomb?)`, path, cause);
    }
    throw zipError('entry data is not valid deflate data', path, cause);
  }
}
