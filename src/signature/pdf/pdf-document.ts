/**
 * A read-only view of a PDF file for signature work: the cross-reference (or, when broken, a
 * rebuilt map of objects), the revisions (`%%EOF` markers of incremental updates), objects
 * resolved on demand (object streams included) with loop and depth guards, and the catalog.
 * @internal
 * @module
 */
import { PdfError } from '../../errors.js';
import { keepShape } from '../../keep-shapes.js';
import { dictOf, PdfDict, PdfRef, PdfStream, type IndirectObject, type PdfValue } from './pdf-object.js';
import { DEFAULT_PARSE_LIMITS, PdfParser } from './pdf-parser.js';
import { pdfDict, pdfName } from './pdf-serializer.js';
import { writeSection } from './pdf-writer.js';
import { decodeStream } from './stream-filters.js';
import { readXrefChain, scanObjects, type XrefEntry, type XrefLimits, type XrefSection } from './xref-reader.js';

/** Limits applied to a PDF being read. */
export interface PdfLimits extends XrefLimits {}

/** Default limits: 1 000 000 objects, 1 000 revisions, 64 MiB per decoded stream, depth 64. */
export const DEFAULT_PDF_LIMITS: PdfLimits = {
  ...DEFAULT_PARSE_LIMITS,
  maxObjects: 1_000_000,
  maxSections: 1_000,
  maxDecodedBytes: 64 * 1024 * 1024,
};

/** One revision of the file: the bytes up to the end of an `%%EOF` line. */
export interface PdfRevision {
  readonly index: number;
  /** Offset just after `%%EOF` and its end-of-line. */
  readonly end: number;
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** A PDF opened for reading. */
export class PdfDocument {
  /** Newest section first; empty when the cross-reference was rebuilt by a scan. */
  readonly sections: readonly XrefSection[];
  /** Why the cross-reference had to be rebuilt, when it was. */
  readonly reconstructed?: string;
  readonly trailer: PdfDict;
  readonly revisions: readonly PdfRevision[];
  private readonly entries: Map<number, XrefEntry>;
  private readonly cache = new Map<number, IndirectObject | null>();
  private readonly objectStreams = new Map<number, { data: Uint8Array; offsets: Map<number, number> }>();
  private readonly resolving = new Set<number>();
  private scanned?: ReturnType<typeof scanObjects>;
  /** Where each `%%EOF` starts, in file order (found on first need: a file whose cross-reference reads needs only the one after each section). */
  private eofStarts: readonly number[] | undefined;

  private constructor(
    readonly bytes: Uint8Array,
    readonly limits: PdfLimits,
    eofStarts?: readonly number[],
  ) {
    const head = asBuffer(bytes.subarray(0, 1024)).indexOf('%PDF-', 0, 'latin1');
    if (head < 0) throw new PdfError('VDXP_PDF_MALFORMED', 'not a PDF: no %PDF- header in the first 1024 bytes');
    this.eofStarts = eofStarts;
    let sections: XrefSection[] = [];
    let reason: string | undefined;
    try {
      sections = readXrefChain(bytes, limits);
    } catch (e) {
      if (e instanceof PdfError && e.code === 'VDXP_PDF_LIMIT') throw e;
      reason = e instanceof Error ? e.message : String(e);
    }
    this.entries = new Map();
    if (reason === undefined && sections[0]) {
      this.sections = sections;
      this.revisions = revisionsOfSections(bytes, sections, this.eofStarts);
      this.trailer = sections[0].trailer;
      for (const s of sections) for (const [n, e] of s.entries) if (!this.entries.has(n)) this.entries.set(n, e);
    } else {
      this.sections = [];
      this.revisions = revisionsAt(bytes, this.allEofStarts());
      this.reconstructed = reason ?? 'no cross-reference';
      const scan = this.scan();
      for (const [n, o] of scan.offsets) this.entries.set(n, { type: 'offset', offset: o.offset, gen: o.gen });
      this.indexScannedObjectStreams(scan);
      const trailer = scan.trailer ?? this.findCatalogTrailer();
      if (!trailer) throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: ${this.reconstructed}, and no catalog was found by scanning`);
      this.trailer = trailer;
    }
  }

  /**
   * Opens a PDF held in memory (no copy is made).
   * @throws {PdfError} VDXP_PDF_MALFORMED when it is not a PDF or no catalog can be found; VDXP_PDF_LIMIT past a limit
   */
  static open(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS): PdfDocument {
    return new PdfDocument(bytes, limits);
  }

  /**
   * Opens the first `end` bytes of this file as a PDF of their own (the revision a signature
   * covers). Its `%%EOF` markers are this file's that lie wholly inside those bytes (a search
   * of the prefix finds exactly those), so the prefix is not searched again.
   * @throws {PdfError} as {@link open}
   */
  openPrefix(end: number): PdfDocument {
    const prefix = this.bytes.subarray(0, Math.max(0, Math.min(end, this.bytes.length)));
    return new PdfDocument(prefix, this.limits, this.eofStarts?.filter((at) => at + EOF.length <= prefix.length));
  }

  /** The object numbers the cross-reference knows (in use). */
  objectNumbers(): number[] {
    return [...this.entries].filter(([, e]) => e.type !== 'free').map(([n]) => n);
  }

  /** The entry for an object number. */
  entry(num: number): XrefEntry | undefined {
    return this.entries.get(num);
  }

  /** One past the highest object number in use (`/Size` at least). */
  get size(): number {
    let max = this.trailer.number('Size') ?? 0;
    for (const n of this.entries.keys()) if (n + 1 > max) max = n + 1;
    return max;
  }

  /** The object `num`, or undefined when it does not exist or cannot be read. */
  object(num: number): IndirectObject | undefined {
    if (this.cache.has(num)) return this.cache.get(num) ?? undefined;
    if (this.resolving.has(num)) return undefined;
    this.resolving.add(num);
    let found: IndirectObject | undefined;
    try {
      found = this.load(num);
    } catch (e) {
      if (e instanceof PdfError && e.code === 'VDXP_PDF_LIMIT') throw e;
      found = undefined;
    } finally {
      this.resolving.delete(num);
    }
    this.cache.set(num, found ?? null);
    return found;
  }

  /** Follows references (at most 32) to a direct value; undefined for a dangling reference. */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let cur = v;
    for (let i = 0; i < 32 && cur instanceof PdfRef; i++) cur = this.object(cur.num)?.value;
    return cur instanceof PdfRef ? undefined : cur;
  }

  /** The dictionary a value resolves to (a stream's dictionary included), else undefined. */
  dict(v: PdfValue | undefined): PdfDict | undefined {
    return dictOf(this.resolve(v));
  }

  /** The document catalog. */
  get catalog(): PdfDict | undefined {
    return this.dict(this.trailer.get('Root'));
  }

  /** The first page dictionary, with its reference. */
  firstPage(): { ref: PdfRef; dict: PdfDict } | undefined {
    let node = this.catalog?.get('Pages');
    for (let depth = 0; depth < 64 && node instanceof PdfRef; depth++) {
      const d = this.dict(node);
      if (!d) return undefined;
      if (d.name('Type') === 'Page' || !d.has('Kids')) return { ref: node, dict: d };
      const kids = this.resolve(d.get('Kids'));
      node = Array.isArray(kids) ? kids[0] : undefined;
    }
    return undefined;
  }

  /** Decoded data of a stream (FlateDecode), within the decoded-size limit. */
  decode(stream: PdfStream): Uint8Array {
    return decodeStream(stream, this.limits.maxDecodedBytes);
  }

  private parser(pos: number): PdfParser {
    return new PdfParser(this.bytes, pos, {
      limits: this.limits,
      resolveLength: (ref) => {
        const v = this.resolve(ref);
        return typeof v === 'number' ? v : undefined;
      },
    });
  }

  private load(num: number): IndirectObject | undefined {
    const e = this.entries.get(num);
    if (!e || e.type === 'free') return undefined;
    if (e.type === 'compressed') return this.loadCompressed(num, e.stream);
    if (e.offset >= 0 && e.offset < this.bytes.length) {
      try {
        const read = this.parser(e.offset).indirectObject(new PdfRef(num, e.gen));
        return { ref: read.ref, value: read.value, offset: e.offset };
      } catch (err) {
        if (err instanceof PdfError && err.code === 'VDXP_PDF_LIMIT') throw err;
      }
    }
    // A wrong offset: look for the object where a scan finds it.
    const at = this.scan().offsets.get(num);
    if (!at) return undefined;
    const read = this.parser(at.offset).indirectObject();
    return read.ref.num === num ? { ref: read.ref, value: read.value, offset: at.offset } : undefined;
  }

  private loadCompressed(num: number, streamNum: number): IndirectObject | undefined {
    let os = this.objectStreams.get(streamNum);
    if (!os) {
      const s = this.object(streamNum)?.value;
      if (!(s instanceof PdfStream) || s.dict.name('Type') !== 'ObjStm') return undefined;
      const n = s.dict.number('N') ?? 0;
      const first = s.dict.number('First') ?? 0;
      if (!Number.isInteger(n) || n < 0 || n > this.limits.maxObjects || !Number.isInteger(first) || first < 0) return undefined;
      const data = this.decode(s);
      const header = new PdfParser(data, 0, { limits: this.limits });
      const offsets = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const objNum = header.integer();
        const off = header.integer();
        if (objNum === undefined || off === undefined) break;
        if (!offsets.has(objNum)) offsets.set(objNum, first + off);
      }
      os = { data, offsets };
      this.objectStreams.set(streamNum, os);
    }
    const at = os.offsets.get(num);
    if (at === undefined || at >= os.data.length) return undefined;
    const value = new PdfParser(os.data, at, { limits: this.limits }).value();
    if (value instanceof PdfStream) return undefined; // streams may not live in object streams
    return { ref: new PdfRef(num, 0), value, inObjectStream: streamNum };
  }

  /** Every `%%EOF` marker of the file (searched once, when needed). */
  private allEofStarts(): readonly number[] {
    this.eofStarts ??= findEofs(this.bytes, this.limits.maxSections);
    return this.eofStarts;
  }

  private scan(): ReturnType<typeof scanObjects> {
    this.scanned ??= scanObjects(this.bytes, this.limits);
    return this.scanned;
  }

  /** With a rebuilt cross-reference: objects inside object streams, unless defined directly later in the file. */
  private indexScannedObjectStreams(scan: ReturnType<typeof scanObjects>): void {
    for (const os of scan.objectStreams) {
      const s = this.object(os.num)?.value;
      if (!(s instanceof PdfStream)) continue;
      let header: PdfParser;
      try {
        header = new PdfParser(this.decode(s), 0, { limits: this.limits });
      } catch {
        continue;
      }
      const n = Math.min(s.dict.number('N') ?? 0, this.limits.maxObjects);
      for (let i = 0; i < n; i++) {
        const objNum = header.integer();
        if (objNum === undefined || header.integer() === undefined) break;
        const direct = scan.offsets.get(objNum);
        if (objNum !== os.num && (!direct || direct.offset < os.offset)) {
          this.entries.set(objNum, { type: 'compressed', stream: os.num, index: i });
          this.cache.delete(objNum);
        }
      }
    }
  }

  private findCatalogTrailer(): PdfDict | undefined {
    let root: PdfRef | undefined;
    for (const n of this.entries.keys()) {
      const o = this.object(n);
      if (o && dictOf(o.value)?.name('Type') === 'Catalog') root = o.ref;
    }
    return root ? new PdfDict(new Map([['Root', root]])) : undefined;
  }
}

/**
 * The revisions of a file with a readable cross-reference: for each section, the first
 * `%%EOF` line ending after it (a `%%EOF` inside a stream is not a revision). Searched from
 * each section, so the bulk of a large file is not scanned; `known` (every marker, when
 * already found) gives the same answer without searching.
 */
function revisionsOfSections(bytes: Uint8Array, sections: readonly XrefSection[], known: readonly number[] | undefined): PdfRevision[] {
  const b = asBuffer(bytes);
  const knownEnds = known?.map((at) => eofEnd(bytes, at));
  const ends = new Set<number>();
  for (const s of sections) {
    const end = knownEnds ? knownEnds.find((e) => e > s.offset) : firstEofEndAfter(b, s.offset);
    if (end !== undefined) ends.add(end);
  }
  return [...ends].sort((a, b) => a - b).map((end, index) => ({ index, end }));
}

/** The end of the first `%%EOF` line that ends after `offset` (one starting up to 6 bytes before it may). */
function firstEofEndAfter(b: Buffer, offset: number): number | undefined {
  for (let at = b.indexOf(EOF, Math.max(0, offset - EOF.length - 1), 'latin1'); at >= 0; at = b.indexOf(EOF, at + EOF.length, 'latin1')) {
    const end = eofEnd(b, at);
    if (end > offset) return end;
  }
  return undefined;
}

/** The revisions: the end of every `%%EOF` line, in file order. */
const EOF = '%%EOF';

/** Where each `%%EOF` marker starts (markers cannot overlap). */
function findEofs(bytes: Uint8Array, max: number): number[] {
  const b = asBuffer(bytes);
  const out: number[] = [];
  for (let at = b.indexOf(EOF, 0, 'latin1'); at >= 0; at = b.indexOf(EOF, at + EOF.length, 'latin1')) {
    if (out.length >= max * 4) throw new PdfError('VDXP_PDF_LIMIT', `more than ${max * 4} %%EOF markers`);
    out.push(at);
  }
  return out;
}

/** The revisions ending at those markers: each runs to just past its `%%EOF` and end-of-line. */
function revisionsAt(bytes: Uint8Array, starts: readonly number[]): PdfRevision[] {
  return starts.map((at, index) => ({ index, end: eofEnd(bytes, at) }));
}

/** Just past the `%%EOF` marker at `at` and its end-of-line. */
function eofEnd(bytes: Uint8Array, at: number): number {
  let end = at + EOF.length;
  if (bytes[end] === 0x0d) end++;
  if (bytes[end] === 0x0a) end++;
  return end;
}

/** The smallest PDF with a cross-reference table: an empty page tree. */
function emptyPdf(): Uint8Array {
  const catalog = new PdfRef(1, 0);
  const pages = new PdfRef(2, 0);
  return writeSection({
    baseLength: 0,
    prefix: Buffer.from('%PDF-1.4\n', 'latin1'),
    objects: [
      { ref: catalog, value: pdfDict({ Type: pdfName('Catalog'), Pages: pages }) },
      { ref: pages, value: pdfDict({ Type: pdfName('Pages'), Kids: [], Count: 0 }) },
    ],
    form: 'table',
    trailer: pdfDict({ Root: catalog }),
    nextObject: 3,
    freeHead: true,
  });
}

keepShape(PdfDocument.open(emptyPdf()));
