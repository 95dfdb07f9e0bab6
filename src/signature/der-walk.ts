/**
 * A minimal DER walker: the tag, length and extent of each element, without building the
 * object tree asn1js builds for every byte. Used to find the few parts of a CMS structure that
 * need a full parse (a signer info) and to take the certificates as raw DER. Definite lengths
 * only: anything else (BER indefinite lengths, truncation) gives `undefined` and the caller
 * parses the ordinary way.
 * @internal
 * @module
 */

/** One element: `bytes` is the whole TLV, `content` its value. */
export interface DerElement {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  readonly bytes: Uint8Array;
  readonly content: Uint8Array;
}

/** The element starting at `offset`, or undefined when it is not definite-length DER that fits. */
export function derElementAt(bytes: Uint8Array, offset: number): DerElement | undefined {
  let p = offset;
  if (p >= bytes.length) return undefined;
  const first = bytes[p++]!;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (p >= bytes.length || i > 3) return undefined;
      const b = bytes[p++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= bytes.length) return undefined;
  let length = bytes[p++]!;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || p + n > bytes.length) return undefined; // 0: indefinite (BER)
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p++]!;
  }
  const end = p + length;
  if (end > bytes.length) return undefined;
  return { tagClass: first >> 6, constructed: (first & 0x20) !== 0, tagNumber, bytes: bytes.subarray(offset, end), content: bytes.subarray(p, end) };
}

/** The children of a constructed element, or undefined when they do not exactly fill it. */
export function derChildren(parent: DerElement): DerElement[] | undefined {
  if (!parent.constructed) return undefined;
  const out: DerElement[] = [];
  for (let at = 0; at < parent.content.length; ) {
    const child = derElementAt(parent.content, at);
    if (!child) return undefined;
    out.push(child);
    at += child.bytes.length;
  }
  return out;
}

/** True for a universal element of the given tag number (16 SEQUENCE, 17 SET, 2 INTEGER, 6 OID). */
export function isUniversal(e: DerElement | undefined, tagNumber: number): e is DerElement {
  return e !== undefined && e.tagClass === 0 && e.tagNumber === tagNumber;
}
