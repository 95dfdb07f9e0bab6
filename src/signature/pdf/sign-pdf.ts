/**
 * `signPdf`: signs a PDF with a software key or an external signer, as an incremental update.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { PdfError, SignatureError } from '../../errors.js';
import { toCertificateDer } from '../certificate.js';
import type { XmlSignatureAlgorithm } from '../xmldsig/signature-methods.js';
import { resolveSigner } from '../xmldsig/signer.js';
import { ecdsaToDer, signatureImprint } from './cms-builder.js';
import { chainDers, embedPdfSignature, preparePdfSignature, type PreparedPdfSignature } from './prepare-signature.js';
import { resolveSignPdfOptions, type SignPdfOptions } from './sign-pdf-options.js';

/**
 * Signs a PDF: an incremental update (same cross-reference form as the file, so earlier
 * signatures stay valid) with a CMS SignedData — `adbe.pkcs7.detached` by default (signed
 * attributes contentType, messageDigest, signingTime), or `ETSI.CAdES.detached` (PAdES:
 * signingCertificateV2, no signingTime) — embedding the certificate and `chain`, and an
 * optional RFC 3161 token as the unsigned attribute id-aa-signatureTimeStampToken. SHA-1 and
 * RSA keys below 2048 bits are refused.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for invalid options
 * @throws {SignatureError} VDXP_SIGNATURE_KEY_UNUSABLE (key unreadable, not fitting the
 *   certificate, external signer or time-stamping authority failed), VDXP_SIGNATURE_POLICY (algorithm refused,
 *   certification not first, document certified P=1), VDXP_SIGNATURE_EXISTS (field signed)
 * @throws {PdfError} VDXP_PDF_MALFORMED / VDXP_PDF_UNSUPPORTED for a PDF that cannot be signed;
 *   VDXP_PDF_UNSUPPORTED when the appearance's `font` cannot draw a character of its text
 * @example
 * ```ts
 * const once = await signPdf(pdf, { key: personKeyPem, certificate: personCertPem, reason: 'Ký ban hành' });
 * const twice = await signPdf(once, {
 *   key: orgKeyPem, certificate: orgCertPem, subFilter: 'ETSI.CAdES.detached',
 *   appearance: { preset: 'organization', documentCode: '12/QĐ-BTN', font: readFileSync('DejaVuSans.ttf') },
 *   timestamp: { tsa: (digest) => askTsa(digest) },
 * });
 * ```
 */
export async function signPdf(pdf: Uint8Array, options: SignPdfOptions): Promise<Uint8Array> {
  const o = resolveSignPdfOptions(options);
  o.signal?.throwIfAborted();
  const certificate = toCertificateDer(o.certificate);
  let certificateKey;
  try {
    certificateKey = new X509Certificate(certificate).publicKey;
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'the certificate cannot be read', { cause });
  }
  const signer = resolveSigner(o.key, {
    certificateKey,
    ...(o.algorithm ? { algorithm: o.algorithm } : {}),
    ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    ...(o.subtle ? { subtle: o.subtle } : {}),
  });
  const method = signer.method;
  if (method.name === 'rsa-sha1' || method.name === 'ecdsa-sha1') throw new SignatureError('VDXP_SIGNATURE_POLICY', 'SHA-1 is refused for new signatures');
  const chain = chainDers(o.chain);
  const signingTime = o.signingTime ?? new Date();
  const estimate = 4096 + certificate.length + chain.reduce((n, c) => n + c.length, 0) + (o.timestamp ? 8192 : 0);
  let size = o.placeholderSize ?? estimate;
  for (let attempt = 0; attempt < 2; attempt++) {
    const prepared = preparePdfSignature(pdf, {
      ...(o.field ? { field: o.field } : {}),
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
      ...(o.location !== undefined ? { location: o.location } : {}),
      ...(o.name !== undefined ? { name: o.name } : {}),
      ...(o.contactInfo !== undefined ? { contactInfo: o.contactInfo } : {}),
      ...(o.appearance ? { appearance: o.appearance } : {}),
      signingTime,
      certificate,
      subFilter: o.subFilter,
      digestAlgorithm: method.digest.name as 'SHA-256' | 'SHA-384' | 'SHA-512',
      placeholderSize: size,
      certify: o.certify,
    });
    const cms = await makeCms(prepared, o, certificate, chain, signer.sign, method.scheme, method.name as XmlSignatureAlgorithm);
    if (cms.length <= prepared.placeholderSize) return embedPdfSignature(prepared, cms);
    if (o.placeholderSize !== undefined) break;
    size = cms.length + 1024;
  }
  throw new PdfError('VDXP_PDF_SIGNATURE_TOO_LARGE', `the CMS does not fit in the ${size} bytes reserved; give a larger placeholderSize`);
}

async function makeCms(
  prepared: PreparedPdfSignature,
  o: ReturnType<typeof resolveSignPdfOptions>,
  certificate: Uint8Array,
  chain: Uint8Array[],
  sign: (data: Uint8Array) => Promise<Uint8Array>,
  scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa',
  algorithm: XmlSignatureAlgorithm,
): Promise<Uint8Array> {
  o.signal?.throwIfAborted();
  const raw = await sign(prepared.signedAttributes(certificate));
  const signature = scheme === 'ecdsa' ? ecdsaToDer(raw) : raw;
  let timestampToken: Uint8Array | undefined;
  if (o.timestamp && 'token' in o.timestamp) timestampToken = o.timestamp.token;
  else if (o.timestamp) {
    const tsa = o.timestamp.tsa;
    try {
      timestampToken = await tsa(signatureImprint(signature), { algorithm: 'SHA-256', signature });
    } catch (cause) {
      throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', 'the time-stamping authority failed', { cause });
    }
    if (!(timestampToken instanceof Uint8Array) || timestampToken.length === 0) throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', 'the time-stamping authority returned no token');
  }
  o.signal?.throwIfAborted();
  return prepared.createCms({ certificate, chain, signature, algorithm, ...(timestampToken ? { timestampToken } : {}) });
}
