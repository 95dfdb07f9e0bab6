import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Base64Encoder, base64Length } from '../../src/edxml/base64-encoder.js';

describe('Base64Encoder', () => {
  test('gives the base64 of the whole input whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 }), (chunks) => {
        const e = new Base64Encoder();
        const text = chunks.map((c) => e.push(c)).join('') + e.end();
        const whole = Buffer.concat(chunks);
        expect(text).toBe(whole.toString('base64'));
        expect(text.length).toBe(base64Length(whole.length));
      }),
    );
  });

  test('gives the same text as bytes (pushBytes) whatever the chunking, mixed with push', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean()), { maxLength: 12 }), (steps) => {
        const e = new Base64Encoder();
        const parts = steps.map(([c, asBytes]) => (asBytes ? Buffer.from(e.pushBytes(c)).toString('latin1') : e.push(c)));
        const whole = Buffer.concat(steps.map(([c]) => c));
        expect(parts.join('') + e.end()).toBe(whole.toString('base64'));
      }),
    );
  });

  test('keeps its own copy of the held-back bytes when the caller reuses its chunk', () => {
    for (const push of ['push', 'pushBytes'] as const) {
      const e = new Base64Encoder();
      const chunk = Buffer.from([1, 2, 3, 4]);
      e[push](chunk);
      chunk.fill(0xff); // a source that recycles its buffer
      expect(e.end()).toBe(Buffer.from([4]).toString('base64'));
    }
  });

  test('holds back at most two bytes between chunks', () => {
    const e = new Base64Encoder();
    expect(e.push(new Uint8Array([1, 2]))).toBe('');
    expect(e.push(new Uint8Array([3]))).toBe('AQID');
    expect(e.push(new Uint8Array([4]))).toBe('');
    expect(e.end()).toBe('BA==');
    expect(e.end()).toBe('');
  });
});
