/**
 * Writes a one-entry ZIP (deflate), the wrapper the official Java library puts around
 * attachments. In memory for bytes at hand ({@link zipSingleEntry}), or streamed with a data
 * descriptor for a source read once ({@link zipSingleEntryStream}); CRC-32 by `zlib.crc32`.
 * No ZIP64: an entry past 4 GiB is refused.
 * @internal
 * @module
 */
import { Readable, pipeline } from 'node:stream';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { EdxmlError } from '../errors.js';

const UTF8_NAMES = 0x0800;
const DATA_DESCRIPTOR = 0x0008;
const DEFLATE = 8;
const VERSION = 20;
const MAX32 = 0xffffffff;

interface Entry {
  name: Uint8Array;
  flags: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
}

/**
 * A ZIP with one deflated entry holding `data`.
 * @param modified - the entry's modification time (written as Vietnam local time)
 */
export function zipSingleEntry(name: string, data: Uint8Array, modified: Date): Uint8Array {
  if (data.length > MAX32) tooLarge(name);
  const compressed = deflateRawSync(data);
  const entry: Entry = { name: Buffer.from(name, 'utf8'), flags: UTF8_NAMES, ...dosTime(modified), crc: crc32(data), compressedSize: compressed.length, size: data.length };
  const local = localHeader(entry);
  const central = centralDirectory(entry, 0, local.length + compressed.length);
  return Buffer.concat([local, compressed, central]);
}

/**
 * A ZIP with one deflated entry whose bytes come from `source`, produced as it is read:
 * local header with the sizes left for the data descriptor, deflated data, descriptor,
 * central directory.
 */
export async function* zipSingleEntryStream(name: string, source: AsyncIterable<Uint8Array>, modified: Date): AsyncGenerator<Uint8Array> {
  const entry: Entry = { name: Buffer.from(name, 'utf8'), flags: UTF8_NAMES | DATA_DESCRIPTOR, ...dosTime(modified), crc: 0, compressedSize: 0, size: 0 };
  const local = localHeader(entry);
  yield local;
  let crc = 0;
  let size = 0;
  const counted = async function* () {
    for await (const chunk of source) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      if (size > MAX32) tooLarge(name);
      yield chunk;
    }
  };
  const deflate = createDeflateRaw();
  pipeline(Readable.from(counted()), deflate, () => {});
  let compressedSize = 0;
  try {
    for await (const out of deflate as AsyncIterable<Buffer>) {
      compressedSize += out.length;
      yield out;
    }
  } finally {
    deflate.destroy(); // a consumer that stops early must not leave the source open
  }
  if (compressedSize > MAX32) tooLarge(name);
  Object.assign(entry, { crc, size, compressedSize });
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc >>> 0, 4);
  descriptor.writeUInt32LE(compressedSize, 8);
  descriptor.writeUInt32LE(size, 12);
  yield descriptor;
  yield centralDirectory(entry, 0, local.length + compressedSize + descriptor.length);
}

function localHeader(e: Entry): Buffer {
  const b = Buffer.alloc(30 + e.name.length);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION, 4);
  b.writeUInt16LE(e.flags, 6);
  b.writeUInt16LE(DEFLATE, 8);
  b.writeUInt16LE(e.time, 10);
  b.writeUInt16LE(e.date, 12);
  b.writeUInt32LE(e.crc >>> 0, 14);
  b.writeUInt32LE(e.compressedSize, 18);
  b.writeUInt32LE(e.size, 22);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(0, 28);
  b.set(e.name, 30);
  return b;
}

function centralDirectory(e: Entry, localOffset: number, centralOffset: number): Buffer {
  const c = Buffer.alloc(46 + e.name.length);
  c.writeUInt32LE(0x02014b50, 0);
  c.writeUInt16LE(VERSION, 4);
  c.writeUInt16LE(VERSION, 6);
  c.writeUInt16LE(e.flags, 8);
  c.writeUInt16LE(DEFLATE, 10);
  c.writeUInt16LE(e.time, 12);
  c.writeUInt16LE(e.date, 14);
  c.writeUInt32LE(e.crc >>> 0, 16);
  c.writeUInt32LE(e.compressedSize, 20);
  c.writeUInt32LE(e.size, 24);
  c.writeUInt16LE(e.name.length, 28);
  // extra length, comment length, disk, internal and external attributes stay 0
  c.writeUInt32LE(localOffset, 42);
  c.set(e.name, 46);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(c.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([c, end]);
}

/** MS-DOS date and time fields, from the instant in Vietnam local time (UTC+7). */
function dosTime(instant: Date): { time: number; date: number } {
  const v = new Date(instant.getTime() + 7 * 3600_000);
  const year = Math.min(Math.max(v.getUTCFullYear(), 1980), 2107);
  return {
    time: (v.getUTCHours() << 11) | (v.getUTCMinutes() << 5) | (v.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((v.getUTCMonth() + 1) << 5) | v.getUTCDate(),
  };
}

function tooLarge(name: string): never {
  throw new EdxmlError('VDXP_EDXML_ATTACHMENT', `attachment ${JSON.stringify(name)} is too large to wrap in a ZIP without ZIP64 (over 4 GiB)`);
}
