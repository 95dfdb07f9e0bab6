/**
 * Small, valid TrueType font files built by hand for tests (the library's own font code is not
 * used on purpose, so that it reads files it did not write).
 *
 * Glyph 0 is `.notdef`; the glyphs given follow as 1, 2, … in order. Every glyph drawn is a box
 * (one contour of four on-curve points) whose height depends on its id, so that no two glyphs
 * have the same outline bytes, or a composite of other glyphs. The tables written are `OS/2`
 * (version 4), `cmap` (one Unicode subtable), `glyf`, `head`, `hhea`, `hmtx`, `loca`, `maxp`
 * (version 1.0), `name` (the PostScript name only) and `post` (version 3.0), with the directory
 * sorted by tag, every table padded to four bytes, the table checksums and
 * `head.checkSumAdjustment` set.
 */

/** A simple box, or a composite of these glyph ids (the one at index `scaled` is drawn at half size). */
export type TestOutline = 'box' | { components: number[]; scaled?: number };

export interface TestGlyph {
  /** The character mapped to the glyph in `cmap`; none for a glyph only used as a component. */
  codePoint?: number;
  advance: number;
  outline: TestOutline;
}

export interface TestFontOptions {
  /** Glyphs 1, 2, … (glyph 0, `.notdef`, a box with advance 500, is always written first). */
  glyphs: TestGlyph[];
  /**
   * The Unicode `cmap` subtable written (default 4, platform 3 encoding 1): runs of code points
   * whose glyph ids follow them use `idDelta`, other runs `idRangeOffset` into `glyphIdArray`.
   * Format 12 (platform 3 encoding 10) is needed for code points above U+FFFF.
   */
  cmap?: 4 | 12;
  /** OS/2 `fsType` (default 0: installable). */
  fsType?: number;
  /** head `indexToLocFormat` (default 0: short offsets). */
  locaFormat?: 0 | 1;
  /** name id 6, as a Windows (3, 1, 0x409) UTF-16BE record (default `TestFont-Regular`). */
  postScriptName?: string;
  /** hhea `numberOfHMetrics` (default every glyph); later glyphs get a left side bearing only. */
  numberOfHMetrics?: number;
  /** The first four bytes (default 0x00010000; 0x4F54544F is `OTTO`, 0x74746366 `ttcf`). */
  sfntVersion?: number;
  /** Boxes without a character appended after the given glyphs (advance 500). */
  extraGlyphsAfter?: number;
  /** post `italicAngle` in degrees (default 0). */
  italicAngle?: number;
  /** post `isFixedPitch` (default false). */
  fixedPitch?: boolean;
  /** Tables left out of the file (to forge incomplete fonts), e.g. `['name']`. */
  omit?: string[];
}

/** Big-endian 16-bit words (negative values are written as their two's complement). */
function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, i * 2));
  return b;
}

/** Big-endian 32-bit words. */
function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** Zero bytes up to the next multiple of four. */
function pad4(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
}

/** Sum of the big-endian 32-bit words of the data, zero-padded. */
function checksum(data: Buffer): number {
  const padded = pad4(data);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** Right edge and top of the box drawn for glyph `id`. */
function boxEdges(id: number, advance: number): [number, number] {
  return [Math.max(advance - 50, 60), 500 + 7 * id];
}

function glyphData(id: number, glyph: TestGlyph): Buffer {
  const { outline } = glyph;
  if (outline === 'box') {
    const [right, top] = boxEdges(id, glyph.advance);
    // numberOfContours, bbox, endPtsOfContours, instructionLength, four flags (on curve, 16-bit
    // deltas), x deltas, y deltas: (50,0) → (right,0) → (right,top) → (50,top)
    return u16(1, 50, 0, right, top, 3, 0, 0x0101, 0x0101, 50, right - 50, 0, 50 - right, 0, 0, top, 0);
  }
  const parts = outline.components.map((component, i) => {
    const more = i < outline.components.length - 1 ? 0x0020 : 0; // MORE_COMPONENTS
    const scaled = i === outline.scaled ? 0x0008 : 0; // WE_HAVE_A_SCALE
    // ARG_1_AND_2_ARE_WORDS | ARGS_ARE_XY_VALUES, the glyph, x and y offsets, the scale (F2Dot14 0.5)
    return u16(0x0001 | 0x0002 | more | scaled, component, i * 100, 0, ...(scaled ? [0x2000] : []));
  });
  return Buffer.concat([u16(-1, 0, 0, 1000, 800), ...parts]);
}

/** A format 4 subtable, ending with the 0xFFFF segment. */
function cmapFormat4(mappings: [number, number][]): Buffer {
  const runs: { start: number; end: number; glyphs: number[] }[] = [];
  for (const [cp, glyph] of mappings) {
    if (cp > 0xfffe) throw new Error(`cmap format 4 cannot map U+${cp.toString(16)}`);
    const last = runs.at(-1);
    if (last && last.end === cp - 1) {
      last.end = cp;
      last.glyphs.push(glyph);
    } else runs.push({ start: cp, end: cp, glyphs: [glyph] });
  }
  const n = runs.length + 1;
  const ends: number[] = [];
  const starts: number[] = [];
  const deltas: number[] = [];
  const ranges: number[] = [];
  const glyphIds: number[] = [];
  runs.forEach((run, i) => {
    ends.push(run.end);
    starts.push(run.start);
    if (run.glyphs.every((g, k) => g === run.glyphs[0]! + k)) {
      deltas.push(run.glyphs[0]! - run.start);
      ranges.push(0);
    } else {
      deltas.push(0);
      ranges.push(2 * (n - i) + 2 * glyphIds.length); // from this idRangeOffset entry to its first glyph id
      glyphIds.push(...run.glyphs);
    }
  });
  ends.push(0xffff);
  starts.push(0xffff);
  deltas.push(1);
  ranges.push(0);
  const log2 = Math.floor(Math.log2(n));
  const searchRange = 2 * 2 ** log2;
  const length = 16 + 8 * n + 2 * glyphIds.length;
  return u16(4, length, 0, 2 * n, searchRange, log2, 2 * n - searchRange, ...ends, 0, ...starts, ...deltas, ...ranges, ...glyphIds);
}

/** A format 12 subtable: one group per run of consecutive code points and glyph ids. */
function cmapFormat12(mappings: [number, number][]): Buffer {
  const groups: [number, number, number][] = [];
  for (const [cp, glyph] of mappings) {
    const last = groups.at(-1);
    if (last && last[1] === cp - 1 && last[2] + (cp - last[0]) === glyph) last[1] = cp;
    else groups.push([cp, cp, glyph]);
  }
  return u32(0x000c0000, 16 + 12 * groups.length, 0, groups.length, ...groups.flat());
}

/**
 * A font file of these tables: the directory sorted by tag, every table padded to four bytes,
 * the table checksums and (when there is a `head` table) `head.checkSumAdjustment` set.
 */
export function makeSfnt(tables: ReadonlyMap<string, Uint8Array>, sfntVersion = 0x00010000): Buffer {
  const tags = [...tables.keys()].sort();
  const bodies = tags.map((tag) => Buffer.from(tables.get(tag)!)); // copies, so head can be changed
  const head = tags.indexOf('head');
  if (head >= 0) bodies[head]!.writeUInt32BE(0, 8); // checkSumAdjustment counts as 0 in the checksums
  const log2 = Math.floor(Math.log2(tags.length));
  const directory = [u32(sfntVersion), u16(tags.length, 16 * 2 ** log2, log2, 16 * tags.length - 16 * 2 ** log2)];
  let offset = 12 + 16 * tags.length;
  tags.forEach((tag, i) => {
    directory.push(Buffer.from(tag, 'latin1'), u32(checksum(bodies[i]!), offset, bodies[i]!.length));
    offset += pad4(bodies[i]!).length;
  });
  const font = Buffer.concat([...directory, ...bodies.map(pad4)]);
  if (head >= 0) font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, font.readUInt32BE(12 + 16 * head + 8) + 8);
  return font;
}

/** A TrueType font file with these glyphs (see {@link TestFontOptions}). */
export function makeTestFont(o: TestFontOptions): Buffer {
  const extra = Array.from({ length: o.extraGlyphsAfter ?? 0 }, (): TestGlyph => ({ advance: 500, outline: 'box' }));
  const glyphs: TestGlyph[] = [{ advance: 500, outline: 'box' }, ...o.glyphs, ...extra];
  const count = glyphs.length;
  const longMetrics = o.numberOfHMetrics ?? count;
  const locaFormat = o.locaFormat ?? 0;
  const mappings = glyphs.flatMap((g, id): [number, number][] => (g.codePoint === undefined ? [] : [[g.codePoint, id]])).sort((a, b) => a[0] - b[0]);

  const outlines = glyphs.map((g, id) => pad4(glyphData(id, g)));
  const offsets = [0];
  for (const data of outlines) offsets.push(offsets.at(-1)! + data.length);
  const boxes = glyphs.flatMap((g, id) => (g.outline === 'box' ? [boxEdges(id, g.advance)] : []));
  const xMax = Math.max(...boxes.map((b) => b[0]));
  const yMax = Math.max(...boxes.map((b) => b[1]));
  const maxAdvance = Math.max(...glyphs.map((g) => g.advance));
  const components = Math.max(0, ...glyphs.map((g) => (g.outline === 'box' ? 0 : g.outline.components.length)));
  const cps = mappings.map((m) => Math.min(m[0], 0xffff));
  const name = Buffer.from(o.postScriptName ?? 'TestFont-Regular', 'utf16le').swap16();

  const tables = new Map<string, Buffer>([
    ['head', Buffer.concat([u32(0x00010000, 0x00010000, 0, 0x5f0f3cf5), u16(0x0003, 1000), Buffer.alloc(16), u16(50, 0, xMax, yMax, 0, 8, 2, locaFormat, 0)])],
    // ascender, descender, lineGap, advanceWidthMax, minLeftSideBearing, minRightSideBearing,
    // xMaxExtent, caretSlopeRise, caretSlopeRun, caretOffset, 4 reserved, metricDataFormat, numberOfHMetrics
    ['hhea', Buffer.concat([u32(0x00010000), u16(800, -200, 0, maxAdvance, 50, 50, xMax, 1, 0, 0, 0, 0, 0, 0, 0, longMetrics)])],
    // numGlyphs, maxPoints, maxContours, maxCompositePoints, maxCompositeContours, maxZones, then
    // zero twilight points, storage, function and instruction definitions, stack and instructions
    ['maxp', Buffer.concat([u32(0x00010000), u16(count, 4, 1, 4 * components, components, 2, 0, 0, 0, 0, 0, 0, components, components > 0 ? 1 : 0)])],
    ['hmtx', Buffer.concat(glyphs.map((g, id) => (id < longMetrics ? u16(g.advance, 50) : u16(50))))],
    ['loca', locaFormat === 1 ? u32(...offsets) : u16(...offsets.map((at) => at / 2))],
    ['glyf', Buffer.concat(outlines)],
    ['cmap', Buffer.concat([u16(0, 1, 3, o.cmap === 12 ? 10 : 1), u32(12), o.cmap === 12 ? cmapFormat12(mappings) : cmapFormat4(mappings)])],
    // version 4: widths and weights, fsType, sub/superscript and strikeout metrics, family class,
    // PANOSE and Unicode ranges (zero), vendor, fsSelection, first and last characters, typo and
    // win metrics, code page ranges (zero), x height, cap height, default and break characters, context
    ['OS/2', Buffer.concat([
      u16(4, 500, 400, 5, o.fsType ?? 0, 650, 600, 0, 75, 650, 600, 0, 350, 50, 300, 0), Buffer.alloc(26), Buffer.from('NONE'),
      u16(0x0040, Math.min(0xffff, ...cps), Math.max(0, ...cps), 800, -200, 0, 800, 200), u32(0, 0), u16(500, 700, 0, 32, 1),
    ])],
    ['post', Buffer.concat([u32(0x00030000, Math.round((o.italicAngle ?? 0) * 65536)), u16(-100, 50), u32(o.fixedPitch ? 1 : 0, 0, 0, 0, 0)])],
    ['name', Buffer.concat([u16(0, 1, 18, 3, 1, 0x409, 6, name.length, 0), name])],
  ]);
  for (const tag of o.omit ?? []) tables.delete(tag);
  return makeSfnt(tables, o.sfntVersion);
}
