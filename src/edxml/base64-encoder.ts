/**
 * Base64 produced chunk by chunk: standard alphabet, padded, no line breaks. Each call
 * encodes whole 3-byte groups and carries the 0–2 bytes left over to the next one, so the
 * concatenated output equals the base64 of the concatenated input.
 * @internal
 * @module
 */

/** Incremental base64 encoder. */
export class Base64Encoder {
  private carry: Uint8Array = new Uint8Array(0);

  /** Encodes what can be encoded of `bytes` (plus the previous carry); may return ''. */
  push(bytes: Uint8Array): string {
    if (bytes.length === 0) return '';
    let input = bytes;
    if (this.carry.length > 0) {
      input = new Uint8Array(this.carry.length + bytes.length);
      input.set(this.carry, 0);
      input.set(bytes, this.carry.length);
    }
    const whole = input.length - (input.length % 3);
    this.carry = input.slice(whole);
    return whole === 0 ? '' : Buffer.from(input.buffer, input.byteOffset, whole).toString('base64');
  }

  /** Encodes the carried bytes with padding; the encoder can be reused afterwards. */
  end(): string {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return rest.length === 0 ? '' : Buffer.from(rest).toString('base64');
  }
}

/** Length of the base64 text of `n` bytes (padded). */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}
