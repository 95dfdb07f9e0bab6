import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../src/signature/trust-store.js';
import { createHttpFetcher, type Fetcher } from '../../src/signature/fetcher.js';
import { createTestCrl, createTestPki, type TestPki } from '../../src/testing/index.js';
import type { ChainReport } from '../../src/signature/report.js';
import { startStaticHttpServer, type StaticHttpServer } from '../helpers/static-http-server.js';
import { freePort, requireOpenssl, startOpensslOcspResponder, type OcspResponder } from '../helpers/openssl-tools.js';

const codes = (r: ChainReport) => r.reasons.map((x) => x.code);

describe('CRLs fetched from distribution points over loopback HTTP', () => {
  let server: StaticHttpServer;
  let pki: TestPki;
  beforeAll(async () => {
    server = await startStaticHttpServer();
    pki = await createTestPki({
      urls: { crl: `${server.url}/sub.crl`, rootCrl: `${server.url}/root.crl`, caIssuers: `${server.url}/sub.cer`, ocsp: null },
    });
    server.files.set('/sub.crl', pki.crl());
    server.files.set('/root.crl', pki.rootCrl());
    server.files.set('/sub.cer', pki.subCa.certificate);
  });
  afterAll(() => server.close());

  const store = (extra: Partial<Parameters<typeof TrustStore.create>[0]> = {}) =>
    TrustStore.create({
      customAnchors: [pki.root.certificate],
      intermediates: [pki.subCa.certificate],
      allowNetwork: true,
      fetcher: createHttpFetcher(),
      policy: { revocation: 'hard-fail' },
      ...extra,
    });

  test('a good certificate is valid, its CRL fetched once and then reused from the cache', async () => {
    const trust = store();
    const first = await trust.verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(first.verdict).toBe('valid');
    expect(first.revocation[0]).toMatchObject({ status: 'good', method: 'crl', source: `${server.url}/sub.crl` });
    const hits = server.hits.get('/sub.crl');
    const second = await trust.verifyCertificate(pki.organization.certificate, { at: pki.now });
    expect(second.verdict).toBe('valid');
    expect(second.revocation[0]).toMatchObject({ status: 'good', source: 'cache' });
    expect(server.hits.get('/sub.crl')).toBe(hits);
  });

  test('a revoked certificate is invalid with CERT_REVOKED, the CRL coming through the fetcher', async () => {
    const r = await store().verifyCertificate(pki.revoked.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CERT_REVOKED');
    expect(r.revocation[0]).toMatchObject({ status: 'revoked', method: 'crl', source: `${server.url}/sub.crl` });
  });

  test('the sub-CA certificate is downloaded from AIA caIssuers when it is not supplied', async () => {
    const trust = TrustStore.create({
      customAnchors: [pki.root.certificate],
      allowNetwork: true,
      fetcher: createHttpFetcher(),
      policy: { revocation: 'hard-fail' },
    });
    const r = await trust.verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(r.verdict).toBe('valid');
    expect(r.chain).toHaveLength(3);
    expect(server.hits.get('/sub.cer')).toBeGreaterThan(0);
  });

  test('without allowNetwork nothing is fetched and the missing sub-CA leaves the chain indeterminate', async () => {
    let calls = 0;
    const fetcher: Fetcher = async () => {
      calls++;
      return new Uint8Array();
    };
    const trust = TrustStore.create({ customAnchors: [pki.root.certificate], fetcher, policy: { revocation: 'hard-fail' } });
    const r = await trust.verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(r.verdict).toBe('indeterminate');
    expect(codes(r)).toEqual(['CHAIN_ISSUER_NOT_FOUND']);
    const withSub = await trust.verifyCertificate(pki.person.certificate, { at: pki.now, extraCertificates: [pki.subCa.certificate] });
    expect(withSub.verdict).toBe('indeterminate');
    expect(withSub.reasons.find((x) => x.code === 'REVOCATION_UNAVAILABLE')?.message).toMatch(/network use is not allowed/);
    expect(calls).toBe(0);
  });

  test('a CRL signed by another key is ignored and reported, leaving revocation unknown', async () => {
    const forged = createTestCrl({ issuer: pki.subCa, signingKey: pki.wrongRoot.privateKey, thisUpdate: pki.now, nextUpdate: new Date(pki.now.getTime() + 86_400_000) });
    const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [forged, pki.rootCrl()], policy: { revocation: 'soft-fail' } });
    const r = await trust.verifyCertificate(pki.revoked.certificate, { at: pki.now });
    expect(r.verdict).toBe('valid');
    expect(codes(r)).toEqual(['REVOCATION_CRL_INVALID', 'REVOCATION_UNAVAILABLE']);
    expect(r.reasons.map((x) => x.severity)).toEqual(['warning', 'warning']);
    expect(r.revocation[0]).toMatchObject({ status: 'unknown', method: 'none', policy: 'soft-fail' });
  });

  test('an offline CRL that expired before the signing time does not answer', async () => {
    const old = pki.crl({ thisUpdate: new Date(pki.now.getTime() - 30 * 86_400_000), nextUpdate: new Date(pki.now.getTime() - 20 * 86_400_000) });
    const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [old, pki.rootCrl()], policy: { revocation: 'hard-fail' } });
    const r = await trust.verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(r.verdict).toBe('indeterminate');
    expect(codes(r)).toEqual(['REVOCATION_UNAVAILABLE']);
  });
});

describe('revocation policies when no responder answers', () => {
  let pki: TestPki;
  let hanging: StaticHttpServer;
  beforeAll(async () => {
    hanging = await startStaticHttpServer({ hang: true });
    // Default URLs point at a closed loopback port; OCSP at a server that never answers.
    pki = await createTestPki({ keyType: 'ec', urls: { ocsp: `${hanging.url}/ocsp` } });
  });
  afterAll(() => hanging.close());

  const verify = (policy: 'hard-fail' | 'soft-fail' | 'off') =>
    TrustStore.create({
      customAnchors: [pki.root.certificate],
      intermediates: [pki.subCa.certificate],
      allowNetwork: true,
      ocsp: true,
      fetchTimeoutMs: 300,
      fetcher: createHttpFetcher(),
    }).verifyCertificate(pki.person.certificate, { at: pki.now, policy: { revocation: policy } });

  test('hard-fail makes the verdict indeterminate and says why', async () => {
    const r = await verify('hard-fail');
    expect(r.verdict).toBe('indeterminate');
    expect(codes(r)).toEqual(['REVOCATION_UNAVAILABLE', 'REVOCATION_UNAVAILABLE']);
    expect(r.reasons[0]?.message).toMatch(/CRL http:\/\/127\.0\.0\.1:9\//);
    expect(r.reasons[0]?.message).toMatch(/OCSP/);
    expect(r.revocation.map((o) => o.status)).toEqual(['unknown', 'unknown']);
    expect(hanging.hits.get('/ocsp')).toBeGreaterThan(0);
  });

  test('soft-fail keeps the verdict valid with warnings', async () => {
    const r = await verify('soft-fail');
    expect(r.verdict).toBe('valid');
    expect(r.reasons.map((x) => [x.code, x.severity])).toEqual([
      ['REVOCATION_UNAVAILABLE', 'warning'],
      ['REVOCATION_UNAVAILABLE', 'warning'],
    ]);
  });

  test('aborting the signal while a responder hangs rejects the verification', async () => {
    const trust = TrustStore.create({
      customAnchors: [pki.root.certificate],
      intermediates: [pki.subCa.certificate],
      allowNetwork: true,
      ocsp: true,
      fetchTimeoutMs: 30_000,
      fetcher: createHttpFetcher(),
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped by the caller')), 200);
    await expect(
      trust.verifyCertificate(pki.person.certificate, { at: pki.now, policy: { revocation: 'hard-fail' }, signal: controller.signal }),
    ).rejects.toThrow('stopped by the caller');
  });

  test('off does not ask and reports that it did not', async () => {
    const before = hanging.hits.get('/ocsp') ?? 0;
    const r = await verify('off');
    expect(r.verdict).toBe('valid');
    expect(codes(r)).toEqual(['REVOCATION_NOT_CHECKED']);
    expect(r.revocation.map((o) => [o.status, o.policy])).toEqual([
      ['not-checked', 'off'],
      ['not-checked', 'off'],
    ]);
    expect(hanging.hits.get('/ocsp') ?? 0).toBe(before);
  });
});

describe('OCSP against an openssl ocsp responder on loopback', () => {
  let pki: TestPki;
  let responder: OcspResponder;
  beforeAll(async () => {
    requireOpenssl();
    const port = await freePort();
    pki = await createTestPki({ urls: { ocsp: `http://127.0.0.1:${port}/`, crl: null } });
    responder = await startOpensslOcspResponder({
      port,
      index: pki.opensslIndex(),
      caPem: pki.subCa.certificatePem,
      responderPem: pki.ocspResponder.certificatePem,
      responderKeyPem: pki.ocspResponder.privateKeyPem,
    });
  });
  afterAll(async () => {
    await responder?.stop();
  });

  const store = (nonce: boolean) =>
    TrustStore.create({
      customAnchors: [pki.root.certificate],
      intermediates: [pki.subCa.certificate],
      crls: [pki.rootCrl()],
      allowNetwork: true,
      ocsp: true,
      ocspNonce: nonce,
      fetcher: createHttpFetcher(),
      policy: { revocation: 'hard-fail' },
    });

  test('a good certificate is valid by OCSP (delegated responder, nonce checked)', async () => {
    const r = await store(true).verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.revocation[0]).toMatchObject({ status: 'good', method: 'ocsp', source: responder.url });
    expect(r.revocation[1]).toMatchObject({ status: 'good', method: 'crl', source: 'offline' });
  });

  test('a revoked certificate is invalid with CERT_REVOKED by OCSP', async () => {
    const r = await store(false).verifyCertificate(pki.revoked.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toContain('CERT_REVOKED');
    expect(r.revocation[0]).toMatchObject({ status: 'revoked', method: 'ocsp', revokedAt: pki.revokedAt.toISOString() });
  });

  test('an OCSP answer is reused from the cache', async () => {
    const trust = store(false);
    await trust.verifyCertificate(pki.organization.certificate, { at: pki.now });
    const r = await trust.verifyCertificate(pki.organization.certificate, { at: pki.now });
    expect(r.revocation[0]).toMatchObject({ status: 'good', method: 'ocsp', source: 'cache' });
  });
});

describe('OCSP answers that must not be believed', () => {
  let pki: TestPki;
  let responder: OcspResponder;
  beforeAll(async () => {
    requireOpenssl();
    const port = await freePort();
    pki = await createTestPki({ keyType: 'ec', urls: { ocsp: `http://127.0.0.1:${port}/`, crl: null } });
    // The personal certificate was issued by the CA but is not an OCSP responder (no id-kp-OCSPSigning).
    responder = await startOpensslOcspResponder({
      port,
      index: pki.opensslIndex(),
      caPem: pki.subCa.certificatePem,
      responderPem: pki.person.certificatePem,
      responderKeyPem: pki.person.privateKeyPem,
    });
  });
  afterAll(async () => {
    await responder?.stop();
  });

  test('an answer signed by a certificate without id-kp-OCSPSigning is ignored and reported', async () => {
    const trust = TrustStore.create({
      customAnchors: [pki.root.certificate],
      intermediates: [pki.subCa.certificate],
      crls: [pki.rootCrl()],
      allowNetwork: true,
      ocsp: true,
      fetcher: createHttpFetcher(),
    });
    const r = await trust.verifyCertificate(pki.revoked.certificate, { at: pki.now, policy: { revocation: 'hard-fail' } });
    expect(r.verdict).toBe('indeterminate');
    expect(codes(r)).toEqual(['REVOCATION_OCSP_INVALID', 'REVOCATION_UNAVAILABLE']);
    expect(r.reasons[0]?.message).toMatch(/OCSPSigning/);
  });
});

describe('a revoked CA certificate', () => {
  test('makes every certificate under it invalid with CA_CERT_REVOKED', async () => {
    const pki = await createTestPki({ keyType: 'ec' });
    const rootCrl = createTestCrl({
      issuer: pki.root,
      thisUpdate: pki.now,
      nextUpdate: new Date(pki.now.getTime() + 86_400_000),
      revoked: [{ serialNumber: pki.subCa.serialNumber, date: new Date(pki.now.getTime() - 86_400_000) }],
    });
    const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), rootCrl] });
    const r = await trust.verifyCertificate(pki.person.certificate, { at: pki.now });
    expect(r.verdict).toBe('invalid');
    expect(codes(r)).toEqual(['CA_CERT_REVOKED']);
    expect(r.revocation.map((o) => o.status)).toEqual(['good', 'revoked']);
  });
});
