/**
 * Base64 produced chunk by chunk: standard alphabet, padded, no line breaks. Each call
 * encodes whole 3-byte groups and carries the 0–2 bytes left over to the next one, so the
 * concatenated output equals the base64 of the concatenated input.
 * @internal
 * @module
 */

const EMPTY = Buffer.alloc(0);

/** Incremental base64 encoder. */
export class Base64Encoder {
  private carry: Uint8Array = new Uint8Array(0);

  /** Encodes what can be encoded of `bytes` (plus the previous carry); may return ''. */
  push(bytes: Uint8Array): string {
    if (bytes.length === 0) return '';
    let head = '';
    let rest = bytes;
    if (this.carry.length > 0) {
      // complete the carried group from the front of this chunk, without copying the chunk
      const need = 3 - this.carry.length;
      if (bytes.length < need) {
        this.carry = concat(this.carry, bytes);
        return '';
      }
      head = Buffer.from(concat(this.carry, bytes.subarray(0, need))).toString('base64');
      rest = bytes.subarray(need);
    }
    const whole = rest.length - (rest.length % 3);
    this.carry = new Uint8Array(rest.subarray(whole)); // a copy: the caller may reuse its chunk (a Buffer's slice would be a view)
    return whole === 0 ? head : head + Buffer.from(rest.buffer, rest.byteOffset, whole).toString('base64');
  }

  /**
   * {@link push}, with the text given as its bytes (base64 is ASCII): written straight into
   * one new buffer, without the string concatenation and the copy of a `Buffer.from(text)`.
   * May return an empty buffer.
   */
  pushBytes(bytes: Uint8Array): Buffer {
    const carried = this.carry.length;
    if (carried + bytes.length < 3) {
      if (bytes.length > 0) this.carry = concat(this.carry, bytes);
      return EMPTY;
    }
    const need = carried === 0 ? 0 : 3 - carried;
    const rest = bytes.length - need;
    const whole = rest - (rest % 3);
    const out = Buffer.allocUnsafe(base64Length(carried === 0 ? whole : whole + 3));
    let pos = 0;
    if (carried > 0) pos = out.write(Buffer.from(concat(this.carry, bytes.subarray(0, need))).toString('base64'), 0, 'latin1');
    if (whole > 0) pos += out.write(Buffer.from(bytes.buffer, bytes.byteOffset + need, whole).toString('base64'), pos, 'latin1');
    this.carry = new Uint8Array(bytes.subarray(need + whole)); // a copy, as in push
    if (pos !== out.length) throw new Error(`Base64Encoder: wrote ${pos} of ${out.length} bytes`);
    return out;
  }

  /** Encodes the carried bytes with padding; the encoder can be reused afterwards. */
  end(): string {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return rest.length === 0 ? '' : Buffer.from(rest).toString('base64');
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Length of the base64 text of `n` bytes (padded). */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}
