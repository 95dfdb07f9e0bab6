/**
 * Reading axis answers: every JSON answer carries `status`, `ErrorCode`, `ErrorDesc`; an
 * `OK` answer is validated against the operation's schema and its fields normalised to
 * camelCase, with the parsed JSON kept as `raw`. Anything else is an error, never an empty
 * list: an HTML page or non-JSON is {@link AxisProtocolError}, `FAIL` is {@link AxisError}.
 * @module
 */
import { z } from 'zod';
import { AxisError, AxisProtocolError, type AxisOperation } from '../errors.js';

/** Any scalar the axis may send for a text field, as text (null → undefined). */
const text = z
  .unknown()
  .transform((v): string | undefined =>
    v === null || v === undefined ? undefined : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v),
  )
  .optional();
const requiredText = z.union([z.string().min(1), z.number()]).transform(String);
const flag = z
  .unknown()
  .transform((v): boolean | undefined =>
    v === null || v === undefined ? undefined : v === true || v === 1 || v === '1' || String(v).toLowerCase() === 'true',
  )
  .optional();

/** Fields every answer has. */
export interface AxisAnswer {
  /** `OK` on success. */
  readonly status: string;
  /** `ErrorCode` as text (`"0"` on success). */
  readonly errorCode: string;
  /** `ErrorDesc` (Vietnamese, e.g. `Thanh cong`). */
  readonly errorDesc: string;
  /** The parsed JSON answer, for support (for `getEdoc`, without `data`). */
  readonly raw: Record<string, unknown>;
}

/** `sendEdoc`: the sender-side id of the new package. */
export interface SendEdocResult extends AxisAnswer {
  /** `DocId` of the answer. */
  readonly docId: string;
}

/** A list answer (`data[]`), normalised to camelCase. */
export interface AxisList<T> extends AxisAnswer {
  readonly items: T[];
}

/** `getEdoc`: the package bytes decoded from base64. */
export interface EdocContent extends AxisAnswer {
  readonly docId: string;
  readonly bytes: Uint8Array;
}

/** `countReceiveEdoc` / `countReceiveStatus`. */
export interface CountResult extends AxisAnswer {
  readonly count: number;
}

/** One entry of `getReceivedEdocList`. */
export const ReceivedEdocSchema = z
  .looseObject({
    docId: requiredText,
    serviceType: text,
    messageType: text,
    from: text,
    to: text,
    status: text,
    status_desc: text,
    created_time: text,
    updated_time: text,
  })
  .transform((r) => ({
    docId: r.docId,
    serviceType: r.serviceType,
    messageType: r.messageType,
    from: r.from,
    to: r.to,
    status: r.status,
    statusDesc: r.status_desc,
    createdTime: r.created_time,
    updatedTime: r.updated_time,
  }));
/** As resolved, with defaults filled in: the output of {@link ReceivedEdocSchema}. */
export type ReceivedEdoc = z.output<typeof ReceivedEdocSchema>;

/** One row of `getSentEdocList`: one recipient of one sent package. */
export const SentEdocSchema = z
  .looseObject({
    serviceType: text,
    messageType: text,
    senderDocId: text,
    receiverDocId: text,
    fromCode: text,
    toCode: text,
    title: text,
    notation: text,
    sentTime: text,
    receivedTime: text,
    sendStatus: text,
    sendStatusDesc: text,
    receiveStatus: text,
    receiveStatusDesc: text,
  })
  .transform(({ serviceType, messageType, senderDocId, receiverDocId, fromCode, toCode, title, notation, sentTime, receivedTime, sendStatus, sendStatusDesc, receiveStatus, receiveStatusDesc }) => ({
    serviceType, messageType, senderDocId, receiverDocId, fromCode, toCode, title, notation, sentTime, receivedTime, sendStatus, sendStatusDesc, receiveStatus, receiveStatusDesc,
  }));
/** As resolved, with defaults filled in: the output of {@link SentEdocSchema}. */
export type SentEdoc = z.output<typeof SentEdocSchema>;

/** One agency of `getAgenciesList`. */
export const AgencySchema = z
  .looseObject({ id: text, pid: text, code: requiredText, name: text, mail: text, oldCode: text })
  .transform(({ id, pid, code, name, mail, oldCode }) => ({ id, pid, code, name, mail, oldCode }));
/** As resolved, with defaults filled in: the output of {@link AgencySchema}. */
export type Agency = z.output<typeof AgencySchema>;

/** One agency of `getAgenciesListQD20`. */
export const AgencyQd20Schema = z
  .looseObject({ id: text, code: requiredText, name: text, mail: text, code102: text })
  .transform(({ id, code, name, mail, code102 }) => ({ id, code, name, mail, code102 }));
/** As resolved, with defaults filled in: the output of {@link AgencyQd20Schema}. */
export type AgencyQd20 = z.output<typeof AgencyQd20Schema>;

/** One unit of `getSynchronizeUnit`. */
export const SynchronizedUnitSchema = z
  .looseObject({
    id: text, pid: text, code: requiredText, name: text, mail: text, version: text,
    centerCode: text, deleted: flag, modifyDate: text, isAgency: flag,
  })
  .transform(({ id, pid, code, name, mail, version, centerCode, deleted, modifyDate, isAgency }) => ({
    id, pid, code, name, mail, version, centerCode, deleted: deleted ?? false, modifyDate, isAgency: isAgency ?? true,
  }));
/** As resolved, with defaults filled in: the output of {@link SynchronizedUnitSchema}. */
export type SynchronizedUnit = z.output<typeof SynchronizedUnitSchema>;

const list = <T extends z.ZodType>(item: T) => z.looseObject({ data: z.array(item) });

/** What each operation's OK answer must contain (besides status/ErrorCode/ErrorDesc). */
export const ANSWER_SCHEMAS = {
  sendEdoc: z.looseObject({ DocId: requiredText }),
  getReceivedEdocList: list(ReceivedEdocSchema),
  getEdoc: z.looseObject({ data: z.string() }),
  updateStatus: z.looseObject({}),
  getSentEdocList: list(SentEdocSchema),
  getAgenciesList: list(AgencySchema),
  getAgenciesListQD20: list(AgencyQd20Schema),
  getSynchronizeUnit: list(SynchronizedUnitSchema),
  registerAgency: z.looseObject({}),
  deleteAgency: z.looseObject({}),
  countReceiveEdoc: z.looseObject({ count: z.union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)]) }),
  countReceiveStatus: z.looseObject({ count: z.union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)]) }),
} satisfies Partial<Record<AxisOperation, z.ZodType>>;

/** Operations whose answer is JSON. */
export type JsonOperation = keyof typeof ANSWER_SCHEMAS;

/** Where one HTTP answer came from. */
export interface AnswerContext {
  readonly operation: AxisOperation;
  readonly attempt: number;
  readonly httpStatus: number;
  readonly contentType: string | undefined;
}

/**
 * Reads an answer body as an axis JSON answer: returns the envelope and the parsed object
 * when `status` is `OK`.
 * @throws {AxisProtocolError} VDXP_TRANSPORT_BAD_RESPONSE: empty, HTML, not JSON, no `status`, OK with an HTTP error status
 * @throws {AxisError} VDXP_AXIS_FAIL when `status` is not `OK`
 */
export function readEnvelope(body: Uint8Array, ctx: AnswerContext): { envelope: Omit<AxisAnswer, 'raw'>; json: Record<string, unknown> } {
  const bad = (message: string, cause?: unknown) =>
    new AxisProtocolError(ctx.operation, ctx.attempt, ctx.httpStatus, ctx.contentType, message, cause ? { cause } : undefined);
  let textBody = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (textBody.charCodeAt(0) === 0xfeff) textBody = textBody.slice(1);
  textBody = textBody.trim();
  if (textBody.length === 0) throw bad('empty answer where JSON was expected');
  if (textBody.startsWith('<') || /text\/html/i.test(ctx.contentType ?? '')) throw bad('an HTML/XML page instead of a JSON answer');
  let json: unknown;
  try {
    json = JSON.parse(textBody);
  } catch {
    throw bad('the answer is not JSON');
  }
  const malformed = (message: string) =>
    new AxisProtocolError(ctx.operation, ctx.attempt, ctx.httpStatus, ctx.contentType, message, { reason: 'malformed' });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('the answer is not a JSON object');
  const obj = json as Record<string, unknown>;
  if (typeof obj.status !== 'string') throw malformed('the answer has no "status"');
  const envelope = {
    status: obj.status,
    errorCode: obj.ErrorCode === undefined || obj.ErrorCode === null ? '' : String(obj.ErrorCode),
    errorDesc: typeof obj.ErrorDesc === 'string' ? obj.ErrorDesc : obj.ErrorDesc == null ? '' : String(obj.ErrorDesc),
  };
  if (obj.status.toUpperCase() !== 'OK') {
    throw new AxisError({ operation: ctx.operation, ...envelope, httpStatus: ctx.httpStatus, attempt: ctx.attempt });
  }
  if (ctx.httpStatus < 200 || ctx.httpStatus > 299) throw malformed('status OK with an HTTP error status');
  return { envelope, json: obj };
}

/**
 * Reads an OK answer of a JSON operation and validates it against {@link ANSWER_SCHEMAS}.
 * @throws {AxisProtocolError} VDXP_TRANSPORT_BAD_RESPONSE naming the first bad field (a list without `data` is refused)
 * @throws {AxisError} VDXP_AXIS_FAIL
 */
export function readAnswer<O extends JsonOperation>(
  operation: O,
  body: Uint8Array,
  ctx: Omit<AnswerContext, 'operation'>,
): { answer: Omit<AxisAnswer, 'raw'>; json: Record<string, unknown>; value: z.output<(typeof ANSWER_SCHEMAS)[O]> } {
  // a literal, not `{ ...ctx, operation }`: V8 gives an object that starts with a spread a new hidden class each time
  const { envelope, json } = readEnvelope(body, { operation, attempt: ctx.attempt, httpStatus: ctx.httpStatus, contentType: ctx.contentType });
  const parsed = (ANSWER_SCHEMAS[operation] as z.ZodType).safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? first.path.map(String).join('.') || '(root)' : '(root)';
    throw new AxisProtocolError(operation, ctx.attempt, ctx.httpStatus, ctx.contentType, `malformed OK answer at ${where}: ${first?.message ?? 'invalid'}`, { reason: 'malformed' });
  }
  return { answer: envelope, json, value: parsed.data as z.output<(typeof ANSWER_SCHEMAS)[O]> };
}
