/**
 * A TrueType font read for a signature appearance: the tables a PDF viewer needs to draw
 * glyphs (`head`, `hhea`, `hmtx`, `maxp`, `loca`, `glyf`, `cmap`, and `OS/2`, `post`, `name`
 * when present), the glyph of each character, and a subset that keeps only the glyphs a text
 * uses (glyph ids unchanged, the others emptied), so that an appearance embeds a few
 * kilobytes instead of the whole font.
 *
 * Read as hostile input: every offset and length is checked against the file, and a font
 * this module cannot embed is refused with `VDXP_PDF_UNSUPPORTED` naming why (a CFF-based
 * OpenType font, a font collection, a licence that forbids embedding, a missing table).
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import { PdfError } from '../../errors.js';

/** Largest font file read (fonts covering Vietnamese are a few hundred KB to a few MB). */
export const MAX_FONT_BYTES = 32 * 1024 * 1024;

/** Tables every glyph-drawing use needs. */
const REQUIRED = ['head', 'hhea', 'hmtx', 'maxp', 'loca', 'glyf', 'cmap'] as const;
/** Tables copied into a subset besides the rebuilt ones (when present). */
const KEPT = ['cvt ', 'fpgm', 'prep', 'OS/2'] as const;

interface TableRecord {
  readonly offset: number;
  readonly length: number;
}

/** A TrueType font, read once. */
export class TrueTypeFont {
  /** Units per em of the glyph coordinates. */
  readonly unitsPerEm: number;
  readonly numGlyphs: number;
  /** `[xMin, yMin, xMax, yMax]` in font units. */
  readonly bbox: readonly [number, number, number, number];
  readonly ascent: number;
  readonly descent: number;
  readonly capHeight: number;
  readonly italicAngle: number;
  readonly fixedPitch: boolean;
  /** The PostScript name (`name` id 6), letters, digits and `-` only; `VdxpFont` when absent. */
  readonly postScriptName: string;
  /** False when the licence (OS/2 `fsType` bit 8) forbids subsetting: the whole font is embedded. */
  readonly subsettable: boolean;
  readonly #bytes: Buffer;
  readonly #tables: Map<string, TableRecord>;
  readonly #cmap: (codePoint: number) => number;
  readonly #advances: Uint16Array;
  readonly #leftBearings: Int16Array;
  readonly #longLoca: boolean;

  /**
   * Reads a font file.
   * @throws {PdfError} VDXP_PDF_UNSUPPORTED for anything but a glyf-based TrueType font this
   *   module can read and may embed, naming why
   */
  constructor(bytes: Uint8Array) {
    if (bytes.length > MAX_FONT_BYTES) fail(`the file is ${bytes.length} bytes, over the ${MAX_FONT_BYTES} read`);
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#bytes = b;
    if (b.length < 12) fail('the file is too short for a font');
    const version = b.readUInt32BE(0);
    if (version === 0x4f54544f) fail('it is an OpenType font with CFF outlines (OTTO); give a TrueType font (.ttf) with glyf outlines');
    if (version === 0x74746366) fail('it is a font collection (.ttc); give one font of it as a .ttf');
    if (version !== 0x00010000 && version !== 0x74727565) fail('it is not a TrueType font file');
    const numTables = b.readUInt16BE(4);
    if (12 + numTables * 16 > b.length) fail('its table directory runs past the end of the file');
    this.#tables = new Map();
    for (let i = 0; i < numTables; i++) {
      const at = 12 + i * 16;
      const tag = b.toString('latin1', at, at + 4);
      const offset = b.readUInt32BE(at + 8);
      const length = b.readUInt32BE(at + 12);
      if (offset + length > b.length) fail(`its table ${tag.trim()} runs past the end of the file`);
      this.#tables.set(tag, { offset, length });
    }
    for (const tag of REQUIRED) if (!this.#tables.has(tag)) fail(`it has no ${tag} table`);

    const head = this.#table('head', 54);
    this.unitsPerEm = b.readUInt16BE(head + 18);
    if (this.unitsPerEm < 16 || this.unitsPerEm > 16384) fail(`its unitsPerEm (${this.unitsPerEm}) is out of range`);
    this.bbox = [b.readInt16BE(head + 36), b.readInt16BE(head + 38), b.readInt16BE(head + 40), b.readInt16BE(head + 42)];
    const locaFormat = b.readInt16BE(head + 50);
    if (locaFormat !== 0 && locaFormat !== 1) fail(`its indexToLocFormat (${locaFormat}) is unknown`);
    this.#longLoca = locaFormat === 1;

    this.numGlyphs = b.readUInt16BE(this.#table('maxp', 6) + 4);
    if (this.numGlyphs === 0) fail('it has no glyphs');
    const hhea = this.#table('hhea', 36);
    this.ascent = b.readInt16BE(hhea + 4);
    this.descent = b.readInt16BE(hhea + 6);
    const longMetrics = b.readUInt16BE(hhea + 34);
    if (longMetrics === 0 || longMetrics > this.numGlyphs) fail(`its numberOfHMetrics (${longMetrics}) does not fit its ${this.numGlyphs} glyphs`);
    const hmtx = this.#table('hmtx', longMetrics * 4);
    this.#advances = new Uint16Array(this.numGlyphs);
    this.#leftBearings = new Int16Array(this.numGlyphs);
    const hmtxEnd = hmtx + this.#tables.get('hmtx')!.length;
    for (let g = 0; g < this.numGlyphs; g++) {
      this.#advances[g] = b.readUInt16BE(hmtx + Math.min(g, longMetrics - 1) * 4);
      // after the long metrics, left side bearings alone (read leniently: 0 past the table's end)
      const lsbAt = g < longMetrics ? hmtx + g * 4 + 2 : hmtx + longMetrics * 4 + (g - longMetrics) * 2;
      this.#leftBearings[g] = lsbAt + 2 <= hmtxEnd ? b.readInt16BE(lsbAt) : 0;
    }
    this.#table('loca', (this.numGlyphs + 1) * (this.#longLoca ? 4 : 2));

    let capHeight = Math.round(this.ascent * 0.7);
    let subsettable = true;
    const os2 = this.#tables.get('OS/2');
    if (os2 && os2.length >= 10) {
      const fsType = b.readUInt16BE(os2.offset + 8);
      // bit 1 alone: restricted licence embedding; bits 2 (preview & print) or 3 (editable) allow it
      if ((fsType & 0x000f) === 0x0002) fail('its licence (OS/2 fsType: restricted licence embedding) forbids embedding it');
      if (fsType & 0x0200) fail('its licence (OS/2 fsType: bitmap embedding only) forbids embedding its outlines');
      subsettable = (fsType & 0x0100) === 0;
      const os2Version = b.readUInt16BE(os2.offset);
      if (os2Version >= 2 && os2.length >= 90) capHeight = b.readInt16BE(os2.offset + 88);
    }
    this.capHeight = capHeight;
    this.subsettable = subsettable;
    const post = this.#tables.get('post');
    this.italicAngle = post && post.length >= 16 ? b.readInt32BE(post.offset + 4) / 65536 : 0;
    this.fixedPitch = post !== undefined && post.length >= 16 && b.readUInt32BE(post.offset + 12) !== 0;
    this.postScriptName = this.#readPostScriptName() ?? 'VdxpFont';
    this.#cmap = this.#readCmap();
  }

  /** The glyph of a Unicode code point; 0 (`.notdef`) when the font has none. */
  glyphOf(codePoint: number): number {
    const g = this.#cmap(codePoint);
    return g < this.numGlyphs ? g : 0;
  }

  /** A glyph's advance width in font units. */
  advanceOf(glyph: number): number {
    return this.#advances[glyph] ?? 0;
  }

  /**
   * The font program to embed for these glyphs: a subset (ids unchanged, composite glyphs'
   * parts kept; every other glyph emptied and without metrics, the glyphs after the last one
   * kept dropped) or, when the licence forbids subsetting, the whole file.
   */
  programFor(glyphs: Iterable<number>): Buffer {
    if (!this.subsettable) return Buffer.from(this.#bytes);
    const keep = new Set<number>([0]);
    const queue = [...glyphs];
    while (queue.length > 0) {
      const g = queue.pop()!;
      if (g >= this.numGlyphs || keep.has(g)) continue;
      keep.add(g);
      queue.push(...this.#componentsOf(g));
    }
    let count = 0;
    for (const g of keep) count = Math.max(count, g + 1);
    const glyf: Buffer[] = [];
    const loca = Buffer.alloc((count + 1) * 4);
    const hmtx = Buffer.alloc(count * 4);
    let at = 0;
    for (let g = 0; g < count; g++) {
      loca.writeUInt32BE(at, g * 4);
      if (!keep.has(g)) continue;
      hmtx.writeUInt16BE(this.#advances[g]!, g * 4);
      hmtx.writeInt16BE(this.#leftBearings[g]!, g * 4 + 2);
      const data = this.#glyphData(g);
      const padded = Buffer.alloc((data.length + 3) & ~3);
      data.copy(padded);
      glyf.push(padded);
      at += padded.length;
    }
    loca.writeUInt32BE(at, count * 4);
    const tables = new Map<string, Buffer>();
    const head = Buffer.from(this.#slice('head'));
    head.writeUInt32BE(0, 8); // checkSumAdjustment, set below
    head.writeInt16BE(1, 50); // long loca offsets
    tables.set('head', head);
    tables.set('loca', loca);
    tables.set('glyf', Buffer.concat(glyf));
    tables.set('hmtx', hmtx);
    const hhea = Buffer.from(this.#slice('hhea'));
    hhea.writeUInt16BE(count, 34); // every glyph with its own metrics
    tables.set('hhea', hhea);
    const maxp = Buffer.from(this.#slice('maxp'));
    maxp.writeUInt16BE(count, 4);
    tables.set('maxp', maxp);
    for (const tag of KEPT) if (this.#tables.has(tag)) tables.set(tag, this.#slice(tag));
    const post = this.#tables.get('post');
    if (post && post.length >= 32) {
      const version3 = Buffer.from(this.#slice('post').subarray(0, 32));
      version3.writeUInt32BE(0x00030000, 0); // no glyph names
      tables.set('post', version3);
    }
    return assembleFont(tables);
  }

  /** Offset of a table at least `min` bytes long. */
  #table(tag: string, min: number): number {
    const t = this.#tables.get(tag)!;
    if (t.length < min) fail(`its ${tag.trim()} table is ${t.length} bytes, shorter than the ${min} it needs`);
    return t.offset;
  }

  #slice(tag: string): Buffer {
    const t = this.#tables.get(tag)!;
    return this.#bytes.subarray(t.offset, t.offset + t.length);
  }

  /** The bytes of one glyph's outline (empty for a glyph without one). */
  #glyphData(glyph: number): Buffer {
    const loca = this.#tables.get('loca')!.offset;
    const [start, end] = this.#longLoca
      ? [this.#bytes.readUInt32BE(loca + glyph * 4), this.#bytes.readUInt32BE(loca + glyph * 4 + 4)]
      : [this.#bytes.readUInt16BE(loca + glyph * 2) * 2, this.#bytes.readUInt16BE(loca + glyph * 2 + 2) * 2];
    const glyf = this.#tables.get('glyf')!;
    if (end < start || end > glyf.length) fail(`its glyph ${glyph} lies outside its glyf table`);
    return this.#bytes.subarray(glyf.offset + start, glyf.offset + end);
  }

  /** The glyphs a composite glyph is made of (none for a simple one). */
  #componentsOf(glyph: number): number[] {
    const data = this.#glyphData(glyph);
    if (data.length < 10 || data.readInt16BE(0) >= 0) return [];
    const parts: number[] = [];
    let at = 10;
    for (;;) {
      if (at + 4 > data.length) fail(`its composite glyph ${glyph} is cut short`);
      const flags = data.readUInt16BE(at);
      parts.push(data.readUInt16BE(at + 2));
      at += 4 + (flags & 0x0001 ? 4 : 2);
      if (flags & 0x0008) at += 2;
      else if (flags & 0x0040) at += 4;
      else if (flags & 0x0080) at += 8;
      if (!(flags & 0x0020)) return parts;
    }
  }

  /** `name` id 6, from a Windows (UTF-16BE) or Macintosh (Roman) record. */
  #readPostScriptName(): string | undefined {
    const t = this.#tables.get('name');
    if (!t || t.length < 6) return undefined;
    const b = this.#bytes;
    const count = b.readUInt16BE(t.offset + 2);
    const strings = t.offset + b.readUInt16BE(t.offset + 4);
    for (let i = 0; i < count && t.offset + 6 + (i + 1) * 12 <= t.offset + t.length; i++) {
      const at = t.offset + 6 + i * 12;
      const [platform, , , nameId, length, offset] = [0, 2, 4, 6, 8, 10].map((o) => b.readUInt16BE(at + o)) as [number, number, number, number, number, number];
      if (nameId !== 6 || strings + offset + length > t.offset + t.length) continue;
      const raw = b.subarray(strings + offset, strings + offset + length);
      const wide = platform === 3 || platform === 0;
      if (wide && length % 2 !== 0) continue;
      const text = wide ? Buffer.from(raw).swap16().toString('utf16le') : raw.toString('latin1');
      const clean = text.replace(/[^A-Za-z0-9-]/g, '').slice(0, 63);
      if (clean !== '') return clean;
    }
    return undefined;
  }

  /** A lookup from the best Unicode `cmap` subtable (format 12, else format 4). */
  #readCmap(): (codePoint: number) => number {
    const t = this.#tables.get('cmap')!;
    const b = this.#bytes;
    if (t.length < 4) fail('its cmap table is empty');
    const count = b.readUInt16BE(t.offset + 2);
    let format4: number | undefined;
    let format12: number | undefined;
    for (let i = 0; i < count && 4 + (i + 1) * 8 <= t.length; i++) {
      const at = t.offset + 4 + i * 8;
      const platform = b.readUInt16BE(at);
      const encoding = b.readUInt16BE(at + 2);
      const sub = t.offset + b.readUInt32BE(at + 4);
      if (sub + 4 > t.offset + t.length) continue;
      const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
      if (!unicode) continue;
      const format = b.readUInt16BE(sub);
      if (format === 12 && format12 === undefined) format12 = sub;
      if (format === 4 && format4 === undefined) format4 = sub;
    }
    const end = t.offset + t.length;
    if (format12 !== undefined) return this.#format12(format12, end);
    if (format4 !== undefined) return this.#format4(format4, end);
    return fail('it has no Unicode cmap subtable (format 4 or 12)');
  }

  #format4(sub: number, end: number): (cp: number) => number {
    const b = this.#bytes;
    if (sub + 14 > end) fail('its cmap format 4 subtable is cut short');
    const segments = b.readUInt16BE(sub + 6) >>> 1;
    const ends = sub + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    if (rangeOffsets + segments * 2 > end) fail('its cmap format 4 subtable is cut short');
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segments; s++) {
        if (cp > b.readUInt16BE(ends + s * 2)) continue;
        const start = b.readUInt16BE(starts + s * 2);
        if (cp < start) return 0;
        const delta = b.readInt16BE(deltas + s * 2);
        const rangeAt = rangeOffsets + s * 2;
        const range = b.readUInt16BE(rangeAt);
        if (range === 0) return (cp + delta) & 0xffff;
        const glyphAt = rangeAt + range + (cp - start) * 2;
        if (glyphAt + 2 > end) return 0;
        const g = b.readUInt16BE(glyphAt);
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
  }

  #format12(sub: number, end: number): (cp: number) => number {
    const b = this.#bytes;
    if (sub + 16 > end) fail('its cmap format 12 subtable is cut short');
    const groups = b.readUInt32BE(sub + 12);
    if (sub + 16 + groups * 12 > end) fail('its cmap format 12 subtable is cut short');
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const at = sub + 16 + mid * 12;
        const first = b.readUInt32BE(at);
        const last = b.readUInt32BE(at + 4);
        if (cp < first) hi = mid - 1;
        else if (cp > last) lo = mid + 1;
        else return b.readUInt32BE(at + 8) + (cp - first);
      }
      return 0;
    };
  }
}

/** A six-letter subset tag (`ABCDEF+`) derived from the glyphs kept. */
export function subsetTag(glyphs: Iterable<number>): string {
  const digest = createHash('sha256').update([...glyphs].sort((a, b) => a - b).join(',')).digest();
  return Array.from(digest.subarray(0, 6), (x) => String.fromCharCode(65 + (x % 26))).join('');
}

function fail(why: string): never {
  throw new PdfError('VDXP_PDF_UNSUPPORTED', `the appearance font cannot be embedded: ${why}`);
}

/** Sum of a table's big-endian 32-bit words (zero-padded). */
function checksum(data: Buffer): number {
  let sum = 0;
  const whole = data.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + data.readUInt32BE(i)) >>> 0;
  if (whole < data.length) {
    const tail = Buffer.alloc(4);
    data.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

/** A font file of these tables: directory sorted by tag, checksums and `head.checkSumAdjustment` set. */
function assembleFont(tables: Map<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const n = tags.length;
  const log2 = Math.floor(Math.log2(n));
  const header = Buffer.alloc(12 + n * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(2 ** log2 * 16, 6);
  header.writeUInt16BE(log2, 8);
  header.writeUInt16BE(n * 16 - 2 ** log2 * 16, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  let headAt = -1;
  tags.forEach((tag, i) => {
    const data = tables.get(tag)!;
    const at = 12 + i * 16;
    header.write(tag, at, 'latin1');
    header.writeUInt32BE(checksum(data), at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(data.length, at + 12);
    if (tag === 'head') headAt = offset;
    const padded = Buffer.alloc((data.length + 3) & ~3);
    data.copy(padded);
    bodies.push(padded);
    offset += padded.length;
  });
  const font = Buffer.concat([header, ...bodies]);
  if (headAt >= 0) font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headAt + 8);
  return font;
}
