import { describe, expect, test } from 'vitest';
import { derChildren, derElementAt, isUniversal } from '../../src/signature/der-walk.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('derElementAt', () => {
  test('reads short and long lengths, and the extent of the element', () => {
    const seq = derElementAt(hex('30 03 02 01 05 ff'), 0)!;
    expect(seq).toMatchObject({ tagClass: 0, constructed: true, tagNumber: 16 });
    expect(Buffer.from(seq.bytes).toString('hex')).toBe('3003020105');
    const long = hex(`04 82 01 00 ${'aa'.repeat(256)}`);
    const octets = derElementAt(long, 0)!;
    expect(octets.content.length).toBe(256);
    expect(octets.bytes.length).toBe(260);
  });

  test('reads context-specific and high tag numbers', () => {
    expect(derElementAt(hex('a0 00'), 0)).toMatchObject({ tagClass: 2, constructed: true, tagNumber: 0 });
    expect(derElementAt(hex('9f 81 01 00'), 0)).toMatchObject({ tagClass: 2, constructed: false, tagNumber: 129 });
  });

  test.each([
    ['an indefinite length (BER)', '30 80 02 01 05 00 00'],
    ['a length past the end', '30 05 02 01'],
    ['a length of more than four bytes', '04 85 00 00 00 00 01 00'],
    ['a missing length', '30'],
    ['nothing', ''],
  ])('gives undefined for %s', (_label, bytes) => {
    expect(derElementAt(hex(bytes), 0)).toBeUndefined();
  });
});

describe('derChildren', () => {
  test('lists the children of a constructed element', () => {
    const kids = derChildren(derElementAt(hex('31 06 02 01 01 02 01 02'), 0)!)!;
    expect(kids.map((k) => Buffer.from(k.content).toString('hex'))).toEqual(['01', '02']);
    expect(kids.every((k) => isUniversal(k, 2))).toBe(true);
  });

  test('refuses children that do not fill their parent, and primitive parents', () => {
    expect(derChildren(derElementAt(hex('30 04 02 01 01 02'), 0)!)).toBeUndefined();
    expect(derChildren(derElementAt(hex('04 02 02 00'), 0)!)).toBeUndefined();
  });
});
