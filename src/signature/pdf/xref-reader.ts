/**
 * Cross-reference reading: the `startxref` → xref section → `/Prev` chain, with classic xref
 * tables, cross-reference streams (`/W`, `/Index`, FlateDecode with predictors) and hybrid
 * files (`/XRefStm`); and, when the chain is broken, a bounded scan of the file for `n g obj`
 * markers and trailers to rebuild a map of objects.
 * @internal
 * @module
 */
import { PdfError } from '../../errors.js';
import { PdfDict, PdfRef, PdfStream, type PdfValue } from './pdf-object.js';
import { isWhitespace, PdfParser, type ParseLimits } from './pdf-parser.js';
import { decodeStream } from './stream-filters.js';

/** Where an object is, per a cross-reference section. */
export type XrefEntry =
  | { readonly type: 'free' }
  | { readonly type: 'offset'; readonly offset: number; readonly gen: number }
  | { readonly type: 'compressed'; readonly stream: number; readonly index: number };

/** One cross-reference section (one revision's xref table or stream) with its trailer. */
export interface XrefSection {
  /** Offset of the `xref` keyword, or of the cross-reference stream object. */
  readonly offset: number;
  readonly form: 'table' | 'stream';
  readonly entries: ReadonlyMap<number, XrefEntry>;
  /** The trailer dictionary (a stream's dictionary for a cross-reference stream). */
  readonly trailer: PdfDict;
  /** Object number of the cross-reference stream, when `form` is `stream`. */
  readonly streamObject?: number;
}

/** Limits of cross-reference reading. */
export interface XrefLimits extends ParseLimits {
  /** Entries over all sections, and objects found by a scan. */
  readonly maxObjects: number;
  /** Sections in the /Prev chain. */
  readonly maxSections: number;
  /** Decoded size of one cross-reference or object stream. */
  readonly maxDecodedBytes: number;
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Offset given by the last `startxref` of the data, or undefined. */
export function findStartXref(buf: Uint8Array): number | undefined {
  const at = asBuffer(buf).lastIndexOf('startxref', undefined, 'latin1');
  if (at < 0) return undefined;
  const p = new PdfParser(buf, at + 9);
  return p.integer();
}

/**
 * Reads the chain of sections from the last `startxref`, newest first.
 * @throws {PdfError} VDXP_PDF_MALFORMED when any section cannot be read (the caller then scans);
 *   VDXP_PDF_LIMIT past a limit
 */
export function readXrefChain(buf: Uint8Array, limits: XrefLimits): XrefSection[] {
  const start = findStartXref(buf);
  if (start === undefined) throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: no startxref');
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let total = 0;
  let next: number | undefined = start;
  while (next !== undefined) {
    if (seen.has(next)) throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: the /Prev chain loops at offset ${next}`);
    if (sections.length >= limits.maxSections) throw new PdfError('VDXP_PDF_LIMIT', `more than ${limits.maxSections} cross-reference sections`);
    seen.add(next);
    const section = readSection(buf, next, limits);
    total += section.entries.size;
    if (total > limits.maxObjects) throw new PdfError('VDXP_PDF_LIMIT', `more than ${limits.maxObjects} cross-reference entries`);
    sections.push(section);
    const prev = section.trailer.get('Prev');
    next = typeof prev === 'number' ? prev : undefined;
  }
  return sections;
}

function readSection(buf: Uint8Array, offset: number, limits: XrefLimits): XrefSection {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= buf.length) {
    throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: a cross-reference offset (${offset}) is outside the file`);
  }
  const p = new PdfParser(buf, offset, { limits });
  p.skipSpace();
  const here = p.pos;
  if (p.token() === 'xref') return readTable(p, here, limits);
  p.pos = here;
  const obj = p.indirectObject();
  if (!(obj.value instanceof PdfStream) || obj.value.dict.name('Type') !== 'XRef') {
    throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: no cross-reference at offset ${offset}`);
  }
  return { offset: here, form: 'stream', entries: readXrefStream(obj.value, limits), trailer: obj.value.dict, streamObject: obj.ref.num };
}

function readTable(p: PdfParser, offset: number, limits: XrefLimits): XrefSection {
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    const save = p.pos;
    const first = p.integer();
    if (first === undefined) {
      p.pos = save;
      break;
    }
    const count = p.integer();
    if (count === undefined) throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: bad xref subsection at offset ${save}`);
    if (count > limits.maxObjects || count * 18 > p.buf.length - p.pos + 2) {
      throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: an xref subsection claims ${count} entries, more than the file holds`);
    }
    for (let i = 0; i < count; i++) {
      const at = p.pos;
      const off = p.integer();
      const gen = p.integer();
      const kind = p.token();
      if (off === undefined || gen === undefined || (kind !== 'n' && kind !== 'f')) {
        throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: bad xref entry at offset ${at}`);
      }
      const num = first + i;
      if (entries.has(num)) continue;
      entries.set(num, kind === 'n' ? { type: 'offset', offset: off, gen } : { type: 'free' });
    }
  }
  if (p.token() !== 'trailer') throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: no trailer after the xref table at offset ${offset}`);
  const trailer = p.value();
  if (!(trailer instanceof PdfDict)) throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: the trailer is not a dictionary');
  const stm = trailer.get('XRefStm');
  if (typeof stm === 'number') {
    try {
      const hybrid = readSection(p.buf, stm, limits);
      for (const [num, e] of hybrid.entries) {
        const mine = entries.get(num);
        if (!mine || mine.type === 'free') entries.set(num, e);
      }
    } catch {
      // A broken /XRefStm leaves the table usable: readers that ignore streams do the same.
    }
  }
  return { offset, form: 'table', entries, trailer };
}

function readXrefStream(stream: PdfStream, limits: XrefLimits): Map<number, XrefEntry> {
  const d = stream.dict;
  const w = d.get('W');
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8)) {
    throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: invalid /W in a cross-reference stream');
  }
  const [w1, w2, w3] = w as [number, number, number];
  const row = w1 + w2 + w3;
  if (row === 0) throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: empty /W in a cross-reference stream');
  const size = d.number('Size') ?? 0;
  const index = d.get('Index');
  const ranges: number[] = Array.isArray(index) ? index.map((x) => (typeof x === 'number' ? x : -1)) : [0, size];
  if (ranges.length % 2 !== 0 || ranges.some((x) => !Number.isSafeInteger(x) || x < 0)) {
    throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: invalid /Index in a cross-reference stream');
  }
  const data = decodeStream(stream, limits.maxDecodedBytes);
  const entries = new Map<number, XrefEntry>();
  let pos = 0;
  const field = (width: number, dflt: number): number => {
    if (width === 0) return dflt;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + (data[pos++] as number);
    return v;
  };
  for (let r = 0; r < ranges.length; r += 2) {
    const first = ranges[r] as number;
    const count = ranges[r + 1] as number;
    if (count > limits.maxObjects) throw new PdfError('VDXP_PDF_LIMIT', `a cross-reference stream claims ${count} entries`);
    for (let i = 0; i < count; i++) {
      if (pos + row > data.length) return entries;
      const type = field(w1, 1);
      const a = field(w2, 0);
      const b = field(w3, 0);
      const num = first + i;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { type: 'free' });
      else if (type === 1) entries.set(num, { type: 'offset', offset: a, gen: b });
      else if (type === 2) entries.set(num, { type: 'compressed', stream: a, index: b });
    }
  }
  return entries;
}

/** What a scan of the whole file found. */
export interface ScanResult {
  /** Offset of the last definition of each object (a later definition replaces an earlier one). */
  readonly offsets: ReadonlyMap<number, { readonly offset: number; readonly gen: number }>;
  /** The last trailer dictionary with /Root (classic trailer or cross-reference stream), if any. */
  readonly trailer?: PdfDict;
  /** Object streams found, in file order. */
  readonly objectStreams: readonly { readonly num: number; readonly offset: number }[];
}

/**
 * The `n g obj` markers of the bytes, in file order (at most `maxObjects`).
 * @throws {PdfError} VDXP_PDF_LIMIT past `maxObjects` markers
 */
function objectMarkers(b: Buffer, limits: XrefLimits): { num: number; gen: number; offset: number }[] {
  const markers: { num: number; gen: number; offset: number }[] = [];
  for (let at = b.indexOf('obj', 0, 'latin1'); at >= 0; at = b.indexOf('obj', at + 3, 'latin1')) {
    if (!isWhitespace(b[at - 1]) || (b[at + 3] !== undefined && /[A-Za-z0-9]/.test(String.fromCharCode(b[at + 3] as number)))) continue;
    const marker = objectMarkerBefore(b, at);
    if (!marker) continue;
    if (markers.length >= limits.maxObjects) throw new PdfError('VDXP_PDF_LIMIT', `more than ${limits.maxObjects} objects found while scanning`);
    markers.push(marker);
  }
  return markers;
}

/**
 * Where each object starts, by the `n g obj` markers of the bytes (a later definition replaces
 * an earlier one). Nothing is parsed: for a look at what was appended to a file.
 * @throws {PdfError} VDXP_PDF_LIMIT past `maxObjects` markers
 */
export function objectOffsets(buf: Uint8Array, limits: XrefLimits): Map<number, { offset: number; gen: number }> {
  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const m of objectMarkers(asBuffer(buf), limits)) offsets.set(m.num, { offset: m.offset, gen: m.gen });
  return offsets;
}

/**
 * Scans the file for `n g obj` markers (at most `maxObjects`) and `trailer` dictionaries, and
 * reads each object found to tell cross-reference and object streams.
 * @throws {PdfError} VDXP_PDF_LIMIT past `maxObjects` markers
 */
export function scanObjects(buf: Uint8Array, limits: XrefLimits): ScanResult {
  const b = asBuffer(buf);
  const offsets = new Map<number, { offset: number; gen: number }>();
  let trailer: PdfDict | undefined;
  const objectStreams: { num: number; offset: number }[] = [];
  for (const marker of objectMarkers(b, limits)) {
    offsets.set(marker.num, { offset: marker.offset, gen: marker.gen });
    const p = new PdfParser(buf, marker.offset, { limits });
    try {
      const value: PdfValue = p.indirectObject().value;
      if (value instanceof PdfStream && value.dict.name('Type') === 'XRef' && value.dict.get('Root') instanceof PdfRef) trailer = value.dict;
      if (value instanceof PdfStream && value.dict.name('Type') === 'ObjStm') objectStreams.push({ num: marker.num, offset: marker.offset });
    } catch {
      // An unreadable object stays in the map; reading it later reports the error.
    }
  }
  for (let at = b.indexOf('trailer', 0, 'latin1'); at >= 0; at = b.indexOf('trailer', at + 7, 'latin1')) {
    try {
      const t = new PdfParser(buf, at + 7, { limits }).value();
      if (t instanceof PdfDict && t.get('Root') instanceof PdfRef) trailer = t;
    } catch {
      // not a trailer after all
    }
  }
  return { offsets, objectStreams, ...(trailer ? { trailer } : {}) };
}

/** `n g` before the `obj` keyword at `at`, when the bytes there are exactly that. */
function objectMarkerBefore(b: Buffer, at: number): { num: number; gen: number; offset: number } | undefined {
  let i = at - 1;
  const skipWs = () => {
    const from = i;
    while (i >= 0 && isWhitespace(b[i])) i--;
    return i < from;
  };
  const digits = () => {
    const end = i;
    while (i >= 0 && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39 && end - i < 10) i--;
    return end > i ? Number(b.toString('latin1', i + 1, end + 1)) : undefined;
  };
  if (!skipWs()) return undefined;
  const gen = digits();
  if (gen === undefined || !skipWs()) return undefined;
  const num = digits();
  if (num === undefined || (i >= 0 && !isWhitespace(b[i]) && b[i] !== 0x3e && b[i] !== 0x25)) return undefined;
  return { num, gen, offset: i + 1 };
}
