import { describe, expect, test } from 'vitest';
import { PdfError } from '../../../src/errors.js';
import { shapeLine, toUnicodeCMap } from '../../../src/signature/pdf/embedded-font.js';
import { MAX_FONT_BYTES, subsetTag, TrueTypeFont } from '../../../src/signature/pdf/truetype-font.js';
import { makeSfnt, makeTestFont, type TestFontOptions, type TestGlyph } from '../../helpers/test-font.js';

/**
 * The sample glyphs (ids 1–9 after .notdef). In the format 4 subtable, A B is a run whose glyph
 * ids follow the code points (an idDelta segment) and a b a run whose glyph ids do not (an
 * idRangeOffset segment). ệ is a composite of e, a dot below drawn at half size (WE_HAVE_A_SCALE)
 * and a circumflex, the two marks having no character of their own.
 */
const SAMPLE: TestGlyph[] = [
  { codePoint: 0x41, advance: 600, outline: 'box' }, // 1 A
  { codePoint: 0x42, advance: 610, outline: 'box' }, // 2 B
  { codePoint: 0x62, advance: 620, outline: 'box' }, // 3 b
  { codePoint: 0x61, advance: 630, outline: 'box' }, // 4 a
  { codePoint: 0x65, advance: 500, outline: 'box' }, // 5 e
  { advance: 200, outline: 'box' }, // 6 dot below
  { advance: 300, outline: 'box' }, // 7 circumflex
  { codePoint: 0x1ec7, advance: 510, outline: { components: [5, 6, 7], scaled: 1 } }, // 8 ệ
  { codePoint: 0x111, advance: 550, outline: 'box' }, // 9 đ
];
const [A, B, b, a, e, dotBelow, circumflex, eDotCircumflex, dStroke] = [1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The sample font: 9 glyphs, then 3 unused ones (13 with .notdef). */
const sample = (options: Partial<TestFontOptions> = {}) => makeTestFont({ glyphs: SAMPLE, extraGlyphsAfter: 3, ...options });

// ---- a tiny reader of font files, independent of the one under test ----

interface TableEntry {
  readonly checksum: number;
  readonly offset: number;
  readonly length: number;
  /** Offset of the directory record itself. */
  readonly record: number;
}

function directoryOf(font: Buffer): Map<string, TableEntry> {
  const tables = new Map<string, TableEntry>();
  for (let i = 0; i < font.readUInt16BE(4); i++) {
    const record = 12 + 16 * i;
    const [checksum, offset, length] = [4, 8, 12].map((at) => font.readUInt32BE(record + at)) as [number, number, number];
    tables.set(font.toString('latin1', record, record + 4), { checksum, offset, length, record });
  }
  return tables;
}

/** A table's bytes (a view: writing to it edits the font). */
function table(font: Buffer, tag: string): Buffer {
  const t = directoryOf(font).get(tag);
  if (!t) throw new Error(`no ${tag} table`);
  return font.subarray(t.offset, t.offset + t.length);
}

/** Each glyph's bytes, as loca delimits them in glyf. */
function outlinesOf(font: Buffer): Buffer[] {
  const long = table(font, 'head').readInt16BE(50) === 1;
  const loca = table(font, 'loca');
  const glyf = table(font, 'glyf');
  const at = (g: number) => (long ? loca.readUInt32BE(4 * g) : 2 * loca.readUInt16BE(2 * g));
  return Array.from({ length: table(font, 'maxp').readUInt16BE(4) }, (_, g) => glyf.subarray(at(g), at(g + 1)));
}

/** Each glyph's advance width (glyphs past numberOfHMetrics take the last one). */
function advancesOf(font: Buffer): number[] {
  const longMetrics = table(font, 'hhea').readUInt16BE(34);
  const hmtx = table(font, 'hmtx');
  return Array.from({ length: table(font, 'maxp').readUInt16BE(4) }, (_, g) => hmtx.readUInt16BE(4 * Math.min(g, longMetrics - 1)));
}

/** Sum of the big-endian 32-bit words, zero-padded. */
function sum32(data: Uint8Array): number {
  const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/**
 * The subset with the cmap of the font it was made from. A CIDFont's program has none (ISO 32000-1
 * §9.9: "the cmap table is not needed and shall not be present"), but TrueTypeFont needs one.
 */
function withCmapOf(subset: Buffer, original: Uint8Array): Buffer {
  const tables = new Map([...directoryOf(subset).keys()].map((tag) => [tag, table(subset, tag)] as const));
  tables.set('cmap', table(Buffer.from(original), 'cmap'));
  return makeSfnt(tables);
}

/** A copy of the font changed by `edit`. */
function edited(font: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(font);
  edit(copy);
  return copy;
}

/** The error `run` throws (failing the test when it throws none). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Expects `run` to refuse the font with VDXP_PDF_UNSUPPORTED and a message matching `why`. */
function expectRefused(run: () => unknown, why: RegExp): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(PdfError);
  expect(error).toMatchObject({ code: 'VDXP_PDF_UNSUPPORTED', message: expect.stringMatching(/^the appearance font cannot be embedded: /) });
  expect((error as PdfError).message).toMatch(why);
}

/** Checks every directory checksum and the whole-file checksum (head counted with checkSumAdjustment 0). */
function expectChecksumsValid(font: Buffer): void {
  expect(sum32(font)).toBe(0xb1b0afba);
  for (const [tag, entry] of directoryOf(font)) {
    const data = Buffer.from(table(font, tag));
    if (tag === 'head') data.writeUInt32BE(0, 8);
    expect({ tag, checksum: sum32(data) }).toEqual({ tag, checksum: entry.checksum });
    expect(entry.offset % 4).toBe(0);
  }
  const tags = [...directoryOf(font).keys()];
  expect(tags).toEqual([...tags].sort());
}

describe('the test font builder writes valid fonts', () => {
  test('its checksums, table order and alignment are right, and its format 4 cmap has both kinds of segments', () => {
    expectChecksumsValid(sample());
    expectChecksumsValid(sample({ cmap: 12, locaFormat: 1, numberOfHMetrics: 3 }));
    const sub = table(sample(), 'cmap').subarray(12);
    expect(sub.readUInt16BE(0)).toBe(4);
    const segments = sub.readUInt16BE(6) / 2;
    const rangeOffsets = Array.from({ length: segments }, (_, s) => sub.readUInt16BE(14 + 6 * segments + 2 + 2 * s));
    expect(rangeOffsets.filter((r) => r === 0).length).toBeGreaterThan(1); // idDelta segments, and the final 0xFFFF one
    expect(rangeOffsets.some((r) => r !== 0)).toBe(true);
  });
});

describe('TrueTypeFont reads the metrics of a font', () => {
  test('units per em, glyph count, bounding box, ascent, descent and the cap height of OS/2 come from the font', () => {
    const font = new TrueTypeFont(sample());
    expect(font.unitsPerEm).toBe(1000);
    expect(font.numGlyphs).toBe(13);
    // widest box: advance 630 − 50; tallest box: glyph 12, 500 + 7 × 12
    expect(font.bbox).toEqual([50, 0, 580, 584]);
    expect([font.ascent, font.descent, font.capHeight]).toEqual([800, -200, 700]);
    expect([font.italicAngle, font.fixedPitch, font.subsettable]).toEqual([0, false, true]);
  });

  test('the italic angle and fixed pitch come from post', () => {
    const font = new TrueTypeFont(sample({ italicAngle: -12.5, fixedPitch: true }));
    expect([font.italicAngle, font.fixedPitch]).toEqual([-12.5, true]);
  });

  test('without an OS/2 table the cap height is 70% of the ascent', () => {
    const font = new TrueTypeFont(sample({ omit: ['OS/2'] }));
    expect(font.capHeight).toBe(560);
    expect(font.subsettable).toBe(true);
  });

  test('an old Apple font whose version is \'true\' is read', () => {
    expect(new TrueTypeFont(sample({ sfntVersion: 0x74727565 })).glyphOf(0x41)).toBe(A);
  });

  test('the PostScript name is name id 6, kept to letters, digits and hyphens', () => {
    expect(new TrueTypeFont(sample()).postScriptName).toBe('TestFont-Regular');
    expect(new TrueTypeFont(sample({ postScriptName: 'My Font_Bold (v2)!' })).postScriptName).toBe('MyFontBoldv2');
    expect(new TrueTypeFont(sample({ postScriptName: 'Phông-Chữ Việt' })).postScriptName).toBe('Phng-ChVit');
    expect(new TrueTypeFont(sample({ postScriptName: 'X'.repeat(100) })).postScriptName).toBe('X'.repeat(63));
  });

  test('a font without a name table, or whose name has nothing usable, is called VdxpFont', () => {
    expect(new TrueTypeFont(sample({ omit: ['name'] })).postScriptName).toBe('VdxpFont');
    expect(new TrueTypeFont(sample({ postScriptName: 'Chữ ữ' })).postScriptName).toBe('Ch');
    expect(new TrueTypeFont(sample({ postScriptName: '  ữ_ ' })).postScriptName).toBe('VdxpFont');
  });
});

describe('glyphOf finds the glyph of a character and advanceOf its width', () => {
  test('through cmap format 4: both idDelta and idRangeOffset segments', () => {
    const font = new TrueTypeFont(sample());
    expect([0x41, 0x42].map((cp) => font.glyphOf(cp))).toEqual([A, B]);
    expect([0x61, 0x62].map((cp) => font.glyphOf(cp))).toEqual([a, b]);
    expect([0x65, 0x111, 0x1ec7].map((cp) => font.glyphOf(cp))).toEqual([e, dStroke, eDotCircumflex]);
  });

  test('through cmap format 12, above U+FFFF too', () => {
    const glyphs: TestGlyph[] = [...SAMPLE, { codePoint: 0x1f600, advance: 900, outline: 'box' }, { codePoint: 0x1f601, advance: 910, outline: 'box' }, { codePoint: 0x20000, advance: 1000, outline: 'box' }];
    const font = new TrueTypeFont(makeTestFont({ glyphs, cmap: 12 }));
    expect([0x41, 0x42, 0x61, 0x62, 0x1ec7].map((cp) => font.glyphOf(cp))).toEqual([A, B, a, b, eDotCircumflex]);
    expect([0x1f600, 0x1f601, 0x20000].map((cp) => font.glyphOf(cp))).toEqual([10, 11, 12]);
    expect([0x1f5ff, 0x1f602, 0x10ffff, 0x43].map((cp) => font.glyphOf(cp))).toEqual([0, 0, 0, 0]);
    expect(font.advanceOf(12)).toBe(1000);
  });

  test('a character the font lacks is glyph 0', () => {
    const font = new TrueTypeFont(sample());
    expect([0, 0x20, 0x43, 0x60, 0x63, 0x1b0, 0xfffe, 0xffff, 0x1f600].map((cp) => font.glyphOf(cp))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('a cmap that points past the last glyph gives glyph 0', () => {
    const bytes = edited(makeTestFont({ glyphs: SAMPLE, cmap: 12 }), (f) => table(f, 'cmap').writeUInt32BE(500, 12 + 16 + 8)); // first group: A B → 500, 501
    expect(new TrueTypeFont(bytes).glyphOf(0x41)).toBe(0);
  });

  test('advances are read per glyph; glyphs past numberOfHMetrics take the last advance', () => {
    const font = new TrueTypeFont(sample());
    expect(Array.from({ length: 10 }, (_, g) => font.advanceOf(g))).toEqual([500, ...SAMPLE.map((g) => g.advance)]);
    const short = new TrueTypeFont(sample({ numberOfHMetrics: 3 }));
    expect(Array.from({ length: 13 }, (_, g) => short.advanceOf(g))).toEqual([500, 600, ...Array<number>(11).fill(610)]);
    expect(short.advanceOf(13)).toBe(0);
  });
});

describe('programFor makes a subset of the font', () => {
  test.each([
    ['short loca', {}],
    ['long loca and 3 long metrics', { locaFormat: 1, numberOfHMetrics: 3 }],
    ['a format 12 cmap', { cmap: 12 }],
  ] as const)('with %s: kept glyphs keep their ids, outlines and advances, the others are emptied', (_, options) => {
    const original = sample(options);
    const subset = new TrueTypeFont(original).programFor([A, eDotCircumflex]);
    const kept = new Set([0, A, e, dotBelow, circumflex, eDotCircumflex]);
    const [before, after] = [outlinesOf(original), outlinesOf(subset)];
    const [widths, newWidths] = [advancesOf(original), advancesOf(subset)];
    expect(after).toHaveLength(eDotCircumflex + 1);
    for (let g = 0; g < after.length; g++) {
      if (kept.has(g)) {
        expect({ g, outline: after[g]!.toString('hex'), advance: newWidths[g] }).toEqual({ g, outline: before[g]!.toString('hex'), advance: widths[g] });
        expect(after[g]!.length).toBeGreaterThan(0);
      } else {
        expect({ g, outline: after[g]!.length, advance: newWidths[g] }).toEqual({ g, outline: 0, advance: 0 });
      }
    }
  });

  test('the parts of a kept composite glyph are kept though not asked for, past a scaled part too', () => {
    const after = outlinesOf(new TrueTypeFont(sample()).programFor([eDotCircumflex]));
    expect([e, dotBelow, circumflex].map((g) => after[g]!.length > 0)).toEqual([true, true, true]);
    expect([A, B, b, a].map((g) => after[g]!.length)).toEqual([0, 0, 0, 0]);
  });

  test('glyphs after the last one kept are dropped; the subset has long loca and one metric per glyph', () => {
    const subset = new TrueTypeFont(sample()).programFor([b, A]);
    expect(table(subset, 'maxp').readUInt16BE(4)).toBe(b + 1);
    expect(table(subset, 'hhea').readUInt16BE(34)).toBe(b + 1);
    expect(table(subset, 'head').readInt16BE(50)).toBe(1);
    expect(table(subset, 'loca').length).toBe(4 * (b + 2));
    expect(table(subset, 'hmtx').length).toBe(4 * (b + 1));
  });

  test('.notdef is always kept, and glyph ids past the last glyph are ignored', () => {
    const original = sample();
    const notdef = outlinesOf(original)[0]!;
    for (const asked of [[], [999], [0], [dStroke, 70000]]) {
      const after = outlinesOf(new TrueTypeFont(original).programFor(asked));
      expect(after[0]).toEqual(notdef);
      expect(after).toHaveLength(Math.max(0, ...asked.filter((g) => g < 13)) + 1);
    }
  });

  test('the subset\'s checksums are right: each table\'s, and the whole file\'s through head.checkSumAdjustment', () => {
    expectChecksumsValid(new TrueTypeFont(sample()).programFor([A, eDotCircumflex]));
    expectChecksumsValid(new TrueTypeFont(sample({ locaFormat: 1, omit: ['post', 'OS/2'] })).programFor([]));
  });

  test('the subset has no cmap, as a CIDFont\'s program should not, and the tables a PDF viewer draws with', () => {
    const tags = [...directoryOf(new TrueTypeFont(sample()).programFor([A])).keys()];
    expect(tags).not.toContain('cmap');
    expect(tags).toEqual(expect.arrayContaining(['head', 'hhea', 'loca', 'maxp', 'glyf', 'hmtx', 'OS/2', 'post']));
  });

  test('given its cmap back, the subset is read by TrueTypeFont with the same glyph ids, advances and metrics', () => {
    const bytes = sample({ numberOfHMetrics: 4 });
    const again = new TrueTypeFont(withCmapOf(new TrueTypeFont(bytes).programFor([A, eDotCircumflex]), bytes));
    expect(again.numGlyphs).toBe(eDotCircumflex + 1);
    expect([0x41, 0x65, 0x1ec7, 0x111].map((cp) => again.glyphOf(cp))).toEqual([A, e, eDotCircumflex, 0]);
    expect([A, e, dotBelow, eDotCircumflex, B].map((g) => again.advanceOf(g))).toEqual([600, 620, 620, 620, 0]);
    expect([again.unitsPerEm, again.ascent, again.descent, again.capHeight, again.postScriptName]).toEqual([1000, 800, -200, 700, 'VdxpFont']);
  });

  test('composite glyphs that refer to themselves or to each other do not loop, and parts past the last glyph are ignored', () => {
    const font = new TrueTypeFont(makeTestFont({
      glyphs: [
        { codePoint: 0x41, advance: 500, outline: { components: [1] } },
        { codePoint: 0x42, advance: 500, outline: { components: [3] } },
        { codePoint: 0x43, advance: 500, outline: { components: [2, 400] } },
      ],
    }));
    expect(outlinesOf(font.programFor([1])).map((g) => g.length > 0)).toEqual([true, true]);
    expect(outlinesOf(font.programFor([2])).map((g) => g.length > 0)).toEqual([true, false, true, true]);
  });

  test('a loca entry outside glyf, or running backwards, is refused when the glyph is read', () => {
    const outside = edited(sample(), (f) => table(f, 'loca').writeUInt16BE(0xffff, 2 * (A + 1)));
    const font = new TrueTypeFont(outside);
    expectRefused(() => font.programFor([A]), /its glyph 1 lies outside its glyf table/);
    expect(outlinesOf(font.programFor([b])).length).toBe(b + 1); // the glyphs around it are still read
    const backwards = edited(sample(), (f) => {
      const loca = table(f, 'loca');
      loca.writeUInt16BE(loca.readUInt16BE(2 * eDotCircumflex) - 2, 2 * (eDotCircumflex + 1));
    });
    expectRefused(() => new TrueTypeFont(backwards).programFor([eDotCircumflex]), /its glyph 8 lies outside its glyf table/);
  });

  test('a composite glyph that announces more parts than it has is refused', () => {
    const bytes = edited(sample(), (f) => {
      const start = 2 * table(f, 'loca').readUInt16BE(2 * eDotCircumflex);
      const lastFlags = start + 10 + 8 + 10; // header, part 1 (words), part 2 (words and a scale)
      const glyf = table(f, 'glyf');
      glyf.writeUInt16BE(glyf.readUInt16BE(lastFlags) | 0x0020, lastFlags);
    });
    expectRefused(() => new TrueTypeFont(bytes).programFor([eDotCircumflex]), /its composite glyph 8 is cut short/);
  });
});

describe('the licence of the font (OS/2 fsType) is obeyed', () => {
  test('restricted licence embedding alone is refused', () => {
    expectRefused(() => new TrueTypeFont(sample({ fsType: 0x0002 })), /licence \(OS\/2 fsType: restricted licence embedding\) forbids embedding/);
  });

  test('restricted licence embedding with preview & print or editable embedding is accepted', () => {
    expect(new TrueTypeFont(sample({ fsType: 0x0002 | 0x0004 })).subsettable).toBe(true);
    expect(new TrueTypeFont(sample({ fsType: 0x0002 | 0x0008 })).subsettable).toBe(true);
    expect(new TrueTypeFont(sample({ fsType: 0x0004 })).subsettable).toBe(true);
  });

  test('bitmap embedding only is refused', () => {
    expectRefused(() => new TrueTypeFont(sample({ fsType: 0x0200 })), /bitmap embedding only/);
    expectRefused(() => new TrueTypeFont(sample({ fsType: 0x0200 | 0x0004 })), /bitmap embedding only/);
  });

  test('no subsetting: the whole file is embedded, byte for byte', () => {
    const bytes = sample({ fsType: 0x0100 });
    const font = new TrueTypeFont(bytes);
    expect(font.subsettable).toBe(false);
    const program = font.programFor([A]);
    expect(program.equals(bytes)).toBe(true);
    program.writeUInt32BE(0, 0); // a copy, not a view on the caller's bytes
    expect(bytes.readUInt32BE(0)).toBe(0x00010000);
  });
});

describe('fonts that cannot be embedded are refused with VDXP_PDF_UNSUPPORTED', () => {
  const entry = (f: Buffer, tag: string) => directoryOf(f).get(tag)!.record;
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['an OpenType font with CFF outlines (OTTO)', () => sample({ sfntVersion: 0x4f54544f }), /CFF outlines \(OTTO\)/],
    ['a font collection (ttcf)', () => sample({ sfntVersion: 0x74746366 }), /font collection \(\.ttc\)/],
    ['an unknown version', () => sample({ sfntVersion: 0x00020000 }), /not a TrueType font file/],
    ['a file shorter than 12 bytes', () => sample().subarray(0, 11), /too short for a font/],
    ['an empty file', () => new Uint8Array(0), /too short for a font/],
    ['a file over MAX_FONT_BYTES', () => new Uint8Array(MAX_FONT_BYTES + 1), /over the 33554432 read/],
    ['a table directory longer than the file', () => edited(sample(), (f) => f.writeUInt16BE(200, 4)), /table directory runs past the end/],
    ['a table running past the end of the file', () => edited(sample(), (f) => f.writeUInt32BE(f.length, entry(f, 'glyf') + 12)), /table glyf runs past the end/],
    ['a table starting past the end of the file', () => edited(sample(), (f) => f.writeUInt32BE(f.length + 4, entry(f, 'OS/2') + 8)), /table OS\/2 runs past the end/],
    ['a file cut in the middle of its tables', () => sample().subarray(0, 600), /runs past the end of the file/],
    ...(['head', 'hhea', 'hmtx', 'maxp', 'loca', 'glyf', 'cmap'] as const).map((tag): [string, () => Uint8Array, RegExp] => [`a font without ${tag}`, () => sample({ omit: [tag] }), new RegExp(`it has no ${tag} table`)]),
    ['hhea numberOfHMetrics 0', () => sample({ numberOfHMetrics: 0 }), /numberOfHMetrics \(0\) does not fit its 13 glyphs/],
    ['hhea numberOfHMetrics above the glyph count', () => sample({ numberOfHMetrics: 14 }), /numberOfHMetrics \(14\) does not fit its 13 glyphs/],
    ['a head table too short', () => edited(sample(), (f) => f.writeUInt32BE(40, entry(f, 'head') + 12)), /head table is 40 bytes, shorter than the 54/],
    ['an hmtx table shorter than its long metrics', () => edited(sample(), (f) => f.writeUInt32BE(8, entry(f, 'hmtx') + 12)), /hmtx table is 8 bytes, shorter than the 52/],
    ['a loca table shorter than the glyphs', () => edited(sample(), (f) => table(f, 'maxp').writeUInt16BE(200, 4)), /loca table is 28 bytes, shorter than the 402/],
    ['unitsPerEm 0', () => edited(sample(), (f) => table(f, 'head').writeUInt16BE(0, 18)), /unitsPerEm \(0\) is out of range/],
    ['indexToLocFormat 2', () => edited(sample(), (f) => table(f, 'head').writeInt16BE(2, 50)), /indexToLocFormat \(2\) is unknown/],
    ['no glyphs', () => edited(sample(), (f) => table(f, 'maxp').writeUInt16BE(0, 4)), /it has no glyphs/],
    ['a cmap without a Unicode subtable', () => edited(sample(), (f) => table(f, 'cmap').writeUInt16BE(1, 4)), /no Unicode cmap subtable/],
    ['a cmap format 4 subtable cut short', () => edited(sample(), (f) => table(f, 'cmap').writeUInt16BE(0xfffe, 12 + 6)), /cmap format 4 subtable is cut short/],
    ['a cmap format 12 subtable cut short', () => edited(sample({ cmap: 12 }), (f) => table(f, 'cmap').writeUInt32BE(0x00ffffff, 12 + 12)), /cmap format 12 subtable is cut short/],
  ];
  test.each(cases)('%s', (_, bytes, why) => {
    expectRefused(() => new TrueTypeFont(bytes()), why);
  });
});

/** A deterministic pseudo-random source (Marsaglia's xorshift32): a failing case can be replayed from its number. */
function randomSource(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { below: (n: number) => next() % n, pick: <T>(items: readonly T[]): T => items[next() % items.length]! };
}

type Random = ReturnType<typeof randomSource>;

/** The font with one random kind of damage, and a description of it. */
function damaged(font: Buffer, r: Random): { bytes: Buffer; recipe: string } {
  const tags = [...directoryOf(font).keys()];
  switch (tags.length > 0 ? r.below(7) : r.pick([0, 3, 4, 6])) {
    case 0: {
      const changes = Array.from({ length: 1 + r.below(6) }, () => [r.below(font.length), r.below(256)] as const);
      return { bytes: edited(font, (f) => changes.forEach(([at, v]) => (f[at] = v))), recipe: `set bytes ${changes.map(([at, v]) => `[${at}]=${v}`).join(' ')}` };
    }
    case 1: {
      // a 16-bit field of a table set to an edge value: counts, offsets, formats, flags
      const tag = r.pick(tags);
      const t = directoryOf(font).get(tag)!;
      const at = t.offset + 2 * r.below(Math.max(1, t.length >> 1));
      const value = r.pick([0, 1, 2, 3, 0x7fff, 0x8000, 0xfffe, 0xffff, r.below(0x10000), r.below(64)]);
      return { bytes: edited(font, (f) => f.writeUInt16BE(value, Math.min(at, f.length - 2))), recipe: `word ${at} (in ${tag}) = ${value}` };
    }
    case 2: {
      // a directory entry's offset or length set to a near value
      const tag = r.pick(tags);
      const field = r.pick([8, 12] as const);
      const value = r.below(font.length + 64);
      return { bytes: edited(font, (f) => f.writeUInt32BE(value, directoryOf(f).get(tag)!.record + field)), recipe: `${tag} ${field === 8 ? 'offset' : 'length'} = ${value}` };
    }
    case 3: {
      const length = r.below(font.length);
      return { bytes: font.subarray(0, length), recipe: `cut to ${length} bytes` };
    }
    case 4: {
      const extra = Buffer.from(Array.from({ length: 1 + r.below(64) }, () => r.below(256)));
      return { bytes: Buffer.concat([font, extra]), recipe: `grown by ${extra.toString('hex')}` };
    }
    case 5: {
      // a table moved to the very end of the file, unpadded, so that reading past it fails
      const tag = r.pick(tags);
      const moved = Buffer.concat([font, table(font, tag)]);
      moved.writeUInt32BE(font.length, directoryOf(font).get(tag)!.record + 8);
      return { bytes: moved, recipe: `${tag} moved to the end` };
    }
    default: {
      const at = r.below(font.length);
      const extra = Buffer.from(Array.from({ length: 1 + r.below(16) }, () => r.below(256)));
      return { bytes: Buffer.concat([font.subarray(0, at), extra, font.subarray(at)]), recipe: `${extra.toString('hex')} inserted at ${at}` };
    }
  }
}

describe('hostile font files give VDXP_PDF_UNSUPPORTED, never another error', () => {
  /**
   * Everything an appearance does with a font, then the subset read again (with the font's cmap),
   * where the glyphs used must keep their ids and advances.
   */
  function useFont(bytes: Uint8Array): 'read' | 'refused' {
    try {
      const font = new TrueTypeFont(bytes);
      const codePoints = [0x41, 0x61, 0x62, 0x1ec7, 0x111, 0x1f600, 0xffff];
      const glyphs = codePoints.map((cp) => font.glyphOf(cp));
      const again = new TrueTypeFont(withCmapOf(font.programFor(glyphs), bytes));
      const before = glyphs.map((g) => [g, font.advanceOf(g)]);
      const after = codePoints.map((cp) => again.glyphOf(cp)).map((g) => [g, again.advanceOf(g)]);
      if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`the subset changed glyphs or advances: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      return 'read';
    } catch (error) {
      if (error instanceof PdfError && error.code === 'VDXP_PDF_UNSUPPORTED' && error.message.startsWith('the appearance font cannot be embedded: ')) return 'refused';
      throw error;
    }
  }

  test('500 randomly damaged fonts (bytes changed, fields set to edge values, directory entries or tables moved, cut, grown)', () => {
    const bases = [sample(), sample({ cmap: 12, locaFormat: 1, numberOfHMetrics: 5 }), sample({ fsType: 0x0100 })];
    const r = randomSource(0x5eed);
    const crashes = new Map<string, string>();
    const outcomes = { read: 0, refused: 0 };
    const started = Date.now();
    for (let i = 0; i < 500; i++) {
      const base = i % bases.length;
      let { bytes, recipe } = damaged(bases[base]!, r);
      if (r.below(3) === 0 && bytes.length >= 12 && bytes.length >= 12 + 16 * bytes.readUInt16BE(4)) {
        const again = damaged(bytes, r);
        [bytes, recipe] = [again.bytes, `${recipe}; then ${again.recipe}`];
      }
      try {
        outcomes[useFont(bytes)]++;
      } catch (error) {
        const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
        const key = stack.split('\n').slice(0, 3).join(' | ');
        if (!crashes.has(key)) crashes.set(key, `case ${i} (base font ${base}, ${recipe}):\n${stack}`);
      }
    }
    expect([...crashes.values()]).toEqual([]);
    // the damage must leave both kinds of outcome, or the loop proves nothing
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(outcomes.read + outcomes.refused).toBe(500);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('a cmap format 4 subtable with an odd segCountX2 that ends the file is not read past its end', () => {
    const base = sample();
    // one segment (0000–FFFF) whose arrays start at odd offsets; the subtable is exactly long
    // enough for the size check (rangeOffsets + segCountX2 ≤ end) but not for the last read
    const subtable = Buffer.concat([Buffer.from([0, 4, 0, 20, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0]), Buffer.from([0xff, 0xff, 0, 0, 0, 0])]);
    const cmap = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12]), subtable]);
    const bytes = Buffer.concat([base, cmap]);
    const record = directoryOf(base).get('cmap')!.record;
    bytes.writeUInt32BE(base.length, record + 8);
    bytes.writeUInt32BE(cmap.length, record + 12);
    expect(useFont(bytes)).toMatch(/^(read|refused)$/);
  });
});

describe('shapeLine draws a line with the font', () => {
  test('each character becomes its glyph id in hex, the width is units × size / unitsPerEm', () => {
    const font = new TrueTypeFont(sample());
    const used = new Map<number, string>();
    const line = shapeLine(font, 'ABa', 12, used);
    expect(line.hex).toBe('000100020004');
    expect(line.width).toBeCloseTo(((600 + 610 + 630) * 12) / 1000, 10);
    expect([...used]).toEqual([[A, 'A'], [B, 'B'], [a, 'a']]);
    expect(shapeLine(font, 'AA', 10, used)).toEqual({ hex: '00010001', width: 12 });
    expect(used.size).toBe(3);
  });

  test('a decomposed character is normalised (NFC) to the precomposed glyph the font has', () => {
    const font = new TrueTypeFont(sample());
    for (const text of ['e\u0323\u0302', 'e\u0302\u0323', '\u1ec7']) {
      const used = new Map<number, string>();
      expect(shapeLine(font, text, 20, used)).toEqual({ hex: '0008', width: (510 * 20) / 1000 });
      expect([...used]).toEqual([[eDotCircumflex, '\u1ec7']]);
    }
  });

  test('a character without a precomposed glyph is drawn as its base letter and combining marks when the font has them', () => {
    // e, combining dot below, combining circumflex; no ệ
    const marksOnly = new TrueTypeFont(
      makeTestFont({
        glyphs: [
          { codePoint: 0x65, advance: 500, outline: 'box' },
          { codePoint: 0x323, advance: 0, outline: 'box' },
          { codePoint: 0x302, advance: 0, outline: 'box' },
        ],
      }),
    );
    const used = new Map<number, string>();
    expect(shapeLine(marksOnly, '\u1ec7e', 10, used)).toEqual({ hex: '0001000200030001', width: 10 });
    expect([...used]).toEqual([[1, 'e'], [2, '\u0323'], [3, '\u0302']]);
    // one mark missing: the character is named, not drawn in part
    const noCircumflex = new TrueTypeFont(makeTestFont({ glyphs: [{ codePoint: 0x65, advance: 500, outline: 'box' }, { codePoint: 0x323, advance: 0, outline: 'box' }] }));
    expect(thrown(() => shapeLine(noCircumflex, '\u1ec7', 10, new Map()))).toMatchObject({ code: 'VDXP_PDF_UNSUPPORTED', message: expect.stringContaining('"ệ" (U+1EC7)') });
  });

  test('characters the font lacks are all named, once each, with their U+ code', () => {
    const font = new TrueTypeFont(sample());
    const error = thrown(() => shapeLine(font, 'Aư C😀ư', 12, new Map()));
    expect(error).toBeInstanceOf(PdfError);
    expect(error).toMatchObject({
      code: 'VDXP_PDF_UNSUPPORTED',
      message: 'the appearance font TestFont-Regular has no glyph for "ư" (U+01B0), " " (U+0020), "C" (U+0043), "😀" (U+1F600)',
    });
  });
});

describe('toUnicodeCMap maps glyph ids back to text', () => {
  test('glyphs are listed in id order; a character above U+FFFF is written as a UTF-16 surrogate pair', () => {
    const cmap = toUnicodeCMap(new Map([[0x1234, '😀'], [1, 'A'], [8, 'ệ']]));
    expect(cmap).toContain('3 beginbfchar\n<0001> <0041>\n<0008> <1ec7>\n<1234> <d83dde00>\nendbfchar');
    expect(cmap).toContain('1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange');
  });

  test('more than 100 glyphs are split into blocks of at most 100', () => {
    const glyphs = new Map(Array.from({ length: 250 }, (_, i) => [i + 1, String.fromCharCode(0x4e00 + i)] as const));
    const cmap = toUnicodeCMap(glyphs);
    expect([...cmap.matchAll(/(\d+) beginbfchar/g)].map((m) => Number(m[1]))).toEqual([100, 100, 50]);
    expect(cmap.match(/endbfchar/g)).toHaveLength(3);
    const entries = [...cmap.matchAll(/^<([0-9a-f]{4})> <([0-9a-f]+)>$/gm)].map((m) => [parseInt(m[1]!, 16), parseInt(m[2]!, 16)]);
    expect(entries).toEqual([...glyphs].map(([g, ch]) => [g, ch.codePointAt(0)]));
    expect([...toUnicodeCMap(new Map([...glyphs].slice(0, 100))).matchAll(/(\d+) beginbfchar/g)].map((m) => m[1])).toEqual(['100']);
  });
});

describe('subsetTag names a subset', () => {
  test('six capital letters, the same for the same glyphs in any order, different for other glyphs', () => {
    expect(subsetTag([3, 1, 2])).toMatch(/^[A-Z]{6}$/);
    expect(subsetTag([3, 1, 2])).toBe(subsetTag([1, 2, 3]));
    expect(subsetTag([1, 2, 3])).not.toBe(subsetTag([1, 2, 4]));
  });
});
