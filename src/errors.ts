/**
 * Typed errors of vdxp-connector.
 *
 * Every error the library throws is a {@link VdxpError} with a stable `code`
 * (`VDXP_<AREA>_<WHAT>`). Match on `code`, not on the message: messages may be
 * reworded, codes never change meaning. {@link isVdxpError} recognises errors
 * thrown by any installed copy of the library.
 *
 * Messages never contain secrets, keys or document content.
 * @module
 */

const BRAND = Symbol.for('vdxp-connector.error');

/** Every error code the library uses. */
export type VdxpErrorCode =
  | 'VDXP_CONFIG_INVALID'
  | 'VDXP_INPUT_INVALID'
  | 'VDXP_EDXML_NOT_XML'
  | 'VDXP_EDXML_FORBIDDEN'
  | 'VDXP_EDXML_LIMIT'
  | 'VDXP_EDXML_TOO_LARGE'
  | 'VDXP_EDXML_ENCODING'
  | 'VDXP_EDXML_INVALID'
  | 'VDXP_EDXML_ATTACHMENT'
  | 'VDXP_SIGNATURE_MALFORMED'
  | 'VDXP_SIGNATURE_KEY_UNUSABLE'
  | 'VDXP_SIGNATURE_POLICY'
  | 'VDXP_SIGNATURE_EXISTS'
  | 'VDXP_TRUST_ANCHOR_REFUSED'
  | 'VDXP_PDF_MALFORMED'
  | 'VDXP_PDF_LIMIT'
  | 'VDXP_PDF_UNSUPPORTED'
  | 'VDXP_PDF_SIGNATURE_TOO_LARGE'
  | 'VDXP_TRANSPORT_TIMEOUT'
  | 'VDXP_TRANSPORT_NETWORK'
  | 'VDXP_TRANSPORT_BAD_RESPONSE'
  | 'VDXP_AXIS_FAIL'
  | 'VDXP_STORE_IO'
  | 'VDXP_STORE_CONFLICT'
  | 'VDXP_STORE_CORRUPT'
  | 'VDXP_STORE_LOCKED'
  | 'VDXP_STORE_NOT_FOUND'
  | 'VDXP_CONNECTOR_SECRET_REFUSED'
  | 'VDXP_CONNECTOR_BAD_TRANSITION'
  | 'VDXP_CONNECTOR_NOT_FOUND'
  | 'VDXP_CONNECTOR_REASON_REQUIRED'
  | 'VDXP_CONNECTOR_SEND_FAILED'
  | 'VDXP_CONNECTOR_PACKAGE_PRUNED'
  | 'VDXP_AGENT_UNAUTHORIZED'
  | 'VDXP_AGENT_NOT_FOUND'
  | 'VDXP_AGENT_METHOD'
  | 'VDXP_AGENT_TOO_LARGE'
  | 'VDXP_AGENT_BAD_REQUEST'
  | 'VDXP_CLI_USAGE'
  | 'VDXP_CLI_DEMO_FAILED'
  | 'VDXP_IO';

/** One problem found in an input, with where it is. */
export interface Issue {
  /** Stable machine-readable code of the problem, e.g. `required`, `too_long`. */
  readonly code: string;
  /** Where: a dotted model path (`to.0.organId`) or an XML path (`edXMLHeader/MessageHeader/From`). */
  readonly path: string;
  /** A sentence a person can act on. */
  readonly message: string;
}

/**
 * The base of every error the library throws.
 *
 * @example
 * ```ts
 * try { parseEdxml(bytes); } catch (e) {
 *   if (isVdxpError(e) && e.code === 'VDXP_EDXML_FORBIDDEN') refuse(e.message);
 * }
 * ```
 */
export class VdxpError extends Error {
  override name = 'VdxpError';
  /** @internal brand that survives duplicate installs */
  readonly [BRAND] = true;
  /** Stable code, see {@link VdxpErrorCode}. */
  readonly code: VdxpErrorCode;

  constructor(code: VdxpErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True for any error thrown by vdxp-connector, from any installed copy. */
export const isVdxpError = (e: unknown): e is VdxpError =>
  typeof e === 'object' && e !== null && BRAND in e;

/** Options of a constructor or command failed validation. */
export class ConfigError extends VdxpError {
  override name = 'ConfigError';
  /** What was being configured, e.g. `AxisClient`. */
  readonly target: string;
  /** Each problem with its path. */
  readonly issues: readonly Issue[];

  constructor(target: string, issues: readonly Issue[], options?: ErrorOptions) {
    super('VDXP_CONFIG_INVALID', `${target}: invalid options: ${summarize(issues)}`, options);
    this.target = target;
    this.issues = issues;
  }
}

/** Input given to a function (a model, a file, arguments) is not acceptable. */
export class InputError extends VdxpError {
  override name = 'InputError';
  readonly issues: readonly Issue[];

  constructor(what: string, issues: readonly Issue[], options?: ErrorOptions) {
    super('VDXP_INPUT_INVALID', `${what}: ${summarize(issues)}`, options);
    this.issues = issues;
  }
}

/** An edXML package was refused: not XML, forbidden construct, past a limit, or invalid. */
export class EdxmlError extends VdxpError {
  override name = 'EdxmlError';
  /** Where in the document (an XML path or a model path); empty when it concerns the whole input. */
  readonly path: string;
  /** All problems found, when more than one is known (the first is in the message). */
  readonly issues: readonly Issue[];

  constructor(
    code: Extract<VdxpErrorCode, `VDXP_EDXML_${string}`> | 'VDXP_INPUT_INVALID',
    message: string,
    options?: ErrorOptions & { path?: string; issues?: readonly Issue[] },
  ) {
    super(code, message, options);
    this.path = options?.path ?? options?.issues?.[0]?.path ?? '';
    this.issues = options?.issues ?? [{ code: code.toLowerCase(), path: this.path, message }];
  }
}

/** A signature could not be made or could not be checked at all (a bad signature is a report, not an error). */
export class SignatureError extends VdxpError {
  override name = 'SignatureError';
}

/** A certificate offered as a trust anchor was refused: its SHA-256 matches no built-in pin. */
export class TrustAnchorError extends VdxpError {
  override name = 'TrustAnchorError';
  /** Lowercase hex SHA-256 of the refused certificate. */
  readonly fingerprint: string;
  constructor(fingerprint: string, message: string, options?: ErrorOptions) {
    super('VDXP_TRUST_ANCHOR_REFUSED', message, options);
    this.fingerprint = fingerprint;
  }
}

/**
 * A PDF could not be read or signed at all: not a PDF, no usable cross-reference or objects
 * (`VDXP_PDF_MALFORMED`), a size or count limit passed (`VDXP_PDF_LIMIT`), a feature this
 * library does not handle for the operation asked (`VDXP_PDF_UNSUPPORTED`, e.g. signing an
 * encrypted PDF), or a CMS larger than the space reserved for it (`VDXP_PDF_SIGNATURE_TOO_LARGE`).
 * A PDF whose signatures do not hold is a report, not this error.
 */
export class PdfError extends VdxpError {
  override name = 'PdfError';
  constructor(
    code: 'VDXP_PDF_MALFORMED' | 'VDXP_PDF_LIMIT' | 'VDXP_PDF_UNSUPPORTED' | 'VDXP_PDF_SIGNATURE_TOO_LARGE',
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** A failure in the file system outside the store (reading an input, writing an output). */
export class IoError extends VdxpError {
  override name = 'IoError';
  /** The path concerned. */
  readonly filePath: string;
  constructor(filePath: string, message: string, options?: ErrorOptions) {
    super('VDXP_IO', message, options);
    this.filePath = filePath;
  }
}

// --- transport (AxisClient) -------------------------------------------------------------

/** The operations of the axis API (`spec/axis-api.md` section 3), named as their paths. */
export type AxisOperation =
  | 'sendEdoc'
  | 'getReceivedEdocList'
  | 'getEdoc'
  | 'downloadEdoc'
  | 'updateStatus'
  | 'getSentEdocList'
  | 'getAgenciesList'
  | 'getAgenciesListQD20'
  | 'getSynchronizeUnit'
  | 'registerAgency'
  | 'deleteAgency'
  | 'countReceiveEdoc'
  | 'countReceiveStatus';

/**
 * The call did not produce an axis answer: the network failed, it timed out, or what came
 * back was not an axis answer. Match on `code` (or on the subclasses).
 */
export class TransportError extends VdxpError {
  override name = 'TransportError';
  /** The axis operation that failed. */
  readonly operation: AxisOperation;
  /** 1 for the first try; retries count up. */
  readonly attempt: number;

  constructor(
    code: 'VDXP_TRANSPORT_TIMEOUT' | 'VDXP_TRANSPORT_NETWORK' | 'VDXP_TRANSPORT_BAD_RESPONSE',
    operation: AxisOperation,
    attempt: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, `${operation} (attempt ${attempt}): ${message}`, options);
    this.operation = operation;
    this.attempt = attempt;
  }
}

/**
 * The axis (or something in front of it) answered with something that is not a well-formed
 * axis answer: an HTML page from a proxy, invalid JSON, a JSON object without `status`, an
 * `OK` answer missing its `data`. Never read as "nothing to receive".
 */
export class AxisProtocolError extends TransportError {
  override name = 'AxisProtocolError';
  /** HTTP status of the answer. */
  readonly httpStatus: number;
  /** `Content-Type` of the answer, when given. */
  readonly contentType: string | undefined;
  /**
   * `not_json`: a page or bytes that are no axis answer (often a proxy: worth retrying);
   * `malformed`: JSON that breaks the answer's schema; `too_large`: past the size limit.
   */
  readonly reason: 'not_json' | 'malformed' | 'too_large';

  constructor(
    operation: AxisOperation,
    attempt: number,
    httpStatus: number,
    contentType: string | undefined,
    message: string,
    options?: ErrorOptions & { reason?: 'not_json' | 'malformed' | 'too_large' },
  ) {
    super('VDXP_TRANSPORT_BAD_RESPONSE', operation, attempt, `${message} (HTTP ${httpStatus}${contentType ? `, ${contentType}` : ''})`, options);
    this.httpStatus = httpStatus;
    this.contentType = contentType;
    this.reason = options?.reason ?? 'not_json';
  }
}

/** No answer: a timeout (`VDXP_TRANSPORT_TIMEOUT`) or a refused/reset/dropped connection (`VDXP_TRANSPORT_NETWORK`). */
export class AxisNetworkError extends TransportError {
  override name = 'AxisNetworkError';
  /** The system error code when known (`ECONNRESET`, `ECONNREFUSED`, …). */
  readonly systemCode: string | undefined;

  constructor(
    code: 'VDXP_TRANSPORT_TIMEOUT' | 'VDXP_TRANSPORT_NETWORK',
    operation: AxisOperation,
    attempt: number,
    message: string,
    options?: ErrorOptions & { systemCode?: string },
  ) {
    super(code, operation, attempt, message, options);
    this.systemCode = options?.systemCode;
  }
}

/**
 * The axis answered `status: FAIL`. `errorCode` and `errorDesc` are kept verbatim (the
 * description is Vietnamese text from the axis, e.g.
 * `Don vi gui 002.00.20.H13 khong dung voi ma da dang ky: vxp.saas.03`).
 */
export class AxisError extends VdxpError {
  override name = 'AxisError';
  readonly operation: AxisOperation;
  /** The answer's `status` as sent (normally `FAIL`). */
  readonly status: string;
  /** The answer's `ErrorCode` as text. */
  readonly errorCode: string;
  /** The answer's `ErrorDesc`. */
  readonly errorDesc: string;
  /** HTTP status of the answer. */
  readonly httpStatus: number;
  /** 1 for the first try; retries count up. */
  readonly attempt: number;

  constructor(fields: {
    operation: AxisOperation;
    status: string;
    errorCode: string;
    errorDesc: string;
    httpStatus: number;
    attempt: number;
  }) {
    super('VDXP_AXIS_FAIL', `${fields.operation} refused by the axis: ${fields.errorDesc || '(no ErrorDesc)'} (ErrorCode ${fields.errorCode || '?'})`);
    this.operation = fields.operation;
    this.status = fields.status;
    this.errorCode = fields.errorCode;
    this.errorDesc = fields.errorDesc;
    this.httpStatus = fields.httpStatus;
    this.attempt = fields.attempt;
  }
}

// --- store -------------------------------------------------------------------------------

/**
 * A store could not do what was asked:
 * - `VDXP_STORE_IO`: the file system or database failed (the change was not made);
 * - `VDXP_STORE_CONFLICT`: an update's expectation (version, lease holder) was not met —
 *   another worker changed or claimed the record;
 * - `VDXP_STORE_CORRUPT`: stored data cannot be read (never silently ignored);
 * - `VDXP_STORE_LOCKED`: another live process holds the store;
 * - `VDXP_STORE_NOT_FOUND`: no record or blob with that id.
 */
export class StoreError extends VdxpError {
  override name = 'StoreError';
  /** The file or record concerned, when there is one (never document content). */
  readonly location: string | undefined;

  constructor(
    code: 'VDXP_STORE_IO' | 'VDXP_STORE_CONFLICT' | 'VDXP_STORE_CORRUPT' | 'VDXP_STORE_LOCKED' | 'VDXP_STORE_NOT_FOUND',
    message: string,
    options?: ErrorOptions & { location?: string },
  ) {
    super(code, message, options);
    this.location = options?.location;
  }
}

// --- connector ---------------------------------------------------------------------------

/**
 * The connector refused an operation:
 * - `VDXP_CONNECTOR_SECRET_REFUSED`: the document is marked secret (Mật, Tối mật, Tuyệt mật);
 * - `VDXP_CONNECTOR_BAD_TRANSITION`: a status move the workflow does not allow;
 * - `VDXP_CONNECTOR_REASON_REQUIRED`: 02, 13, revoke and refusals need a reason;
 * - `VDXP_CONNECTOR_NOT_FOUND`: no such document, inbox entry or decision;
 * - `VDXP_CONNECTOR_SEND_FAILED`: the outbox gave up on a package (the axis refused it, or retries were spent);
 * - `VDXP_CONNECTOR_PACKAGE_PRUNED`: the operation needs a stored package whose bytes
 *   `prunePackages` removed (a revoke, update, replacement or take-back of a sent document
 *   older than the store keeps sent packages).
 */
export class ConnectorError extends VdxpError {
  override name = 'ConnectorError';
  /** Vietnamese text of the refusal, for the clerk's screen. */
  readonly messageVi: string;

  constructor(
    code: Extract<VdxpErrorCode, `VDXP_CONNECTOR_${string}`>,
    message: string,
    options?: ErrorOptions & { messageVi?: string },
  ) {
    super(code, message, options);
    this.messageVi = options?.messageVi ?? message;
  }
}

// --- agent -------------------------------------------------------------------------------

/**
 * The agent's HTTP API refused a request; `status` is the HTTP status answered:
 * - `VDXP_AGENT_UNAUTHORIZED` (401): no bearer token, or not the configured one;
 * - `VDXP_AGENT_NOT_FOUND` (404): no such route or resource;
 * - `VDXP_AGENT_METHOD` (405): the route exists for other methods;
 * - `VDXP_AGENT_TOO_LARGE` (413): the body passed the configured limit;
 * - `VDXP_AGENT_BAD_REQUEST` (400): the body is not JSON, or a parameter is bad.
 */
export class AgentApiError extends VdxpError {
  override name = 'AgentApiError';
  /** The HTTP status answered. */
  readonly status: number;
  /** Each problem with its path, when the request's content was checked. */
  readonly issues: readonly Issue[];

  constructor(
    code: Extract<VdxpErrorCode, `VDXP_AGENT_${string}`>,
    status: number,
    message: string,
    options?: ErrorOptions & { issues?: readonly Issue[] },
  ) {
    super(code, message, options);
    this.status = status;
    this.issues = options?.issues ?? [];
  }
}

/** Joins issues into one line for an error message. */
export function summarize(issues: readonly Issue[], max = 3): string {
  if (issues.length === 0) return 'no details';
  const shown = issues.slice(0, max).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > max ? ` (+${issues.length - max} more)` : '';
  return shown.join('; ') + more;
}

/** Translates zod issues into {@link Issue}s with dotted paths. */
export function issuesFromZod(
  zodIssues: ReadonlyArray<{ code: string; path: ReadonlyArray<PropertyKey>; message: string }>,
): Issue[] {
  return zodIssues.map((i) => ({
    code: i.code,
    path: i.path.map((p) => String(p)).join('.'),
    message: i.message,
  }));
}
