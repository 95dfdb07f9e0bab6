/**
 * vdxp-connector: plug an agency's document-management system into the national document
 * axis (Trục liên thông văn bản quốc gia) and the provincial axes that speak its API.
 *
 * Re-exports only, listed by hand.
 * @packageDocumentation
 */
export {
  VdxpError,
  isVdxpError,
  ConfigError,
  InputError,
  EdxmlError,
  SignatureError,
  IoError,
  type VdxpErrorCode,
  type Issue,
} from './errors.js';

export * from './edxml/model.js';

/* trust engine: trust store, pins, certificates, chains, revocation, algorithm policy */
export { TrustAnchorError } from './errors.js';
export {
  verdictOf,
  VerificationPolicySchema,
  type Verdict,
  type Reason,
  type CertificateSummary,
  type RevocationPolicy,
  type RevocationOutcome,
  type VerificationPolicy,
  type ResolvedVerificationPolicy,
  type ChainReport,
  type SignatureReport,
} from './signature/report.js';
export { TrustStore, type TrustAnchorInfo } from './signature/trust-store.js';
export {
  TrustStoreOptionsSchema,
  type TrustStoreOptions,
  type ResolvedTrustStoreOptions,
  type VerifyCertificateOptions,
} from './signature/trust-store-options.js';
export { TRUST_PINS, findPin, type TrustPin, type PinSet } from './signature/pins.js';
export {
  certificateFromDer,
  certificateFromPem,
  certificatesFromPem,
  certificateToPem,
  toCertificateDer,
  summarizeCertificate,
  sha256Hex,
  type ParsedCertificate,
  type KeyUsageName,
} from './signature/certificate.js';
export { trustReason, type TrustReasonCode } from './signature/reasons.js';
export {
  assertAlgorithmForSigning,
  checkAlgorithmPolicy,
  describeSignatureAlgorithm,
  verifySignature,
  readPublicKey,
  digestOid,
  nodeHashName,
  DIGEST_OIDS,
  type DigestName,
  type SignatureAlgorithmInfo,
  type SignatureScheme,
  type PublicKeyInfo,
} from './signature/algorithms.js';
export { createHttpFetcher, type Fetcher, type FetchInit } from './signature/fetcher.js';
export { crlFromBytes, type ParsedCrl } from './signature/crl.js';
export { type CertificateUsage } from './signature/chain-validation.js';
export {
  verifyTimestampToken,
  TST_INFO_OID,
  type VerifyTimestampOptions,
  type TimestampReport,
} from './signature/timestamp.js';

// edXML reader (parse, agency identifiers)
export {
  AGENCY_ID_PATTERN,
  parseAgencyId,
  isValidAgencyId,
  agencyLevel,
  parentAgencyId,
  type ParsedAgencyId,
  type AgencyLevel,
} from './edxml/agency-id.js';

// XML signatures on edXML packages (sign, verify, canonicalization)
export { signEdxml } from './signature/xmldsig/sign.js';
export { SignEdxmlOptionsSchema, type SignEdxmlOptions, type ResolvedSignEdxmlOptions } from './signature/xmldsig/sign-options.js';
export type { SigningKey, ExternalSigner, ExternalDigestSigner, DigestSignRequest } from './signature/xmldsig/signer.js';
export { verifyEdxml, type VerifyEdxmlOptions, type EdxmlSignatureReport, type ReferenceReport } from './signature/xmldsig/verify.js';
export { xmldsigReason, type XmldsigReasonCode } from './signature/xmldsig/xmldsig-reasons.js';
export { C14N, C14N_WITH_COMMENTS, EXC_C14N, EXC_C14N_WITH_COMMENTS, type C14nAlgorithm } from './signature/xmldsig/c14n.js';
export { XMLDSIG_NAMESPACE, type XmlSignatureAlgorithm } from './signature/xmldsig/signature-methods.js';
