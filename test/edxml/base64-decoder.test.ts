import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Base64Decoder } from '../../src/edxml/base64-decoder.js';

function decodeInPieces(text: string, cuts: number[]): Buffer {
  const d = new Base64Decoder('p');
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(d.write(text.slice(at, c)));
    at = c;
  }
  out.push(d.write(text.slice(at)));
  out.push(d.end());
  return Buffer.concat(out);
}

describe('Base64Decoder', () => {
  test('decodes any bytes, however the text is cut and wherever white space falls', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '\r\n', '\t')), { maxLength: 6 }),
        (bytes, rawCuts, spaces) => {
          let text = Buffer.from(bytes).toString('base64');
          for (const [pos, ws] of spaces) {
            const p = pos % (text.length + 1);
            text = text.slice(0, p) + ws + text.slice(p);
          }
          const cuts = rawCuts.map((c) => c % (text.length + 1));
          expect(decodeInPieces(text, cuts).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
    );
  });

  test('accepts a final group without its padding', () => {
    expect(decodeInPieces('YWI', []).toString()).toBe('ab');
    expect(decodeInPieces('YQ', [1]).toString()).toBe('a');
  });

  test('accepts padding split across pieces', () => {
    expect(decodeInPieces('YQ==', [3]).toString()).toBe('a');
  });

  test.each([
    ['a character outside the alphabet', 'YW*i'],
    ['the URL-safe alphabet', 'YW-_'],
    ['data after padding', 'YQ==YQ=='],
    ['padding in the middle', 'Y=Qx'],
    ['three padding characters', 'Y==='],
    ['a length that cannot be base64', 'YWJjZ'],
    ['padding on a short group', 'YQ='],
  ])('refuses %s', (_label, text) => {
    expect(() => decodeInPieces(text, [2])).toThrow(expect.objectContaining({ code: 'VDXP_EDXML_INVALID', path: 'p' }));
  });

  test('counts the bytes produced', () => {
    const d = new Base64Decoder('p');
    d.write('YWJj');
    d.write('ZA');
    d.end();
    expect(d.size).toBe(4);
  });

  describe('given bytes (plain runs of the reader)', () => {
    /** Cuts `text` and hands each piece over as bytes or as a string, alternately. */
    function decodeMixed(text: string, cuts: number[], firstAsBytes: boolean): Buffer {
      const d = new Base64Decoder('p');
      const out: Uint8Array[] = [];
      let at = 0;
      let asBytes = firstAsBytes;
      for (const c of [...cuts, text.length].sort((a, b) => a - b)) {
        const piece = text.slice(at, c);
        out.push(asBytes ? d.writeBytes(Buffer.from(piece, 'latin1')) : d.write(piece));
        asBytes = !asBytes;
        at = c;
      }
      out.push(d.end());
      expect(d.size).toBe(out.reduce((n, b) => n + b.length, 0));
      return Buffer.concat(out);
    }

    test('decodes any bytes however the text is cut, with or without white space', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 900 }),
          fc.array(fc.nat(), { maxLength: 8 }),
          fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '\t')), { maxLength: 3 }),
          fc.boolean(),
          (bytes, rawCuts, spaces, firstAsBytes) => {
            let text = Buffer.from(bytes).toString('base64');
            for (const [pos, ws] of spaces) {
              const p = pos % (text.length + 1);
              text = text.slice(0, p) + ws + text.slice(p);
            }
            const cuts = rawCuts.map((c) => c % (text.length + 1));
            expect(decodeMixed(text, cuts, firstAsBytes).equals(Buffer.from(bytes))).toBe(true);
          },
        ),
      );
    });

    test('accepts padding that is not canonical, as the string path does', () => {
      // 'YR==' carries set bits after the data: Node decodes it as 'a'
      expect(decodeMixed('YWJjYR==', [], true).toString()).toBe('abca');
    });

    test.each([
      ['a character outside the alphabet', 'YWJjYW*i'],
      ['the URL-safe alphabet', 'YWJjYW-_'],
      ['data after padding', 'YWJjYQ==YQ=='],
      ['padding in the middle', 'YWJjY=Qx'],
      ['three padding characters', 'YWJjY==='],
      ['a length that cannot be base64', 'YWJjYWJjZ'],
      ['padding on a short group', 'YWJjYQ='],
    ])('refuses %s', (_label, text) => {
      expect(() => decodeMixed(text, [], true)).toThrow(expect.objectContaining({ code: 'VDXP_EDXML_INVALID', path: 'p' }));
      expect(() => decodeMixed(text, [5], true)).toThrow(expect.objectContaining({ code: 'VDXP_EDXML_INVALID', path: 'p' }));
    });
  });
});
