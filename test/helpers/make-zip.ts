import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made archive; the overrides let tests forge hostile archives. */
export interface TestZipEntry {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  /** Sizes and CRC after the data (flag bit 3), local header zeroed. */
  descriptor?: boolean;
  /** Extra flag bits (1 = encrypted). */
  flags?: number;
  /** Lie about the inflated size in both headers. */
  declaredSize?: number;
  /** Use these compressed bytes instead of compressing `data`. */
  compressed?: Uint8Array;
  /** Replace the CRC in both headers. */
  crc?: number;
}

/** Builds a ZIP archive in memory (test helper; the library's own writer is not used on purpose). */
export function makeZip(entries: TestZipEntry[], options: { zip64Marker?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const comp = Buffer.from(e.compressed ?? (method === 8 ? deflateRawSync(e.data) : e.data));
    const crc = e.crc ?? crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const name = Buffer.from(e.name, 'utf8');
    const flags = 0x0800 | (e.descriptor ? 0x0008 : 0) | (e.flags ?? 0);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(e.descriptor ? 0 : crc, 14);
    lh.writeUInt32LE(e.descriptor ? 0 : comp.length, 18);
    lh.writeUInt32LE(e.descriptor ? 0 : size, 22);
    lh.writeUInt16LE(name.length, 26);
    const parts = [lh, name, comp];
    if (e.descriptor) {
      const dd = Buffer.alloc(16);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc, 4);
      dd.writeUInt32LE(comp.length, 8);
      dd.writeUInt32LE(size, 12);
      parts.push(dd);
    }
    const local = Buffer.concat(parts);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(Buffer.concat([ch, name]));
    locals.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(options.zip64Marker ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(options.zip64Marker ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}
