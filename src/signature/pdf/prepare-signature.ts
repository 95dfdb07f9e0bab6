/**
 * External signing of a PDF, the way tokens and remote signing services work: prepare the
 * incremental update with a placeholder, hand the digest (or the signed attributes) to the
 * signer, then embed the CMS.
 * @module
 */
import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PdfError, SignatureError } from '../../errors.js';
import { nodeHashName, type DigestName } from '../algorithms.js';
import { certificatesFromPem, toCertificateDer } from '../certificate.js';
import { signatureMethodNamed, type XmlSignatureAlgorithm } from '../xmldsig/signature-methods.js';
import { assembleCms, signedAttributes, signedAttributesDer, type CmsSignatureScheme } from './cms-builder.js';
import { CMS_OIDS } from './pdf-cms.js';
import { PdfDocument } from './pdf-document.js';
import { PdfDict, type PdfValue } from './pdf-object.js';
import { writeSection } from './pdf-writer.js';
import { resolvePreparePdfSignatureOptions, type PreparePdfSignatureOptions } from './prepare-options.js';
import { BYTE_RANGE_PLACEHOLDER, buildSignatureUpdate } from './signature-update.js';
import { findStartXref } from './xref-reader.js';

/** What {@link PreparedPdfSignature.createCms} wraps around a signature. */
export interface CreateCmsInput {
  /** The signer's certificate (DER or PEM): the one given to `signedAttributes`. */
  readonly certificate: Uint8Array | string;
  /** CA certificates to embed after the signer's (DER or PEM each, or one PEM bundle). @defaultValue [] */
  readonly chain?: string | readonly (Uint8Array | string)[];
  /** The signature over `signedAttributes(certificate)`; ECDSA as DER or raw r‖s. */
  readonly signature: Uint8Array;
  /** @defaultValue from the certificate's key: RSA PKCS#1 v1.5, RSASSA-PSS for a PSS key, ECDSA; with the prepared digest */
  readonly algorithm?: XmlSignatureAlgorithm;
  /** An RFC 3161 token over the signature value, for the unsigned attributes. */
  readonly timestampToken?: Uint8Array;
}

/** A PDF with a signature placeholder, ready for an external signer. */
export interface PreparedPdfSignature {
  /** The whole PDF: the original bytes and the incremental update with the placeholder. */
  readonly pdf: Uint8Array;
  /** `[0, a, b, c]`: the signed ranges around `/Contents`. */
  readonly byteRange: readonly [number, number, number, number];
  /** Digest of the byte ranges (`digestAlgorithm`). */
  readonly digest: Uint8Array;
  readonly digestAlgorithm: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** Offset of the `<` of the `/Contents` placeholder. */
  readonly contentsOffset: number;
  /** Bytes available for the CMS. */
  readonly placeholderSize: number;
  readonly subFilter: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached';
  /** The signature field's name. */
  readonly field: string;
  readonly signingTime: Date;
  /** The DER SET of signed attributes for this certificate: what an external signer signs. */
  signedAttributes(certificate: Uint8Array | string): Uint8Array;
  /** The CMS SignedData (DER) around a signature made over `signedAttributes(certificate)`. */
  createCms(input: CreateCmsInput): Uint8Array;
}

/**
 * Adds an empty signature to a PDF as an incremental update (same cross-reference form as the
 * file, `/Prev` to its last section): the signature dictionary with a `/Contents` placeholder
 * and its `/ByteRange` filled after layout, the field and its widget on page 1 (or an existing
 * empty signature field of that name), the appearance, the AcroForm with `/SigFlags 3`.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for invalid options
 * @throws {PdfError} VDXP_PDF_MALFORMED for a PDF without a readable cross-reference or page;
 *   VDXP_PDF_UNSUPPORTED for an encrypted PDF or a field name taken by another kind of field
 * @throws {SignatureError} VDXP_SIGNATURE_EXISTS when the named field is signed;
 *   VDXP_SIGNATURE_POLICY for a certification that is not first, or a document certified P=1
 * @example
 * ```ts
 * const prepared = preparePdfSignature(pdf, { field: 'Signature1', reason: 'Phê duyệt', certificate });
 * const signature = await token.sign(prepared.signedAttributes(certificate)); // RSA PKCS#1 v1.5, SHA-256
 * const signed = embedPdfSignature(prepared, prepared.createCms({ certificate, signature }));
 * ```
 */
export function preparePdfSignature(pdf: Uint8Array, options: PreparePdfSignatureOptions = {}): PreparedPdfSignature {
  const o = resolvePreparePdfSignatureOptions(options);
  const doc = PdfDocument.open(pdf);
  if (doc.reconstructed || doc.sections.length === 0) {
    throw new PdfError('VDXP_PDF_MALFORMED', `the PDF's cross-reference is broken (${doc.reconstructed ?? 'none'}); repair the file before signing`);
  }
  if (doc.trailer.has('Encrypt')) throw new PdfError('VDXP_PDF_UNSUPPORTED', 'signing an encrypted PDF is not supported');
  const signingTime = new Date(Math.floor((o.signingTime ?? new Date()).getTime() / 1000) * 1000);
  const update = buildSignatureUpdate(doc, o, signingTime);
  const last = doc.sections[0]!;
  const prev = findStartXref(pdf) ?? last.offset;
  const t = doc.trailer;
  const trailer = new PdfDict(new Map<string, PdfValue>([...['Root', 'Info', 'ID'].flatMap((k) => (t.has(k) ? [[k, t.get(k) as PdfValue] as const] : [])), ['Prev', prev]]));
  const needsNewline = pdf.length > 0 && pdf[pdf.length - 1] !== 0x0a && pdf[pdf.length - 1] !== 0x0d;
  const body = writeSection({
    baseLength: pdf.length,
    ...(needsNewline ? { prefix: new Uint8Array([0x0a]) } : {}),
    objects: update.objects,
    form: last.form,
    trailer,
    nextObject: update.nextObject,
  });
  const out = new Uint8Array(pdf.length + body.length);
  out.set(pdf, 0);
  out.set(body, pdf.length);
  const rel = body.indexOf(BYTE_RANGE_PLACEHOLDER, 0, 'latin1');
  const contentsRel = body.indexOf('/Contents <', rel, 'latin1');
  if (rel < 0 || contentsRel < 0) throw new PdfError('VDXP_PDF_MALFORMED', 'internal: signature placeholder not found');
  const contentsOffset = pdf.length + contentsRel + '/Contents '.length;
  const contentsEnd = contentsOffset + 2 + o.placeholderSize * 2;
  const byteRange: [number, number, number, number] = [0, contentsOffset, contentsEnd, out.length - contentsEnd];
  const inner = byteRange.join(' ');
  const slot = BYTE_RANGE_PLACEHOLDER.length - '/ByteRange ['.length - 1;
  out.set(Buffer.from(inner.padEnd(slot, ' '), 'latin1'), pdf.length + rel + '/ByteRange ['.length);
  const hash = createHash(nodeHashName(o.digestAlgorithm));
  hash.update(out.subarray(0, contentsOffset));
  hash.update(out.subarray(contentsEnd));
  const digest = new Uint8Array(hash.digest());
  const attrsFor = (certificate: Uint8Array | string) =>
    signedAttributes({ digest, digestAlgorithm: o.digestAlgorithm, certificate: toCertificateDer(certificate), subFilter: o.subFilter, signingTime });

  return {
    pdf: out,
    byteRange,
    digest,
    digestAlgorithm: o.digestAlgorithm,
    contentsOffset,
    placeholderSize: o.placeholderSize,
    subFilter: o.subFilter,
    field: update.field,
    signingTime,
    signedAttributes: (certificate) => signedAttributesDer(attrsFor(certificate)),
    createCms: (input) => {
      const certificate = toCertificateDer(input.certificate);
      return assembleCms({
        attributes: attrsFor(certificate),
        certificate,
        chain: chainDers(input.chain),
        signature: input.signature,
        scheme: schemeFor(certificate, input.algorithm, o.digestAlgorithm),
        ...(input.timestampToken ? { timestampToken: input.timestampToken } : {}),
      });
    },
  };
}

/** DER certificates of a chain given as a PEM bundle or a list. */
export function chainDers(chain: CreateCmsInput['chain']): Uint8Array[] {
  if (chain === undefined) return [];
  if (typeof chain === 'string') return certificatesFromPem(chain);
  return chain.map((c) => toCertificateDer(c));
}

/** The CMS signature scheme for a certificate's key, an optional algorithm name, and the prepared digest. */
export function schemeFor(certificate: Uint8Array, algorithm: XmlSignatureAlgorithm | undefined, digest: DigestName): CmsSignatureScheme {
  if (algorithm) {
    const m = signatureMethodNamed(algorithm);
    if (!m) throw new SignatureError('VDXP_SIGNATURE_POLICY', `unknown signature algorithm ${algorithm}`);
    if (m.digest.name !== digest) throw new SignatureError('VDXP_SIGNATURE_POLICY', `${algorithm} does not match the prepared digest ${digest}`);
    return { scheme: m.scheme, digest };
  }
  const type = new X509Certificate(certificate).publicKey.asymmetricKeyType;
  return { scheme: type === 'ec' ? 'ecdsa' : type === 'rsa-pss' ? 'rsa-pss' : 'rsa-pkcs1', digest };
}

/**
 * Writes a CMS SignedData (DER) into the placeholder of a prepared PDF. The CMS must be made
 * for this preparation (its messageDigest is checked) and fit the space reserved.
 * @throws {PdfError} VDXP_PDF_SIGNATURE_TOO_LARGE when the CMS is larger than `placeholderSize`
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when it is not a SignedData over this digest
 * @example
 * ```ts
 * const signed = embedPdfSignature(prepared, cmsFromSigningService);
 * ```
 */
export function embedPdfSignature(prepared: PreparedPdfSignature, cms: Uint8Array): Uint8Array {
  if (cms.length > prepared.placeholderSize) {
    throw new PdfError('VDXP_PDF_SIGNATURE_TOO_LARGE', `the CMS has ${cms.length} bytes, more than the ${prepared.placeholderSize} reserved; prepare again with a larger placeholderSize`);
  }
  checkCmsDigest(cms, prepared.digest);
  const out = new Uint8Array(prepared.pdf);
  out.set(Buffer.from(Buffer.from(cms).toString('hex').toUpperCase(), 'latin1'), prepared.contentsOffset + 1);
  return out;
}

function checkCmsDigest(cms: Uint8Array, digest: Uint8Array): void {
  let signer: pkijs.SignerInfo | undefined;
  try {
    const asn1 = asn1js.fromBER(cms);
    if (asn1.offset !== cms.length) throw new Error('not one DER value');
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not SignedData');
    signer = new pkijs.SignedData({ schema: info.content }).signerInfos[0];
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'the CMS is not a DER SignedData', { cause });
  }
  const md = signer?.signedAttrs?.attributes.find((a) => a.type === CMS_OIDS.messageDigest)?.values[0];
  if (md instanceof asn1js.OctetString && !Buffer.from(md.valueBlock.valueHexView).equals(Buffer.from(digest))) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'the CMS was not made for this prepared PDF (its message digest differs)');
  }
}
