// What the library hands out must not keep the input's decoded text alive: V8 keeps a
// substring as a view of the string it was cut from, so an application keeping one field per
// package it read (a subject, a DocumentId), or the verification report of each, kept the
// whole decoded header of each package.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { detachStrings, ownString } from '../src/own-strings.js';
import { buildEdxml, parseEdxml, signEdxml, TrustStore, verifyEdxml } from '../src/index.js';
import { createTestPki, sampleEdoc } from '../src/testing/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

function heapAfterCollection(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap kept per call when every result is held, less the heap kept when none is. */
async function keptPerCall(calls: number, run: () => Promise<unknown> | unknown): Promise<number> {
  const measure = async (hold: boolean): Promise<number> => {
    const held: unknown[] = [];
    const before = heapAfterCollection();
    for (let i = 0; i < calls; i++) {
      const result = await run();
      if (hold) held.push(result);
    }
    const after = heapAfterCollection();
    expect(held).toHaveLength(hold ? calls : 0);
    return (after - before) / calls;
  };
  await measure(false); // warm-up: code, caches
  const nothing = await measure(false);
  return (await measure(true)) - nothing;
}

describe('own strings', () => {
  test('ownString gives an equal string (the heap tests below show it is a copy), the empty string as it is', () => {
    const text = 'Số: 12/UBND-VP — V/v triển khai'.repeat(10);
    expect(ownString(text.slice(3, 40))).toBe(text.slice(3, 40));
    expect(ownString('')).toBe('');
  });

  test('replaces strings in place with equal strings, leaves numbers, dates and bytes as they are', () => {
    const at = new Date('2025-03-10T02:00:00Z');
    const data = new Uint8Array([1, 2, 3]);
    const text = 'Trích yếu: V/v triển khai liên thông văn bản điện tử'.repeat(3);
    const model = { subject: text.slice(10, 60), n: 7, empty: '', at, attachments: [{ name: 'Công văn số 12.pdf', data }], nested: { list: ['a', text.slice(5, 40)] } };
    const same = detachStrings(model);
    expect(same).toBe(model);
    expect(same).toStrictEqual({
      subject: text.slice(10, 60), n: 7, empty: '', at, attachments: [{ name: 'Công văn số 12.pdf', data }], nested: { list: ['a', text.slice(5, 40)] },
    });
    expect(same.at).toBe(at);
    expect(same.attachments[0]!.data).toBe(data);
  });

  test('keeping one field of each parsed package keeps that field, not the package header', async () => {
    const bytes = buildEdxml(sampleEdoc());
    const kept = await keptPerCall(400, () => {
      const m = parseEdxml(bytes);
      return m.kind === 'edoc' ? [m.subject, m.documentId] : [];
    });
    // the two strings are under 200 bytes; the sample's decoded header, which they used to hold, is over 12 KB
    expect(kept).toBeLessThan(4 * 1024);
  });

  test("keeping each verification report keeps the report, not the signed package's header", async () => {
    const pki = await createTestPki({ urls: { crl: null, rootCrl: null, ocsp: null, caIssuers: null } });
    const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
    const signed = await signEdxml(buildEdxml(sampleEdoc()), { key: pki.person.privateKey, certificate: pki.person.certificate, chain: [pki.subCa.certificate] });
    expect((await verifyEdxml(signed, { trust })).verdict).toBe('valid');
    const kept = await keptPerCall(300, () => verifyEdxml(signed, { trust }));
    // a report is about 5 KB of JSON (its certificate summaries are shared); holding the header's text as well was over 19 KB
    expect(kept).toBeLessThan(12 * 1024);
  });
});
