/**
 * Visible signature appearances with the presets of Nghị định 30/2020 (Appendix I):
 * `organization` — the issuing body's text block at the top right of the first page of an
 * appendix or copy (body, number and notation, signing time in ISO 8601 with +07:00);
 * `person` — the block with `Người ký`, `Cơ quan`, `Chức vụ`, `Thời gian ký`.
 *
 * Text choice: with a `font` (the bytes of a TrueType `.ttf` covering Vietnamese, such as
 * DejaVu Sans or Noto Sans), the text is drawn in Vietnamese with that font, embedded as a
 * subset of the glyphs used (a few KB), with a ToUnicode map so that viewers copy and search
 * it. Without one it is drawn with the standard Helvetica font (nothing embedded, and any
 * viewer renders it), whose WinAnsiEncoding cannot encode Vietnamese letters, so the
 * appearance stream carries the text transliterated to ASCII (`Nguoi ky: Nguyen Van An`).
 * Either way the full Vietnamese text is kept where text strings are Unicode: the
 * signature's `/Name` and `/Reason`, and the field's `/TU` (tooltip).
 * @module
 */
import { z } from 'zod';
import { toVietnamTimestamp } from '../../edxml/vietnam-time.js';
import { contentStreamString, toAsciiText } from './ascii-text.js';
import { shapeLine, type EmbeddedText } from './embedded-font.js';
import { MAX_FONT_BYTES, TrueTypeFont } from './truetype-font.js';

/** Fonts already read, by the bytes given (a server signing many documents gives the same ones). */
const fonts = new WeakMap<Uint8Array, TrueTypeFont>();

/**
 * The font of these bytes, read once.
 * @throws {PdfError} VDXP_PDF_UNSUPPORTED naming why the font cannot be embedded
 */
export function appearanceFont(bytes: Uint8Array): TrueTypeFont {
  let font = fonts.get(bytes);
  if (!font) {
    font = new TrueTypeFont(bytes);
    fonts.set(bytes, font);
  }
  return font;
}

const FontBytesSchema = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected the bytes of a TrueType font (.ttf)')
  .superRefine((bytes, ctx) => {
    if (bytes.length > MAX_FONT_BYTES) {
      ctx.addIssue({ code: 'custom', message: `a font file of at most ${MAX_FONT_BYTES} bytes` });
      return;
    }
    try {
      appearanceFont(bytes);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    }
  });

/** Helvetica advance widths (1/1000 em) for codes 32–126. */
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
  278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
  611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** Width of ASCII text in Helvetica at a size, in points. */
export function helveticaWidth(ascii: string, size: number): number {
  let w = 0;
  for (const ch of ascii) w += HELVETICA[(ch.codePointAt(0) ?? 63) - 32] ?? 556;
  return (w * size) / 1000;
}

/**
 * A visible signature. Texts missing here are taken from the signer's certificate when it is
 * known (CN, O, title).
 * @example
 * ```ts
 * SignatureAppearanceSchema.parse({ preset: 'organization', documentCode: '12/QĐ-BTN' });
 * SignatureAppearanceSchema.parse({ preset: 'person', position: 'Giám đốc' });
 * ```
 */
export const SignatureAppearanceSchema = z.strictObject({
  /** `person`: the signer's block; `organization`: the body's block at the top right of page 1. */
  preset: z.enum(['person', 'organization']),
  /** `Người ký`. @defaultValue the certificate's CN */
  signer: z.string().max(200).optional(),
  /** `Cơ quan`. @defaultValue the certificate's O (CN for an organisation certificate) */
  organization: z.string().max(200).optional(),
  /** `Chức vụ`. @defaultValue the certificate's title */
  position: z.string().max(200).optional(),
  /** Number and notation of the document (`Số, ký hiệu`), e.g. `12/QĐ-BTN`. */
  documentCode: z.string().max(100).optional(),
  /** Where on page 1, `[x1, y1, x2, y2]` in points. @defaultValue top right (organization) or bottom right (person) */
  rect: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
  /** Font size in points. @defaultValue 9 */
  fontSize: z.number().min(4).max(24).default(9),
  /**
   * A TrueType font (`.ttf` bytes, glyf outlines; not `.otf` with CFF outlines, not `.ttc`)
   * to draw the text in Vietnamese, embedded as a subset. Refused when its licence
   * (OS/2 `fsType`) forbids embedding; signing fails with `VDXP_PDF_UNSUPPORTED` when it
   * lacks a glyph the text needs. @defaultValue none: Helvetica, text transliterated to ASCII
   */
  font: FontBytesSchema.optional(),
});
/** A visible signature's description. */
export type SignatureAppearance = z.input<typeof SignatureAppearanceSchema>;

/** The appearance, laid out. */
export interface LaidOutAppearance {
  readonly rect: readonly [number, number, number, number];
  /** The appearance stream's content (BBox is `[0 0 width height]`). */
  readonly content: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** The lines in Vietnamese (for `/TU`). */
  readonly lines: readonly string[];
  /** With a `font`: the font and the glyphs the content draws (to embed); else Helvetica. */
  readonly embedded?: EmbeddedText;
}

/** The lines of a preset. */
export function appearanceLines(a: z.output<typeof SignatureAppearanceSchema>, signingTime: Date): string[] {
  const time = toVietnamTimestamp(signingTime);
  if (a.preset === 'organization') {
    return [a.organization ?? a.signer ?? '', a.documentCode ? `Số, ký hiệu: ${a.documentCode}` : '', `Thời gian ký: ${time}`].filter((l) => l !== '');
  }
  return [
    `Người ký: ${a.signer ?? ''}`,
    a.organization ? `Cơ quan: ${a.organization}` : '',
    a.position ? `Chức vụ: ${a.position}` : '',
    `Thời gian ký: ${time}`,
  ].filter((l) => l !== '');
}

/** Lays out a preset on a page of the given MediaBox. */
export function layOutAppearance(a: z.output<typeof SignatureAppearanceSchema>, signingTime: Date, mediaBox: readonly [number, number, number, number]): LaidOutAppearance {
  const lines = appearanceLines(a, signingTime);
  const size = a.fontSize;
  // each line as a content-stream string and its width
  let shown: { text: string; width: number }[];
  let embedded: EmbeddedText | undefined;
  if (a.font) {
    const font = appearanceFont(a.font);
    const glyphs = new Map<number, string>();
    shown = lines.map((l) => {
      const { hex, width } = shapeLine(font, l, size, glyphs);
      return { text: `<${hex}>`, width };
    });
    embedded = { font, glyphs };
  } else {
    shown = lines.map((l) => {
      const ascii = toAsciiText(l);
      return { text: contentStreamString(ascii), width: helveticaWidth(ascii, size) };
    });
  }
  const leading = Math.round(size * 1.25 * 100) / 100;
  const pad = 5;
  const textWidth = Math.max(...shown.map((l) => l.width));
  const [px1, py1, px2, py2] = mediaBox;
  let rect: [number, number, number, number];
  if (a.rect) {
    rect = [...a.rect];
  } else {
    const w = Math.ceil(textWidth + 2 * pad);
    const h = Math.ceil(shown.length * leading + 2 * pad);
    const margin = 28;
    rect = a.preset === 'organization' ? [px2 - margin - w, py2 - margin - h, px2 - margin, py2 - margin] : [px2 - margin - w, py1 + 56, px2 - margin, py1 + 56 + h];
    if (rect[0] < px1) rect = [px1, rect[1], px1 + w, rect[3]];
  }
  const width = Math.abs(rect[2] - rect[0]);
  const height = Math.abs(rect[3] - rect[1]);
  const color = a.preset === 'organization' ? '0.75 0 0' : '0 0 0.6';
  const f = (n: number) => String(Math.round(n * 100) / 100);
  const ops = [
    'q',
    `${color} RG 0.8 w 0.4 0.4 ${f(width - 0.8)} ${f(height - 0.8)} re S`,
    `BT /F1 ${size} Tf ${color} rg ${leading} TL ${pad} ${f(height - pad - size)} Td`,
    ...shown.map((l, i) => `${i === 0 ? '' : 'T* '}${l.text} Tj`),
    'ET',
    'Q',
  ];
  return { rect, content: new Uint8Array(Buffer.from(ops.join('\n') + '\n', 'latin1')), width, height, lines, ...(embedded ? { embedded } : {}) };
}
