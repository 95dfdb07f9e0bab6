import { describe, expect, test } from 'vitest';
import {
  formatDocumentCode,
  isCanonicalDocumentId,
  makeDocumentId,
  parseDocumentCode,
  parseDocumentId,
} from '../../src/edxml/document-code.js';

describe('parseDocumentCode', () => {
  test.each([
    ['7816/VPCP-TTĐT', '7816', 'VPCP-TTĐT'],
    ['28/2018/QĐ-TTg', '28', '2018/QĐ-TTg'],
    [' 28 / 2018 / QĐ - TTg ', '28', '2018/QĐ-TTg'],
    ['125/TB-UBND', '125', 'TB-UBND'],
    ['01/2024/TT-BNV', '01', '2024/TT-BNV'],
    ['74fass22/VPCP-TTĐT', '74fass22', 'VPCP-TTĐT'],
    ['15/QyĐ-SGDĐT', '15', 'QyĐ-SGDĐT'],
  ])('reads %s', (text, codeNumber, codeNotation) => {
    expect(parseDocumentCode(text)).toEqual({ codeNumber, codeNotation });
  });

  test('composes decomposed diacritics (NFC) so that Đ and Ệ compare equal', () => {
    const decomposed = '12/SỞ-VHTTDL'.normalize('NFD');
    expect(decomposed).not.toBe('12/SỞ-VHTTDL');
    expect(parseDocumentCode(decomposed)?.codeNotation).toBe('SỞ-VHTTDL');
  });

  test.each(['', 'VPCP-TTĐT', '/VPCP', '7816/', '   '])('gives undefined for %j', (text) => {
    expect(parseDocumentCode(text)).toBeUndefined();
  });
});

describe('formatDocumentCode', () => {
  test('joins number and notation with a slash, keeping Đ', () => {
    expect(formatDocumentCode({ codeNumber: '7816', codeNotation: 'VPCP-TTĐT' })).toBe('7816/VPCP-TTĐT');
    expect(formatDocumentCode({ codeNumber: ' 28 ', codeNotation: '2018 / QĐ - TTg' })).toBe('28/2018/QĐ-TTg');
  });

  test('round-trips with parseDocumentCode', () => {
    for (const text of ['7816/VPCP-TTĐT', '28/2018/QĐ-TTg', '3/CĐ-TTg']) {
      expect(formatDocumentCode(parseDocumentCode(text)!)).toBe(text);
    }
  });
});

describe('makeDocumentId', () => {
  test('makes the canonical form from an ISO date and a code string or parts', () => {
    expect(makeDocumentId('000.00.00.G22', '2015-09-30', '7816/VPCP-TTĐT')).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(makeDocumentId('000.00.00.G09', '2018-01-02', { codeNumber: '28', codeNotation: '2018/QĐ-TTg' })).toBe(
      '000.00.00.G09,2018/01/02,28/2018/QĐ-TTg',
    );
  });

  test('refuses a date that is not YYYY-MM-DD, naming the argument', () => {
    expect(() => makeDocumentId('000.00.00.G22', '30/09/2015', '7816/VPCP-TTĐT')).toThrow(
      expect.objectContaining({ code: 'VDXP_INPUT_INVALID', message: expect.stringContaining('isoDate') }),
    );
  });

  test('refuses a code without a notation and an issuer with a comma', () => {
    expect(() => makeDocumentId('000.00.00.G22', '2015-09-30', '7816')).toThrow(/code/);
    expect(() => makeDocumentId('a,b', '2015-09-30', '1/X')).toThrow(/issuerOrganId/);
  });
});

describe('parseDocumentId', () => {
  test('splits the canonical form', () => {
    const parts = parseDocumentId('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(parts).toEqual({
      raw: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      organId: '000.00.00.G22',
      date: '2015/09/30',
      code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
    });
    expect(isCanonicalDocumentId(parts)).toBe(true);
  });

  test('keeps a date that does not exist rather than judging it', () => {
    const parts = parseDocumentId('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT');
    expect(isCanonicalDocumentId(parts) && parts.date).toBe('2014/02/30');
  });

  test('keeps a notation that contains the year', () => {
    const parts = parseDocumentId('000.00.00.G09,2018/01/02,28/2018/QĐ-TTg');
    expect(isCanonicalDocumentId(parts) && parts.code).toEqual({ codeNumber: '28', codeNotation: '2018/QĐ-TTg' });
  });

  test.each(['9fbfbad2-f1f8-4256-a2eb-50fb1061cddb', '000.00.00.G22,30/09/2015,7816/VPCP', 'x,2015/09/30,7816', ''])(
    'returns only the raw text for %j',
    (id) => {
      const parts = parseDocumentId(id);
      expect(parts).toEqual({ raw: id });
      expect(isCanonicalDocumentId(parts)).toBe(false);
    },
  );

  test('agrees with makeDocumentId', () => {
    const id = makeDocumentId('000.00.00.H41', '2024-12-31', '125/TB-UBND');
    const parts = parseDocumentId(id);
    expect(isCanonicalDocumentId(parts) && [parts.organId, parts.date, parts.code]).toEqual([
      '000.00.00.H41',
      '2024/12/31',
      { codeNumber: '125', codeNotation: 'TB-UBND' },
    ]);
  });
});
