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
import { checkAlgorithmPolicy, describeSignatureAlgorithm, DIGEST_OIDS, nodeHashName, publicKeyOf, verifySignature, type DigestName } from '../algorithms.js';
import { readCertificate, type ParsedCertificate } from '../certificate.js';
import {
  attributeValue,
  essCertHash,
  findSigner,
  octetString,
  oidText,
  readSignerInfo,
  signerInfoFromPkijs,
  timeValue,
  toAlgorithmIdentifier,
  type CmsAttribute,
  type CmsSignerInfo,
} from '../cms-signer-info.js';
import { trustReason } from '../reasons.js';
import type { Reason, ResolvedVerificationPolicy } from '../report.js';
import { derChildren, derElementAt, isUniversal, type DerElement } from '../der-walk.js';
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

/** What the check reads of a SignedData; certificates as DER, read by {@link readCertificate} (once per process). */
interface SignedDataParts {
  readonly signerInfos: readonly CmsSignerInfo[];
  readonly encapContentInfo: ContentInfoParts;
  readonly certificateDers: readonly Uint8Array[];
}

/** The encapsulated content info: its type (dotted OID) and the embedded content, when there is one. */
interface ContentInfoParts {
  readonly eContentType: string;
  readonly eContent?: Uint8Array;
}

/** id-signedData, as the content bytes of its OBJECT IDENTIFIER. */
const SIGNED_DATA_OID = Buffer.from('2a864886f70d010702', 'hex');

/**
 * Reads the SignedData of `/Contents`. pkijs builds an object per ASN.1 element and parses
 * every embedded certificate, which made up most of a signature check; the DER is walked
 * instead to the signer infos ({@link readSignerInfo}) and the content info. Anything the
 * walk does not expect (BER lengths, another shape) is read by pkijs as a whole, which then
 * decides, and converted ({@link signerInfoFromPkijs}).
 * @throws when the CMS is malformed
 */
function parseSignedData(der: Uint8Array): SignedDataParts {
  // /Contents is zero-padded (often by tens of kilobytes): the CMS ends where its DER length
  // says, and everything after must be zeros (compared natively, not byte by byte in JS).
  const outer = derElementAt(der, 0);
  const walked = outer && allZero(der.subarray(outer.bytes.length)) ? walkSignedData(outer.bytes) : undefined;
  return walked ?? readSignedData(der);
}

const ZEROS = new Uint8Array(16 * 1024);

function allZero(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < b.length; at += ZEROS.length) {
    const n = Math.min(ZEROS.length, b.length - at);
    if (b.compare(ZEROS, 0, n, at, at + n) !== 0) return false;
  }
  return true;
}

function walkSignedData(body: Uint8Array): SignedDataParts | undefined {
  const contentInfo = derElementAt(body, 0);
  if (!isUniversal(contentInfo, 16) || contentInfo.bytes.length !== body.length) return undefined;
  const [oid, wrapped, ...extra] = derChildren(contentInfo) ?? [];
  if (!isUniversal(oid, 6) || !Buffer.from(oid.content).equals(SIGNED_DATA_OID) || !wrapped || wrapped.tagClass !== 2 || wrapped.tagNumber !== 0 || extra.length > 0) return undefined;
  const [signedData, ...after] = derChildren(wrapped) ?? [];
  if (!isUniversal(signedData, 16) || after.length > 0) return undefined;
  const fields = derChildren(signedData);
  if (!fields || fields.length < 4 || fields.length > 6) return undefined;
  const [version, digestAlgorithms, content] = fields;
  const signers = fields[fields.length - 1];
  if (!isUniversal(version, 2) || !isUniversal(digestAlgorithms, 17) || !isUniversal(content, 16) || !isUniversal(signers, 17)) return undefined;
  const certificateDers: Uint8Array[] = [];
  let lastTag = -1;
  for (const optional of fields.slice(3, -1)) {
    // certificates [0] and crls [1], each at most once and in that order
    if (optional.tagClass !== 2 || !optional.constructed || optional.tagNumber > 1 || optional.tagNumber <= lastTag) return undefined;
    lastTag = optional.tagNumber;
    if (optional.tagNumber !== 0) continue;
    const choices = derChildren(optional);
    if (!choices) return undefined;
    for (const c of choices) if (isUniversal(c, 16)) certificateDers.push(c.bytes); // a Certificate; the other choices are tagged
  }
  const signerElements = derChildren(signers);
  if (!signerElements) return undefined;
  return {
    signerInfos: signerElements.map((e) => readSignerInfo(e) ?? signerInfoFromPkijs(new pkijs.SignerInfo({ schema: readAsn1(e.bytes) }))),
    encapContentInfo: walkContentInfo(content) ?? contentInfoParts(new pkijs.EncapsulatedContentInfo({ schema: readAsn1(content.bytes) })),
    certificateDers,
  };
}

/** `SEQUENCE { eContentType OID, eContent [0] EXPLICIT OCTET STRING OPTIONAL }` in DER; undefined for any other shape. */
function walkContentInfo(content: DerElement): ContentInfoParts | undefined {
  const [type, wrapped, ...extra] = derChildren(content) ?? [];
  const eContentType = oidText(type);
  if (eContentType === undefined || extra.length > 0) return undefined;
  if (!wrapped) return { eContentType };
  if (wrapped.tagClass !== 2 || wrapped.tagNumber !== 0 || !wrapped.constructed) return undefined;
  const [octets, ...more] = derChildren(wrapped) ?? [];
  if (!isUniversal(octets, 4) || octets.constructed || more.length > 0) return undefined;
  return { eContentType, eContent: octets.content };
}

function contentInfoParts(eci: pkijs.EncapsulatedContentInfo): ContentInfoParts {
  return { eContentType: eci.eContentType, ...(eci.eContent ? { eContent: new Uint8Array(eci.eContent.getValue()) } : {}) };
}

/** One ASN.1 value that must span `bytes`. */
function readAsn1(bytes: Uint8Array): asn1js.AsnType {
  const asn1 = asn1js.fromBER(bytes);
  if (asn1.offset === -1 || asn1.offset !== bytes.length) throw new Error('malformed DER');
  return asn1.result;
}

/** The SignedData read by pkijs as a whole (BER, unusual shapes); certificates taken out first, as DER. */
function readSignedData(der: Uint8Array): SignedDataParts {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new Error(asn1.result.error || 'bad DER');
  if (der.subarray(asn1.offset).some((b) => b !== 0)) throw new Error('data after the CMS');
  const info = new pkijs.ContentInfo({ schema: asn1.result });
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not a SignedData');
  const content = info.content as asn1js.Sequence;
  const fields = content instanceof asn1js.Sequence ? content.valueBlock.value : [];
  const certificateDers: Uint8Array[] = [];
  const at = fields.findIndex((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 0);
  const set = fields[at];
  if (set instanceof asn1js.Constructed) {
    for (const c of set.valueBlock.value) {
      if (c.idBlock.tagClass === 1 && c.idBlock.tagNumber === 16) certificateDers.push(c.valueBeforeDecodeView);
    }
    fields.splice(at, 1);
  }
  const sd = new pkijs.SignedData({ schema: content });
  return { signerInfos: sd.signerInfos.map(signerInfoFromPkijs), encapContentInfo: contentInfoParts(sd.encapContentInfo), certificateDers };
}

/** Checks the CMS of a PDF signature against the signed bytes. Problems are reasons, never throws. */
export function checkPdfCms(input: PdfCmsInput): PdfCmsCheck {
  const reasons: Reason[] = [];
  let sd: SignedDataParts;
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
  for (const der of sd.certificateDers) {
    try {
      certificates.push(readCertificate(der));
    } catch {
      reasons.push(trustReason('CHAIN_EXTRA_CERT_UNREADABLE'));
    }
  }
  const signatureValue = signer.signature;
  const timestampToken = attributeValue(signer.unsignedAttrs, CMS_OIDS.timeStampToken)?.bytes;
  const base = { certificates, signatureValue, ...(timestampToken ? { timestampToken } : {}) };
  const digest = DIGEST_OIDS[signer.digestAlgorithm];
  if (!digest) return { ...base, reasons: [...reasons, trustReason('ALGORITHM_UNSUPPORTED', { detail: `digest ${signer.digestAlgorithm}` })] };
  reasons.push(...checkAlgorithmPolicy(input.policy, { digest }, 'signature digest'));

  // What the signer's digest covers: the byte ranges, or (adbe.pkcs7.sha1) the embedded SHA-1 of them.
  const eContent = sd.encapContentInfo.eContent;
  let content: readonly Uint8Array[] = input.ranges;
  let digestValid: boolean | undefined;
  if (input.subFilter === 'adbe.pkcs7.sha1') {
    if (!eContent) return { ...base, digest, reasons: [...reasons, pdfReason('CMS_MALFORMED', { detail: 'adbe.pkcs7.sha1 without the embedded digest' })] };
    const embedded = eContent;
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
    const md = octetString(attributeValue(attrs, CMS_OIDS.messageDigest));
    signingTime = timeValue(attributeValue(attrs, CMS_OIDS.signingTime));
    const ctOk = oidText(attributeValue(attrs, CMS_OIDS.contentType)) === sd.encapContentInfo.eContentType;
    if (!ctOk || !md) {
      reasons.push(pdfReason('SIGNED_ATTRIBUTES_INVALID', { detail: !ctOk ? 'content type' : 'message digest' }));
    } else {
      const mdOk = same(md, hashOf(digest, content));
      digestValid = digestValid === undefined ? mdOk : digestValid && mdOk;
    }
    data = signer.signedAttrs.encoded;
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
    const info = describeSignatureAlgorithm(toAlgorithmIdentifier(signer.signatureAlgorithm));
    algorithmName = info.digest ? info.name : `${digest} with ${info.name}`;
    signatureValid = verifySignature({ data, signature: signatureValue, algorithm: info, publicKey: publicKeyOf(found.pkijs).key, digest });
    if (info.digest && info.digest !== digest) reasons.push(...checkAlgorithmPolicy(input.policy, { digest: info.digest }, 'signature algorithm'));
  } catch {
    reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: `signature ${signer.signatureAlgorithm.algorithmId}` }));
    return { ...base, ...times, digest, signer: found, reasons, ...(digestValid === undefined ? {} : { digestValid }) };
  }
  if (!signer.signedAttrs) digestValid = signatureValid;
  if (!signatureValid) reasons.push(pdfReason('SIGNATURE_INVALID'));
  try {
    reasons.push(...checkAlgorithmPolicy(input.policy, { key: publicKeyOf(found.pkijs) }, "signer's key"));
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
function signingCertificateReasons(attrs: readonly CmsAttribute[], signer: ParsedCertificate, subFilter: CmsSubFilter): Reason[] {
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
