/**
 * Progressive, strict base64 decoding for `ContentTransferEncoded`: text arrives in pieces of
 * any size and is decoded in 4-character-aligned slices, so the encoded text is never held
 * whole. White space (line breaks of MIME-style encoders) is ignored; anything outside the
 * standard alphabet, padding in the middle, or a length that cannot be base64 is refused.
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';
import { keepShape } from '../keep-shapes.js';

const WHITESPACE = /[ \t\r\n]+/g;
const INVALID = /[^A-Za-z0-9+/=]/;

/** Decodes base64 text fed in pieces. */
export class Base64Decoder {
  /** Up to 3 characters carried to the next piece to keep slices 4-aligned. */
  private carry = '';
  /** Padding seen: only white space may follow. */
  private padded = false;
  private padding = 0;
  private decodedBytes = 0;
  private encodedChars = 0;

  /** @param path XML path of the element, for error messages. */
  constructor(private readonly path: string) {}

  /** Total bytes produced so far. */
  get size(): number {
    return this.decodedBytes;
  }

  /**
   * Decodes the next piece; returns the bytes it completes (possibly empty).
   * @throws {EdxmlError} VDXP_EDXML_INVALID on characters outside base64 or misplaced padding
   */
  write(piece: string): Uint8Array {
    let s = piece.indexOf(' ') >= 0 || piece.indexOf('\n') >= 0 || piece.indexOf('\t') >= 0 || piece.indexOf('\r') >= 0
      ? piece.replace(WHITESPACE, '')
      : piece;
    if (s.length === 0) return EMPTY;
    if (INVALID.test(s)) this.fail('a character that is not base64');
    const pad = s.indexOf('=');
    if (this.padded && pad !== 0) this.fail("data after the '=' padding");
    if (pad >= 0) {
      // Padding ends the data: at most two '=' in all and nothing else after them.
      const tail = s.slice(pad);
      this.padding += tail.length;
      if (!/^=+$/.test(tail) || this.padding > 2) this.fail("misplaced '=' padding");
      this.padded = true;
    }
    this.encodedChars += s.length;
    if (this.carry) {
      s = this.carry + s;
      this.carry = '';
    }
    const usable = s.length - (s.length % 4);
    if (usable < s.length) this.carry = s.slice(usable);
    if (usable === 0) return EMPTY;
    return this.decode(s.slice(0, usable));
  }

  /**
   * Decodes the next piece given as ASCII bytes (a plain run of the reader). Canonical base64
   * without white space, the usual case, is decoded natively and checked by encoding it back;
   * anything else takes the character-by-character path of {@link write}, with its errors.
   * @throws {EdxmlError} VDXP_EDXML_INVALID as {@link write}
   */
  writeBytes(bytes: Uint8Array): Uint8Array {
    const piece = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    if (this.padded) return this.write(piece);
    const carried = this.carry.length;
    const text = this.carry + piece;
    const usable = text.length - (text.length % 4);
    if (usable === 0) return this.write(piece);
    const whole = usable === text.length ? text : text.slice(0, usable);
    const decoded = Buffer.from(whole, 'base64');
    if (decoded.toString('base64') !== whole) return this.write(piece);
    if (whole.endsWith('=')) {
      this.padded = true;
      this.padding = whole.endsWith('==') ? 2 : 1;
    }
    this.carry = '';
    this.encodedChars += usable - carried;
    this.decodedBytes += decoded.length;
    // 1–3 characters left: checked and carried by the character path (they make no bytes yet),
    // which also refuses them after padding.
    if (usable < text.length) this.write(text.slice(usable));
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
  }

  /**
   * Ends the text; returns the last bytes.
   * @throws {EdxmlError} VDXP_EDXML_INVALID when the length cannot be base64
   */
  end(): Uint8Array {
    const rest = this.carry;
    this.carry = '';
    if (rest.length === 0) return EMPTY;
    if (this.padded || rest.length === 1) this.fail(`a length (${this.encodedChars} characters) that cannot be base64`);
    // Unpadded final group of 2 or 3 characters: accepted (some encoders omit padding).
    return this.decode(rest);
  }

  private decode(slice: string): Uint8Array {
    const p = slice.indexOf('=');
    if (p >= 0 && p < slice.length - 2) this.fail("misplaced '=' padding");
    if (p >= 0 && slice.length % 4 !== 0) this.fail("misplaced '=' padding");
    const bytes = Buffer.from(slice, 'base64');
    this.decodedBytes += bytes.length;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  private fail(what: string): never {
    throw new EdxmlError('VDXP_EDXML_INVALID', `attachment content is not valid base64: ${what}`, { path: this.path });
  }
}

const EMPTY = new Uint8Array(0);

keepShape(new Base64Decoder(''));
