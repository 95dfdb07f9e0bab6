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
