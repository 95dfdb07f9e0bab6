/**
 * RFC 3161 timestamp tokens for tests and the demo, signed by a TSA of the test PKI.
 * @module
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateFromDer } from '../signature/certificate.js';
import { digestOid, nodeHashName, type DigestName } from '../signature/algorithms.js';
import { TST_INFO_OID } from '../signature/timestamp.js';
import { signBytes, signatureAlgorithmFor, type TestEntity } from './issue-certificate.js';

/** What {@link createTestTimestampToken} makes. */
export interface TestTimestampOptions {
  /** The time-stamping authority (e.g. `pki.tsa`). */
  readonly tsa: TestEntity;
  /** The bytes to timestamp… */
  readonly data?: Uint8Array;
  /** …or their digest (with `imprintAlgorithm`). */
  readonly digest?: Uint8Array;
  /** @defaultValue 'SHA-256' */
  readonly imprintAlgorithm?: DigestName;
  /** @defaultValue new Date() */
  readonly time?: Date;
  /** @defaultValue a counter */
  readonly serial?: bigint;
  /** TSA policy. @defaultValue '1.3.6.1.4.1.99999.1.1' (a test OID) */
  readonly policy?: string;
  /** Certificates to embed. @defaultValue [tsa] */
  readonly certificates?: readonly TestEntity[];
  /** Digest of the token's signature. @defaultValue 'SHA-256' */
  readonly signatureDigest?: DigestName;
  /** Sign with another key than the TSA's (a forged token). */
  readonly signingKey?: TestEntity['privateKey'];
  readonly nonce?: bigint;
}

let counter = 1000n;

const attribute = (type: string, value: asn1js.BaseBlock) => new pkijs.Attribute({ type, values: [value] });

/**
 * A DER ContentInfo holding a SignedData over a TSTInfo, with contentType, messageDigest and
 * ESS signing-certificate-v2 signed attributes.
 * @example
 * ```ts
 * const token = createTestTimestampToken({ tsa: pki.tsa, data: signatureValue, time: new Date() });
 * ```
 */
export function createTestTimestampToken(options: TestTimestampOptions): Uint8Array {
  const imprintAlgorithm = options.imprintAlgorithm ?? 'SHA-256';
  const signatureDigest = options.signatureDigest ?? 'SHA-256';
  const digest = options.digest ?? new Uint8Array(createHash(nodeHashName(imprintAlgorithm)).update(options.data ?? new Uint8Array()).digest());
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: options.policy ?? '1.3.6.1.4.1.99999.1.1',
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(imprintAlgorithm), algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    serialNumber: asn1js.Integer.fromBigInt(options.serial ?? ++counter),
    genTime: new Date(Math.floor((options.time ?? new Date()).getTime() / 1000) * 1000),
    ...(options.nonce === undefined ? {} : { nonce: asn1js.Integer.fromBigInt(options.nonce) }),
  });
  const content = new Uint8Array(tst.toSchema().toBER(false));
  const tsaCert = certificateFromDer(options.tsa.certificate).pkijs;
  const certHash = createHash('sha256').update(options.tsa.certificate).digest();
  const attrs = [
    attribute('1.2.840.113549.1.9.3', new asn1js.ObjectIdentifier({ value: TST_INFO_OID })),
    attribute('1.2.840.113549.1.9.4', new asn1js.OctetString({ valueHex: createHash(nodeHashName(signatureDigest)).update(content).digest() })),
    attribute(
      '1.2.840.113549.1.9.16.2.47',
      new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certHash })] })] })] }),
    ),
  ].sort((a, b) => Buffer.compare(Buffer.from(a.toSchema().toBER(false)), Buffer.from(b.toSchema().toBER(false))));
  const toSign = new Uint8Array(new asn1js.Set({ value: attrs.map((a) => a.toSchema()) }).toBER(false));
  const key = options.signingKey ?? options.tsa.privateKey;
  const signer = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: tsaCert.issuer, serialNumber: tsaCert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(signatureDigest), algorithmParams: new asn1js.Null() }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
    signatureAlgorithm: signatureAlgorithmFor(key, signatureDigest),
    signature: new asn1js.OctetString({ valueHex: signBytes(key, signatureDigest, toSign) }),
  });
  const signed = new pkijs.SignedData({
    version: 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(signatureDigest), algorithmParams: new asn1js.Null() })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: TST_INFO_OID, eContent: new asn1js.OctetString({ valueHex: content }) }),
    certificates: (options.certificates ?? [options.tsa]).map((e) => certificateFromDer(e.certificate).pkijs),
    signerInfos: [signer],
  });
  const info = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}
