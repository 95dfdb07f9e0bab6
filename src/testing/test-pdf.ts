/**
 * A small, valid PDF for tests and the demo, written by hand: A4 pages with a line of text in
 * Helvetica, a classic xref table or a cross-reference stream (with the non-stream objects in
 * an object stream, FlateDecode and the PNG predictor), optionally padded to a size.
 * @module
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';
import { contentStreamString, toAsciiText } from '../signature/pdf/ascii-text.js';
import { PdfDict, PdfRef, type PdfValue } from '../signature/pdf/pdf-object.js';
import { pdfDict, pdfName, pdfString } from '../signature/pdf/pdf-serializer.js';
import { writeSection, type ObjectToWrite } from '../signature/pdf/pdf-writer.js';

/** Zod schema of {@link TestPdfOptions}. */
export const TestPdfOptionsSchema = z.strictObject({
  /** Number of pages. @defaultValue 1 */
  pages: z.number().int().min(1).max(1000).default(1),
  /** The text drawn on each page (Vietnamese is transliterated to ASCII). @defaultValue 'Van ban thu nghiem' */
  text: z.string().max(200).default('Văn bản thử nghiệm'),
  /** Cross-reference form. @defaultValue 'table' */
  xref: z.enum(['table', 'stream']).default('table'),
  /** Pad page 1 with a content stream of comments until the file has at least this many bytes. */
  sizeBytes: z.number().int().min(0).max(2 ** 31).optional(),
});

/** Options of {@link createTestPdf}. */
export type TestPdfOptions = z.input<typeof TestPdfOptionsSchema>;

const HEADER = Buffer.concat([Buffer.from('%PDF-1.7\n%', 'latin1'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n', 'latin1')]);

/**
 * Writes a test PDF.
 * @throws {ConfigError} VDXP_CONFIG_INVALID for invalid options
 * @example
 * ```ts
 * const pdf = createTestPdf({ pages: 2, xref: 'stream' });
 * const signed = await signPdf(pdf, { key: pki.person.privateKey, certificate: pki.person.certificate });
 * ```
 */
export function createTestPdf(options: TestPdfOptions = {}): Uint8Array {
  const parsed = TestPdfOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError('createTestPdf', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  const o = parsed.data;
  const first = build(o, 0);
  if (o.sizeBytes === undefined || first.length >= o.sizeBytes) return new Uint8Array(first);
  let padding = o.sizeBytes - first.length;
  for (let i = 0; i < 3; i++) {
    const out = build(o, padding);
    if (out.length >= o.sizeBytes) return new Uint8Array(out);
    padding += o.sizeBytes - out.length;
  }
  return new Uint8Array(build(o, padding + 64));
}

function build(o: z.output<typeof TestPdfOptionsSchema>, paddingBytes: number): Buffer {
  const ref = (n: number) => new PdfRef(n, 0);
  const catalog = ref(1);
  const pages = ref(2);
  const font = ref(3);
  const info = ref(4);
  let next = 5;
  const pageRefs: PdfRef[] = [];
  const contentRefs: PdfRef[] = [];
  for (let i = 0; i < o.pages; i++) {
    pageRefs.push(ref(next++));
    contentRefs.push(ref(next++));
  }
  const padRef = paddingBytes > 0 ? ref(next++) : undefined;

  const dicts: { ref: PdfRef; value: PdfValue }[] = [
    { ref: catalog, value: pdfDict({ Type: pdfName('Catalog'), Pages: pages }) },
    { ref: pages, value: pdfDict({ Type: pdfName('Pages'), Kids: pageRefs, Count: o.pages }) },
    { ref: font, value: pdfDict({ Type: pdfName('Font'), Subtype: pdfName('Type1'), BaseFont: pdfName('Helvetica'), Encoding: pdfName('WinAnsiEncoding') }) },
    { ref: info, value: pdfDict({ Producer: pdfString('vdxp-connector test PDF'), Title: pdfString(toAsciiText(o.text)) }) },
  ];
  const streams: ObjectToWrite[] = [];
  pageRefs.forEach((p, i) => {
    const contents: PdfValue = i === 0 && padRef ? [contentRefs[i]!, padRef] : contentRefs[i]!;
    dicts.push({
      ref: p,
      value: pdfDict({
        Type: pdfName('Page'),
        Parent: pages,
        MediaBox: [0, 0, 595, 842],
        Resources: pdfDict({ Font: pdfDict({ F1: font }) }),
        Contents: contents,
      }),
    });
    const line = contentStreamString(`${toAsciiText(o.text)} - ${i + 1}/${o.pages}`);
    const data = Buffer.from(`BT /F1 14 Tf 72 760 Td ${line} Tj ET\n`, 'latin1');
    streams.push({ ref: contentRefs[i]!, value: { dict: new PdfDict(), data } });
  });
  if (padRef) streams.push({ ref: padRef, value: { dict: new PdfDict(), data: paddingStream(paddingBytes) } });
  const id = pdfString(new Uint8Array(createHash('md5').update(`${o.text}|${o.pages}|${o.xref}|${paddingBytes}`).digest()));
  const trailer = pdfDict({ Root: catalog, Info: info, ID: [id, id] });
  return writeSection({
    baseLength: 0,
    prefix: HEADER,
    objects: streams,
    compressed: dicts,
    form: o.xref,
    trailer,
    nextObject: next,
    freeHead: true,
    pngPredictor: true,
  });
}

/** Comment lines (ignored by renderers) adding up to about `bytes` bytes. */
function paddingStream(bytes: number): Buffer {
  const line = '% vdxp-connector padding: this line is a comment in a page content stream.\n';
  const n = Math.max(1, Math.floor(bytes / line.length));
  return Buffer.from(line.repeat(n), 'latin1');
}
