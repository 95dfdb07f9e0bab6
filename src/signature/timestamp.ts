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
import { attributeValue, essCertHash, findSigner, octetString, oidText, signerInfoFromPkijs, toAlgorithmIdentifier } from './cms-signer-info.js';
import { trustReason } from './reasons.js';
import type { TrustStore } from './trust-store.js';

/** id-ct-TSTInfo. */
export const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';
const CONTENT_TYPE_ATTR = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST_ATTR = '1.2.840.113549.1.9.4';

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
  const only = signed.signerInfos[0];
  if (signed.signerInfos.length !== 1 || !only) throw malformed('a token has exactly one signer');
  return { signed, content, tst, signer: signerInfoFromPkijs(only) };
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
  const digest = DIGEST_OIDS[signer.digestAlgorithm];
  if (!digest) throw malformed('unknown signer digest');
  const attrs = signer.signedAttrs?.attributes ?? [];
  const messageDigest = octetString(attributeValue(attrs, MESSAGE_DIGEST_ATTR));
  let signatureOk = false;
  if (signer.signedAttrs && messageDigest) {
    const attrsOk = oidText(attributeValue(attrs, CONTENT_TYPE_ATTR)) === TST_INFO_OID && sameBytes(messageDigest, hash(digest, content));
    signatureOk =
      attrsOk &&
      verifySignature({
        data: signer.signedAttrs.encoded,
        signature: signer.signature,
        algorithm: toAlgorithmIdentifier(signer.signatureAlgorithm),
        publicKey: spkiOf(tsaCert.pkijs),
        digest,
      });
  }
  if (!signatureOk) reasons.push(trustReason('TIMESTAMP_SIGNATURE_INVALID'));
  reasons.push(...checkAlgorithmPolicy(policy, { digest }, 'timestamp signature'));
  const ess = essCertHash(attrs);
  if (ess && !sameBytes(ess.hash, hash(ess.digest, tsaCert.der))) reasons.push(trustReason('TIMESTAMP_CERT_MISMATCH'));

  const chain = await options.trust.checkCertificate(tsaCert, {
    at: options.at ?? tst.genTime,
    usage: 'timestamping',
    extraCertificates: [...embedded, ...extra].filter((c) => c !== tsaCert),
    policy,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  reasons.push(...chain.reasons);
  if (chain.verdict === 'invalid') reasons.push(trustReason('TIMESTAMP_TSA_UNTRUSTED', { detail: tsaCert.subject }));
  return { verdict: verdictOf(reasons), reasons, ...base, tsa: summarizeCertificate(tsaCert), chain };
}
