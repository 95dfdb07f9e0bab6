/**
 * Số và ký hiệu (document number and notation) and the DocumentId built from them.
 *
 * A document's code is written `Number/Notation`: `7816/VPCP-TTĐT` (number `7816`, notation
 * `VPCP-TTĐT`), or with the year for legal documents, `28/2018/QĐ-TTg` (number `28`,
 * notation `2018/QĐ-TTg`). `Đ` and all diacritics are kept; text is NFC-normalised so that
 * the same code typed on two systems compares equal.
 * @module
 */
import { InputError } from '../errors.js';
import type { DocumentCode } from './model.js';

/**
 * Reads `Number/Notation`, tolerating spaces around the separators (`28 / 2018 / QĐ - TTg`).
 * Returns undefined when there is no `/` with text on both sides.
 *
 * @example
 * ```ts
 * parseDocumentCode('7816/VPCP-TTĐT');  // { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' }
 * parseDocumentCode('28/2018/QĐ-TTg');  // { codeNumber: '28', codeNotation: '2018/QĐ-TTg' }
 * ```
 */
export function parseDocumentCode(text: string): DocumentCode | undefined {
  const clean = tidy(text);
  const slash = clean.indexOf('/');
  if (slash <= 0 || slash === clean.length - 1) return undefined;
  return { codeNumber: clean.slice(0, slash), codeNotation: clean.slice(slash + 1) };
}

/**
 * Writes a code as `Number/Notation`, NFC-normalised, spaces around separators removed.
 *
 * @example
 * ```ts
 * formatDocumentCode({ codeNumber: '7816', codeNotation: 'VPCP-TTĐT' }); // '7816/VPCP-TTĐT'
 * ```
 */
export function formatDocumentCode(code: DocumentCode): string {
  return `${tidy(code.codeNumber)}/${tidy(code.codeNotation)}`;
}

/**
 * Makes the canonical DocumentId `<issuer OrganId>,<yyyy/MM/dd>,<Number>/<Notation>`.
 *
 * @param issuerOrganId - the issuing body's mã định danh
 * @param isoDate - the promulgation date `YYYY-MM-DD`
 * @param code - the code as parts or as `Number/Notation`
 * @throws {InputError} VDXP_INPUT_INVALID when the date is not `YYYY-MM-DD`, the code cannot be read, or a part is empty or contains a comma
 * @example
 * ```ts
 * makeDocumentId('000.00.00.G22', '2015-09-30', '7816/VPCP-TTĐT');
 * // '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT'
 * ```
 */
export function makeDocumentId(issuerOrganId: string, isoDate: string, code: DocumentCode | string): string {
  const issues: { code: string; path: string; message: string }[] = [];
  const organ = issuerOrganId.normalize('NFC').trim();
  if (organ === '' || organ.includes(',')) {
    issues.push({ code: 'invalid_organ_id', path: 'issuerOrganId', message: 'must be non-empty and contain no comma' });
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate.trim());
  if (!date) issues.push({ code: 'invalid_date', path: 'isoDate', message: 'expected a date YYYY-MM-DD' });
  const parts = typeof code === 'string' ? parseDocumentCode(code) : code;
  const formatted = parts ? formatDocumentCode(parts) : undefined;
  if (!parts || !formatted || formatted.includes(',') || tidy(parts.codeNumber) === '' || tidy(parts.codeNotation) === '') {
    issues.push({ code: 'invalid_code', path: 'code', message: 'expected Number/Notation without commas, e.g. 7816/VPCP-TTĐT' });
  }
  if (issues.length > 0 || !date || !formatted) throw new InputError('makeDocumentId', issues);
  return `${organ},${date[1]}/${date[2]}/${date[3]},${formatted}`;
}

/** The parts of a canonical DocumentId. */
export interface DocumentIdParts {
  /** The DocumentId as given. */
  readonly raw: string;
  /** The issuer's OrganId. */
  readonly organId: string;
  /** The date as written, `yyyy/MM/dd`: its shape is checked, never whether it exists (`2014/02/30` is seen in real traffic). */
  readonly date: string;
  readonly code: DocumentCode;
}

/**
 * Splits a DocumentId into its parts when it has the canonical shape
 * `<OrganId>,<yyyy/MM/dd>,<Number>/<Notation>`; otherwise returns only `{ raw }` (the axis
 * accepts any string, UUIDs included). Never throws.
 *
 * @example
 * ```ts
 * parseDocumentId('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT').code; // { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' }
 * parseDocumentId('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb');           // { raw: '9fbfbad2-…' }
 * ```
 */
export function parseDocumentId(documentId: string): DocumentIdParts | { readonly raw: string } {
  const m = /^([^,]+),(\d{4}\/\d{2}\/\d{2}),([^,]+)$/.exec(documentId.normalize('NFC').trim());
  if (!m) return { raw: documentId };
  const organId = m[1]!.trim();
  const code = parseDocumentCode(m[3]!);
  if (organId === '' || !code) return { raw: documentId };
  return { raw: documentId, organId, date: m[2]!, code };
}

/** True when {@link parseDocumentId} found the canonical parts. */
export function isCanonicalDocumentId(parts: DocumentIdParts | { readonly raw: string }): parts is DocumentIdParts {
  return 'code' in parts;
}

/** NFC, trimmed, no spaces around `/` and `-`. */
function tidy(text: string): string {
  return text
    .normalize('NFC')
    .trim()
    .replace(/\s*([/-])\s*/g, '$1');
}
