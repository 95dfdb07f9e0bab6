import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, test } from 'vitest';
import { PdfDict, PdfName, PdfRef } from '../../../src/signature/pdf/pdf-object.js';
import { signPdf } from '../../../src/signature/pdf/sign-pdf.js';
import { verifyPdf } from '../../../src/signature/pdf/verify-pdf.js';
import type { TrustStore } from '../../../src/signature/trust-store.js';
import { createTestPdf } from '../../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { createTestTimestampToken } from '../../../src/testing/test-timestamp.js';
import type { TestEntity } from '../../../src/testing/issue-certificate.js';
import { trustFor } from '../../helpers/pdf-tools.js';

let pki: TestPki;
let trust: TrustStore;
const HOUR = 3_600_000;

const sign = (pdf: Uint8Array, who: TestEntity, extra: Record<string, unknown> = {}) =>
  signPdf(pdf, { key: who.privateKey, certificate: who.certificate, ...extra });
const codes = (reasons: readonly { code: string }[]) => reasons.map((r) => r.code);

beforeAll(async () => {
  pki = await createTestPki();
  trust = trustFor(pki);
});

describe('verifyPdf on PDFs signed by signPdf', () => {
  test.each([
    ['table', 'adbe.pkcs7.detached'],
    ['stream', 'adbe.pkcs7.detached'],
    ['table', 'ETSI.CAdES.detached'],
    ['stream', 'ETSI.CAdES.detached'],
  ] as const)('one signature (%s xref, %s) is valid, covers the whole file, and names its signer', async (xref, subFilter) => {
    const signed = await sign(createTestPdf({ xref }), pki.person, { subFilter, reason: 'Ký ban hành', location: 'Hà Nội' });
    const report = await verifyPdf(signed, { trust });
    expect(report.verdict).toBe('valid');
    expect(report.revisions).toBe(2);
    expect(report.wholeFileCovered).toBe(true);
    const [s] = report.signatures;
    expect(s).toMatchObject({
      field: 'Signature1', subFilter, verdict: 'valid', coversWholeFile: true, revision: 1, digestValid: true, cmsSignatureValid: true,
      reason: 'Ký ban hành', location: 'Hà Nội', name: 'Nguyễn Văn An', role: 'person', roleBasis: 'personal-id',
      signer: { commonName: 'Nguyễn Văn An' }, issuer: { commonName: 'CA phục vụ các cơ quan Nhà nước (thử nghiệm)' },
      revocation: { status: 'good', method: 'crl' }, algorithms: { digest: 'SHA-256' }, timeSource: 'claimed',
    });
    expect(s!.byteRange![0]).toBe(0);
    expect(s!.byteRange![2]! + s!.byteRange![3]!).toBe(signed.length);
    expect(codes(s!.reasons)).toContain('TIME_CLAIMED');
    if (subFilter === 'ETSI.CAdES.detached') expect(s!.claimedSigningTime).toBeUndefined();
    else expect(s!.claimedSigningTime).toBeDefined();
  });

  test('person then organisation: both valid, the first keeps its validity, the document is legally complete', async () => {
    for (const xref of ['table', 'stream'] as const) {
      const once = await sign(createTestPdf({ xref, pages: 2 }), pki.person, { certify: true, appearance: { preset: 'person' } });
      const twice = await sign(once, pki.organization, { subFilter: 'ETSI.CAdES.detached', appearance: { preset: 'organization', documentCode: '12/QĐ-BTN' } });
      const report = await verifyPdf(twice, { trust });
      expect(report).toMatchObject({ verdict: 'valid', hasValidPersonSignature: true, hasValidOrganizationSignature: true, legallyComplete: true, wholeFileCovered: true, changesAfterSigning: [] });
      const [first, second] = report.signatures;
      expect(first).toMatchObject({ field: 'Signature1', role: 'person', certification: { permissions: 2 }, coversWholeFile: false, revision: 1, verdict: 'valid' });
      expect(second).toMatchObject({ field: 'Signature2', role: 'organization', roleBasis: 'organization-id', coversWholeFile: true, revision: 2, verdict: 'valid' });
      expect(first!.changesAfter.length).toBeGreaterThan(0);
      expect(new Set(first!.changesAfter.map((c) => c.kind))).toEqual(new Set(['signature']));
      expect(codes(first!.reasons)).toEqual(expect.arrayContaining(['PARTIAL_COVERAGE', 'SIGNED_AGAIN']));
    }
  });

  test('a person alone is not legally complete; roles can be overridden by field name or certificate fingerprint', async () => {
    const signed = await sign(createTestPdf(), pki.person);
    const plain = await verifyPdf(signed, { trust });
    expect(plain).toMatchObject({ verdict: 'valid', hasValidPersonSignature: true, hasValidOrganizationSignature: false, legallyComplete: false });
    expect(codes(plain.reasons)).toEqual(['ORGANIZATION_SIGNATURE_MISSING']);
    const byField = await verifyPdf(signed, { trust, roles: { Signature1: 'organization' } });
    expect(byField.signatures[0]).toMatchObject({ role: 'organization', roleBasis: 'override' });
    const byCert = await verifyPdf(signed, { trust, roles: { [pki.person.sha256]: 'organization' } });
    expect(byCert.hasValidOrganizationSignature).toBe(true);
  });

  test('an unsigned PDF is indeterminate with PDF_NOT_SIGNED', async () => {
    const report = await verifyPdf(createTestPdf(), { trust });
    expect(report).toMatchObject({ verdict: 'indeterminate', signatures: [], legallyComplete: false });
    expect(codes(report.reasons)).toEqual(['PDF_NOT_SIGNED']);
  });

  test('a byte changed inside a signed range fails the digest; a byte of the placeholder padding breaks the CMS', async () => {
    const signed = await sign(createTestPdf({ text: 'Giao nhiem vu 7816' }), pki.person);
    const text = Buffer.from(signed).toString('latin1');
    const changed = new Uint8Array(signed);
    changed[text.indexOf('7816')] = 0x39;
    const report = await verifyPdf(changed, { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.signatures[0]).toMatchObject({ digestValid: false, verdict: 'invalid' });
    expect(codes(report.signatures[0]!.reasons)).toContain('DIGEST_MISMATCH');
    expect(report.signatures[0]!.reasons.find((r) => r.code === 'DIGEST_MISMATCH')!.messageVi).toBe('Nội dung tệp PDF đã bị thay đổi sau khi ký');

    const padded = new Uint8Array(signed);
    const end = report.signatures[0]!.byteRange![2]! - 2;
    padded[end] = 0x31; // a non-zero byte after the DER
    const bad = await verifyPdf(padded, { trust });
    expect(codes(bad.signatures[0]!.reasons)).toContain('CMS_MALFORMED');
  });
});

describe('verifyPdf: time and timestamps', () => {
  const tsaAt = (time: Date) => async (digest: Uint8Array) => createTestTimestampToken({ tsa: pki.tsa, digest, time });

  test('a valid RFC 3161 timestamp gives the time used and the TSA', async () => {
    const time = new Date(pki.now.getTime() - HOUR);
    const signed = await sign(createTestPdf(), pki.person, { signingTime: time, timestamp: { tsa: tsaAt(time) } });
    const [s] = (await verifyPdf(signed, { trust })).signatures;
    expect(s).toMatchObject({
      verdict: 'valid', timeSource: 'timestamp', timeUsed: new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString(),
      timestamp: { verdict: 'valid', imprintAlgorithm: 'SHA-256', tsa: { commonName: 'Dịch vụ cấp dấu thời gian (thử nghiệm)' } },
    });
    expect(codes(s!.reasons)).not.toContain('TIME_CLAIMED');
  });

  test('signingTime 7 hours ahead of the timestamp is warned as SIGNING_TIME_SKEW_7H, not failed', async () => {
    const time = new Date(pki.now.getTime() - 2 * HOUR);
    const signed = await sign(createTestPdf(), pki.person, { signingTime: new Date(time.getTime() + 7 * HOUR), timestamp: { tsa: tsaAt(time) } });
    const [s] = (await verifyPdf(signed, { trust })).signatures;
    expect(s!.verdict).toBe('valid');
    expect(s!.reasons).toContainEqual(expect.objectContaining({ code: 'SIGNING_TIME_SKEW_7H', severity: 'warning' }));
    expect(s!.timeSource).toBe('timestamp');
  });

  test('a timestamp over other data is a forgery: invalid, and its time is not used', async () => {
    const token = createTestTimestampToken({ tsa: pki.tsa, data: new Uint8Array([1, 2, 3]), time: pki.now });
    const signed = await sign(createTestPdf(), pki.person, { timestamp: { token } });
    const [s] = (await verifyPdf(signed, { trust })).signatures;
    expect(s!.verdict).toBe('invalid');
    expect(s!.reasons).toContainEqual(expect.objectContaining({ code: 'TIMESTAMP_IMPRINT_MISMATCH', severity: 'error', message: expect.stringMatching(/^Timestamp: /) }));
    expect(s!.timeSource).toBe('claimed');
  });

  test('a timestamp from an untrusted TSA is a warning and the claimed time is used', async () => {
    const rogueTsa = await pki.issueCertificate({ issuer: pki.wrongRoot, subject: [['CN', 'Rogue TSA']], notBefore: new Date(pki.now.getTime() - 86_400_000), notAfter: new Date(pki.now.getTime() + 86_400_000), extKeyUsage: ['1.3.6.1.5.5.7.3.8'], extKeyUsageCritical: true });
    const signed = await sign(createTestPdf(), pki.person, { timestamp: { tsa: async (digest: Uint8Array) => createTestTimestampToken({ tsa: rogueTsa, digest, time: pki.now, certificates: [rogueTsa, pki.wrongRoot] }) } });
    const [s] = (await verifyPdf(signed, { trust })).signatures;
    expect(s!.verdict).toBe('valid');
    expect(s!.timestamp!.verdict).toBe('invalid');
    expect(s!.reasons).toContainEqual(expect.objectContaining({ code: 'TIMESTAMP_TSA_UNTRUSTED', severity: 'warning' }));
    expect(s!.timeSource).toBe('claimed');
  });
});

describe('verifyPdf: document timestamps (ETSI.RFC3161)', () => {
  test('a document timestamp is verified against the byte ranges and does not count as a person or organisation signature', async () => {
    const { preparePdfSignature } = await import('../../../src/signature/pdf/prepare-signature.js');
    const signed = await sign(createTestPdf(), pki.person);
    const prepared = preparePdfSignature(signed, { field: 'DocTs', placeholderSize: 8192 });
    const pdf = new Uint8Array(prepared.pdf);
    const text = Buffer.from(pdf).toString('latin1');
    pdf.set(Buffer.from('/SubFilter /ETSI.RFC3161'.padEnd('/SubFilter /adbe.pkcs7.detached'.length, ' '), 'latin1'), text.lastIndexOf('/SubFilter /adbe.pkcs7.detached'));
    const [, b, c] = prepared.byteRange;
    const covered = Buffer.concat([pdf.subarray(0, b), pdf.subarray(c)]);
    const token = createTestTimestampToken({ tsa: pki.tsa, data: covered, time: pki.now });
    pdf.set(Buffer.from(Buffer.from(token).toString('hex'), 'latin1'), prepared.contentsOffset + 1);
    const report = await verifyPdf(pdf, { trust });
    const ts = report.signatures.find((x) => x.field === 'DocTs')!;
    expect(ts.reasons).toEqual([]);
    expect(ts).toMatchObject({ kind: 'document-timestamp', verdict: 'valid', digestValid: true, timeSource: 'timestamp', coversWholeFile: true, signer: { commonName: 'Dịch vụ cấp dấu thời gian (thử nghiệm)' } });
    expect(ts.role).toBeUndefined();
    expect(report.hasValidPersonSignature).toBe(true);
    expect(report.hasValidOrganizationSignature).toBe(false);
    const changed = new Uint8Array(pdf);
    changed[30] = changed[30]! ^ 1;
    const bad = (await verifyPdf(changed, { trust })).signatures.find((x) => x.field === 'DocTs')!;
    expect(bad).toMatchObject({ verdict: 'invalid', digestValid: false });
  });
});

describe('verifyPdf: signers judged through the trust engine', () => {
  test.each([
    ['expired', 'CERT_EXPIRED', 'invalid'],
    ['notYetValid', 'CERT_NOT_YET_VALID', 'invalid'],
    ['revoked', 'CERT_REVOKED', 'invalid'],
    ['wrongCa', 'CHAIN_ISSUER_NOT_FOUND', 'indeterminate'],
    ['selfSigned', 'CERT_SELF_SIGNED_UNTRUSTED', 'invalid'],
  ] as const)('a %s signer: %s', async (who, code, verdict) => {
    const signed = await sign(createTestPdf(), pki[who]);
    const report = await verifyPdf(signed, { trust });
    expect(report.signatures[0]!.digestValid).toBe(true);
    expect(report.signatures[0]!.cmsSignatureValid).toBe(true);
    expect(codes(report.signatures[0]!.reasons)).toContain(code);
    expect(report.signatures[0]!.verdict).toBe(verdict);
    expect(report.hasValidPersonSignature).toBe(false);
  });

  test('only the leaf embedded: the chain is built from the trust store; with the chain embedded too', async () => {
    const leafOnly = await sign(createTestPdf(), pki.organization);
    const withChain = await sign(createTestPdf(), pki.organization, { chain: [pki.subCa.certificatePem] });
    const r1 = await verifyPdf(leafOnly, { trust });
    const r2 = await verifyPdf(withChain, { trust });
    expect(r1.signatures[0]!.certificates).toHaveLength(1);
    expect(r2.signatures[0]!.certificates).toHaveLength(2);
    for (const r of [r1, r2]) expect(r.signatures[0]!.chain!.chain.map((c) => c.commonName)).toEqual(['Văn phòng Bộ Thử nghiệm', 'CA phục vụ các cơ quan Nhà nước (thử nghiệm)', 'RootCA chuyên dùng Chính phủ (thử nghiệm)']);
  });

  test('ECDSA P-256 and RSASSA-PSS signatures verify', async () => {
    const ecPki = await createTestPki({ keyType: 'ec' });
    const ec = await sign(createTestPdf(), ecPki.person);
    expect((await verifyPdf(ec, { trust: trustFor(ecPki) })).signatures[0]).toMatchObject({ verdict: 'valid', cmsSignatureValid: true, algorithms: { signature: 'ecdsa-with-SHA256' } });
    const pss = await sign(createTestPdf(), pki.person, { algorithm: 'rsa-pss-sha256' });
    expect((await verifyPdf(pss, { trust })).signatures[0]).toMatchObject({ verdict: 'valid', algorithms: { signature: 'RSASSA-PSS' } });
  });
});

describe('verifyPdf: changes after signing', () => {
  test('an incremental update adding page content is MODIFIED_AFTER_SIGNING', async () => {
    const { appendUpdate } = await import('../../helpers/pdf-tools.js');
    const signed = await sign(createTestPdf(), pki.person);
    const changed = appendUpdate(signed, (doc, next) => {
      const page = doc.firstPage()!;
      const content = next();
      const data = new TextEncoder().encode('BT /F1 30 Tf 72 500 Td (DA DUYET 100 TY) Tj ET');
      return [
        { ref: content, value: { dict: new PdfDict(), data } },
        { ref: page.ref, value: page.dict.with({ Contents: [page.dict.get('Contents') as PdfRef, content] }) },
      ];
    });
    const report = await verifyPdf(changed, { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.wholeFileCovered).toBe(false);
    const [s] = report.signatures;
    expect(s).toMatchObject({ digestValid: true, cmsSignatureValid: true, coversWholeFile: false, verdict: 'invalid' });
    expect(s!.reasons).toContainEqual(expect.objectContaining({ code: 'MODIFIED_AFTER_SIGNING', severity: 'error', messageVi: expect.stringContaining('Nội dung tệp PDF đã bị thay đổi sau chữ ký này') }));
    expect(report.changesAfterSigning).toContainEqual(expect.objectContaining({ kind: 'content', action: 'changed', revision: 2 }));
  });

  test('a replaced content stream (shadow attack "replace") is MODIFIED_AFTER_SIGNING', async () => {
    const { appendUpdate } = await import('../../helpers/pdf-tools.js');
    const signed = await sign(createTestPdf(), pki.person);
    const attacked = appendUpdate(signed, (doc) => {
      const contents = doc.firstPage()!.dict.get('Contents') as PdfRef;
      return [{ ref: contents, value: { dict: new PdfDict(), data: new TextEncoder().encode('BT /F1 14 Tf 72 760 Td (Noi dung khac) Tj ET') } }];
    });
    const [s] = (await verifyPdf(attacked, { trust })).signatures;
    expect(s!.verdict).toBe('invalid');
    expect(s!.changesAfter).toContainEqual(expect.objectContaining({ kind: 'content', description: 'page content changed' }));
  });

  test('an overlay annotation after signing (shadow attack "hide") warns; after a P=2 certification it is a DocMDP violation', async () => {
    const { appendUpdate } = await import('../../helpers/pdf-tools.js');
    const overlay = (pdf: Uint8Array) =>
      appendUpdate(pdf, (doc, next) => {
        const page = doc.firstPage()!;
        const annot = next();
        const dict = new PdfDict(new Map<string, import('../../../src/signature/pdf/pdf-object.js').PdfValue>([
          ['Type', new PdfName('Annot')], ['Subtype', new PdfName('Square')], ['Rect', [0, 0, 595, 842]], ['IC', [1, 1, 1]],
        ]));
        const annots = doc.resolve(page.dict.get('Annots'));
        return [{ ref: annot, value: dict }, { ref: page.ref, value: page.dict.with({ Annots: [...(Array.isArray(annots) ? annots : []), annot] }) }];
      });
    const approval = await verifyPdf(overlay(await sign(createTestPdf(), pki.person)), { trust });
    expect(approval.signatures[0]!.verdict).toBe('valid');
    expect(approval.signatures[0]!.reasons).toContainEqual(expect.objectContaining({ code: 'ANNOTATIONS_AFTER_SIGNING', severity: 'warning' }));
    const certified = await verifyPdf(overlay(await sign(createTestPdf(), pki.person, { certify: true })), { trust });
    expect(certified.signatures[0]!.verdict).toBe('invalid');
    expect(codes(certified.signatures[0]!.reasons)).toContain('DOCMDP_VIOLATION');
    const p3 = await verifyPdf(overlay(await sign(createTestPdf(), pki.person, { certify: 3 })), { trust });
    expect(p3.signatures[0]!.verdict).toBe('valid');
  });

  test('after a P=1 certification even a new signature violates DocMDP, and signPdf refuses to add one', async () => {
    const locked = await sign(createTestPdf(), pki.person, { certify: 1 });
    await expect(sign(locked, pki.organization)).rejects.toMatchObject({ code: 'VDXP_SIGNATURE_POLICY' });
    const { preparePdfSignature } = await import('../../../src/signature/pdf/prepare-signature.js');
    expect(() => preparePdfSignature(locked, { certify: 2 })).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_POLICY' }));
  });

  test('a rewritten signature dictionary of an earlier signature is a content change', async () => {
    const { appendUpdate } = await import('../../helpers/pdf-tools.js');
    const once = await sign(createTestPdf(), pki.person, { reason: 'Đồng ý' });
    const rewritten = appendUpdate(once, (doc) => {
      const fields = doc.resolve(doc.dict(doc.catalog!.get('AcroForm'))!.get('Fields')) as PdfRef[];
      const sigRef = doc.dict(fields[0])!.get('V') as PdfRef;
      const sig = doc.dict(sigRef)!;
      return [{ ref: sigRef, value: sig.with({ Reason: undefined }) }];
    });
    const [s] = (await verifyPdf(rewritten, { trust })).signatures;
    expect(s!.verdict).toBe('invalid');
    expect(s!.reason).toBeUndefined();
  });

  test('the messageDigest of the CMS is the SHA-256 of the signed ranges (checked with pkijs directly)', async () => {
    const signed = await sign(createTestPdf(), pki.person);
    const [s] = (await verifyPdf(signed, { trust })).signatures;
    const [, b, c, d] = s!.byteRange! as [number, number, number, number];
    const digest = createHash('sha256').update(signed.subarray(0, b)).update(signed.subarray(c, c + d)).digest('hex');
    const hex = Buffer.from(signed.subarray(b + 1, c - 1)).toString('latin1');
    const der = Buffer.from(hex, 'hex');
    const asn1 = asn1js.fromBER(der);
    const sd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1.result }).content });
    const md = sd.signerInfos[0]!.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.4')!.values[0] as asn1js.OctetString;
    expect(Buffer.from(md.valueBlock.valueHexView).toString('hex')).toBe(digest);
    expect(der.subarray(asn1.offset).every((x) => x === 0)).toBe(true);
  });
});
