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
