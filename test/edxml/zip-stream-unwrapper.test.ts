import { describe, expect, test } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { ZipStreamUnwrapper } from '../../src/edxml/zip-stream-unwrapper.js';
import { makeZip, type TestZipEntry } from '../helpers/make-zip.js';

async function unwrapInChunks(zip: Uint8Array, chunk: number, maxBytes = 1 << 30) {
  const out: Buffer[] = [];
  const names: string[] = [];
  const u = new ZipStreamUnwrapper({
    maxBytes,
    path: 'Attachment',
    onEntry: (n) => void names.push(n),
    onData: async (c) => {
      await new Promise((r) => setImmediate(r));
      out.push(Buffer.from(c));
    },
  });
  for (let i = 0; i < zip.length; i += chunk) await u.write(zip.subarray(i, i + chunk));
  const result = await u.end();
  return { data: Buffer.concat(out), names, result };
}

const mixed = Buffer.concat([randomBytes(300_000), Buffer.alloc(700_000, 'a')]);
const variants: [string, Partial<TestZipEntry>][] = [
  ['deflate with sizes in the header', {}],
  ['deflate with a data descriptor', { descriptor: true }],
  ['stored with sizes in the header', { method: 0 }],
  ['stored with a data descriptor', { method: 0, descriptor: true }],
];

describe('ZipStreamUnwrapper', () => {
  for (const [label, v] of variants) {
    test.each([1, 7, 4096, 100_000, 5_000_000])(`unwraps ${label} fed in chunks of %i bytes`, async (chunk) => {
      if (chunk < 10) {
        // tiny chunks on a small entry only (keeps the test quick)
        const small = randomBytes(20_000);
        const r = await unwrapInChunks(makeZip([{ name: 'doc.pdf', data: small, ...v }]), chunk);
        expect(r.data.equals(small)).toBe(true);
        return;
      }
      const r = await unwrapInChunks(makeZip([{ name: 'tài liệu.pdf', data: mixed, ...v }]), chunk);
      expect(r.names).toEqual(['tài liệu.pdf']);
      expect(r.result.size).toBe(mixed.length);
      expect(createHash('sha256').update(r.data).digest('hex')).toBe(createHash('sha256').update(mixed).digest('hex'));
    });
  }

  test('refuses a zip bomb as it inflates, without producing past the limit', async () => {
    const zeros = Buffer.alloc(50 * 1024 * 1024);
    const bomb = makeZip([{ name: 'bomb.pdf', data: Buffer.alloc(0), compressed: deflateRawSync(zeros), descriptor: true }]);
    let produced = 0;
    const u = new ZipStreamUnwrapper({ maxBytes: 5 * 1024 * 1024, path: 'p', onEntry: () => {}, onData: async (c) => void (produced += c.length) });
    const run = async () => {
      for (let i = 0; i < bomb.length; i += 8192) await u.write(bomb.subarray(i, i + 8192));
      await u.end();
    };
    await expect(run()).rejects.toMatchObject({ code: 'VDXP_EDXML_ATTACHMENT', message: expect.stringMatching(/zip bomb/) });
    expect(produced).toBeLessThanOrEqual(5 * 1024 * 1024);
  });

  test('refuses a header declaring more than the limit before any data', async () => {
    const zip = makeZip([{ name: 'x', data: Buffer.alloc(10), declaredSize: 10_000_000 }]);
    const u = new ZipStreamUnwrapper({ maxBytes: 1_000_000, path: 'p', onEntry: () => {}, onData: async () => {} });
    await expect(u.write(zip)).rejects.toThrow(/zip bomb/);
  });

  test('refuses a second entry, found in the trailer', async () => {
    const two = makeZip([{ name: 'a.pdf', data: mixed }, { name: 'b.pdf', data: Buffer.from('x') }]);
    await expect(unwrapInChunks(two, 65536)).rejects.toThrow(/2 entries/);
    const hidden = makeZip([{ name: 'a.pdf', data: mixed, descriptor: true }, { name: 'b.pdf', data: Buffer.from('x') }]);
    await expect(unwrapInChunks(hidden, 65536)).rejects.toThrow(/2 entries/);
  });

  test('refuses a corrupt entry by its CRC, and corrupt deflate data', async () => {
    await expect(unwrapInChunks(makeZip([{ name: 'a', data: mixed, crc: 1 }]), 65536)).rejects.toThrow(/CRC-32/);
    const broken = makeZip([{ name: 'a', data: mixed, compressed: randomBytes(5000) }]);
    await expect(unwrapInChunks(broken, 65536)).rejects.toMatchObject({ code: 'VDXP_EDXML_ATTACHMENT' });
  });

  test('refuses an archive truncated anywhere', async () => {
    const zip = makeZip([{ name: 'a.pdf', data: mixed, descriptor: true }]);
    for (const cut of [10, 40, 5000, zip.length - 30, zip.length - 1]) {
      await expect(unwrapInChunks(zip.subarray(0, cut), 65536)).rejects.toMatchObject({ code: 'VDXP_EDXML_ATTACHMENT' });
    }
  });

  test('refuses encrypted entries at the header', async () => {
    await expect(unwrapInChunks(makeZip([{ name: 'a', data: mixed, flags: 1 }]), 65536)).rejects.toThrow(/encrypted/);
  });
});
