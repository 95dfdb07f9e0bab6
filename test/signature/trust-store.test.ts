import { beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../src/signature/trust-store.js';
import { createTestPki, type TestPki } from '../../src/testing/index.js';
import type { ChainReport } from '../../src/signature/report.js';

const codes = (r: ChainReport) => r.reasons.map((x) => x.code);

describe('TrustStore.verifyCertificate on the generated VGCA-profile PKI (offline CRLs)', () => {
  let pki: TestPki;
  let trust: TrustStore;
  beforeAll(async () => {
    pki = await createTestPki();
    trust = TrustStore.create({
      customAnchors: [pki.root.certificate],
      intermediates: [pki.subCa.certificate],
      crls: [pki.crl(), pki.rootCrl()],
      policy: { revocation: 'hard-fail' },
    });
  });

  test('a personal certificate chains to the root and is valid', async () => {
    const r = await trust.verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.chain.map((c) => c.sha256)).toEqual([pki.person.sha256, pki.subCa.sha256, pki.root.sha256]);
    expect(r.anchor?.sha256).toBe(pki.root.sha256);
    expect(r.revocation.map((o) => [o.status, o.method, o.source])).toEqual([
      ['good', 'crl', 'offline'],
      ['good', 'crl', 'offline'],
    ]);
  });

  test('an organisation certificate is valid without any document-signing EKU', async () => {
    const r = await trust.verifyCertificate(pki.organization.certificate, { at: pki.now });
    expect(r.verdict).toBe('valid');
  });

  test('an expired certificate is invalid with CERT_EXPIRED and its Vietnamese text', async () => {
    const r = await trust.verifyCertificate(pki.expired.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CERT_EXPIRED');
    expect(r.reasons.find((x) => x.code === 'CERT_EXPIRED')?.messageVi).toMatch(/^Chứng thư số đã hết hạn tại thời điểm ký/);
  });

  test('the expired certificate was valid at a time inside its validity', async () => {
    const r = await trust.verifyCertificate(pki.expired.certificate, { at: new Date(pki.expired.notAfter.getTime() - 86_400_000) });
    expect(r.verdict).toBe('valid');
  });

  test('a not-yet-valid certificate is invalid with CERT_NOT_YET_VALID', async () => {
    const r = await trust.verifyCertificate(pki.notYetValid.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CERT_NOT_YET_VALID');
  });

  test('a revoked certificate is invalid with CERT_REVOKED from the offline CRL', async () => {
    const r = await trust.verifyCertificate(pki.revoked.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CERT_REVOKED');
    expect(r.revocation[0]).toMatchObject({ status: 'revoked', method: 'crl', source: 'offline', revokedAt: pki.revokedAt.toISOString() });
  });

  test('a signature made before the revocation date stays valid, with a warning', async () => {
    const r = await trust.verifyCertificate(pki.revoked.certificate, { at: new Date(pki.revokedAt.getTime() - 86_400_000) });
    expect(r.verdict).toBe('valid');
    expect(codes(r)).toContain('CERT_REVOKED_LATER');
  });

  test('a certificate from an unrelated CA is indeterminate without its root, invalid with it', async () => {
    const alone = await trust.verifyCertificate(pki.wrongCa.certificate, { at: pki.now });
    expect(alone.verdict).toBe('indeterminate');
    expect(codes(alone)).toEqual(['CHAIN_ISSUER_NOT_FOUND']);
    const withRoot = await trust.verifyCertificate(pki.wrongCa.certificate, { at: pki.now, extraCertificates: [pki.wrongRoot.certificate] });
    expect(withRoot.verdict).toBe('invalid');
    expect(codes(withRoot)).toEqual(['CHAIN_UNTRUSTED_ROOT']);
  });

  test('a chain through an intermediate without basicConstraints CA is invalid with CA_NOT_CA', async () => {
    const r = await trust.verifyCertificate(pki.notCa.certificate, { at: pki.now, extraCertificates: [pki.notCaIntermediate.certificate] });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CA_NOT_CA');
  });

  test('a self-signed certificate that is not an anchor never validates', async () => {
    const r = await trust.verifyCertificate(pki.selfSigned.certificate, { at: pki.now, extraCertificates: [pki.selfSigned.certificate] });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toEqual(['CERT_SELF_SIGNED_UNTRUSTED']);
  });
});
