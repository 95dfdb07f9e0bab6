import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../src/signature/trust-store.js';
import { verifyTimestampToken } from '../../src/signature/timestamp.js';
import { createTestPki, createTestTimestampToken, type TestPki } from '../../src/testing/index.js';
import { requireOpenssl, runOpenssl } from '../helpers/openssl-tools.js';

const data = new TextEncoder().encode('chữ ký của văn bản số 123/QĐ-BTN');

describe('verifyTimestampToken', () => {
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

  test('a token over the data is valid and gives its time and TSA', async () => {
    const time = new Date(pki.now.getTime() - 60_000);
    const token = createTestTimestampToken({ tsa: pki.tsa, data, time });
    const r = await verifyTimestampToken(token, { data, trust });
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.time.toISOString()).toBe(new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString());
    expect(r.tsa?.sha256).toBe(pki.tsa.sha256);
    expect(r.imprintAlgorithm).toBe('SHA-256');
    expect(r.chain?.chain.map((c) => c.sha256)).toEqual([pki.tsa.sha256, pki.subCa.sha256, pki.root.sha256]);
  });

  test('a token checked against other data is invalid with TIMESTAMP_IMPRINT_MISMATCH', async () => {
    const token = createTestTimestampToken({ tsa: pki.tsa, data, time: pki.now });
    const other = new Uint8Array(data);
    other[0] = (other[0] ?? 0) ^ 1;
    const r = await verifyTimestampToken(token, { data: other, trust });
    expect(r.verdict).toBe('invalid');
    expect(r.reasons.map((x) => x.code)).toEqual(['TIMESTAMP_IMPRINT_MISMATCH']);
    expect(r.reasons[0]?.messageVi).toBe('Dấu thời gian không khớp với dữ liệu đã ký');
  });

  test('a token whose imprint was altered inside no longer verifies', async () => {
    const token = createTestTimestampToken({ tsa: pki.tsa, data, time: pki.now });
    const digest = Buffer.from(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
    const at = Buffer.from(token).indexOf(digest);
    expect(at).toBeGreaterThan(0);
    const tampered = new Uint8Array(token);
    tampered[at] = (tampered[at] ?? 0) ^ 0xff;
    const r = await verifyTimestampToken(tampered, { data, trust });
    expect(r.verdict).toBe('invalid');
    expect(r.reasons.map((x) => x.code)).toEqual(['TIMESTAMP_IMPRINT_MISMATCH', 'TIMESTAMP_SIGNATURE_INVALID']);
  });

  test('a token given an imprint instead of data is checked against it', async () => {
    const token = createTestTimestampToken({ tsa: pki.tsa, data, time: pki.now, imprintAlgorithm: 'SHA-1' });
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', data));
    const r = await verifyTimestampToken(token, { imprint: { algorithm: 'SHA-1', digest }, trust });
    expect(r.verdict).toBe('valid');
    expect(r.imprintAlgorithm).toBe('SHA-1');
    expect(r.reasons.map((x) => x.code)).toEqual(['ALGORITHM_LEGACY_SHA1']);
  });

  test('a token signed with another key is invalid with TIMESTAMP_SIGNATURE_INVALID', async () => {
    const token = createTestTimestampToken({ tsa: pki.tsa, data, time: pki.now, signingKey: pki.person.privateKey });
    const r = await verifyTimestampToken(token, { data, trust });
    expect(r.verdict).toBe('invalid');
    expect(r.reasons.map((x) => x.code)).toEqual(['TIMESTAMP_SIGNATURE_INVALID']);
  });

  test('a token from a certificate without the time-stamping EKU is refused', async () => {
    const token = createTestTimestampToken({ tsa: pki.person, data, time: pki.now });
    const r = await verifyTimestampToken(token, { data, trust });
    expect(r.verdict).toBe('invalid');
    expect(r.reasons.map((x) => x.code)).toEqual(['TSA_EKU_MISSING', 'TIMESTAMP_TSA_UNTRUSTED']);
  });

  test('a token without its TSA certificate is indeterminate, and valid once the certificate is supplied', async () => {
    const token = createTestTimestampToken({ tsa: pki.tsa, data, time: pki.now, certificates: [] });
    const r = await verifyTimestampToken(token, { data, trust });
    expect(r.verdict).toBe('indeterminate');
    expect(r.reasons.map((x) => x.code)).toEqual(['TIMESTAMP_SIGNER_NOT_FOUND']);
    const again = await verifyTimestampToken(token, { data, trust, extraCertificates: [pki.tsa.certificate] });
    expect(again.verdict).toBe('valid');
  });

  test('bytes that are not a token throw VDXP_SIGNATURE_MALFORMED', async () => {
    await expect(verifyTimestampToken(data, { data, trust })).rejects.toMatchObject({ code: 'VDXP_SIGNATURE_MALFORMED' });
  });
});

describe('timestamp tokens and openssl ts', () => {
  let pki: TestPki;
  let dir: string;
  beforeAll(async () => {
    requireOpenssl();
    pki = await createTestPki();
    dir = await mkdtemp(join(tmpdir(), 'vdxp-ts-'));
    await writeFile(join(dir, 'data.bin'), data);
    await writeFile(join(dir, 'root.pem'), pki.root.certificatePem);
    await writeFile(join(dir, 'sub.pem'), pki.subCa.certificatePem);
    await writeFile(join(dir, 'tsa.pem'), pki.tsa.certificatePem);
    await writeFile(join(dir, 'tsa.key'), pki.tsa.privateKeyPem, { mode: 0o600 });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('openssl ts -verify accepts a token made by createTestTimestampToken', async () => {
    await writeFile(join(dir, 'ours.tst'), createTestTimestampToken({ tsa: pki.tsa, data, time: new Date() }));
    const r = runOpenssl(['ts', '-verify', '-data', 'data.bin', '-in', 'ours.tst', '-token_in', '-CAfile', 'root.pem', '-untrusted', 'sub.pem'], { cwd: dir });
    expect(r.stdout + r.stderr).toMatch(/Verification: OK/);
    expect(r.status).toBe(0);
  });

  test('verifyTimestampToken accepts a token made by openssl ts -reply, and refuses it for other data', async () => {
    await writeFile(
      join(dir, 'tsa.cnf'),
      [
        '[ tsa ]', 'default_tsa = tsa_config', '[ tsa_config ]', `dir = ${dir}`, 'serial = $dir/tsaserial',
        'signer_cert = $dir/tsa.pem', 'signer_key = $dir/tsa.key', 'certs = $dir/sub.pem', 'default_policy = 1.3.6.1.4.1.99999.2',
        'signer_digest = sha256', 'digests = sha1, sha256', 'ess_cert_id_chain = no', 'ess_cert_id_alg = sha256', 'accuracy = secs:1',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'tsaserial'), '01\n');
    const q = runOpenssl(['ts', '-query', '-data', 'data.bin', '-sha256', '-cert', '-out', 'req.tsq'], { cwd: dir });
    expect(q.status, q.stderr).toBe(0);
    const reply = runOpenssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'req.tsq', '-token_out', '-out', 'theirs.tst'], { cwd: dir });
    expect(reply.status, reply.stderr).toBe(0);
    const token = new Uint8Array(await readFile(join(dir, 'theirs.tst')));
    const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
    const r = await verifyTimestampToken(token, { data, trust });
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.policyId).toBe('1.3.6.1.4.1.99999.2');
    expect(Math.abs(r.time.getTime() - Date.now())).toBeLessThan(120_000);
    const bad = await verifyTimestampToken(token, { data: new TextEncoder().encode('khác'), trust });
    expect(bad.verdict).toBe('invalid');
  });
});
