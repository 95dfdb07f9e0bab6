/**
 * The PDF objects of a TrueType font embedded for an appearance: a `Type0` font with
 * `Identity-H` encoding (two bytes per glyph id), its `CIDFontType2` descendant with the
 * glyphs' widths and `CIDToGIDMap /Identity`, the font descriptor, the font program (a
 * subset, Flate-compressed, `FontFile2`) and a `ToUnicode` CMap so that the text can be
 * searched and copied.
 * @internal
 * @module
 */
import { deflateSync } from 'node:zlib';
import { PdfError } from '../../errors.js';
import { PdfRef, type PdfValue } from './pdf-object.js';
import { pdfDict, pdfName, pdfString } from './pdf-serializer.js';
import type { ObjectToWrite } from './pdf-writer.js';
import { subsetTag, type TrueTypeFont } from './truetype-font.js';

/** Text shown with an embedded font: the glyphs used, each with the text it stands for. */
export interface EmbeddedText {
  readonly font: TrueTypeFont;
  /** Glyph id → the characters it draws. */
  readonly glyphs: ReadonlyMap<number, string>;
}

/**
 * Glyphs of a line with this font: hex for a content stream (`<0041…>`), the width in
 * points at `size`, and each glyph recorded in `used`. Text is normalised to precomposed
 * characters (NFC); a character the font has no precomposed glyph for is drawn as its base
 * letter and combining marks when the font has those (placed by the marks' own offsets, as
 * no positioning table is applied).
 * @throws {PdfError} VDXP_PDF_UNSUPPORTED naming the characters the font has no glyph for
 */
export function shapeLine(font: TrueTypeFont, line: string, size: number, used: Map<number, string>): { hex: string; width: number } {
  let hex = '';
  let units = 0;
  const missing = new Set<string>();
  for (const ch of line.normalize('NFC')) {
    let parts = [ch];
    if (font.glyphOf(ch.codePointAt(0)!) === 0) {
      const decomposed = [...ch.normalize('NFD')];
      if (decomposed.length < 2 || decomposed.some((c) => font.glyphOf(c.codePointAt(0)!) === 0)) {
        missing.add(ch);
        continue;
      }
      parts = decomposed;
    }
    for (const part of parts) {
      const glyph = font.glyphOf(part.codePointAt(0)!);
      if (!used.has(glyph)) used.set(glyph, part);
      hex += glyph.toString(16).padStart(4, '0');
      units += font.advanceOf(glyph);
    }
  }
  if (missing.size > 0) {
    const list = [...missing].map((c) => `${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
    throw new PdfError('VDXP_PDF_UNSUPPORTED', `the appearance font ${font.postScriptName} has no glyph for ${list}`);
  }
  return { hex, width: (units * size) / font.unitsPerEm };
}

/** The objects of the font, numbered from `next`; `font` is the reference for `/Resources`. */
export function embeddedFontObjects(text: EmbeddedText, next: number): { font: PdfRef; objects: ObjectToWrite[]; next: number } {
  const { font, glyphs } = text;
  const ids = [...glyphs.keys()].sort((a, b) => a - b);
  const baseName = font.subsettable ? `${subsetTag(ids)}+${font.postScriptName}` : font.postScriptName;
  const scale = (v: number) => Math.round((v * 1000) / font.unitsPerEm);
  const [type0, cid, descriptor, file, toUnicode] = [0, 1, 2, 3, 4].map((i) => new PdfRef(next + i, 0)) as [PdfRef, PdfRef, PdfRef, PdfRef, PdfRef];
  const program = font.programFor(ids);
  const widths: PdfValue[] = [];
  for (const g of ids) widths.push(g, [scale(font.advanceOf(g))]);
  const objects: ObjectToWrite[] = [
    {
      ref: type0,
      value: pdfDict({
        Type: pdfName('Font'), Subtype: pdfName('Type0'), BaseFont: pdfName(baseName), Encoding: pdfName('Identity-H'), DescendantFonts: [cid], ToUnicode: toUnicode,
      }),
    },
    {
      ref: cid,
      value: pdfDict({
        Type: pdfName('Font'), Subtype: pdfName('CIDFontType2'), BaseFont: pdfName(baseName),
        CIDSystemInfo: pdfDict({ Registry: pdfString('Adobe'), Ordering: pdfString('Identity'), Supplement: 0 }),
        FontDescriptor: descriptor, DW: 1000, W: widths, CIDToGIDMap: pdfName('Identity'),
      }),
    },
    {
      ref: descriptor,
      value: pdfDict({
        Type: pdfName('FontDescriptor'), FontName: pdfName(baseName), Flags: 4 | (font.fixedPitch ? 1 : 0),
        FontBBox: font.bbox.map(scale), ItalicAngle: font.italicAngle, Ascent: scale(font.ascent), Descent: scale(font.descent),
        CapHeight: scale(font.capHeight), StemV: 80, FontFile2: file,
      }),
    },
    { ref: file, value: { dict: pdfDict({ Filter: pdfName('FlateDecode'), Length1: program.length }), data: deflateSync(program) } },
    { ref: toUnicode, value: { dict: pdfDict({}), data: new Uint8Array(Buffer.from(toUnicodeCMap(glyphs), 'latin1')) } },
  ];
  return { font: type0, objects, next: next + 5 };
}

/** A ToUnicode CMap mapping each glyph id (two bytes) to its characters (UTF-16BE). */
export function toUnicodeCMap(glyphs: ReadonlyMap<number, string>): string {
  const entries = [...glyphs].sort((a, b) => a[0] - b[0]);
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    blocks.push(`${block.length} beginbfchar`);
    for (const [g, chars] of block) blocks.push(`<${g.toString(16).padStart(4, '0')}> <${Buffer.from(chars, 'utf16le').swap16().toString('hex')}>`);
    blocks.push('endbfchar');
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
    '',
  ].join('\n');
}
