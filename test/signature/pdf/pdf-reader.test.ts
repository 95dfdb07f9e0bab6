import { createHash, sign as cryptoSign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, test } from 'vitest';
import { certificateFromDer } from '../../../src/signature/certificate.js';
import { toAsciiText } from '../../../src/signature/pdf/ascii-text.js';
import { PdfDocument } from '../../../src/signature/pdf/pdf-document.js';
import { PdfDict, PdfString } from '../../../src/signature/pdf/pdf-object.js';
import { PdfParser } from '../../../src/signature/pdf/pdf-parser.js';
import { objectOffsets, scanObjects } from '../../../src/signature/pdf/xref-reader.js';
import { decodePdfText, encodePdfText, parsePdfDate } from '../../../src/signature/pdf/pdf-text.js';
import { preparePdfSignature } from '../../../src/signature/pdf/prepare-signature.js';
import { signerRoleOf } from '../../../src/signature/pdf/signer-role.js';
import { verifyPdf } from '../../../src/signature/pdf/verify-pdf.js';
import { createTestPdf } from '../../../src/testing/test-pdf.js';
import { issueCertificate } from '../../../src/testing/issue-certificate.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { trustFor } from '../../helpers/pdf-tools.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

describe('PdfDocument', () => {
  test('a cross-reference stream with the PNG predictor, and dictionaries inside an object stream', () => {
    const doc = PdfDocument.open(createTestPdf({ xref: 'stream', pages: 3 }));
    expect(doc.sections).toHaveLength(1);
    expect(doc.sections[0]!.form).toBe('stream');
    expect(doc.sections[0]!.trailer.get('DecodeParms')).toBeInstanceOf(PdfDict);
    expect(doc.object(1)!.inObjectStream).toBeDefined();
    expect(doc.catalog!.name('Type')).toBe('Catalog');
    expect(doc.dict(doc.catalog!.get('Pages'))!.get('Count')).toBe(3);
    expect(doc.firstPage()!.dict.name('Type')).toBe('Page');
  });

  test('createTestPdf pads to the size asked with a content stream of comments', () => {
    const pdf = createTestPdf({ sizeBytes: 300_000 });
    expect(pdf.length).toBeGreaterThanOrEqual(300_000);
    expect(pdf.length).toBeLessThan(301_000);
    expect(Array.isArray(PdfDocument.open(pdf).firstPage()!.dict.get('Contents'))).toBe(true);
  });

  test('each incremental update is a revision', () => {
    const prepared = preparePdfSignature(createTestPdf());
    const doc = PdfDocument.open(prepared.pdf);
    expect(doc.revisions.map((r) => r.index)).toEqual([0, 1]);
    expect(doc.revisions[1]!.end).toBe(prepared.pdf.length);
  });

  test('revisions are found from each cross-reference section, as the first %%EOF after it, without scanning the whole file; a %%EOF inside a stream is not one', () => {
    const base = Buffer.from(createTestPdf({ pages: 2, sizeBytes: 200_000 }));
    const prevXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(base.toString('latin1'))![1]);
    const trailer = /trailer\s*(<<[\s\S]*?>>)\s*startxref/.exec(base.toString('latin1'))![1]!.replace(/>>\s*$/, ` /Prev ${prevXref} >>`);
    const decoy = 'not a revision\n%%EOF\nstill the stream\n';
    const body = `9 0 obj\n<< /Length ${decoy.length} >>\nstream\n${decoy}\nendstream\nendobj\n`;
    const xref = base.length + body.length;
    const full = Buffer.concat([base, Buffer.from(`${body}xref\n9 1\n${String(base.length).padStart(10, '0')} 00000 n \ntrailer\n${trailer}\nstartxref\n${xref}\n%%EOF\n`, 'latin1')]);
    const doc = PdfDocument.open(full);
    expect(doc.reconstructed).toBeUndefined();
    // the rule applied to every marker in the file gives the same revisions
    const text = full.toString('latin1');
    const markers: number[] = [];
    for (let at = text.indexOf('%%EOF'); at >= 0; at = text.indexOf('%%EOF', at + 5)) markers.push(at);
    expect(markers).toHaveLength(3);
    const endOf = (at: number) => at + 5 + (text[at + 5] === '\r' ? 1 : 0) + (text[at + 5 + (text[at + 5] === '\r' ? 1 : 0)] === '\n' ? 1 : 0);
    const expected = [...new Set(doc.sections.map((s) => markers.map(endOf).find((e) => e > s.offset)!))].sort((a, b) => a - b);
    expect(doc.revisions.map((r) => r.end)).toEqual(expected);
    expect(doc.revisions.map((r) => r.end)).toEqual([base.length, full.length]);
  });

  test('openPrefix reads a prefix exactly as opening those bytes does, at every kind of cut around %%EOF', () => {
    // Two incremental updates, the middle one with CRLF after %%EOF, one with LF only.
    const base = Buffer.from(createTestPdf({ pages: 2 }));
    const update = (prev: Buffer, eol: string) => {
      const start = prev.length;
      const body = `3 0 obj\n<< /Count ${start} >>\nendobj\n`;
      const xref = start + body.length;
      const prevXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(prev.toString('latin1'))![1]);
      const trailer = /trailer\s*(<<[\s\S]*?>>)\s*startxref/.exec(prev.toString('latin1'))?.[1] ?? '<< /Size 10 /Root 1 0 R >>';
      const cleaned = trailer.replace(/\/Prev \d+/, '').replace(/>>\s*$/, ` /Prev ${prevXref} >>`);
      return Buffer.concat([prev, Buffer.from(`${body}xref\n3 1\n${String(start).padStart(10, '0')} 00000 n \ntrailer\n${cleaned}\nstartxref\n${xref}\n%%EOF${eol}`, 'latin1')]);
    };
    const full = update(update(base, '\r\n'), '\n');
    const doc = PdfDocument.open(full);
    expect(doc.revisions.length).toBeGreaterThanOrEqual(3);
    const text = full.toString('latin1');
    const cuts = new Set<number>([0, 1, 100, full.length, full.length + 10]);
    for (let at = text.indexOf('%%EOF'); at >= 0; at = text.indexOf('%%EOF', at + 5)) for (let d = -3; d <= 8; d++) cuts.add(at + d);
    for (let i = 0; i < 20; i++) cuts.add(Math.floor((full.length * (i + 0.5)) / 20));
    const shape = (d: PdfDocument) => ({
      revisions: d.revisions,
      sections: d.sections.map((s) => [s.offset, s.form, [...s.entries.keys()]]),
      reconstructed: d.reconstructed,
      trailer: d.trailer.get('Root'),
      objects: d.objectNumbers(),
    });
    for (const cut of [...cuts].filter((c) => c >= 0)) {
      let expected: unknown;
      let actual: unknown;
      try {
        expected = shape(PdfDocument.open(full.subarray(0, cut)));
      } catch (e) {
        expected = (e as { code?: string }).code ?? String(e);
      }
      try {
        actual = shape(doc.openPrefix(cut));
      } catch (e) {
        actual = (e as { code?: string }).code ?? String(e);
      }
      expect(actual, `cut at ${cut}`).toEqual(expected);
    }
  });

  test('literal strings with escapes, hex strings, references and offsets', () => {
    const src = new Uint8Array(Buffer.from('<</A (a\\(b\\)\\n\\101\\\nz) /B <4E 6f7> /C [1 0 R 2 -3.5 /N#20x] /D true>>', 'latin1'));
    const d = new PdfParser(src).value() as PdfDict;
    expect(Buffer.from((d.get('A') as PdfString).bytes).toString('latin1')).toBe('a(b)\nAz');
    const b = d.get('B') as PdfString;
    expect(Buffer.from(b.bytes).toString('latin1')).toBe('Nop');
    expect([b.start, b.end, b.hex]).toEqual([26, 34, true]);
    const c = d.get('C') as unknown[];
    expect(c).toHaveLength(4);
    expect(c[0]).toMatchObject({ num: 1, gen: 0 });
    expect(c.slice(1, 3)).toEqual([2, -3.5]);
    expect(c[3]).toMatchObject({ name: 'N x' });
    expect(d.get('D')).toBe(true);
  });

  test('hex strings: white space skipped, an odd digit count padded with 0, any other character refused wherever it is', () => {
    const hex = (s: string) => Buffer.from((new PdfParser(new Uint8Array(Buffer.from(s, 'latin1'))).value() as PdfString).bytes).toString('hex');
    expect(hex('<>')).toBe('');
    expect(hex('<4e6F7>')).toBe('4e6f70');
    expect(hex('<4 e\r\n6\tF\f7\x000>')).toBe('4e6f70');
    expect(hex(`<${'00'.repeat(20000)}3082>`)).toBe('00'.repeat(20000) + '3082');
    // The zero padding of /Contents: trailing 0 digits, decoded without reading them as text.
    expect(hex(`<3082${'0'.repeat(9000)}>`)).toBe('3082' + '00'.repeat(4500));
    expect(hex(`<308${'0'.repeat(9001)}>`)).toBe('3080' + '00'.repeat(4500));
    expect(hex(`<3${'0'.repeat(4096)}>`)).toBe('30' + '00'.repeat(2048));
    expect(hex(`<${'0'.repeat(8193)}>`)).toBe('00'.repeat(4097));
    expect(hex(`<3082 ${'0'.repeat(5000)}\n00>`)).toBe('3082' + '00'.repeat(2501));
    expect(hex(`<a\n${'0'.repeat(4095)}>`)).toBe('a0' + '00'.repeat(2047));
    for (const bad of ['<4g>', '<g4>', '<4e6f7g>', '<4e6fz>', `<${'00'.repeat(5000)}0x00>`, '<4e-6f>', '<4e\x016f>', `<${'0'.repeat(5000)}g${'0'.repeat(5000)}>`, `<g${'0'.repeat(4096)}>`]) {
      expect(() => new PdfParser(new Uint8Array(Buffer.from(bad, 'latin1'))).value(), bad).toThrow(/invalid hex string/);
    }
  });
});

describe('object markers', () => {
  const limits = { maxObjects: 1000, maxSections: 10, maxDecodedBytes: 1 << 20, maxDepth: 64, maxItems: 1000 };
  const text = '1 0 obj\n<< /A (x) >>\nendobj\n2 0 obj\n<< /B 1 >>\nendobj\n3 0 obj\n<< /Broken (\nendobj\n1 0 obj\n<< /C 2 >>\nendobj\nxobj 4 0 objx\n';
  const bytes = new Uint8Array(Buffer.from(text, 'latin1'));

  test('objectOffsets: where each object starts, the last definition counting, an unreadable one included', () => {
    const offsets = objectOffsets(bytes, limits);
    expect([...offsets.keys()].sort()).toEqual([1, 2, 3]);
    expect(offsets.get(1)?.offset).toBe(text.lastIndexOf('1 0 obj'));
    expect(offsets.get(3)?.offset).toBe(text.indexOf('3 0 obj'));
    expect(() => objectOffsets(bytes, { ...limits, maxObjects: 3 })).toThrow(expect.objectContaining({ code: 'VDXP_PDF_LIMIT' }));
  });

  test('scanObjects finds the same objects', () => {
    expect(scanObjects(bytes, limits).offsets).toEqual(objectOffsets(bytes, limits));
  });
});

describe('PDF text and dates', () => {
  test('text strings: UTF-16BE with BOM, BOM-less UTF-8 from Vietnamese producers, PDFDocEncoding', () => {
    expect(decodePdfText(encodePdfText('Nguyễn Văn An'))).toBe('Nguyễn Văn An');
    expect(decodePdfText(new Uint8Array(Buffer.from('Hà Nội', 'utf8')))).toBe('Hà Nội');
    expect(decodePdfText(new Uint8Array([0x41, 0x84, 0xe9]))).toBe('A—é');
    expect(Buffer.from(encodePdfText('Reason')).toString('latin1')).toBe('Reason');
  });

  test('D: dates with and without an offset', () => {
    expect(parsePdfDate("D:20240501103000+07'00'")).toEqual({ date: new Date('2024-05-01T03:30:00Z'), explicitZone: true });
    expect(parsePdfDate('D:20240501033000Z')!.date.toISOString()).toBe('2024-05-01T03:30:00.000Z');
    expect(parsePdfDate('D:2024')).toEqual({ date: new Date('2024-01-01T00:00:00Z'), explicitZone: false });
    expect(parsePdfDate('yesterday')).toBeUndefined();
    expect(toAsciiText('Người ký: Đặng Thị Ưng')).toBe('Nguoi ky: Dang Thi Ung');
  });
});

describe('signer role from the certificate subject', () => {
  const subjectOf = async (subject: Parameters<typeof issueCertificate>[0]['subject']) => {
    const e = await issueCertificate({ subject, keyType: 'ec', notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) });
    return certificateFromDer(e.certificate).pkijs.subject;
  };

  test('the test PKI: person by personal id, organisation by tax code', () => {
    expect(signerRoleOf(certificateFromDer(pki.person.certificate).pkijs.subject)).toEqual({ role: 'person', basis: 'personal-id' });
    expect(signerRoleOf(certificateFromDer(pki.organization.certificate).pkijs.subject)).toEqual({ role: 'organization', basis: 'organization-id' });
  });

  test.each([
    [[['O', 'Sở Y tế tỉnh Nghệ An'], ['CN', 'Sở Y tế tỉnh Nghệ An']], 'organization', 'cn-equals-o'],
    [[['O', 'UBND tỉnh Nghệ An'], ['CN', 'Văn phòng UBND tỉnh']], 'organization', 'organization-name'],
    [[['O', 'Bộ Tài chính'], ['title', 'Vụ trưởng'], ['CN', 'Bộ Tài chính']], 'person', 'title'],
    [[['O', 'Trường THPT Lê Lợi'], ['CN', 'Trương Văn Minh']], 'person', 'default'],
    [[['O', 'Truong THPT'], ['CN', 'Truong THPT Le Loi 2']], 'person', 'default'],
    [[['CN', 'UY BAN NHAN DAN XA AN HOA']], 'organization', 'organization-name'],
  ] as const)('%j → %s (%s)', async (subject, role, basis) => {
    expect(signerRoleOf(await subjectOf(subject))).toEqual({ role, basis });
  });
});

describe('adbe.pkcs7.sha1 (legacy): the signed content is the SHA-1 digest of the byte ranges', () => {
  test('verifies with legacy warnings, and is refused when the policy refuses SHA-1', async () => {
    const prepared = preparePdfSignature(createTestPdf(), { placeholderSize: 8192 });
    const pdf = new Uint8Array(prepared.pdf);
    const text = Buffer.from(pdf).toString('latin1');
    const at = text.lastIndexOf('/SubFilter /adbe.pkcs7.detached');
    pdf.set(Buffer.from('/SubFilter /adbe.pkcs7.sha1    ', 'latin1'), at);
    const [, b, c] = prepared.byteRange;
    const content = createHash('sha1').update(pdf.subarray(0, b)).update(pdf.subarray(c)).digest();
    const cert = certificateFromDer(pki.person.certificate).pkijs;
    const sha1 = () => new pkijs.AlgorithmIdentifier({ algorithmId: '1.3.14.3.2.26', algorithmParams: new asn1js.Null() });
    const attrs = [
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })] }),
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: createHash('sha1').update(content).digest() })] }),
    ];
    const toSign = new asn1js.Set({ value: attrs.map((x) => x.toSchema()) }).toBER(false);
    const signer = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      digestAlgorithm: sha1(),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.1', algorithmParams: new asn1js.Null() }),
      signature: new asn1js.OctetString({ valueHex: cryptoSign('sha1', Buffer.from(toSign), pki.person.privateKey) }),
    });
    const sd = new pkijs.SignedData({
      version: 1,
      digestAlgorithms: [sha1()],
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1', eContent: new asn1js.OctetString({ valueHex: content }) }),
      certificates: [cert],
      signerInfos: [signer],
    });
    const cms = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: sd.toSchema(true) }).toSchema().toBER(false);
    pdf.set(Buffer.from(Buffer.from(cms).toString('hex'), 'latin1'), prepared.contentsOffset + 1);

    const trust = trustFor(pki);
    const [s] = (await verifyPdf(pdf, { trust })).signatures;
    expect(s).toMatchObject({ subFilter: 'adbe.pkcs7.sha1', verdict: 'valid', digestValid: true, cmsSignatureValid: true, algorithms: { digest: 'SHA-1' } });
    expect(s!.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['SUBFILTER_LEGACY', 'ALGORITHM_LEGACY_SHA1']));
    const strict = await verifyPdf(pdf, { trust, policy: { allowLegacySha1: false } });
    expect(strict.signatures[0]!.verdict).toBe('invalid');
    expect(strict.signatures[0]!.reasons.map((r) => r.code)).toContain('ALGORITHM_SHA1_REFUSED');
    const changed = new Uint8Array(pdf);
    changed[20] = changed[20]! ^ 1;
    expect((await verifyPdf(changed, { trust })).signatures[0]!.digestValid).toBe(false);
  });
});
