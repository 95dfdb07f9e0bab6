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

  test('holds back at most two bytes between chunks', () => {
    const e = new Base64Encoder();
    expect(e.push(new Uint8Array([1, 2]))).toBe('');
    expect(e.push(new Uint8Array([3]))).toBe('AQID');
    expect(e.push(new Uint8Array([4]))).toBe('');
    expect(e.end()).toBe('BA==');
    expect(e.end()).toBe('');
  });
});
