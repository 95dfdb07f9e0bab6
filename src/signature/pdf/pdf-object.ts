/**
 * The PDF object model as the signature code reads and writes it: names, strings (with where
 * they are in the file, which /Contents needs), references, dictionaries, streams (their data
 * left in place as offsets), arrays, numbers, booleans and null.
 * @internal
 * @module
 */
import { keepShape } from '../../keep-shapes.js';

/** A PDF name (`/SubFilter`), without the slash, `#xx` escapes decoded. */
export class PdfName {
  constructor(readonly name: string) {}
}

/** A PDF string, literal `( )` or hex `< >`, as raw bytes. */
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean,
    /** Offset of the opening delimiter in the buffer it was read from. */
    readonly start: number,
    /** Offset just after the closing delimiter. */
    readonly end: number,
  ) {}
}

/** An indirect reference `n g R`. */
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  /** `n g`, for maps and messages. */
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
}

/** A dictionary; keys are names without the slash. */
export class PdfDict {
  constructor(readonly entries: Map<string, PdfValue> = new Map()) {}
  get(key: string): PdfValue | undefined {
    return this.entries.get(key);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  /** The value of a name entry (`/Type /Sig` → `Sig`), or undefined. */
  name(key: string): string | undefined {
    const v = this.entries.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
  /** The value of a direct number entry, or undefined. */
  number(key: string): number | undefined {
    const v = this.entries.get(key);
    return typeof v === 'number' ? v : undefined;
  }
  /** A copy with some entries replaced (`undefined` removes the entry). */
  with(changes: Record<string, PdfValue | undefined>): PdfDict {
    const m = new Map(this.entries);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) m.delete(k);
      else m.set(k, v);
    }
    return new PdfDict(m);
  }
}

/** A stream: its dictionary, and where its raw (still encoded) data lies in the source buffer. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** The buffer the data offsets refer to (the file, or a decoded object stream). */
    readonly source: Uint8Array,
    readonly dataStart: number,
    readonly dataEnd: number,
  ) {}
  /** The raw (encoded) bytes. */
  get raw(): Uint8Array {
    return this.source.subarray(this.dataStart, this.dataEnd);
  }
}

/** Any PDF value. Arrays are plain arrays. */
export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfValue[];

/** An object read from the file, with where it came from. */
export interface IndirectObject {
  readonly ref: PdfRef;
  readonly value: PdfValue;
  /** Byte offset of `n g obj` in the file; undefined for an object inside an object stream. */
  readonly offset?: number;
  /** Number of the object stream holding it, for compressed objects. */
  readonly inObjectStream?: number;
}

/** The dictionary of a dictionary or of a stream, else undefined. */
export function dictOf(v: PdfValue | undefined): PdfDict | undefined {
  if (v instanceof PdfDict) return v;
  if (v instanceof PdfStream) return v.dict;
  return undefined;
}

/** Deep equality of two values (streams compare dictionaries and raw bytes). */
export function sameValue(a: PdfValue | undefined, b: PdfValue | undefined, depth = 0): boolean {
  if (depth > 64) return false;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i], depth + 1));
  if (a instanceof PdfStream) {
    return b instanceof PdfStream && sameValue(a.dict, b.dict, depth + 1) && Buffer.from(a.raw).equals(Buffer.from(b.raw));
  }
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.entries.size !== b.entries.size) return false;
    for (const [k, v] of a.entries) if (!b.has(k) || !sameValue(v, b.get(k), depth + 1)) return false;
    return true;
  }
  return false;
}

keepShape(new PdfName(''));
keepShape(new PdfString(new Uint8Array(0), false, 0, 0));
keepShape(new PdfRef(0, 0));
keepShape(new PdfStream(keepShape(new PdfDict()), new Uint8Array(0), 0, 0));
