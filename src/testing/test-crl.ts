/**
 * Issues CRLs for tests, signed with Node's crypto.
 * @module
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateFromDer } from '../signature/certificate.js';
import type { DigestName } from '../signature/algorithms.js';
import { signBytes, signatureAlgorithmFor, timeOf, type TestEntity } from './issue-certificate.js';

/** What {@link createTestCrl} makes. */
export interface TestCrlOptions {
  /** The CA signing the CRL. */
  readonly issuer: TestEntity;
  readonly thisUpdate: Date;
  /** Omitted: no nextUpdate. */
  readonly nextUpdate?: Date;
  /** Revoked certificates by serial (uppercase hex, as `TestEntity.serialNumber`) and date. */
  readonly revoked?: readonly { readonly serialNumber: string; readonly date: Date }[];
  /** @defaultValue 1 */
  readonly crlNumber?: number;
  /** @defaultValue 'SHA-256' */
  readonly signatureDigest?: DigestName;
  /** Sign with this key instead of the issuer's (to make a forged CRL). */
  readonly signingKey?: TestEntity['privateKey'];
}

/**
 * A DER CRL (v2) with CRL number and authority key identifier.
 * @example
 * ```ts
 * const crl = createTestCrl({ issuer: pki.subCa, thisUpdate: now, nextUpdate: inAWeek,
 *   revoked: [{ serialNumber: pki.revoked.serialNumber, date: yesterday }] });
 * ```
 */
export function createTestCrl(options: TestCrlOptions): Uint8Array {
  const issuer = certificateFromDer(options.issuer.certificate).pkijs;
  const key = options.signingKey ?? options.issuer.privateKey;
  const digest = options.signatureDigest ?? 'SHA-256';
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    signature: signatureAlgorithmFor(key, digest),
    issuer: issuer.subject,
    thisUpdate: timeOf(options.thisUpdate),
    ...(options.nextUpdate ? { nextUpdate: timeOf(options.nextUpdate) } : {}),
  });
  const revoked = options.revoked ?? [];
  if (revoked.length) {
    crl.revokedCertificates = revoked.map(
      (r) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: new Uint8Array(Buffer.from(r.serialNumber, 'hex')) }),
          revocationDate: timeOf(r.date),
        }),
    );
  }
  const keyId = createHash('sha1').update(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [
      new pkijs.Extension({
        extnID: '2.5.29.35',
        critical: false,
        extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: new Uint8Array(keyId) }) }).toSchema().toBER(false),
      }),
      new pkijs.Extension({
        extnID: '2.5.29.20',
        critical: false,
        extnValue: asn1js.Integer.fromBigInt(BigInt(options.crlNumber ?? 1)).toBER(false),
      }),
    ],
  });
  crl.signatureAlgorithm = signatureAlgorithmFor(key, digest);
  const full = crl.toSchema(true) as asn1js.Sequence;
  const tbs = new Uint8Array((full.valueBlock.value[0] as asn1js.Sequence).toBER(false));
  crl.tbsView = tbs;
  crl.signatureValue = new asn1js.BitString({ valueHex: signBytes(key, digest, tbs) });
  return new Uint8Array(crl.toSchema(false).toBER(false));
}
