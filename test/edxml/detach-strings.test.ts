// A reader's result must not keep the package's decoded text alive: V8 keeps a substring as a
// view of the string it was cut from, so without detachStrings an application keeping one
// field per package (a subject, a DocumentId) kept the whole decoded header of each.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { detachStrings } from '../../src/edxml/check-model.js';
import { buildEdxml, parseEdxml } from '../../src/index.js';
import { sampleEdoc } from '../../src/testing/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

function heapAfterCollection(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('detachStrings', () => {
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

  test('keeping one field of each parsed package keeps that field, not the package header', () => {
    const bytes = buildEdxml(sampleEdoc());
    const parses = 400;
    const keepNothing = (): number => {
      const before = heapAfterCollection();
      for (let i = 0; i < parses; i++) parseEdxml(bytes);
      return (heapAfterCollection() - before) / parses;
    };
    const kept: string[] = [];
    const keepFields = (): number => {
      const before = heapAfterCollection();
      for (let i = 0; i < parses; i++) {
        const m = parseEdxml(bytes);
        if (m.kind === 'edoc') kept.push(m.subject, m.documentId ?? '');
      }
      return (heapAfterCollection() - before) / parses;
    };
    keepNothing(); // warm-up: code, caches
    const base = keepNothing();
    const withFields = keepFields();
    expect(kept).toHaveLength(2 * parses);
    // the two strings are under 200 bytes; the sample's decoded header, which each used to hold, is over 12 KB
    expect(withFields - base).toBeLessThan(4 * 1024);
  });
});
