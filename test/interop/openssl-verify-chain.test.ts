import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../src/signature/trust-store.js';
import type { Verdict } from '../../src/signature/report.js';
import { createTestPki, type TestEntity, type TestPki } from '../../src/testing/index.js';
import { requireOpenssl, runOpenssl } from '../helpers/openssl-tools.js';

const crlPem = (der: Uint8Array) =>
  `-----BEGIN X509 CRL-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END X509 CRL-----\n`;

/** Each case: the leaf, the untrusted certificates sent with it, the usage, and the reason code we expect. */
interface Case {
  readonly leaf: (p: Extra) => TestEntity;
  readonly untrusted: (p: Extra) => TestEntity[];
  readonly usage?: 'signing' | 'timestamping';
  readonly code?: string;
}
type Extra = TestPki & { deepCa: TestEntity; underDeep: TestEntity; noCertSignCa: TestEntity; underNoCertSign: TestEntity };

const cases: Record<string, Case> = {
  person: { leaf: (p) => p.person, untrusted: (p) => [p.subCa] },
  organization: { leaf: (p) => p.organization, untrusted: (p) => [p.subCa] },
  expired: { leaf: (p) => p.expired, untrusted: (p) => [p.subCa], code: 'CERT_EXPIRED' },
  notYetValid: { leaf: (p) => p.notYetValid, untrusted: (p) => [p.subCa], code: 'CERT_NOT_YET_VALID' },
  revoked: { leaf: (p) => p.revoked, untrusted: (p) => [p.subCa], code: 'CERT_REVOKED' },
  wrongCa: { leaf: (p) => p.wrongCa, untrusted: (p) => [p.wrongRoot], code: 'CHAIN_UNTRUSTED_ROOT' },
  notCa: { leaf: (p) => p.notCa, untrusted: (p) => [p.notCaIntermediate], code: 'CA_NOT_CA' },
  selfSigned: { leaf: (p) => p.selfSigned, untrusted: () => [], code: 'CERT_SELF_SIGNED_UNTRUSTED' },
  pathLenExceeded: { leaf: (p) => p.underDeep, untrusted: (p) => [p.subCa, p.deepCa], code: 'CHAIN_PATH_LENGTH_EXCEEDED' },
  caWithoutKeyCertSign: { leaf: (p) => p.underNoCertSign, untrusted: (p) => [p.noCertSignCa], code: 'CA_KEY_USAGE' },
  tsa: { leaf: (p) => p.tsa, untrusted: (p) => [p.subCa], usage: 'timestamping' },
  personAsTsa: { leaf: (p) => p.person, untrusted: (p) => [p.subCa], usage: 'timestamping', code: 'TSA_EKU_MISSING' },
};

describe.each(['rsa', 'ec'] as const)('verdicts agree with openssl verify on the generated PKI (%s)', (keyType) => {
  let pki: Extra;
  let dir: string;
  let trust: TrustStore;
  beforeAll(async () => {
    requireOpenssl();
    const base = await createTestPki({ keyType });
    const day = 86_400_000;
    const common = { notBefore: new Date(base.now.getTime() - 30 * day), notAfter: new Date(base.now.getTime() + 365 * day) };
    const deepCa = await base.issueCertificate({ issuer: base.subCa, subject: [['C', 'VN'], ['CN', 'CA dưới pathlen 0']], basicConstraints: { ca: true }, keyUsage: ['keyCertSign', 'cRLSign'], ...common });
    const underDeep = await base.issueCertificate({ issuer: deepCa, subject: [['C', 'VN'], ['CN', 'Lá dưới CA sâu']], keyUsage: ['digitalSignature'], ...common });
    const noCertSignCa = await base.issueCertificate({ issuer: base.root, subject: [['C', 'VN'], ['CN', 'CA không có keyCertSign']], basicConstraints: { ca: true }, keyUsage: ['digitalSignature', 'cRLSign'], ...common });
    const underNoCertSign = await base.issueCertificate({ issuer: noCertSignCa, subject: [['C', 'VN'], ['CN', 'Lá dưới CA thiếu keyCertSign']], keyUsage: ['digitalSignature'], ...common });
    pki = Object.assign(Object.create(null) as object, base, { deepCa, underDeep, noCertSignCa, underNoCertSign }) as Extra;
    dir = await mkdtemp(join(tmpdir(), 'vdxp-verify-'));
    await writeFile(join(dir, 'root.pem'), pki.root.certificatePem);
    await writeFile(join(dir, 'crls.pem'), crlPem(pki.crl()) + crlPem(pki.rootCrl()));
    trust = TrustStore.create({ customAnchors: [pki.root.certificate], crls: [pki.crl(), pki.rootCrl()], policy: { revocation: 'soft-fail' } });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test.each(Object.entries(cases))('%s', async (name, c) => {
    const leaf = c.leaf(pki);
    const untrusted = c.untrusted(pki);
    const ours = await trust.verifyCertificate(leaf.certificate, {
      at: pki.now,
      extraCertificates: untrusted.map((u) => u.certificate),
      ...(c.usage ? { usage: c.usage } : {}),
    });
    await writeFile(join(dir, `${name}.pem`), leaf.certificatePem);
    await writeFile(join(dir, `${name}-chain.pem`), untrusted.map((u) => u.certificatePem).join(''));
    const args = ['verify', '-attime', String(Math.floor(pki.now.getTime() / 1000)), '-CAfile', 'root.pem'];
    if (untrusted.length) args.push('-untrusted', `${name}-chain.pem`);
    if (name === 'revoked' || name === 'person') args.push('-crl_check', '-CRLfile', 'crls.pem');
    if (c.usage === 'timestamping') args.push('-purpose', 'timestampsign');
    args.push(`${name}.pem`);
    const theirs = runOpenssl(args, { cwd: dir });
    const opensslOk = theirs.status === 0 && /: OK/.test(theirs.stdout);
    const expected: Verdict = c.code ? 'invalid' : 'valid';
    expect(ours.verdict, JSON.stringify(ours.reasons)).toBe(expected);
    expect(ours.verdict === 'valid', `openssl: ${theirs.stdout}${theirs.stderr}`).toBe(opensslOk);
    if (c.code) expect(ours.reasons.map((r) => r.code)).toContain(c.code);
  });
});
