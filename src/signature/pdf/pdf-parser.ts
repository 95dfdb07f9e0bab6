/**
 * A bounded PDF object parser over bytes: values, indirect objects (`n g obj … endobj`) and
 * streams, with nesting and item-count limits so that hostile input fails with a typed error
 * instead of exhausting the stack or memory.
 * @internal
 * @module
 */
import { PdfError } from '../../errors.js';
import { keepShape } from '../../keep-shapes.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-object.js';

/** Limits applied while parsing. */
export interface ParseLimits {
  /** Nesting of arrays and dictionaries. @defaultValue 64 */
  readonly maxDepth: number;
  /** Items in one array or dictionary. @defaultValue 500_000 */
  readonly maxItems: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDepth: 64, maxItems: 500_000 };

/** Byte classes: 1 white space, 2 delimiter, 0 regular. */
const BYTE_CLASS = new Uint8Array(256);
for (const b of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) BYTE_CLASS[b] = 1;
for (const b of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) BYTE_CLASS[b] = 2;

/** True for a PDF whitespace byte. */
export const isWhitespace = (b: number | undefined): boolean => b !== undefined && BYTE_CLASS[b] === 1;
const isRegular = (b: number | undefined): boolean => b !== undefined && BYTE_CLASS[b] === 0;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** The escapes of a literal string that stand for one byte. */
const SIMPLE_ESCAPES: Readonly<Record<number, number>> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };

const malformed = (what: string, at: number) => new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: ${what} at offset ${at}`);

/** Options of {@link PdfParser}. */
export interface PdfParserOptions {
  readonly limits?: ParseLimits;
  /** Resolves an indirect `/Length` of a stream; undefined when unknown. */
  readonly resolveLength?: (ref: PdfRef) => number | undefined;
}

/** White space allowed inside a hex string. */
const HEX_SPACE = /[\x00\t\n\f\r ]/;
const HEX_SPACES = /[\x00\t\n\f\r ]/g;

/** A block of ASCII `0` digits, to find the zero padding of a hex string natively. */
const ZERO_DIGITS = Buffer.alloc(4096, 0x30);

/**
 * Where the run of `0` digits that ends at `end` starts (not before `from`). A signature's
 * `/Contents` is mostly such a run (the space reserved for the CMS), tens of kilobytes that
 * need no decoding: they are compared in blocks, natively.
 */
function zeroDigitsStart(b: Buffer, from: number, end: number): number {
  let at = end;
  // Blocks of 4096 digits, then of 512, 64 and 8 for the rest of the run: a few bytes are left to look at one by one.
  for (let block = ZERO_DIGITS.length; block >= 8; block >>= 3) {
    while (at - from >= block && b.compare(ZERO_DIGITS, 0, block, at - block, at) === 0) at -= block;
  }
  while (at > from && b[at - 1] === 0x30) at--;
  return at;
}

/** A cursor over bytes that reads PDF values. */
export class PdfParser {
  pos: number;
  private readonly limits: ParseLimits;
  /** `buf` as a Buffer (same memory), for reading tokens as text without copying. */
  private readonly text: Buffer;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    private readonly options: PdfParserOptions = {},
  ) {
    this.pos = pos;
    this.limits = options.limits ?? DEFAULT_PARSE_LIMITS;
    this.text = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const b = this.buf;
    for (;;) {
      const c = b[this.pos];
      if (c === undefined) return;
      if (BYTE_CLASS[c] === 1) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** Reads a bare keyword or number token (regular characters), or undefined at a delimiter. */
  token(): string | undefined {
    this.skipSpace();
    const start = this.pos;
    while (isRegular(this.buf[this.pos])) this.pos++;
    if (this.pos === start) return undefined;
    return this.text.toString('latin1', start, this.pos);
  }

  /** Reads an unsigned integer token, or undefined (position unchanged) when there is none. */
  integer(): number | undefined {
    const save = this.pos;
    this.skipSpace();
    const start = this.pos;
    let n = 0;
    for (let c = this.buf[this.pos]; isDigit(c); c = this.buf[++this.pos]) n = n * 10 + (c! - 0x30);
    if (this.pos === start || this.pos - start > 15 || isRegular(this.buf[this.pos])) {
      this.pos = save;
      return undefined;
    }
    return n;
  }

  /** Reads one value. */
  value(depth = 0): PdfValue {
    if (depth > this.limits.maxDepth) throw new PdfError('VDXP_PDF_LIMIT', `PDF objects nested deeper than ${this.limits.maxDepth} at offset ${this.pos}`);
    this.skipSpace();
    const b = this.buf;
    const c = b[this.pos];
    if (c === undefined) throw malformed('unexpected end of data', this.pos);
    if (c === 0x2f) return this.name();
    if (c === 0x28) return this.literalString();
    if (c === 0x3c) {
      if (b[this.pos + 1] === 0x3c) return this.dictionary(depth);
      return this.hexString();
    }
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return items;
        }
        if (items.length >= this.limits.maxItems) throw new PdfError('VDXP_PDF_LIMIT', `a PDF array has more than ${this.limits.maxItems} items`);
        items.push(this.value(depth + 1));
      }
    }
    const start = this.pos;
    const tok = this.token();
    if (tok === undefined) throw malformed(`unexpected character 0x${c.toString(16)}`, start);
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      const n = Number(tok);
      if (/^\d+$/.test(tok) && Number.isSafeInteger(n)) {
        const after = this.pos;
        const gen = this.integer();
        if (gen !== undefined && this.token() === 'R') return new PdfRef(n, gen);
        this.pos = after;
      }
      return n;
    }
    throw malformed(`unexpected token`, start);
  }

  private name(): PdfName {
    const b = this.buf;
    const start = ++this.pos;
    while (isRegular(b[this.pos]) && b[this.pos] !== 0x23) this.pos++;
    if (!isRegular(b[this.pos])) {
      // No #xx escape: the name is the bytes as they are.
      if (this.pos - start > 4096) throw new PdfError('VDXP_PDF_LIMIT', `a PDF name is longer than 4096 bytes at offset ${this.pos}`);
      return new PdfName(this.text.toString('latin1', start, this.pos));
    }
    this.pos = start;
    const bytes: number[] = [];
    while (isRegular(b[this.pos])) {
      const c = b[this.pos++] as number;
      if (c === 0x23 && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(b[this.pos] ?? 0, b[this.pos + 1] ?? 0))) {
        bytes.push(parseInt(String.fromCharCode(b[this.pos] as number, b[this.pos + 1] as number), 16));
        this.pos += 2;
      } else bytes.push(c);
      if (bytes.length > 4096) throw new PdfError('VDXP_PDF_LIMIT', `a PDF name is longer than 4096 bytes at offset ${this.pos}`);
    }
    return new PdfName(Buffer.from(bytes).toString('latin1'));
  }

  private literalString(): PdfString {
    const b = this.buf;
    const start = this.pos++;
    const out: number[] = [];
    let nesting = 1;
    for (;;) {
      const c = b[this.pos++];
      if (c === undefined) throw malformed('unterminated string', start);
      if (c === 0x5c) {
        const e = b[this.pos++];
        if (e === undefined) throw malformed('unterminated string', start);
        const simple = SIMPLE_ESCAPES[e];
        if (simple !== undefined) out.push(simple);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && (b[this.pos] ?? 0) >= 0x30 && (b[this.pos] ?? 0) <= 0x37; i++) v = v * 8 + ((b[this.pos++] as number) - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
      } else if (c === 0x28) {
        nesting++;
        out.push(c);
      } else if (c === 0x29) {
        if (--nesting === 0) break;
        out.push(c);
      } else out.push(c);
    }
    return new PdfString(new Uint8Array(out), false, start, this.pos);
  }

  private hexString(): PdfString {
    const b = this.buf;
    const start = this.pos++;
    const end = b.indexOf(0x3e, this.pos);
    if (end < 0) throw malformed('unterminated hex string', start);
    // The trailing `0` digits decode to zero bytes: only what precedes them is decoded.
    const zerosAt = zeroDigitsStart(this.text, this.pos, end);
    let text = this.text.toString('latin1', this.pos, zerosAt);
    let zeroDigits = end - zerosAt;
    if (HEX_SPACE.test(text)) text = text.replace(HEX_SPACES, '');
    if (text.length % 2 && zeroDigits > 0) {
      text += '0';
      zeroDigits--;
    }
    if (text.length % 2) text += '0';
    // Node's hex decoder stops at the first pair that is not hex: a full-length result proves
    // every character was a hex digit (one native pass instead of a regular expression).
    const bytes = new Uint8Array(text.length / 2 + Math.ceil(zeroDigits / 2));
    const written = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).write(text, 'hex');
    if (written * 2 !== text.length) throw malformed('invalid hex string', start);
    this.pos = end + 1;
    return new PdfString(bytes, true, start, this.pos);
  }

  private dictionary(depth: number): PdfDict | PdfStream {
    const b = this.buf;
    const start = this.pos;
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (;;) {
      this.skipSpace();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        break;
      }
      if (b[this.pos] !== 0x2f) throw malformed('a dictionary key is not a name', this.pos);
      if (entries.size >= this.limits.maxItems) throw new PdfError('VDXP_PDF_LIMIT', `a PDF dictionary has more than ${this.limits.maxItems} entries`);
      const key = this.name().name;
      entries.set(key, this.value(depth + 1));
    }
    const dict = new PdfDict(entries);
    const after = this.pos;
    if (this.token() === 'stream') return this.streamBody(dict, start);
    this.pos = after;
    return dict;
  }

  /** Reads stream data after the `stream` keyword, trusting /Length only when `endstream` follows it. */
  private streamBody(dict: PdfDict, dictStart: number): PdfStream {
    const b = this.buf;
    if (b[this.pos] === 0x0d) this.pos++;
    if (b[this.pos] === 0x0a) this.pos++;
    const dataStart = this.pos;
    const lengthValue = dict.get('Length');
    const declared = typeof lengthValue === 'number' ? lengthValue : lengthValue instanceof PdfRef ? this.options.resolveLength?.(lengthValue) : undefined;
    if (declared !== undefined && Number.isSafeInteger(declared) && declared >= 0 && dataStart + declared <= b.length) {
      const p = new PdfParser(b, dataStart + declared);
      if (p.token() === 'endstream') {
        this.pos = p.pos;
        return new PdfStream(dict, b, dataStart, dataStart + declared);
      }
    }
    const marker = Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf('endstream', dataStart, 'latin1');
    if (marker < 0) throw malformed('a stream has no endstream', dictStart);
    let dataEnd = marker;
    if (b[dataEnd - 1] === 0x0a) dataEnd--;
    if (b[dataEnd - 1] === 0x0d) dataEnd--;
    this.pos = marker + 9;
    return new PdfStream(dict, b, dataStart, Math.max(dataStart, dataEnd));
  }

  /**
   * Reads `n g obj value endobj` at the position; the object number and generation must
   * match `expected` when given.
   */
  indirectObject(expected?: PdfRef): { ref: PdfRef; value: PdfValue } {
    const at = this.pos;
    const num = this.integer();
    const gen = this.integer();
    if (num === undefined || gen === undefined || this.token() !== 'obj') throw malformed('expected "n g obj"', at);
    if (expected && (expected.num !== num || expected.gen !== gen)) throw malformed(`expected object ${expected.key}, found ${num} ${gen}`, at);
    const value = this.value();
    const end = this.pos;
    if (this.token() !== 'endobj') this.pos = end;
    return { ref: new PdfRef(num, gen), value };
  }
}

keepShape(new PdfParser(new Uint8Array(0)));
