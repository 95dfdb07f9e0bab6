/**
 * PDF signatures against a peer nobody here wrote: poppler's `pdfsig` with an NSS database
 * (`certutil`, `pk12util`). `.ci/run` installs poppler-utils and libnss3-tools.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PdfDict, type PdfRef } from '../../src/signature/pdf/pdf-object.js';
import { signPdf } from '../../src/signature/pdf/sign-pdf.js';
import { verifyPdf } from '../../src/signature/pdf/verify-pdf.js';
import type { TrustStore } from '../../src/signature/trust-store.js';
import { createTestPdf } from '../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../src/testing/test-pki.js';
import { createTestTimestampToken } from '../../src/testing/test-timestamp.js';
import { appendUpdate, importSigner, latin1, nssDatabase, pdfsig, requirePdfTools, trustFor } from '../helpers/pdf-tools.js';

let pki: TestPki;
let trust: TrustStore;
let nss: ReturnType<typeof nssDatabase>;

beforeAll(async () => {
  requirePdfTools();
  pki = await createTestPki();
  trust = trustFor(pki);
  nss = nssDatabase(pki);
  importSigner(nss, 'person', pki.person.privateKeyPem, pki.person.certificatePem);
});
afterAll(() => nss?.cleanup());

/** Writes the PDF and runs `pdfsig` on it with the test NSS database (no OCSP). */
function check(name: string, pdf: Uint8Array): string {
  const file = join(nss.dir, name);
  writeFileSync(file, pdf);
  return pdfsig(['-nssdir', nss.db, '-no-ocsp', file]).out;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('pdfsig verifies what signPdf writes', () => {
  test.each([
    ['table', 'adbe.pkcs7.detached'],
    ['stream', 'adbe.pkcs7.detached'],
    ['table', 'ETSI.CAdES.detached'],
    ['stream', 'ETSI.CAdES.detached'],
  ] as const)('one and two signatures, %s xref, %s', async (xref, subFilter) => {
    const once = await signPdf(createTestPdf({ xref }), {
      key: pki.person.privateKey, certificate: pki.person.certificate, subFilter, reason: 'Ký ban hành', certify: true, appearance: { preset: 'person' },
    });
    const first = check(`one-${xref}-${subFilter}.pdf`, once);
    expect(first).toContain(`Signature Type: ${subFilter}`);
    expect(first).toContain('Signer Certificate Common Name: Nguyễn Văn An');
    expect(first).toContain('Total document signed');
    expect(first).toContain('Signature Validation: Signature is Valid.');
    expect(first).toContain('Certificate Validation: Certificate is Trusted.');

    const twice = await signPdf(once, {
      key: pki.organization.privateKey, certificate: pki.organization.certificate, subFilter,
      appearance: { preset: 'organization', documentCode: '12/QĐ-BTN' },
    });
    const both = check(`two-${xref}-${subFilter}.pdf`, twice);
    expect(count(both, 'Signature Validation: Signature is Valid.')).toBe(2);
    expect(count(both, 'Certificate Validation: Certificate is Trusted.')).toBe(2);
    expect(both).toMatch(/Signature #1:[\s\S]*Not total document signed[\s\S]*Signature #2:[\s\S]*Total document signed/);
    expect(both).toContain('Signer Certificate Common Name: Văn phòng Bộ Thử nghiệm');
    expect((await verifyPdf(twice, { trust })).legallyComplete).toBe(true);
  });

  test('with an RFC 3161 timestamp in the unsigned attributes', async () => {
    const signed = await signPdf(createTestPdf(), {
      key: pki.person.privateKey, certificate: pki.person.certificate,
      timestamp: { tsa: async (digest: Uint8Array) => createTestTimestampToken({ tsa: pki.tsa, digest, time: new Date() }) },
    });
    expect(check('timestamped.pdf', signed)).toContain('Signature Validation: Signature is Valid.');
    expect((await verifyPdf(signed, { trust })).signatures[0]).toMatchObject({ verdict: 'valid', timeSource: 'timestamp' });
  });

  test('the certificate line depends on the trust anchor: an untrusted root is not "Trusted" for pdfsig either', async () => {
    const signed = await signPdf(createTestPdf(), { key: pki.wrongCa.privateKey, certificate: pki.wrongCa.certificate });
    const out = check('wrong-ca.pdf', signed);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).not.toContain('Certificate Validation: Certificate is Trusted.');
    expect((await verifyPdf(signed, { trust })).signatures[0]!.verdict).not.toBe('valid');
  });
});

describe('verifyPdf verifies what pdfsig -add-signature writes', () => {
  test.each(['table', 'stream'] as const)('%s xref: valid, then an organisation signature by signPdf keeps it valid for both', async (xref) => {
    const input = join(nss.dir, `plain-${xref}.pdf`);
    const output = join(nss.dir, `pdfsig-${xref}.pdf`);
    writeFileSync(input, createTestPdf({ xref }));
    const add = pdfsig(['-nssdir', nss.db, '-add-signature', '-nick', 'person', '-reason', 'Phê duyệt', '-new-signature-field-name', 'ChuKyLanhDao', input, output]);
    expect(add.status).toBe(0);
    const signedByPoppler = new Uint8Array(readFileSync(output));
    const report = await verifyPdf(signedByPoppler, { trust });
    expect(report.verdict).toBe('valid');
    expect(report.signatures[0]).toMatchObject({
      field: 'ChuKyLanhDao', subFilter: 'adbe.pkcs7.detached', reason: 'Phê duyệt', verdict: 'valid', role: 'person', coversWholeFile: true, digestValid: true, cmsSignatureValid: true,
    });

    const withOrg = await signPdf(signedByPoppler, { key: pki.organization.privateKey, certificate: pki.organization.certificate });
    const full = await verifyPdf(withOrg, { trust });
    expect(full).toMatchObject({ verdict: 'valid', legallyComplete: true });
    expect(full.signatures[0]!.changesAfter.every((c) => c.kind === 'signature')).toBe(true);
    expect(count(check(`pdfsig-${xref}-org.pdf`, withOrg), 'Signature Validation: Signature is Valid.')).toBe(2);
  });
});

describe('both refuse what was changed', () => {
  test('a byte changed inside a signed range: pdfsig says Digest Mismatch, verifyPdf DIGEST_MISMATCH', async () => {
    const signed = await signPdf(createTestPdf({ text: 'Quyet dinh so 12' }), { key: pki.person.privateKey, certificate: pki.person.certificate });
    const changed = new Uint8Array(signed);
    changed[latin1(signed).indexOf('so 12') + 3] = 0x39;
    expect(check('changed.pdf', changed)).toContain('Signature Validation: Digest Mismatch.');
    const report = await verifyPdf(changed, { trust });
    expect(report.signatures[0]!.reasons.map((r) => r.code)).toContain('DIGEST_MISMATCH');

    const input = join(nss.dir, 'plain-for-change.pdf');
    writeFileSync(input, createTestPdf({ text: 'Quyet dinh so 12' }));
    pdfsig(['-nssdir', nss.db, '-add-signature', '-nick', 'person', input, join(nss.dir, 'poppler-for-change.pdf')]);
    const byPoppler = new Uint8Array(readFileSync(join(nss.dir, 'poppler-for-change.pdf')));
    byPoppler[latin1(byPoppler).indexOf('so 12') + 3] = 0x39;
    expect((await verifyPdf(byPoppler, { trust })).signatures[0]!.digestValid).toBe(false);
  });

  test('page content added by an incremental update after signing: pdfsig shows partial coverage, verifyPdf MODIFIED_AFTER_SIGNING', async () => {
    const signed = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate });
    const changed = appendUpdate(signed, (doc, next) => {
      const page = doc.firstPage()!;
      const content = next();
      return [
        { ref: content, value: { dict: new PdfDict(), data: new TextEncoder().encode('BT /F1 24 Tf 72 600 Td (Them noi dung) Tj ET') } },
        { ref: page.ref, value: page.dict.with({ Contents: [page.dict.get('Contents') as PdfRef, content] }) },
      ];
    });
    const out = check('appended.pdf', changed);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Not total document signed');
    const report = await verifyPdf(changed, { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.signatures[0]!.reasons.map((r) => r.code)).toContain('MODIFIED_AFTER_SIGNING');
  });
});
