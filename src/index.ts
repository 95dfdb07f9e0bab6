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
  VerifyCertificateOptionsSchema,
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
  KEY_USAGE_BITS,
  type ParsedCertificate,
  type KeyUsageName,
} from './signature/certificate.js';
export { trustReason, CATALOGUE as TRUST_REASONS, type TrustReasonCode } from './signature/reasons.js';
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
  type AlgorithmIdentifierLike,
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
export { checkMessageForWrite, TEXT_LIMITS, NUMBER_RANGES, type Message as WritableMessage, type Found as FoundValue } from './edxml/write-rules.js';
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
// XML signatures on edXML packages (sign, verify, canonicalization)
export { signEdxml } from './signature/xmldsig/sign.js';
export { SignEdxmlOptionsSchema, type SignEdxmlOptions, type ResolvedSignEdxmlOptions } from './signature/xmldsig/sign-options.js';
export type { SigningKey, ExternalSigner, ExternalDigestSigner, DigestSignRequest, CryptoKey } from './signature/xmldsig/signer.js';
export { verifyEdxml, VerifyEdxmlOptionsSchema, type VerifyEdxmlOptions, type EdxmlSignatureReport, type ReferenceReport } from './signature/xmldsig/verify.js';
export { xmldsigReason, CATALOGUE as XMLDSIG_REASONS, type XmldsigReasonCode } from './signature/xmldsig/xmldsig-reasons.js';
export { C14N, C14N_WITH_COMMENTS, EXC_C14N, EXC_C14N_WITH_COMMENTS, type C14nAlgorithm } from './signature/xmldsig/c14n.js';
export { XMLDSIG_NAMESPACE, type XmlSignatureAlgorithm } from './signature/xmldsig/signature-methods.js';

// --- PDF signatures: verify (signature fields, CMS, timestamps, revisions), sign (incremental update) ---
export { PdfError } from './errors.js';
export { verifyPdf } from './signature/pdf/verify-pdf.js';
export {
  VerifyPdfOptionsSchema,
  type VerifyPdfOptions,
  type ResolvedVerifyPdfOptions,
  type PdfVerificationReport,
  type PdfSignatureReport,
  type PdfTimestampSummary,
  type PdfChange,
  type PdfChangeKind,
} from './signature/pdf/pdf-report.js';
export { signerRoleOf, type SignerRole, type SignerRoleDecision } from './signature/pdf/signer-role.js';
export { pdfReason, CATALOGUE as PDF_REASONS, type PdfReasonCode } from './signature/pdf/pdf-reasons.js';
export { signPdf } from './signature/pdf/sign-pdf.js';
export {
  SignPdfOptionsSchema,
  type SignPdfOptions,
  type ResolvedSignPdfOptions,
  type TimestampAuthority,
  type TimestampRequestInfo,
} from './signature/pdf/sign-pdf-options.js';
export {
  preparePdfSignature,
  embedPdfSignature,
  type PreparedPdfSignature,
  type CreateCmsInput,
} from './signature/pdf/prepare-signature.js';
export {
  PreparePdfSignatureOptionsSchema,
  type PreparePdfSignatureOptions,
  type ResolvedPreparePdfSignatureOptions,
} from './signature/pdf/prepare-options.js';
export { SignatureAppearanceSchema, type SignatureAppearance } from './signature/pdf/appearance.js';

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
  SendEdocOptionsSchema,
  ReceivedListOptionsSchema,
  SentListOptionsSchema,
  RegisterAgencySchema,
  CallOptionsSchema,
  DownloadOptionsSchema,
  Qd20OptionsSchema,
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
export {
  ReceivedEdocSchema,
  SentEdocSchema,
  AgencySchema,
  AgencyQd20Schema,
  SynchronizedUnitSchema,
} from './transport/responses.js';
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

// --- store: the Store interface, FileStore, StoreError -----------------------------------
export { StoreError } from './errors.js';
export {
  STORE_ID_PATTERN,
  type Store,
  type Lease,
  type BlobInfo,
  type PutBlobOptions,
  type StoreMessageType,
  type MessageSummary,
  type StoredResponseFor,
  type StoredError,
  type OutboxState,
  type OutboxEntry,
  type NewOutboxEntry,
  type OutboxPatch,
  type OutboxFilter,
  type VerificationSummary,
  type InboxEntry,
  type NewInboxEntry,
  type InboxPatch,
  type InboxFilter,
  type AddInboxResult,
  type StatusRecord,
  type NewStatusRecord,
  type StatusFilter,
  type Decision,
  type NewDecision,
  type DecisionPatch,
  type QuarantineEntry,
  type ClaimOptions,
  type InboxClaimOptions,
  type ReceiveClaimOptions,
  type UpdateExpectation,
  type AddResult,
  type PruneOptions,
  type PruneResult,
} from './store/store.js';
export {
  statusRecordId,
  inboxDocumentKey,
  applyPatch,
  checkExpectation,
  isLeaseFree,
  isOutboxClaimable,
  isInboxClaimable,
  isReceivedDocument,
  isPackagePrunable,
  leaseFor,
  outboxMatches,
  inboxMatches,
  statusMatches,
  decisionMatches,
} from './store/store-rules.js';
export {
  BlobInfoSchema,
  OutboxEntrySchema,
  InboxEntrySchema,
  StatusRecordSchema,
  DecisionSchema,
  QuarantineEntrySchema,
} from './store/record-schemas.js';
export { FileStore } from './store/file-store.js';
export { checkStore, type CheckStoreOptions, type StoreCheckProblem, type StoreCheckProgress, type StoreCheckReport } from './store/check-store.js';
export { FileStoreOptionsSchema, type FileStoreOptions, type ResolvedFileStoreOptions } from './store/file-store-options.js';

// --- deadlines and reports: working calendar, deadlines, reporting classes, compliance report --
export type {
  SentDocumentTracking,
  ReceivedDocumentTracking,
  RecipientTrail,
  TrailEvent,
  ReportingClass,
} from './connector/tracking-types.js';
export {
  createWorkingCalendar,
  WorkingCalendarOptionsSchema,
  WorkingHoursSchema,
  IsoCalendarDateSchema,
  type WorkingCalendar,
  type WorkingCalendarOptions,
  type ResolvedWorkingCalendarOptions,
} from './connector/working-calendar.js';
export {
  DeadlinePolicySchema,
  DeadlineRuleSchema,
  DeadlineDurationSchema,
  resolveDeadlinePolicy,
  findOverdue,
  findLate,
  type DeadlinePolicy,
  type ResolvedDeadlinePolicy,
  type DeadlineRule,
  type DeadlineDuration,
  type PriorityKey,
  type OverdueItem,
  type LateItem,
} from './connector/deadlines.js';
export { classifyTrail, classifyCounterpart, REPORTING_CLASSES } from './connector/reporting-class.js';
export { buildComplianceReport, ComplianceReportInputSchema, type ComplianceReportInput } from './connector/compliance-report.js';
export type {
  ComplianceReport,
  CounterpartSummary,
  PeriodCount,
  PeriodUnit,
  ReportPeriod,
  ReportingShare,
  ReportTotals,
  StageTimings,
  TimingStats,
  Stage,
  ReportDocumentRef,
  ReportOverdueItem,
  ReportLateItem,
  RefusedItem,
  WithdrawnItem,
} from './connector/compliance-report-types.js';
export { complianceReportToCsv, COMPLIANCE_CSV_COLUMNS } from './connector/compliance-csv.js';
export { complianceReportToHtml, ComplianceHtmlOptionsSchema, type ComplianceHtmlOptions } from './connector/compliance-html.js';

// --- connector: Connector, outbox, receive loop, lifecycle, business operations, tracking --
export { ConnectorError } from './errors.js';
export { Connector, type PassResult } from './connector/connector.js';
export {
  ConnectorOptionsSchema,
  OutboxRetrySchema,
  VerificationOptionsSchema,
  resolveConnectorOptions,
  type ConnectorOptions,
  type ResolvedConnectorOptions,
} from './connector/options.js';
export { refuseSecret, type SendInput, type SendOptions, type SecrecyMark } from './connector/send.js';
export { classifySendFailure, type SendReport, type Failure as SendFailureKind } from './connector/outbox.js';
export type { PreparationSteps } from './connector/outgoing.js';
export type { ReceivePassResult } from './connector/inbox.js';
export type { ReportOptions, ReportResult } from './connector/reporter.js';
export type { SendHandle, BusinessReason, UpdateChanges, AnswerResult } from './connector/business.js';
export { LIFECYCLE_MOVES, allowedMoves, checkTransition, isLifecycleCode, type LifecycleCode } from './connector/lifecycle.js';
export {
  edxmlSignatureCheck,
  type SignatureCheck,
  type SignatureCheckInput,
  type CheckOutcome,
} from './connector/verification.js';
export { pdfSignatureCheck, type PdfSignatureRequirement } from './connector/pdf-check.js';
export type {
  ConnectorEventMap,
  ConnectorEventHandler,
  DocumentEvent,
  StatusEvent,
  RequestEvent,
  OverdueEvent,
  WithdrawnEvent,
  ErrorEvent,
} from './connector/events.js';
export type { DocumentTracking } from './connector/tracking.js';

// --- PostgresStore: several connector workers on one PostgreSQL database (pg, optional peer) --
export { PostgresStore } from './store/postgres-store.js';
export {
  PostgresStoreOptionsSchema,
  resolvePostgresStoreOptions,
  type PostgresStoreOptions,
  type ResolvedPostgresStoreOptions,
} from './store/postgres-store-options.js';
export {
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA_PATTERN,
  migratePostgresSchema,
  postgresSchemaVersion,
  type PostgresMigration,
  type PostgresMigrationResult,
} from './store/postgres-migrations.js';
export type { PostgresPool, PostgresClient, PostgresQueryResult } from './store/postgres-pool.js';

// --- agent: the connector as a service (folders, webhook, local HTTP API) -----------------
export { AgentApiError } from './errors.js';
export { Agent, startAgent, checkAgent, type StartAgentOptions, type AgentCheckResult } from './agent/agent.js';
export {
  AgentConfigSchema,
  resolveAgentConfig,
  loadAgentConfig,
  type AgentConfig,
  type ResolvedAgentConfig,
  type ResolveAgentConfigOptions,
} from './agent/config.js';
export { createAgentLogger, createRedactor, type AgentLogger, type AgentLoggerOptions, type LogLevel } from './agent/logger.js';
export { signWebhookBody, type AgentEvent, type AgentEventInput } from './agent/webhook.js';
export { DropAttachmentSchema, DropDocumentSchema, type DropDocument } from './agent/drop-input.js';
export { documentFolderName, attachmentFileNames } from './agent/inbox-writer.js';
export { formatAgentMetrics, type AgentMetrics } from './agent/metrics.js';
// edXML helpers the agent's hand-offs use (file names and types of attachments)
export { sanitizeAttachmentName } from './edxml/attachment-name.js';
export { contentTypeFromName } from './edxml/content-type.js';
