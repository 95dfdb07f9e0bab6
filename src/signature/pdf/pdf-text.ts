/**
 * PDF text strings and dates: decoding `/Name`, `/Reason`, `/T` … (UTF-16BE with BOM, UTF-8
 * with BOM, PDFDocEncoding, and the BOM-less UTF-8 some Vietnamese producers write), writing
 * them back (ASCII as literal strings, anything else as UTF-16BE hex), and `D:` dates.
 * @internal
 * @module
 */
import { toVietnamTimestamp } from '../../edxml/vietnam-time.js';

/** PDFDocEncoding code points that differ from Latin-1 (0x18–0x1F, 0x80–0xA0). */
const PDF_DOC: Readonly<Record<number, number>> = {
  0x18: 0x02d8, 0x19: 0x02c7, 0x1a: 0x02c6, 0x1b: 0x02d9, 0x1c: 0x02dd, 0x1d: 0x02db, 0x1e: 0x02da, 0x1f: 0x02dc,
  0x80: 0x2022, 0x81: 0x2020, 0x82: 0x2021, 0x83: 0x2026, 0x84: 0x2014, 0x85: 0x2013, 0x86: 0x0192, 0x87: 0x2044,
  0x88: 0x2039, 0x89: 0x203a, 0x8a: 0x2212, 0x8b: 0x2030, 0x8c: 0x201e, 0x8d: 0x201c, 0x8e: 0x201d, 0x8f: 0x2018,
  0x90: 0x2019, 0x91: 0x201a, 0x92: 0x2122, 0x93: 0xfb01, 0x94: 0xfb02, 0x95: 0x0141, 0x96: 0x0152, 0x97: 0x0160,
  0x98: 0x0178, 0x99: 0x017d, 0x9a: 0x0131, 0x9b: 0x0142, 0x9c: 0x0153, 0x9d: 0x0161, 0x9e: 0x017e, 0xa0: 0x20ac,
};

/** Decodes a PDF text string. */
export function decodePdfText(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const n = (bytes.length - 2) >> 1;
    const swapped = Buffer.alloc(n * 2);
    for (let i = 0; i < n; i++) {
      swapped[2 * i] = bytes[2 + 2 * i + 1] as number;
      swapped[2 * i + 1] = bytes[2 + 2 * i] as number;
    }
    return swapped.toString('utf16le');
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return Buffer.from(bytes.subarray(3)).toString('utf8');
  if (bytes.some((b) => b >= 0x80)) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // not UTF-8: PDFDocEncoding below
    }
  }
  let out = '';
  for (const b of bytes) out += String.fromCodePoint(PDF_DOC[b] ?? b);
  return out;
}

/** The bytes of a PDF text string: printable ASCII as is, anything else UTF-16BE with a BOM. */
export function encodePdfText(text: string): Uint8Array {
  if (/^[\x20-\x7e]*$/.test(text)) return new Uint8Array(Buffer.from(text, 'latin1'));
  const le = Buffer.from(text, 'utf16le');
  const out = new Uint8Array(le.length + 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i + 1 < le.length; i += 2) {
    out[i + 2] = le[i + 1] as number;
    out[i + 3] = le[i] as number;
  }
  return out;
}

/** A parsed PDF date. `explicitZone` is false when the string carried no offset (read as UTC). */
export interface PdfDate {
  readonly date: Date;
  readonly explicitZone: boolean;
}

/** Parses `D:YYYYMMDDHHmmSSOHH'mm'` (every part after the year optional); undefined when unreadable. */
export function parsePdfDate(text: string): PdfDate | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(?:(\d{2})'?)?)?)?\s*$/.exec(text.trim());
  if (!m) return undefined;
  const n = (i: number, dflt: number) => (m[i] === undefined ? dflt : Number(m[i]));
  const [year, month, day, hour, minute, second] = [n(1, 0), n(2, 1), n(3, 1), n(4, 0), n(5, 0), n(6, 0)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const sign = m[7] === '-' ? -1 : 1;
  const offsetMinutes = m[7] === undefined || /[Zz]/.test(m[7]) ? 0 : sign * (n(8, 0) * 60 + n(9, 0));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : { date, explicitZone: m[7] !== undefined };
}

/** A PDF date in Vietnam time: `D:20240501103000+07'00'`. */
export function formatPdfDate(date: Date): string {
  const v = toVietnamTimestamp(date);
  return `D:${v.slice(0, 4)}${v.slice(5, 7)}${v.slice(8, 10)}${v.slice(11, 13)}${v.slice(14, 16)}${v.slice(17, 19)}+07'00'`;
}
