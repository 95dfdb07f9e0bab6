/**
 * Long runs of plain text kept as the input's bytes instead of strings. An attachment's base64
 * is most of a package; the readers hand such runs on without decoding them (a view of the
 * input, no copy), and canonicalization hashes them as they are, because a plain run is
 * already its own canonical form.
 * @internal
 * @module
 */
import { isAscii } from 'node:buffer';
import { keepShape } from '../keep-shapes.js';

/** Runs shorter than this stay ordinary text (headers never reach it; attachments always do). */
export const RAW_TEXT_MIN_BYTES = 4096;

const GT = 0x3e;
const AMP = 0x26;
const CR = 0x0d;

/** A Buffer view of bytes, for the native searches. */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * True when `run` (text between markup, already known to hold no `<`) reads the same as
 * bytes, as characters and in canonical XML: ASCII (so no decoding is needed and any UTF-8
 * cut is impossible), and no `&` (entity references), `>` (escaped by canonicalization) or
 * CR (line-end normalisation). Base64 always is. Each check is one native pass.
 */
export function isPlainRun(run: Buffer): boolean {
  return isAscii(run) && run.indexOf(AMP) < 0 && run.indexOf(GT) < 0 && run.indexOf(CR) < 0;
}

/**
 * A text node whose content is held as pieces: strings (decoded text) and byte runs that
 * passed {@link isPlainRun}. `value` joins them on first read (and keeps the string).
 */
export class RawText {
  readonly type = 'text' as const;
  #pieces: (string | Uint8Array)[];
  #joined: string | undefined;

  constructor(first: string | Uint8Array) {
    this.#pieces = [first];
  }

  /** Appends decoded text or a plain byte run. */
  append(piece: string | Uint8Array): void {
    if (this.#joined !== undefined) {
      this.#pieces = [this.#joined];
      this.#joined = undefined;
    }
    this.#pieces.push(piece);
  }

  get value(): string {
    this.#joined ??= this.#pieces.map((p) => (typeof p === 'string' ? p : bufferView(p).toString('latin1'))).join('');
    return this.#joined;
  }

  set value(v: string) {
    this.#pieces = [v];
    this.#joined = v;
  }

  /** The pieces in order: strings still to be escaped, byte runs already canonical. */
  pieces(): readonly (string | Uint8Array)[] {
    return this.#joined !== undefined ? [this.#joined] : this.#pieces;
  }
}

keepShape(new RawText(''));
