import { constants, createHash, createPrivateKey, privateEncrypt, sign as cryptoSign } from 'node:crypto';
import { toVietnamTimestamp } from '../../../src/edxml/vietnam-time.js';
import { formatPdfDate } from '../../../src/signature/pdf/pdf-text.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { PdfDocument } from '../../../src/signature/pdf/pdf-document.js';
import { embedPdfSignature, preparePdfSignature } from '../../../src/signature/pdf/prepare-signature.js';
import { signPdf } from '../../../src/signature/pdf/sign-pdf.js';
import { verifyPdf } from '../../../src/signature/pdf/verify-pdf.js';
import type { TrustStore } from '../../../src/signature/trust-store.js';
import { createTestPdf } from '../../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { latin1, trustFor } from '../../helpers/pdf-tools.js';

let pki: TestPki;
let trust: TrustStore;

beforeAll(async () => {
  pki = await createTestPki();
  trust = trustFor(pki);
});

describe('preparePdfSignature and embedPdfSignature (external signing)', () => {
  test('the digest is the SHA-256 of the byte ranges; a signer that only signs the signed attributes completes it', async () => {
    const pdf = createTestPdf({ xref: 'stream' });
    const time = new Date(Math.floor(pki.now.getTime() / 1000) * 1000 - 3_600_000);
    const prepared = preparePdfSignature(pdf, { field: 'ChuKyGiamDoc', reason: 'Phê duyệt', signingTime: time, certificate: pki.person.certificatePem });
    const [a, b, c, d] = prepared.byteRange;
    expect(a).toBe(0);
    expect(c + d).toBe(prepared.pdf.length);
    expect(prepared.pdf.subarray(0, pdf.length)).toEqual(pdf);
    const expected = createHash('sha256').update(prepared.pdf.subarray(0, b)).update(prepared.pdf.subarray(c)).digest();
    expect(Buffer.from(prepared.digest).equals(expected)).toBe(true);
    expect(latin1(prepared.pdf)).toContain(`/ByteRange [${prepared.byteRange.join(' ')}`);
    expect(latin1(prepared.pdf)).toContain(`/M (${formatPdfDate(time)})`);
    expect(formatPdfDate(new Date('2024-05-01T03:30:00Z'))).toBe("D:20240501103000+07'00'");

    const attrs = prepared.signedAttributes(pki.person.certificate);
    expect(attrs[0]).toBe(0x31); // a DER SET
    const signature = cryptoSign('sha256', attrs, pki.person.privateKey);
    const signed = embedPdfSignature(prepared, prepared.createCms({ certificate: pki.person.certificate, signature }));
    expect(signed.length).toBe(prepared.pdf.length);
    const report = await verifyPdf(signed, { trust });
    expect(report.signatures[0]).toMatchObject({ field: 'ChuKyGiamDoc', verdict: 'valid', reason: 'Phê duyệt', name: 'Nguyễn Văn An', claimedSigningTime: time.toISOString() });
  });

  test('the new section uses the file\'s cross-reference form and /Prev points to the previous section', () => {
    for (const xref of ['table', 'stream'] as const) {
      const pdf = createTestPdf({ xref });
      const prepared = preparePdfSignature(pdf);
      const doc = PdfDocument.open(prepared.pdf);
      expect(doc.sections.map((s) => s.form)).toEqual([xref, xref]);
      expect(doc.sections[0]!.trailer.get('Prev')).toBe(doc.sections[1]!.offset);
      expect(doc.revisions).toHaveLength(2);
    }
  });

  test('a CMS larger than the placeholder is refused with VDXP_PDF_SIGNATURE_TOO_LARGE', () => {
    const prepared = preparePdfSignature(createTestPdf(), { placeholderSize: 1024 });
    const signature = cryptoSign('sha256', prepared.signedAttributes(pki.person.certificate), pki.person.privateKey);
    const cms = prepared.createCms({ certificate: pki.person.certificate, chain: [pki.subCa.certificate, pki.root.certificate], signature });
    expect(cms.length).toBeGreaterThan(1024);
    expect(() => embedPdfSignature(prepared, cms)).toThrow(expect.objectContaining({ code: 'VDXP_PDF_SIGNATURE_TOO_LARGE' }));
  });

  test('a CMS made for another preparation, or not a CMS, is refused', () => {
    const one = preparePdfSignature(createTestPdf(), { signingTime: new Date('2024-01-01T00:00:00Z') });
    const other = preparePdfSignature(createTestPdf({ text: 'khac' }));
    const signature = cryptoSign('sha256', other.signedAttributes(pki.person.certificate), pki.person.privateKey);
    const foreign = other.createCms({ certificate: pki.person.certificate, signature });
    expect(() => embedPdfSignature(one, foreign)).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_MALFORMED', message: expect.stringContaining('not made for this prepared PDF') }));
    expect(() => embedPdfSignature(one, new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_MALFORMED' }));
  });

  test('options are checked once: unknown keys give VDXP_CONFIG_INVALID', () => {
    expect(() => preparePdfSignature(createTestPdf(), { feild: 'x' } as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
  });

  test('an encrypted PDF or one without a readable cross-reference is not signed', () => {
    const encrypted = new Uint8Array(Buffer.from(latin1(createTestPdf()).replace('/Root 1 0 R', '/Root 1 0 R /Encrypt 4 0 R'), 'latin1'));
    expect(() => preparePdfSignature(encrypted)).toThrow(expect.objectContaining({ code: 'VDXP_PDF_UNSUPPORTED' }));
    const broken = new Uint8Array(Buffer.from(latin1(createTestPdf()).replace(/startxref\n\d+/, 'startxref\n5'), 'latin1'));
    expect(() => preparePdfSignature(broken)).toThrow(expect.objectContaining({ code: 'VDXP_PDF_MALFORMED' }));
  });
});

describe('signPdf', () => {
  test('an external signer: sign(signedAttributesDer) and signDigest(digest) both produce valid signatures', async () => {
    const key = createPrivateKey(pki.organization.privateKeyPem);
    const seen: Uint8Array[] = [];
    const viaSign = await signPdf(createTestPdf(), {
      key: { sign: async (data: Uint8Array) => (seen.push(data), new Uint8Array(cryptoSign('sha256', data, key))) },
      certificate: pki.organization.certificatePem,
    });
    expect(seen[0]![0]).toBe(0x31);
    expect((await verifyPdf(viaSign, { trust })).signatures[0]!.verdict).toBe('valid');
    const viaDigest = await signPdf(createTestPdf(), {
      key: {
        signDigest: async (_digest: Uint8Array, request: { digestInfo: Uint8Array }) =>
          new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, request.digestInfo)),
      },
      certificate: pki.organization.certificate,
    });
    expect((await verifyPdf(viaDigest, { trust })).signatures[0]!.verdict).toBe('valid');
  });

  test('a key that does not match the certificate gives an invalid signature; a failing external signer is KEY_UNUSABLE', async () => {
    const wrong = await signPdf(createTestPdf(), { key: pki.organization.privateKey, certificate: pki.person.certificate });
    expect((await verifyPdf(wrong, { trust })).signatures[0]).toMatchObject({ verdict: 'invalid', cmsSignatureValid: false });
    await expect(
      signPdf(createTestPdf(), { key: { sign: async () => Promise.reject(new Error('token removed')) }, certificate: pki.person.certificate }),
    ).rejects.toMatchObject({ code: 'VDXP_SIGNATURE_KEY_UNUSABLE' });
  });

  test('SHA-1 and short RSA keys are refused for new signatures', async () => {
    const weak = await createTestPki({ rsaBits: 1024 });
    await expect(signPdf(createTestPdf(), { key: weak.person.privateKey, certificate: weak.person.certificate })).rejects.toMatchObject({ code: 'VDXP_SIGNATURE_POLICY' });
  });

  test('a certification signature must be the first one', async () => {
    const once = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate });
    await expect(signPdf(once, { key: pki.organization.privateKey, certificate: pki.organization.certificate, certify: true })).rejects.toMatchObject({ code: 'VDXP_SIGNATURE_POLICY' });
  });

  test('the placeholder grows when a large chain and timestamp do not fit the estimate', async () => {
    const chain = Array.from({ length: 6 }, () => pki.subCa.certificatePem);
    const signed = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate, chain, placeholderSize: undefined });
    const report = await verifyPdf(signed, { trust });
    expect(report.signatures[0]!.certificates).toHaveLength(7);
    await expect(signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate, chain, placeholderSize: 1024 })).rejects.toMatchObject({ code: 'VDXP_PDF_SIGNATURE_TOO_LARGE' });
  });

  test('the appearance keeps Vietnamese in /TU and /Name, and draws ASCII with Helvetica', async () => {
    const time = new Date(Math.floor(pki.now.getTime() / 1000) * 1000);
    const signed = await signPdf(createTestPdf(), {
      key: pki.organization.privateKey, certificate: pki.organization.certificate, signingTime: time,
      appearance: { preset: 'organization', documentCode: '12/QĐ-BTN' },
    });
    const doc = PdfDocument.open(signed);
    const field = doc.dict((doc.resolve(doc.dict(doc.catalog!.get('AcroForm'))!.get('Fields')) as unknown[])[0] as never)!;
    const tu = Buffer.from((field.get('TU') as { bytes: Uint8Array }).bytes);
    expect(tu.subarray(0, 2)).toEqual(Buffer.from([0xfe, 0xff]));
    expect(Buffer.from(tu.subarray(2)).swap16().toString('utf16le')).toBe(`Văn phòng Bộ Thử nghiệm\nSố, ký hiệu: 12/QĐ-BTN\nThời gian ký: ${toVietnamTimestamp(time)}`);
    const rect = field.get('Rect') as number[];
    expect(rect[2]).toBe(595 - 28);
    expect(rect[3]).toBe(842 - 28);
    const ap = doc.resolve(doc.dict(field.get('AP'))!.get('N')) as { raw: Uint8Array };
    const stream = latin1(ap.raw);
    expect(stream).toContain('(So, ky hieu: 12/QD-BTN) Tj');
    expect(stream).toContain(`(Thoi gian ky: ${toVietnamTimestamp(time)}) Tj`);
    expect((await verifyPdf(signed, { trust })).signatures[0]!.verdict).toBe('valid');
  });
});
