import { describe, expect, test } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { readZip, unwrapSingleEntryZip } from '../../src/edxml/zip-reader.js';
import { makeZip } from '../helpers/make-zip.js';

const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(5000) + '\n%%EOF\n');
const refused = expect.objectContaining({ code: 'VDXP_EDXML_ATTACHMENT' });

describe('readZip', () => {
  test('lists entries and reads deflated and stored ones with CRC checked', () => {
    const zip = readZip(makeZip([
      { name: 'a.pdf', data: pdf },
      { name: 'b.txt', data: Buffer.from('hello'), method: 0 },
    ]));
    expect(zip.entries.map((e) => e.name)).toEqual(['a.pdf', 'b.txt']);
    expect(Buffer.from(zip.read(zip.entries[0]!)).equals(pdf)).toBe(true);
    expect(Buffer.from(zip.read(zip.entries[1]!)).toString()).toBe('hello');
  });

  test('reads entries whose sizes follow the data (data descriptor)', () => {
    const out = unwrapSingleEntryZip(makeZip([{ name: 'x.pdf', data: pdf, descriptor: true }]));
    expect(out.entryName).toBe('x.pdf');
    expect(Buffer.from(out.data).equals(pdf)).toBe(true);
  });

  test('refuses more entries than the limit', () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('z') }));
    expect(() => readZip(makeZip(entries), { maxEntries: 4 })).toThrow(refused);
  });

  test('refuses an entry declaring more than the size limit before inflating it', () => {
    const zip = readZip(makeZip([{ name: 'big', data: Buffer.alloc(1000) }]), { maxEntryBytes: 999 });
    expect(() => zip.read(zip.entries[0]!)).toThrow(/declares 1000 bytes/);
  });

  test('refuses a zip bomb that lies about its inflated size', () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const bomb = makeZip([{ name: 'bomb.pdf', data: zeros, declaredSize: 1024, compressed: deflateRawSync(zeros) }]);
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => unwrapSingleEntryZip(bomb)).toThrow(/more than the 1024 bytes declared/);
  });

  test('refuses a corrupt entry by its CRC', () => {
    expect(() => unwrapSingleEntryZip(makeZip([{ name: 'a.pdf', data: pdf, crc: 12345 }]))).toThrow(/CRC-32/);
  });

  test('refuses encrypted entries, ZIP64 archives and unknown methods', () => {
    expect(() => readZip(makeZip([{ name: 'a', data: pdf, flags: 1 }]))).toThrow(/encrypted/);
    expect(() => readZip(makeZip([{ name: 'a', data: pdf }], { zip64Marker: true }))).toThrow(/ZIP64/);
    const bz = makeZip([{ name: 'a', data: pdf, method: 0 }]);
    bz.writeUInt16LE(12, 8); // local method
    bz.writeUInt16LE(12, bz.indexOf(Buffer.from([0x50, 0x4b, 1, 2])) + 10); // central method
    expect(() => unwrapSingleEntryZip(bz)).toThrow(/compression method 12/);
  });

  test('refuses a two-entry archive where one file is expected', () => {
    const two = makeZip([{ name: 'a.pdf', data: pdf }, { name: 'b.pdf', data: pdf }]);
    expect(() => unwrapSingleEntryZip(two)).toThrow(/2 entries/);
  });

  test('refuses truncated archives and non-archives', () => {
    const zip = makeZip([{ name: 'a.pdf', data: pdf }]);
    expect(() => readZip(zip.subarray(0, zip.length - 10))).toThrow(refused);
    expect(() => readZip(Buffer.from('PK\u0003\u0004 not really'))).toThrow(refused);
  });

  test('refuses central directory and local header that disagree', () => {
    const zip = makeZip([{ name: 'a.pdf', data: pdf }]);
    zip.write('b', 30); // first byte of the local name
    expect(() => unwrapSingleEntryZip(zip)).toThrow(/disagree/);
  });
});
