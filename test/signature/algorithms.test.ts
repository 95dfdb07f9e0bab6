import { constants, generateKeyPairSync, sign } from 'node:crypto';
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';
import { describe, expect, test } from 'vitest';
import {
  assertAlgorithmForSigning,
  checkAlgorithmPolicy,
  describeSignatureAlgorithm,
  readPublicKey,
  verifySignature,
} from '../../src/signature/algorithms.js';
import { VerificationPolicySchema } from '../../src/signature/report.js';

const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = new TextEncoder().encode('văn bản');
const alg = (oid: string, params?: asn1js.BaseBlock) => new pkijs.AlgorithmIdentifier({ algorithmId: oid, ...(params ? { algorithmParams: params } : {}) });
const spki = (k: { publicKey: import('node:crypto').KeyObject }) => new Uint8Array(k.publicKey.export({ format: 'der', type: 'spki' }));

describe('assertAlgorithmForSigning', () => {
  test('accepts SHA-256 with RSA 2048 and EC P-256', () => {
    expect(() => assertAlgorithmForSigning({ digest: 'SHA-256', key: rsa2048.privateKey })).not.toThrow();
    expect(() => assertAlgorithmForSigning({ digest: 'SHA-384', key: ec256.privateKey })).not.toThrow();
  });
  test('refuses SHA-1 for new signatures', () => {
    expect(() => assertAlgorithmForSigning({ digest: 'SHA-1', key: rsa2048.privateKey })).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_POLICY' }));
  });
  test('refuses RSA keys below 2048 bits', () => {
    expect(() => assertAlgorithmForSigning({ digest: 'SHA-256', key: rsa1024.privateKey })).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_POLICY', message: expect.stringContaining('1024') }));
  });
});

describe('checkAlgorithmPolicy on material being verified', () => {
  const policy = VerificationPolicySchema.parse({});
  test('flags SHA-1 as legacy by default, refuses it when the policy says so', () => {
    expect(checkAlgorithmPolicy(policy, { digest: 'SHA-1' }, 'x').map((r) => [r.code, r.severity])).toEqual([['ALGORITHM_LEGACY_SHA1', 'warning']]);
    const strict = VerificationPolicySchema.parse({ allowLegacySha1: false });
    expect(checkAlgorithmPolicy(strict, { digest: 'SHA-1' }, 'x').map((r) => [r.code, r.severity])).toEqual([['ALGORITHM_SHA1_REFUSED', 'error']]);
  });
  test('refuses a digest outside allowedDigests', () => {
    const p = VerificationPolicySchema.parse({ allowedDigests: ['SHA-256'] });
    expect(checkAlgorithmPolicy(p, { digest: 'SHA-512' }, 'x').map((r) => r.code)).toEqual(['ALGORITHM_NOT_ALLOWED']);
  });
  test('warns on RSA 1024 (legacy floor) and refuses below minLegacyRsaBits', () => {
    const key = readPublicKey(spki(rsa1024));
    expect(key.bits).toBe(1024);
    expect(checkAlgorithmPolicy(policy, { key }, 'x').map((r) => [r.code, r.severity])).toEqual([['ALGORITHM_WEAK_KEY', 'warning']]);
    const p = VerificationPolicySchema.parse({ minLegacyRsaBits: 2048 });
    expect(checkAlgorithmPolicy(p, { key }, 'x').map((r) => r.code)).toEqual(['ALGORITHM_KEY_TOO_SMALL']);
  });
  test('says nothing about SHA-256 with RSA 2048 or EC P-256', () => {
    expect(checkAlgorithmPolicy(policy, { digest: 'SHA-256', key: readPublicKey(spki(rsa2048)) }, 'x')).toEqual([]);
    expect(checkAlgorithmPolicy(policy, { digest: 'SHA-256', key: readPublicKey(spki(ec256)) }, 'x')).toEqual([]);
  });
});

describe('verifySignature', () => {
  test('verifies PKCS#1 v1.5 with SHA-256 and SHA-1, and fails on other data', () => {
    for (const [oid, hash] of [['1.2.840.113549.1.1.11', 'sha256'], ['1.2.840.113549.1.1.5', 'sha1']] as const) {
      const signature = new Uint8Array(sign(hash, data, rsa2048.privateKey));
      expect(verifySignature({ data, signature, algorithm: alg(oid, new asn1js.Null()), publicKey: spki(rsa2048) })).toBe(true);
      expect(verifySignature({ data: data.slice(1), signature, algorithm: alg(oid, new asn1js.Null()), publicKey: spki(rsa2048) })).toBe(false);
    }
  });
  test('verifies rsaEncryption with the digest given apart (CMS)', () => {
    const signature = new Uint8Array(sign('sha256', data, rsa2048.privateKey));
    expect(verifySignature({ data, signature, algorithm: alg('1.2.840.113549.1.1.1', new asn1js.Null()), publicKey: spki(rsa2048), digest: 'SHA-256' })).toBe(true);
  });
  test('verifies RSASSA-PSS with its parameters', () => {
    const params = new pkijs.RSASSAPSSParams({
      hashAlgorithm: alg('2.16.840.1.101.3.4.2.1'),
      maskGenAlgorithm: alg('1.2.840.113549.1.1.8', alg('2.16.840.1.101.3.4.2.1').toSchema()),
      saltLength: 32,
    });
    const algorithm = alg('1.2.840.113549.1.1.10', params.toSchema());
    expect(describeSignatureAlgorithm(algorithm)).toMatchObject({ scheme: 'rsa-pss', digest: 'SHA-256', saltLength: 32 });
    const signature = new Uint8Array(sign('sha256', data, { key: rsa2048.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    expect(verifySignature({ data, signature, algorithm, publicKey: spki(rsa2048) })).toBe(true);
  });
  test('verifies ECDSA and refuses an RSA key for an ECDSA algorithm', () => {
    const signature = new Uint8Array(sign('sha256', data, ec256.privateKey));
    expect(verifySignature({ data, signature, algorithm: alg('1.2.840.10045.4.3.2'), publicKey: spki(ec256) })).toBe(true);
    expect(verifySignature({ data, signature, algorithm: alg('1.2.840.10045.4.3.2'), publicKey: spki(rsa2048) })).toBe(false);
  });
  test('throws VDXP_SIGNATURE_MALFORMED for an unknown algorithm', () => {
    expect(() => verifySignature({ data, signature: data, algorithm: alg('1.2.3.4'), publicKey: spki(rsa2048) })).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_MALFORMED' }));
  });
});
