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
export { parseEdxml } from './edxml/parse.js';
export {
  parseEdxmlStream,
  type ParseEdxmlStreamOptions,
  type ParsedEdxmlStream,
  type ParsedStreamedEdoc,
  type AttachmentSink,
  type AttachmentSinkInfo,
} from './edxml/parse-stream.js';
export {
  ParseEdxmlOptionsSchema,
  resolveParseEdxmlOptions,
  type ParseEdxmlOptions,
  type ResolvedParseEdxmlOptions,
} from './edxml/parse-options.js';
export {
  AGENCY_ID_PATTERN,
  parseAgencyId,
  isValidAgencyId,
  agencyLevel,
  parentAgencyId,
  type ParsedAgencyId,
  type AgencyLevel,
} from './edxml/agency-id.js';

// edXML writer (build, validate, code tables, number/notation, DocumentId)
export { buildEdxml, buildEdxmlStream } from './edxml/build.js';
export {
  BuildEdxmlOptionsSchema,
  WriteCheckOptionsSchema,
  WrapModeSchema,
  StreamAttachmentSchema,
  resolveBuildEdxmlOptions,
  isStreamAttachment,
  type BuildEdxmlOptions,
  type ResolvedBuildEdxmlOptions,
  type WriteCheckOptions,
  type ResolvedWriteCheckOptions,
  type WrapMode,
  type StreamAttachment,
  type AttachmentInput,
  type StreamingEdocMessageInput,
  type WritableEdocMessage,
} from './edxml/build-options.js';
export { checkMessageForWrite, TEXT_LIMITS, NUMBER_RANGES } from './edxml/write-rules.js';
export {
  validateEdxml,
  ValidateEdxmlOptionsSchema,
  type ValidateEdxmlOptions,
  type ValidationIssue,
  type ValidationResult,
} from './edxml/validate.js';
export {
  STATUS_CODES,
  STATUS_CODE_ORDER,
  BUSINESS_TYPES,
  PRIORITIES,
  SECRECY_LEVELS,
  DOCUMENT_TYPES,
  isKnownStatusCode,
  statusLabel,
  businessTypeLabel,
  priorityLabel,
  documentTypeByAbbreviation,
  documentTypeByName,
  type Labels,
  type Language,
  type StatusCode,
  type BusinessTypeName,
  type Priority,
  type SecrecyLevel,
  type DocumentTypeInfo,
  type DocumentTypeKey,
} from './edxml/codes.js';
export {
  parseDocumentCode,
  formatDocumentCode,
  makeDocumentId,
  parseDocumentId,
  isCanonicalDocumentId,
  type DocumentIdParts,
} from './edxml/document-code.js';
export { toVietnamTimestamp, vietnamDate } from './edxml/vietnam-time.js';
