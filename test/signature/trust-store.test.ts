import { beforeAll, describe, expect, test } from 'vitest';
import { isTrustStore, TrustStore } from '../../src/signature/trust-store.js';
import { verifyEdxml } from '../../src/signature/xmldsig/verify.js';
import { createTestPki, type IssueCertificateOptions, type TestEntity, type TestPki } from '../../src/testing/index.js';
import { summarizeCertificate } from '../../src/signature/certificate.js';
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

describe('TrustStore edge cases', () => {
  test('verifier options take a TrustStore, recognised by both check methods, and refuse a look-alike', async () => {
    expect(isTrustStore(TrustStore.create())).toBe(true);
    const lookAlike = { verifyCertificate: async () => ({}) };
    expect(isTrustStore(lookAlike)).toBe(false);
    expect(isTrustStore(null)).toBe(false);
    await expect(verifyEdxml('<a/>', { trust: lookAlike as unknown as TrustStore })).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
  });

  let pki: TestPki;
  let trust: TrustStore;
  const day = 86_400_000;
  beforeAll(async () => {
    pki = await createTestPki({ keyType: 'ec' });
    trust = TrustStore.create({ customAnchors: [pki.root.certificatePem], intermediates: [pki.subCa.certificate], policy: { revocation: 'off' } });
  });
  const leafUnder = (issuer: TestEntity, extra: Partial<IssueCertificateOptions> = {}) =>
    pki.issueCertificate({
      issuer,
      subject: [['C', 'VN'], ['O', 'Bộ Thử nghiệm'], ['CN', 'Đỗ Thị Kiểm Tra']],
      notBefore: new Date(pki.now.getTime() - 30 * day),
      notAfter: new Date(pki.now.getTime() + 365 * day),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      ...extra,
    });

  test("the store's policy applies when a call gives none; a call's policy (defaults filled in) replaces it for that call only", async () => {
    const leaf = pki.person.certificate;
    const first = await trust.verifyCertificate(leaf, { at: pki.now });
    expect(first.revocation.map((r) => r.status)).toEqual(['not-checked', 'not-checked']);
    expect(codes(first)).toContain('REVOCATION_NOT_CHECKED');
    // A partial policy: revocation back to its default (soft-fail; no CRL in the store), SHA-256 refused.
    const strict = await trust.verifyCertificate(leaf, { at: pki.now, policy: { allowedDigests: ['SHA-512'] } });
    expect(codes(strict)).not.toContain('REVOCATION_NOT_CHECKED');
    expect(strict.revocation.some((r) => r.policy === 'soft-fail')).toBe(true);
    expect(strict.verdict).toBe('invalid');
    const again = await trust.verifyCertificate(leaf, { at: pki.now });
    expect(again).toEqual(first);
    expect(trust.policy).toMatchObject({ revocation: 'off', allowedDigests: ['SHA-256', 'SHA-384', 'SHA-512', 'SHA-1'] });
  });

  test('a certificate whose issuer name matches the sub-CA but whose signature does not is invalid', async () => {
    const forged = await leafUnder({ ...pki.subCa, privateKey: pki.wrongRoot.privateKey });
    const r = await trust.verifyCertificate(forged.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toEqual(['CERT_SIGNATURE_INVALID']);
  });

  test('an unknown critical extension makes the certificate invalid', async () => {
    const odd = await leafUnder(pki.subCa, { extraExtensions: [{ oid: '1.3.6.1.4.1.99999.7', critical: true, value: new Uint8Array([0x05, 0x00]) }] });
    const r = await trust.verifyCertificate(odd.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CERT_UNKNOWN_CRITICAL_EXTENSION');
  });

  test('a certificate only for key encipherment may not sign', async () => {
    const enc = await leafUnder(pki.subCa, { keyUsage: ['keyEncipherment'] });
    const r = await trust.verifyCertificate(enc.certificate, { at: pki.now });
    expect(codes(r)).toContain('CERT_KEY_USAGE');
    expect(r.verdict).toBe('invalid');
  });

  test('a SHA-1 signed certificate is accepted with ALGORITHM_LEGACY_SHA1, refused under a strict policy', async () => {
    const old = await leafUnder(pki.subCa, { signatureDigest: 'SHA-1' });
    const r = await trust.verifyCertificate(old.certificate, { at: pki.now });
    expect(r.verdict).toBe('valid');
    expect(codes(r)).toEqual(['ALGORITHM_LEGACY_SHA1', 'REVOCATION_NOT_CHECKED']);
    const strict = await trust.verifyCertificate(old.certificate, { at: pki.now, policy: { revocation: 'off', allowLegacySha1: false } });
    expect(strict.verdict).toBe('invalid');
    expect(codes(strict)).toContain('ALGORITHM_SHA1_REFUSED');
  });

  test('an RSA 1024 key is flagged as weak', async () => {
    const weak = await leafUnder(pki.subCa, { keyType: 'rsa', rsaBits: 1024 });
    const r = await trust.verifyCertificate(weak.certificate, { at: pki.now });
    expect(r.verdict).toBe('valid');
    expect(codes(r)).toContain('ALGORITHM_WEAK_KEY');
  });

  test('an expired CA in the chain gives CA_CERT_EXPIRED', async () => {
    const shortCa = await pki.issueCertificate({
      issuer: pki.root, subject: [['C', 'VN'], ['CN', 'CA ngắn hạn']], basicConstraints: { ca: true }, keyUsage: ['keyCertSign', 'cRLSign'],
      notBefore: new Date(pki.now.getTime() - 365 * day), notAfter: new Date(pki.now.getTime() + 10 * day),
    });
    const leaf = await leafUnder(shortCa);
    const r = await trust.verifyCertificate(leaf.certificate, { at: new Date(pki.now.getTime() + 20 * day), extraCertificates: [shortCa.certificate] });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CA_CERT_EXPIRED');
    expect(codes(r)).not.toContain('CERT_EXPIRED');
  });

  test('a custom anchor may be the sub-CA itself: the chain stops there', async () => {
    const store = TrustStore.create({ customAnchors: [pki.subCa.certificate], policy: { revocation: 'off' } });
    const r = await store.verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(r.verdict).toBe('valid');
    expect(r.chain.map((c) => c.sha256)).toEqual([pki.person.sha256, pki.subCa.sha256]);
    expect(r.revocation).toHaveLength(1);
  });

  test('unreadable extra certificates are skipped with a warning', async () => {
    const r = await trust.verifyCertificate(pki.person.certificate, { at: pki.now, extraCertificates: [new Uint8Array([0x30, 0x03, 1, 2, 3])] });
    expect(r.verdict).toBe('valid');
    expect(codes(r)).toEqual(['CHAIN_EXTRA_CERT_UNREADABLE', 'REVOCATION_NOT_CHECKED']);
  });

  test('a leaf that is not a certificate throws VDXP_SIGNATURE_MALFORMED', async () => {
    await expect(trust.verifyCertificate(new TextEncoder().encode('not a cert'), { at: pki.now })).rejects.toMatchObject({ code: 'VDXP_SIGNATURE_MALFORMED' });
  });

  test('unknown options and invalid dates are ConfigErrors', async () => {
    expect(() => TrustStore.create({ allowNetwork: true, fetchr: () => 0 } as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
    await expect(trust.verifyCertificate(pki.person.certificate, { at: new Date('nope') })).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
  });

  test('a trust file with a non-pinned certificate is refused as a whole', () => {
    const store = TrustStore.create();
    expect(() => store.addTrustFile(pki.root.certificatePem + pki.subCa.certificatePem)).toThrow(expect.objectContaining({ code: 'VDXP_TRUST_ANCHOR_REFUSED', fingerprint: pki.root.sha256 }));
    expect(store.listAnchors()).toEqual([]);
  });

  test('summaries show the Vietnamese subject as written', () => {
    const s = summarizeCertificate(pki.person.certificate);
    expect(s.commonName).toBe('Nguyễn Văn An');
    expect(s.organization).toBe('Bộ Thử nghiệm');
    expect(s.subject).toMatch(/^CN=Nguyễn Văn An,UID=CMND:012345678901,title=Chánh Văn phòng,OU=Văn phòng,O=Bộ Thử nghiệm,L=Hà Nội,ST=Hà Nội,C=VN$/);
    expect(s.sha256).toBe(pki.person.sha256);
    expect(s.serialNumber).toBe(pki.person.serialNumber);
  });

  test('each summary is a fresh object: changing one report does not change the next', () => {
    const first = summarizeCertificate(pki.person.certificate) as { commonName?: string };
    first.commonName = 'changed by a caller';
    const second = summarizeCertificate(pki.person.certificate);
    expect(second).not.toBe(first);
    expect(second.commonName).toBe('Nguyễn Văn An');
  });
});
