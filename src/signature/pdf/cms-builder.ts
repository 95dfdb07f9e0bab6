/**
 * Builds the CMS SignedData of a PDF signature with pkijs: the signed attributes (contentType,
 * messageDigest, and signingTime for `adbe.pkcs7.detached` or signingCertificateV2 for
 * `ETSI.CAdES.detached`), as the DER SET the signer signs; then the SignedData around a
 * signature value, with the certificates and an optional RFC 3161 token as the unsigned
 * attribute id-aa-signatureTimeStampToken.
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError } from '../../errors.js';
import { digestOid, nodeHashName, type DigestName } from '../algorithms.js';
import { certificateFromDer } from '../certificate.js';
import { CMS_OIDS } from './pdf-cms.js';

/** The signature schemes a PDF signature can be made with. */
export interface CmsSignatureScheme {
  readonly scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';
  readonly digest: DigestName;
}

/** What the signed attributes are made of. */
export interface SignedAttributesInput {
  /** Digest of the byte ranges. */
  readonly digest: Uint8Array;
  readonly digestAlgorithm: DigestName;
  /** The signer's certificate, DER. */
  readonly certificate: Uint8Array;
  readonly subFilter: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached';
  /** Written for `adbe.pkcs7.detached` only (PAdES takes the time from /M and the timestamp). */
  readonly signingTime: Date;
}

const attribute = (type: string, value: asn1js.BaseBlock) => new pkijs.Attribute({ type, values: [value] });
const der = (a: pkijs.Attribute) => Buffer.from(a.toSchema().toBER(false));
const digestId = (d: DigestName) => new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(d), algorithmParams: new asn1js.Null() });

/** The signed attributes in DER order (a SET OF is sorted by encoding). */
export function signedAttributes(input: SignedAttributesInput): pkijs.Attribute[] {
  const cert = certificateFromDer(input.certificate).pkijs;
  const attrs = [
    attribute(CMS_OIDS.contentType, new asn1js.ObjectIdentifier({ value: CMS_OIDS.data })),
    attribute(CMS_OIDS.messageDigest, new asn1js.OctetString({ valueHex: input.digest })),
  ];
  if (input.subFilter === 'adbe.pkcs7.detached') {
    const t = new Date(Math.floor(input.signingTime.getTime() / 1000) * 1000);
    const year = t.getUTCFullYear();
    attrs.push(attribute(CMS_OIDS.signingTime, year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: t }) : new asn1js.GeneralizedTime({ valueDate: t })));
  } else {
    const hash = createHash('sha256').update(input.certificate).digest();
    const issuerSerial = new asn1js.Sequence({
      value: [
        new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })] }).toSchema(),
        cert.serialNumber,
      ],
    });
    const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: hash }), issuerSerial] });
    attrs.push(attribute(CMS_OIDS.signingCertificateV2, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })));
  }
  return attrs.sort((a, b) => Buffer.compare(der(a), der(b)));
}

/** The DER SET of the signed attributes: the bytes the signer signs. */
export function signedAttributesDer(attrs: readonly pkijs.Attribute[]): Uint8Array {
  return new Uint8Array(new asn1js.Set({ value: attrs.map((a) => a.toSchema()) }).toBER(false));
}

/** What {@link assembleCms} wraps. */
export interface AssembleCmsInput {
  readonly attributes: readonly pkijs.Attribute[];
  readonly certificate: Uint8Array;
  /** CA certificates to embed after the signer's. */
  readonly chain: readonly Uint8Array[];
  /** The signature over {@link signedAttributesDer}; ECDSA as DER or raw r‖s. */
  readonly signature: Uint8Array;
  readonly scheme: CmsSignatureScheme;
  readonly timestampToken?: Uint8Array;
}

/** The SignatureAlgorithm identifier of a scheme. */
function signatureAlgorithm(s: CmsSignatureScheme): pkijs.AlgorithmIdentifier {
  if (s.scheme === 'ecdsa') {
    const oid = { 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3', 'SHA-512': '1.2.840.10045.4.3.4' }[s.digest as 'SHA-256'];
    if (!oid) throw new SignatureError('VDXP_SIGNATURE_POLICY', `ECDSA with ${s.digest} is not offered for PDF signatures`);
    return new pkijs.AlgorithmIdentifier({ algorithmId: oid });
  }
  if (s.scheme === 'rsa-pss') {
    const hash = digestId(s.digest);
    const params = new pkijs.RSASSAPSSParams({
      hashAlgorithm: hash,
      maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.8', algorithmParams: hash.toSchema() }),
      saltLength: { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[s.digest as 'SHA-256'] ?? 32,
    });
    return new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.10', algorithmParams: params.toSchema() });
  }
  const oid = { 'SHA-256': '1.2.840.113549.1.1.11', 'SHA-384': '1.2.840.113549.1.1.12', 'SHA-512': '1.2.840.113549.1.1.13' }[s.digest as 'SHA-256'];
  if (!oid) throw new SignatureError('VDXP_SIGNATURE_POLICY', `RSA with ${s.digest} is not offered for PDF signatures`);
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: new asn1js.Null() });
}

/** DER `ECDSA-Sig-Value` from raw r‖s (DER input is returned as is). */
export function ecdsaToDer(sig: Uint8Array): Uint8Array {
  if (sig[0] === 0x30 && sig[1] !== undefined && (sig[1] === sig.length - 2 || (sig[1] === 0x81 && sig[2] === sig.length - 3))) return sig;
  const half = sig.length / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return new asn1js.Integer({ valueHex: (v[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v });
  };
  return new Uint8Array(new asn1js.Sequence({ value: [int(sig.subarray(0, half)), int(sig.subarray(half))] }).toBER(false));
}

/** The DER ContentInfo of the SignedData. */
export function assembleCms(input: AssembleCmsInput): Uint8Array {
  const cert = certificateFromDer(input.certificate).pkijs;
  const signature = input.scheme.scheme === 'ecdsa' ? ecdsaToDer(input.signature) : input.signature;
  const signer = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: digestId(input.scheme.digest),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: [...input.attributes] }),
    signatureAlgorithm: signatureAlgorithm(input.scheme),
    signature: new asn1js.OctetString({ valueHex: signature }),
    ...(input.timestampToken
      ? { unsignedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attribute(CMS_OIDS.timeStampToken, timestampSchema(input.timestampToken))] }) }
      : {}),
  });
  const signed = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [digestId(input.scheme.digest)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CMS_OIDS.data }),
    certificates: [input.certificate, ...input.chain].map((d) => certificateFromDer(d).pkijs),
    signerInfos: [signer],
  });
  const info = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

function timestampSchema(token: Uint8Array): asn1js.BaseBlock {
  const parsed = asn1js.fromBER(token);
  if (parsed.offset === -1 || parsed.offset !== token.length) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'the timestamp token is not a single DER value');
  return parsed.result;
}

/** Digest of the signature value, as an RFC 3161 request for a signature timestamp imprints it. */
export function signatureImprint(signature: Uint8Array, algorithm: DigestName = 'SHA-256'): Uint8Array {
  return new Uint8Array(createHash(nodeHashName(algorithm)).update(signature).digest());
}
