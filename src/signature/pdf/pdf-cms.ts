/**
 * The CMS SignedData inside a PDF signature (`adbe.pkcs7.detached`, `ETSI.CAdES.detached`,
 * and the legacy `adbe.pkcs7.sha1` whose signed content is the SHA-1 digest of the byte
 * ranges): signed attributes, the message digest against the signed bytes, the signature over
 * the DER SET of signed attributes, the signer's certificate among the embedded ones, and the
 * RFC 3161 token in the unsigned attributes. No trust decision here: that is the trust store's.
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { checkAlgorithmPolicy, describeSignatureAlgorithm, DIGEST_OIDS, nodeHashName, readPublicKey, spkiOf, verifySignature, type DigestName } from '../algorithms.js';
import { certificateFromDer, type ParsedCertificate } from '../certificate.js';
import { trustReason } from '../reasons.js';
import type { Reason, ResolvedVerificationPolicy } from '../report.js';
import { essCertHash, findSigner } from '../timestamp.js';
import { pdfReason } from './pdf-reasons.js';

/** CMS and ESS object identifiers used by PDF signatures. */
export const CMS_OIDS = {
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

/** The SubFilters whose CMS this module checks. */
export type CmsSubFilter = 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached' | 'adbe.pkcs7.sha1';

/** What {@link checkPdfCms} reads. */
export interface PdfCmsInput {
  /** The bytes of `/Contents` (trailing zero padding allowed). */
  readonly der: Uint8Array;
  /** The signed bytes, in order (the byte ranges). */
  readonly ranges: readonly Uint8Array[];
  readonly subFilter: CmsSubFilter;
  readonly policy: ResolvedVerificationPolicy;
}

/** What the CMS says, and whether it holds by itself. */
export interface PdfCmsCheck {
  readonly reasons: readonly Reason[];
  /** The message digest matches the signed bytes. */
  readonly digestValid?: boolean;
  /** The signature verifies with the signer's certificate. */
  readonly signatureValid?: boolean;
  readonly signer?: ParsedCertificate;
  /** The certificates embedded in the CMS. */
  readonly certificates: readonly ParsedCertificate[];
  readonly digest?: DigestName;
  readonly signatureAlgorithm?: string;
  /** The signingTime signed attribute (a claim). */
  readonly signingTime?: Date;
  /** The RFC 3161 token of the unsigned attributes, DER. */
  readonly timestampToken?: Uint8Array;
  /** The signature value (what a signature timestamp covers). */
  readonly signatureValue?: Uint8Array;
}

const hashOf = (digest: DigestName, parts: readonly Uint8Array[]): Buffer => {
  const h = createHash(nodeHashName(digest));
  for (const p of parts) h.update(p);
  return h.digest();
};
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function parseSignedData(der: Uint8Array): pkijs.SignedData {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new Error(asn1.result.error || 'bad DER');
  if (der.subarray(asn1.offset).some((b) => b !== 0)) throw new Error('data after the CMS');
  const info = new pkijs.ContentInfo({ schema: asn1.result });
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not a SignedData');
  return new pkijs.SignedData({ schema: info.content });
}

/** Checks the CMS of a PDF signature against the signed bytes. Problems are reasons, never throws. */
export function checkPdfCms(input: PdfCmsInput): PdfCmsCheck {
  const reasons: Reason[] = [];
  let sd: pkijs.SignedData;
  try {
    sd = parseSignedData(input.der);
  } catch {
    return { reasons: [pdfReason('CMS_MALFORMED')], certificates: [] };
  }
  const signer = sd.signerInfos[0];
  if (!signer || sd.signerInfos.length !== 1) {
    return { reasons: [pdfReason('CMS_MALFORMED', { detail: `${sd.signerInfos.length} signers; exactly one is expected` })], certificates: [] };
  }
  const certificates: ParsedCertificate[] = [];
  for (const c of sd.certificates ?? []) {
    if (!(c instanceof pkijs.Certificate)) continue;
    try {
      certificates.push(certificateFromDer(new Uint8Array(c.toSchema(false).toBER(false))));
    } catch {
      reasons.push(trustReason('CHAIN_EXTRA_CERT_UNREADABLE'));
    }
  }
  const signatureValue = new Uint8Array(signer.signature.valueBlock.valueHexView);
  const timestampToken = unsignedTimestamp(signer);
  const base = { certificates, signatureValue, ...(timestampToken ? { timestampToken } : {}) };
  const digest = DIGEST_OIDS[signer.digestAlgorithm.algorithmId];
  if (!digest) return { ...base, reasons: [...reasons, trustReason('ALGORITHM_UNSUPPORTED', { detail: `digest ${signer.digestAlgorithm.algorithmId}` })] };
  reasons.push(...checkAlgorithmPolicy(input.policy, { digest }, 'signature digest'));

  // What the signer's digest covers: the byte ranges, or (adbe.pkcs7.sha1) the embedded SHA-1 of them.
  const eContent = sd.encapContentInfo.eContent;
  let content: readonly Uint8Array[] = input.ranges;
  let digestValid: boolean | undefined;
  if (input.subFilter === 'adbe.pkcs7.sha1') {
    if (!eContent) return { ...base, digest, reasons: [...reasons, pdfReason('CMS_MALFORMED', { detail: 'adbe.pkcs7.sha1 without the embedded digest' })] };
    const embedded = new Uint8Array(eContent.getValue());
    digestValid = same(embedded, hashOf('SHA-1', input.ranges));
    reasons.push(...checkAlgorithmPolicy(input.policy, { digest: 'SHA-1' }, 'adbe.pkcs7.sha1 content digest'));
    content = [embedded];
  } else if (eContent) {
    return { ...base, digest, reasons: [...reasons, pdfReason('CMS_MALFORMED', { detail: 'a detached signature carries embedded content' })] };
  }

  const attrs = signer.signedAttrs?.attributes ?? [];
  let signingTime: Date | undefined;
  let data: Uint8Array;
  if (signer.signedAttrs) {
    const contentType = attrs.find((a) => a.type === CMS_OIDS.contentType)?.values[0];
    const md = attrs.find((a) => a.type === CMS_OIDS.messageDigest)?.values[0];
    const st = attrs.find((a) => a.type === CMS_OIDS.signingTime)?.values[0];
    if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) signingTime = st.toDate();
    const ctOk = contentType instanceof asn1js.ObjectIdentifier && contentType.valueBlock.toString() === sd.encapContentInfo.eContentType;
    if (!ctOk || !(md instanceof asn1js.OctetString)) {
      reasons.push(pdfReason('SIGNED_ATTRIBUTES_INVALID', { detail: !ctOk ? 'content type' : 'message digest' }));
    } else {
      const mdOk = same(md.valueBlock.valueHexView, hashOf(digest, content));
      digestValid = digestValid === undefined ? mdOk : digestValid && mdOk;
    }
    data = new Uint8Array(signer.signedAttrs.encodedValue);
  } else {
    if (input.subFilter === 'ETSI.CAdES.detached') reasons.push(pdfReason('SIGNED_ATTRIBUTES_INVALID', { detail: 'a PAdES signature without signed attributes' }));
    data = new Uint8Array(Buffer.concat(content.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))));
  }
  if (digestValid === false) reasons.push(pdfReason('DIGEST_MISMATCH'));
  const found = findSigner(signer, certificates);
  const times = signingTime ? { signingTime } : {};
  if (!found) {
    reasons.push(pdfReason('SIGNER_CERT_MISSING'));
    return { ...base, ...times, digest, reasons, ...(digestValid === undefined ? {} : { digestValid }) };
  }
  let algorithmName: string;
  let signatureValid: boolean;
  try {
    const info = describeSignatureAlgorithm(signer.signatureAlgorithm);
    algorithmName = info.digest ? info.name : `${digest} with ${info.name}`;
    signatureValid = verifySignature({ data, signature: signatureValue, algorithm: info, publicKey: spkiOf(found.pkijs), digest });
    if (info.digest && info.digest !== digest) reasons.push(...checkAlgorithmPolicy(input.policy, { digest: info.digest }, 'signature algorithm'));
  } catch {
    reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: `signature ${signer.signatureAlgorithm.algorithmId}` }));
    return { ...base, ...times, digest, signer: found, reasons, ...(digestValid === undefined ? {} : { digestValid }) };
  }
  if (!signer.signedAttrs) digestValid = signatureValid;
  if (!signatureValid) reasons.push(pdfReason('SIGNATURE_INVALID'));
  try {
    reasons.push(...checkAlgorithmPolicy(input.policy, { key: readPublicKey(spkiOf(found.pkijs)) }, "signer's key"));
  } catch {
    reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: "signer's key" }));
  }
  reasons.push(...signingCertificateReasons(attrs, found, input.subFilter));
  return {
    ...base,
    ...times,
    reasons,
    digest,
    signer: found,
    signatureAlgorithm: algorithmName,
    signatureValid,
    digestValid: digestValid ?? false,
  };
}

/** ESS signing-certificate(-v2) against the signer's certificate; CAdES requires v2. */
function signingCertificateReasons(attrs: readonly pkijs.Attribute[], signer: ParsedCertificate, subFilter: CmsSubFilter): Reason[] {
  let named: ReturnType<typeof essCertHash>;
  try {
    named = essCertHash(attrs);
  } catch {
    return [pdfReason('SIGNED_ATTRIBUTES_INVALID', { detail: 'signing certificate' })];
  }
  const out: Reason[] = [];
  if (named && !same(named.hash, hashOf(named.digest, [signer.der]))) out.push(pdfReason('SIGNING_CERT_MISMATCH'));
  if (subFilter === 'ETSI.CAdES.detached' && !attrs.some((a) => a.type === CMS_OIDS.signingCertificateV2)) out.push(pdfReason('SIGNING_CERT_ATTRIBUTE_MISSING'));
  return out;
}

function unsignedTimestamp(signer: pkijs.SignerInfo): Uint8Array | undefined {
  const attr = signer.unsignedAttrs?.attributes.find((a) => a.type === CMS_OIDS.timeStampToken);
  const v = attr?.values[0];
  return v ? new Uint8Array(v.toBER(false)) : undefined;
}
