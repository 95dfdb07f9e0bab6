import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { isVdxpError } from '../../../src/errors.js';
import { PdfDict, PdfName, PdfRef, type PdfValue } from '../../../src/signature/pdf/pdf-object.js';
import { pdfString } from '../../../src/signature/pdf/pdf-serializer.js';
import { signPdf } from '../../../src/signature/pdf/sign-pdf.js';
import { verifyPdf } from '../../../src/signature/pdf/verify-pdf.js';
import type { TrustStore } from '../../../src/signature/trust-store.js';
import { createTestPdf } from '../../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { appendUpdate, latin1, trustFor } from '../../helpers/pdf-tools.js';

let pki: TestPki;
let trust: TrustStore;
let signed: Uint8Array;
const codes = (reasons: readonly { code: string }[]) => reasons.map((r) => r.code);
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

beforeAll(async () => {
  pki = await createTestPki();
  trust = trustFor(pki);
  signed = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate });
});

/** The signed PDF with its /ByteRange text replaced (same width, so nothing else moves). */
function withByteRange(values: readonly number[]): Uint8Array {
  const text = latin1(signed);
  const at = text.lastIndexOf('/ByteRange [');
  const end = text.indexOf(']', at);
  const slot = end - at - '/ByteRange ['.length;
  const out = new Uint8Array(signed);
  out.set(bytes(values.join(' ').padEnd(slot, ' ')), at + '/ByteRange ['.length);
  return out;
}

function signedRange(): [number, number, number, number] {
  const text = latin1(signed);
  const at = text.lastIndexOf('/ByteRange [');
  return text.slice(at + 12, text.indexOf(']', at)).trim().split(/\s+/).map(Number) as [number, number, number, number];
}

describe('hostile signature dictionaries give a report', () => {
  test.each([
    ['outside the file', (r: number[]) => [0, r[1]!, r[2]!, r[3]! + 100], 'the ranges reach past the end of the file'],
    ['overlapping', (r: number[]) => [0, r[1]!, r[1]! - 10, r[3]! + r[2]! - r[1]! + 10], 'the ranges overlap or are empty'],
    ['not starting at 0', (r: number[]) => [5, r[1]!, r[2]!, r[3]!], 'the first range does not start at 0'],
    ['a gap that is not the signature value', (r: number[]) => [0, r[1]! + 2, r[2]!, r[3]!], 'the gap between the ranges is not exactly the signature value'],
    ['three numbers', (r: number[]) => [0, r[1]!, r[2]!], '/ByteRange is not four non-negative integers'],
  ])('a /ByteRange %s is BYTE_RANGE_INVALID', async (_, change, detail) => {
    const report = await verifyPdf(withByteRange(change(signedRange())), { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.signatures[0]!.reasons).toEqual([expect.objectContaining({ code: 'BYTE_RANGE_INVALID', severity: 'error', message: expect.stringContaining(detail) })]);
  });

  test('/Contents larger than the limit is CONTENTS_TOO_LARGE', async () => {
    const report = await verifyPdf(signed, { trust, maxContentsBytes: 1024 });
    expect(codes(report.signatures[0]!.reasons)).toEqual(['CONTENTS_TOO_LARGE']);
  });

  test('a signature field whose /V points nowhere is SIGNATURE_DICTIONARY_MISSING', async () => {
    const broken = appendUpdate(createTestPdf(), (doc, next) => {
      const field = next();
      const af = next();
      const dict = new PdfDict(new Map<string, PdfValue>([['FT', new PdfName('Sig')], ['T', pdfString('Ghost')], ['V', new PdfRef(9999, 0)]]));
      return [
        { ref: field, value: dict },
        { ref: af, value: new PdfDict(new Map<string, PdfValue>([['Fields', [field]]])) },
        { ref: doc.trailer.get('Root') as PdfRef, value: doc.catalog!.with({ AcroForm: af }) },
      ];
    });
    const report = await verifyPdf(broken, { trust });
    expect(report.signatures[0]).toMatchObject({ field: 'Ghost', verdict: 'invalid' });
    expect(codes(report.signatures[0]!.reasons)).toEqual(['SIGNATURE_DICTIONARY_MISSING']);
  });

  test('form fields that loop through /Kids are reported, not followed forever', async () => {
    const looped = appendUpdate(createTestPdf(), (doc, next) => {
      const a = next();
      const b = next();
      const af = next();
      const field = (kid: PdfRef, t: string) => new PdfDict(new Map<string, PdfValue>([['T', pdfString(t)], ['Kids', [kid]]]));
      return [
        { ref: a, value: field(b, 'A') },
        { ref: b, value: field(a, 'B') },
        { ref: af, value: new PdfDict(new Map<string, PdfValue>([['Fields', [a]]])) },
        { ref: doc.trailer.get('Root') as PdfRef, value: doc.catalog!.with({ AcroForm: af }) },
      ];
    });
    const report = await verifyPdf(looped, { trust });
    expect(report.signatures).toEqual([]);
    expect(report.reasons).toContainEqual(expect.objectContaining({ code: 'SIGNATURE_DICTIONARY_MALFORMED', severity: 'warning', message: expect.stringContaining('a loop') }));
  });

  test('indirect references that loop (an AcroForm that is a reference to itself, a /Length that refers to its own object) end', async () => {
    const looped = appendUpdate(createTestPdf(), (doc, next) => {
      const a = next();
      const b = next();
      const s = next();
      return [
        { ref: a, value: b },
        { ref: b, value: a },
        { ref: s, value: { raw: bytes(`<</Length ${s.num} 0 R>>\nstream\nabc\nendstream`) } },
        { ref: doc.trailer.get('Root') as PdfRef, value: doc.catalog!.with({ AcroForm: a, Extra: s }) },
      ];
    });
    const report = await verifyPdf(looped, { trust });
    expect(report).toMatchObject({ verdict: 'indeterminate', signatures: [] });
  });

  test('an empty signature field is listed, not verified', async () => {
    const { preparePdfSignature } = await import('../../../src/signature/pdf/prepare-signature.js');
    const withField = appendUpdate(createTestPdf(), (doc, next) => {
      const field = next();
      const af = next();
      const dict = new PdfDict(new Map<string, PdfValue>([['FT', new PdfName('Sig')], ['T', pdfString('ForDirector')], ['Type', new PdfName('Annot')], ['Subtype', new PdfName('Widget')], ['Rect', [300, 100, 500, 160]]]));
      return [
        { ref: field, value: dict },
        { ref: af, value: new PdfDict(new Map<string, PdfValue>([['Fields', [field]]])) },
        { ref: doc.trailer.get('Root') as PdfRef, value: doc.catalog!.with({ AcroForm: af }) },
      ];
    });
    expect((await verifyPdf(withField, { trust })).emptySignatureFields).toEqual(['ForDirector']);
    const filled = await signPdf(withField, { key: pki.person.privateKey, certificate: pki.person.certificate, field: 'ForDirector', appearance: { preset: 'person' } });
    const report = await verifyPdf(filled, { trust });
    expect(report.emptySignatureFields).toEqual([]);
    expect(report.signatures[0]).toMatchObject({ field: 'ForDirector', verdict: 'valid' });
    expect(() => preparePdfSignature(filled, { field: 'ForDirector' })).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_EXISTS' }));
  });
});

describe('hostile files are refused with a typed error or read with a warning', () => {
  test('not a PDF: VDXP_PDF_MALFORMED', async () => {
    await expect(verifyPdf(bytes('<?xml version="1.0"?><edXML/>'), { trust })).rejects.toMatchObject({ code: 'VDXP_PDF_MALFORMED' });
    await expect(verifyPdf(bytes('%PDF-1.7\nnothing else'), { trust })).rejects.toMatchObject({ code: 'VDXP_PDF_MALFORMED' });
  });

  test.each(['table', 'stream'] as const)('a broken startxref (%s xref): objects are found by a bounded scan and it is reported', async (xref) => {
    const pdf = latin1(createTestPdf({ xref }));
    const broken = bytes(pdf.replace(/startxref\n\d+/, 'startxref\n999999'));
    const report = await verifyPdf(broken, { trust });
    expect(report.xrefReconstructed).toBe(true);
    expect(codes(report.reasons)).toEqual(['PDF_XREF_RECONSTRUCTED', 'PDF_NOT_SIGNED']);
  });

  test('garbage appended after a signed file: the signature still verifies, coverage is partial, nothing changed', async () => {
    const appended = new Uint8Array(Buffer.concat([signed, Buffer.from('\nstartxref\n12\n%%EOF\n')]));
    const report = await verifyPdf(appended, { trust });
    expect(report.xrefReconstructed).toBe(true);
    expect(report.signatures[0]).toMatchObject({ verdict: 'valid', coversWholeFile: false, digestValid: true, changesAfter: [] });
  });

  test('an incremental update with objects but no cross-reference is still seen as a change', async () => {
    const contentNum = Number(/\/Contents (\d+) 0 R/.exec(latin1(signed))![1]);
    const sneaky = new Uint8Array(Buffer.concat([signed, Buffer.from(`${contentNum} 0 obj\n<</Length 20>>\nstream\nBT (changed) Tj ET  \nendstream\nendobj\n`)]));
    const report = await verifyPdf(sneaky, { trust });
    expect(report.signatures[0]!.verdict).toBe('invalid');
    expect(report.changesAfterSigning).toContainEqual(expect.objectContaining({ kind: 'content', unreferenced: true }));
  });

  test('a /Prev chain that loops is reported and rebuilt by scanning', async () => {
    const pdf = latin1(createTestPdf());
    const xrefAt = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    const looped = bytes(pdf.replace('/Size ', `/Prev ${xrefAt} /Size `));
    const report = await verifyPdf(looped, { trust });
    expect(report.reasons[0]).toMatchObject({ code: 'PDF_XREF_RECONSTRUCTED', message: expect.stringContaining('loops') });
  });

  test('an xref subsection claiming a billion entries falls back to the scan', async () => {
    const pdf = latin1(createTestPdf());
    const huge = bytes(pdf.replace(/xref\n0 (\d+)/, 'xref\n0 999999999'));
    expect((await verifyPdf(huge, { trust })).xrefReconstructed).toBe(true);
  });

  test('a cross-reference stream whose /Index claims two billion entries: VDXP_PDF_LIMIT', async () => {
    const pdf = latin1(createTestPdf({ xref: 'stream' }));
    const huge = bytes(pdf.replace(/\/Index \[[^\]]*\]/, (m) => `/Index [0 2000000000]${' '.repeat(Math.max(0, m.length - 21))}`));
    await expect(verifyPdf(huge, { trust })).rejects.toMatchObject({ code: 'VDXP_PDF_LIMIT' });
  });

  test('a catalog nested 10 000 levels deep: VDXP_PDF_LIMIT', async () => {
    const pdf = latin1(createTestPdf());
    const deep = bytes(pdf.replace('/Type /Catalog', `/Type /Catalog /X ${'['.repeat(10_000)}${']'.repeat(10_000)}`));
    await expect(verifyPdf(deep, { trust })).rejects.toMatchObject({ code: 'VDXP_PDF_LIMIT' });
  });

  test('a cross-reference stream that inflates past the limit (a zip bomb): VDXP_PDF_LIMIT', async () => {
    const bomb = deflateSync(Buffer.alloc(70 * 1024 * 1024));
    const head = '%PDF-1.7\n';
    const obj = Buffer.concat([Buffer.from(`1 0 obj\n<</Type /XRef /Size 3 /W [1 4 2] /Root 2 0 R /Filter /FlateDecode /Length ${bomb.length}>>\nstream\n`), bomb, Buffer.from('\nendstream\nendobj\n')]);
    const file = Buffer.concat([Buffer.from(head), obj, Buffer.from(`startxref\n${head.length}\n%%EOF\n`)]);
    await expect(verifyPdf(new Uint8Array(file), { trust })).rejects.toMatchObject({ code: 'VDXP_PDF_LIMIT' });
  });

  test('random corruption of a signed PDF never crashes: a report or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: signed.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat({ max: signed.length }), { nil: undefined }),
        async (edits, cut) => {
          const mutated = new Uint8Array(signed);
          for (const [at, value] of edits) mutated[at] = value;
          const input = cut === undefined ? mutated : mutated.subarray(0, cut);
          try {
            const report = await verifyPdf(input, { trust });
            expect(['valid', 'invalid', 'indeterminate']).toContain(report.verdict);
          } catch (e) {
            expect(isVdxpError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
