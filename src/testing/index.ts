/**
 * `vdxp-connector/testing`: tools to develop and test an integration without the real axis.
 * @packageDocumentation
 */

// trust engine: a generated PKI with the VGCA profile, certificates, CRLs
export {
  createTestPki,
  VGCA_POLICY_OID,
  type TestPki,
  type TestPkiOptions,
  type TestPkiUrls,
} from './test-pki.js';
export {
  issueCertificate,
  generateTestKeyPair,
  EKU,
  type TestEntity,
  type IssueCertificateOptions,
  type SubjectAttribute,
} from './issue-certificate.js';
export { createTestCrl, type TestCrlOptions } from './test-crl.js';
export { createTestTimestampToken, type TestTimestampOptions } from './test-timestamp.js';
// PDF signatures: a hand-written test PDF (table or stream cross-reference, padding)
export { createTestPdf, TestPdfOptionsSchema, type TestPdfOptions } from './test-pdf.js';
export { NAME_OIDS } from '../signature/distinguished-name.js';
// edXML writer: sample messages
export { sampleEdoc, sampleStatus } from './sample-messages.js';

// --- transport: LocalAxis, a local axis server --------------------------------------------
export { LocalAxis } from './local-axis.js';
export {
  AxisConfigSchema,
  LocalAxisOptionsSchema,
  LocalSystemConfigSchema,
  LocalAgencyConfigSchema,
  ParentAxisConfigSchema,
  FaultsSchema,
  resolveLocalAxisOptions,
  type AxisConfig,
  type LocalAxisOptions,
  type ResolvedLocalAxisOptions,
  type LocalSystemConfig,
  type LocalAgencyConfig,
  type ParentAxisConfig,
  type Faults,
  type ResolvedFaults,
} from './local-axis-options.js';
