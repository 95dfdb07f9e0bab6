/**
 * RFC 3161 timestamp tokens: checks the token's CMS signature (signed attributes, message
 * digest, ESS signing certificate), its message imprint against the data, and the TSA's chain
 * (usage `timestamping`) through the trust store; returns the time the token proves.
 * @module
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError } from '../errors.js';
import { verdictOf, type CertificateSummary, type ChainReport, type Reason, type Verdict, type VerificationPolicy } from './report.js';
import { certificateFromDer, summarizeCertificate, type ParsedCertificate } from './certificate.js';
import { DIGEST_OIDS, checkAlgorithmPolicy, nodeHashName, spkiOf, verifySignature, type DigestName } from './algorithms.js';
import { VerificationPolicySchema } from './report.js';
import { nameKey } from './distinguished-name.js';
import { trustReason } from './reasons.js';
import type { TrustStore } from './trust-store.js';

/** id-ct-TSTInfo. */
export const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';
const CONTENT_TYPE_ATTR = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST_ATTR = '1.2.840.113549.1.9.4';
const SIGNING_CERTIFICATE_ATTR = '1.2.840.113549.1.9.16.2.12';
const SIGNING_CERTIFICATE_V2_ATTR = '1.2.840.113549.1.9.16.2.47';

/** Options of {@link verifyTimestampToken}. */
export interface VerifyTimestampOptions {
  readonly trust: TrustStore;
  /** The timestamped bytes (for a CMS signature: the signature value). */
  readonly data?: Uint8Array;
  /** Or the digest already computed. */
  readonly imprint?: { readonly algorithm: DigestName; readonly digest: Uint8Array };
  /** When to validate the TSA's chain. @defaultValue the token's time */
  readonly at?: Date;
  readonly policy?: VerificationPolicy;
  /** Certificates that may help (the TSA's own when the token does not carry it). */
  readonly extraCertificates?: readonly Uint8Array[];
  readonly signal?: AbortSignal;
}

/** What a timestamp token proves, and whether it holds. */
export interface TimestampReport {
  readonly verdict: Verdict;
  readonly reasons: readonly Reason[];
  /** The time the token asserts (TSTInfo genTime). */
  readonly time: Date;
  readonly tsa?: CertificateSummary;
  readonly imprintAlgorithm: DigestName;
  /** TSTInfo serial number, uppercase hex. */
  readonly serialNumber: string;
  /** TSA policy OID. */
  readonly policyId: string;
  readonly chain?: ChainReport;
}

const malformed = (what: string, cause?: unknown) =>
  new SignatureError('VDXP_SIGNATURE_MALFORMED', `not a readable timestamp token: ${what}`, cause ? { cause } : undefined);

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const hash = (d: DigestName, bytes: Uint8Array) => new Uint8Array(createHash(nodeHashName(d)).update(bytes).digest());

function parseToken(token: Uint8Array) {
  let signed: pkijs.SignedData;
  try {
    const asn1 = asn1js.fromBER(token);
    if (asn1.offset === -1) throw new Error('bad DER');
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not SignedData');
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    throw malformed('not a CMS SignedData', e);
  }
  const eci = signed.encapContentInfo;
  if (eci.eContentType !== TST_INFO_OID || !eci.eContent) throw malformed('the content is not a TSTInfo');
  const content = new Uint8Array(eci.eContent.getValue());
  let tst: pkijs.TSTInfo;
  try {
    tst = new pkijs.TSTInfo({ schema: asn1js.fromBER(content).result });
  } catch (e) {
    throw malformed('unreadable TSTInfo', e);
  }
  const signer = signed.signerInfos[0];
  if (signed.signerInfos.length !== 1 || !signer) throw malformed('a token has exactly one signer');
  return { signed, content, tst, signer };
}

/** The certificate a SignerInfo designates (issuer and serial, or subject key identifier) among `certs`. @internal */
export function findSigner(signer: pkijs.SignerInfo, certs: readonly ParsedCertificate[]): ParsedCertificate | undefined {
  const sid: unknown = signer.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = Buffer.from(sid.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase();
    const issuer = nameKey(sid.issuer);
    return certs.find((c) => c.serialNumber === serial && c.issuerKey === issuer);
  }
  if (sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive) {
    const bytes = sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : (sid.valueBlock.value[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView;
    const keyId = bytes ? Buffer.from(bytes).toString('hex') : undefined;
    return keyId ? certs.find((c) => c.subjectKeyId === keyId) : undefined;
  }
  return undefined;
}

/**
 * The certificate hash named by an ESS signing-certificate (v1 or v2) attribute, if any.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED for an unknown digest; a TypeError for a malformed attribute
 * @internal
 */
export function essCertHash(attrs: readonly pkijs.Attribute[]): { digest: DigestName; hash: Uint8Array } | undefined {
  for (const a of attrs) {
    if (a.type !== SIGNING_CERTIFICATE_ATTR && a.type !== SIGNING_CERTIFICATE_V2_ATTR) continue;
    const certs = (a.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const parts = first.valueBlock.value;
    if (a.type === SIGNING_CERTIFICATE_ATTR) return { digest: 'SHA-1', hash: (parts[0] as asn1js.OctetString).valueBlock.valueHexView };
    const hasAlg = parts[0] instanceof asn1js.Sequence;
    const alg = hasAlg ? DIGEST_OIDS[new pkijs.AlgorithmIdentifier({ schema: parts[0] }).algorithmId] : 'SHA-256';
    const h = (hasAlg ? parts[1] : parts[0]) as asn1js.OctetString;
    if (!alg) throw malformed('unknown digest in the signing certificate attribute');
    return { digest: alg, hash: h.valueBlock.valueHexView };
  }
  return undefined;
}

/**
 * Verifies an RFC 3161 timestamp token (DER ContentInfo). A token that does not hold is a
 * report; an unreadable one throws.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when the token cannot be read
 * @example
 * ```ts
 * const ts = await verifyTimestampToken(token, { data: signatureValue, trust });
 * if (ts.verdict === 'valid') signingTime = ts.time;
 * ```
 */
export async function verifyTimestampToken(token: Uint8Array, options: VerifyTimestampOptions): Promise<TimestampReport> {
  const { signed, content, tst, signer } = parseToken(token);
  const policy = options.policy ? VerificationPolicySchema.parse(options.policy) : options.trust.policy;
  const reasons: Reason[] = [];
  const imprintAlgorithm = DIGEST_OIDS[tst.messageImprint.hashAlgorithm.algorithmId];
  if (!imprintAlgorithm) throw malformed('unknown imprint digest');
  const imprint = tst.messageImprint.hashedMessage.valueBlock.valueHexView;
  if (options.data) {
    if (!sameBytes(hash(imprintAlgorithm, options.data), imprint)) reasons.push(trustReason('TIMESTAMP_IMPRINT_MISMATCH'));
  } else if (options.imprint) {
    if (options.imprint.algorithm !== imprintAlgorithm || !sameBytes(options.imprint.digest, imprint)) reasons.push(trustReason('TIMESTAMP_IMPRINT_MISMATCH'));
  } else reasons.push(trustReason('TIMESTAMP_IMPRINT_NOT_CHECKED'));
  reasons.push(...checkAlgorithmPolicy(policy, { digest: imprintAlgorithm }, 'timestamp imprint'));

  const embedded: ParsedCertificate[] = [];
  for (const c of signed.certificates ?? []) {
    if (c instanceof pkijs.Certificate) embedded.push(certificateFromDer(new Uint8Array(c.toSchema(false).toBER(false))));
  }
  const extra = (options.extraCertificates ?? []).map((d) => certificateFromDer(d));
  const tsaCert = findSigner(signer, [...embedded, ...extra]);
  const base = {
    time: tst.genTime,
    imprintAlgorithm,
    serialNumber: Buffer.from(tst.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase(),
    policyId: tst.policy,
  };
  if (!tsaCert) {
    reasons.push(trustReason('TIMESTAMP_SIGNER_NOT_FOUND'));
    return { verdict: verdictOf(reasons), reasons, ...base };
  }
  const digest = DIGEST_OIDS[signer.digestAlgorithm.algorithmId];
  if (!digest) throw malformed('unknown signer digest');
  const attrs = signer.signedAttrs?.attributes ?? [];
  const contentType = attrs.find((a) => a.type === CONTENT_TYPE_ATTR)?.values[0];
  const messageDigest = attrs.find((a) => a.type === MESSAGE_DIGEST_ATTR)?.values[0];
  let signatureOk = false;
  if (signer.signedAttrs && contentType instanceof asn1js.ObjectIdentifier && messageDigest instanceof asn1js.OctetString) {
    const attrsOk = contentType.valueBlock.toString() === TST_INFO_OID && sameBytes(messageDigest.valueBlock.valueHexView, hash(digest, content));
    signatureOk =
      attrsOk &&
      verifySignature({
        data: new Uint8Array(signer.signedAttrs.encodedValue),
        signature: signer.signature.valueBlock.valueHexView,
        algorithm: signer.signatureAlgorithm,
        publicKey: spkiOf(tsaCert.pkijs),
        digest,
      });
  }
  if (!signatureOk) reasons.push(trustReason('TIMESTAMP_SIGNATURE_INVALID'));
  reasons.push(...checkAlgorithmPolicy(policy, { digest }, 'timestamp signature'));
  const ess = essCertHash(attrs);
  if (ess && !sameBytes(ess.hash, hash(ess.digest, tsaCert.der))) reasons.push(trustReason('TIMESTAMP_CERT_MISMATCH'));

  const chain = await options.trust.verifyCertificate(tsaCert.der, {
    at: options.at ?? tst.genTime,
    usage: 'timestamping',
    extraCertificates: [...embedded, ...extra].filter((c) => c !== tsaCert).map((c) => c.der),
    policy,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  reasons.push(...chain.reasons);
  if (chain.verdict === 'invalid') reasons.push(trustReason('TIMESTAMP_TSA_UNTRUSTED', { detail: tsaCert.subject }));
  return { verdict: verdictOf(reasons), reasons, ...base, tsa: summarizeCertificate(tsaCert), chain };
}
