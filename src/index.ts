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

// --- transport: AxisClient, the signed XroadVnpt header scheme, typed errors --------------
export {
  TransportError,
  AxisProtocolError,
  AxisNetworkError,
  AxisError,
  type AxisOperation,
} from './errors.js';
export { AxisClient } from './transport/axis-client.js';
export {
  AxisClientOptionsSchema,
  RetryPolicySchema,
  resolveAxisClientOptions,
  type AxisClientOptions,
  type ResolvedAxisClientOptions,
  type RetryPolicy,
  type ResolvedRetryPolicy,
} from './transport/options.js';
export { AXIS_OPERATIONS, type AxisOperationSpec } from './transport/operations.js';
export type { EdocBody, EdocBodyOptions } from './transport/edoc-body.js';
export {
  MessageTypeSchema,
  AckStatusSchema,
  formatAxisDate,
  parseAxisDate,
  type MessageType,
  type AckStatus,
  type SendEdocOptions,
  type ReceivedListOptions,
  type SentListOptions,
  type RegisterAgencyInput,
  type CallOptions,
  type DownloadOptions,
  type Qd20Options,
} from './transport/requests.js';
export type {
  AxisAnswer,
  AxisList,
  SendEdocResult,
  EdocContent,
  CountResult,
  ReceivedEdoc,
  SentEdoc,
  Agency,
  AgencyQd20,
  SynchronizedUnit,
} from './transport/responses.js';
export { isRetryable, backoffDelayMs } from './transport/retry.js';
export { AXIS_REQUEST_CHANNEL, type AxisRequestEvent } from './transport/request-events.js';
export {
  XROAD_PREFIX,
  XROAD_VERSION,
  XROAD_HEADER,
  VIETNAM_UTC_OFFSET_MINUTES,
  buildXroadHeaders,
  serializeSignHeader,
  computeHashHeader,
  formatXroadTimestamp,
  parseXroadTimestamp,
  formatHashFile,
  hashFileOf,
  hashFileMatches,
  type XroadParam,
  type HashFileForm,
  type XroadSignInput,
  type XroadSignedHeaders,
} from './transport/xroad-headers.js';
export {
  verifyXroadHeaders,
  type XroadVerifyOptions,
  type XroadVerification,
  type XroadRefusal,
} from './transport/xroad-header-verifier.js';
