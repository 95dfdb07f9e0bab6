/**
 * Writes PDF values and indirect objects back to bytes (Latin-1 text; stream data as is).
 * Strings keep their bytes exactly: printable ASCII as literal strings, anything else as hex.
 * @internal
 * @module
 */
import { PdfError } from '../../errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-object.js';

const NAME_PLAIN = /^[!-~]$/;
const NAME_ESCAPE = new Set(['#', '/', '(', ')', '<', '>', '[', ']', '{', '}', '%']);

/** A name token (`/SubFilter`), with `#xx` escapes where needed. */
export function serializeName(name: string): string {
  let out = '/';
  for (const ch of Buffer.from(name, 'latin1')) {
    const c = String.fromCharCode(ch);
    out += NAME_PLAIN.test(c) && !NAME_ESCAPE.has(c) ? c : `#${ch.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out;
}

/** A number token: integers as is, reals with at most 6 decimals. */
export function serializeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new PdfError('VDXP_PDF_MALFORMED', 'cannot write a non-finite number');
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function serializeString(bytes: Uint8Array): string {
  if (bytes.every((b) => b >= 0x20 && b <= 0x7e)) {
    return `(${Buffer.from(bytes).toString('latin1').replace(/([\\()])/g, '\\$1')})`;
  }
  return `<${Buffer.from(bytes).toString('hex').toUpperCase()}>`;
}

/**
 * One value as PDF syntax (a stream only inside {@link serializeObject}).
 * @throws {PdfError} VDXP_PDF_MALFORMED for a stream nested in a value, or nesting past 64
 */
export function serializeValue(v: PdfValue, depth = 0): string {
  if (depth > 64) throw new PdfError('VDXP_PDF_LIMIT', 'PDF objects nested deeper than 64');
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return serializeNumber(v);
  if (v instanceof PdfName) return serializeName(v.name);
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (v instanceof PdfString) return serializeString(v.bytes);
  if (Array.isArray(v)) return `[${v.map((x) => serializeValue(x, depth + 1)).join(' ')}]`;
  if (v instanceof PdfDict) {
    const parts: string[] = [];
    for (const [k, x] of v.entries) parts.push(`${serializeName(k)} ${serializeValue(x, depth + 1)}`);
    return `<<${parts.join(' ')}>>`;
  }
  if (v instanceof PdfStream) throw new PdfError('VDXP_PDF_MALFORMED', 'a stream cannot be nested in another value');
  throw new PdfError('VDXP_PDF_MALFORMED', 'unknown PDF value');
}

/** An object body already written as PDF syntax (placed between `n g obj` and `endobj` as is). */
export interface RawObjectBody {
  readonly raw: Uint8Array;
}

/** A stream to write: its dictionary and its (already encoded) data; /Length is set. */
export interface StreamToWrite {
  readonly dict: PdfDict;
  readonly data: Uint8Array;
}

/** `n g obj … endobj` bytes. */
export function serializeObject(ref: PdfRef, value: PdfValue | StreamToWrite | RawObjectBody): Buffer {
  const head = `${ref.num} ${ref.gen} obj\n`;
  if (value instanceof PdfStream) return serializeObject(ref, { dict: value.dict, data: value.raw });
  if (value !== null && typeof value === 'object' && 'raw' in value && value.raw instanceof Uint8Array) {
    return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(value.raw), Buffer.from('\nendobj\n', 'latin1')]);
  }
  if (value !== null && typeof value === 'object' && 'data' in value && value.data instanceof Uint8Array && !(value instanceof PdfDict)) {
    const dict = value.dict.with({ Length: value.data.length });
    return Buffer.concat([
      Buffer.from(`${head}${serializeValue(dict)}\nstream\n`, 'latin1'),
      Buffer.from(value.data),
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    ]);
  }
  return Buffer.from(`${head}${serializeValue(value as PdfValue)}\nendobj\n`, 'latin1');
}

/** A dictionary from a plain record (keys are names without the slash). */
export function pdfDict(entries: Record<string, PdfValue | undefined>): PdfDict {
  const m = new Map<string, PdfValue>();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) m.set(k, v);
  return new PdfDict(m);
}

/** A name value. */
export const pdfName = (name: string): PdfName => new PdfName(name);

/** A string value from bytes or Latin-1 text. */
export function pdfString(content: Uint8Array | string): PdfString {
  const bytes = typeof content === 'string' ? new Uint8Array(Buffer.from(content, 'latin1')) : content;
  return new PdfString(bytes, false, -1, -1);
}
