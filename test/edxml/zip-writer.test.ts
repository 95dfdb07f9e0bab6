import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { zipSingleEntry, zipSingleEntryStream } from '../../src/edxml/zip-writer.js';

/** Reads a ZIP by its central directory, as unzip does, checking every field it relies on. */
function readZip(zip: Buffer) {
  const eocd = zip.length - 22;
  expect(zip.readUInt32LE(eocd)).toBe(0x06054b50);
  expect(zip.readUInt16LE(eocd + 10)).toBe(1);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cd = zip.readUInt32LE(eocd + 16);
  expect(cd + cdSize).toBe(eocd);
  expect(zip.readUInt32LE(cd)).toBe(0x02014b50);
  const flags = zip.readUInt16LE(cd + 8);
  const method = zip.readUInt16LE(cd + 10);
  const dosTime = zip.readUInt16LE(cd + 12);
  const dosDate = zip.readUInt16LE(cd + 14);
  const crc = zip.readUInt32LE(cd + 16);
  const compressedSize = zip.readUInt32LE(cd + 20);
  const size = zip.readUInt32LE(cd + 24);
  const nameLength = zip.readUInt16LE(cd + 28);
  const name = zip.subarray(cd + 46, cd + 46 + nameLength).toString('utf8');
  const local = zip.readUInt32LE(cd + 42);
  expect(zip.readUInt32LE(local)).toBe(0x04034b50);
  expect(zip.subarray(local + 30, local + 30 + nameLength).toString('utf8')).toBe(name);
  const start = local + 30 + nameLength + zip.readUInt16LE(local + 28);
  const data = inflateRawSync(zip.subarray(start, start + compressedSize));
  expect(data.length).toBe(size);
  expect(crc32(data)).toBe(crc);
  return { name, flags, method, data, dosTime, dosDate, afterData: zip.subarray(start + compressedSize, cd) };
}

const modified = new Date('2024-05-20T02:30:10Z'); // 09:30:10 in Vietnam

describe('zipSingleEntry', () => {
  test('makes a one-entry deflated ZIP with a UTF-8 name', () => {
    const data = new TextEncoder().encode('Công văn số 7816/VPCP-TTĐT '.repeat(100));
    const z = readZip(Buffer.from(zipSingleEntry('3f1c-uuid.txt', data, modified)));
    expect(z).toMatchObject({ name: '3f1c-uuid.txt', method: 8, flags: 0x0800 });
    expect(z.data.equals(Buffer.from(data))).toBe(true);
    expect(z.afterData.length).toBe(0);
  });

  test('writes the modification time as Vietnam local time', () => {
    const z = readZip(Buffer.from(zipSingleEntry('a.txt', new Uint8Array([1]), modified)));
    expect([z.dosTime >> 11, (z.dosTime >> 5) & 63, (z.dosTime & 31) * 2]).toEqual([9, 30, 10]);
    expect([(z.dosDate >> 9) + 1980, (z.dosDate >> 5) & 15, z.dosDate & 31]).toEqual([2024, 5, 20]);
  });
});

describe('zipSingleEntryStream', () => {
  test('streams the entry with a data descriptor that matches the central directory', async () => {
    const data = Buffer.alloc(300_000).map((_, i) => (i * 13) ^ (i >> 8));
    const source = async function* () {
      for (let at = 0; at < data.length; at += 7_000) yield data.subarray(at, at + 7_000);
    };
    const parts: Uint8Array[] = [];
    for await (const p of zipSingleEntryStream('tệp.bin', source(), modified)) parts.push(p);
    const z = readZip(Buffer.concat(parts));
    expect(z).toMatchObject({ name: 'tệp.bin', flags: 0x0808 });
    expect(z.data.equals(data)).toBe(true);
    expect(z.afterData.readUInt32LE(0)).toBe(0x08074b50);
    expect(z.afterData.readUInt32LE(4)).toBe(crc32(data));
    expect(z.afterData.readUInt32LE(12)).toBe(data.length);
  });

  test('passes on an error of the source', async () => {
    const source = async function* () {
      yield new Uint8Array(10);
      throw new Error('disk gone');
    };
    const run = async () => {
      for await (const _ of zipSingleEntryStream('x.bin', source(), modified)) void _;
    };
    await expect(run()).rejects.toThrow('disk gone');
  });
});
