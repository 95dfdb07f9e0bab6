/**
 * `AxisClient`: every operation of the axis API (`spec/axis-api.md`), signed headers,
 * typed results, typed errors, retries for the calls that are safe to repeat.
 * @module
 */
import type { Readable } from 'node:stream';
import type { AxiosInstance } from 'axios';
import { AxisProtocolError, type AxisOperation } from '../errors.js';
import { runAttempt, type AttemptResponse } from './axis-attempt.js';
import { loadAxios } from './axios-loader.js';
import { prepareEdocBody, type EdocBody } from './edoc-body.js';
import { AXIS_OPERATIONS } from './operations.js';
import { resolveAxisClientOptions, type AxisClientOptions, type ResolvedAxisClientOptions } from './options.js';
import { axisRequestsObserved, publishAxisRequest, type AxisRequestEvent } from './request-events.js';
import {
  AgencyCodeSchema, AckStatusSchema, CallOptionsSchema, DocIdSchema, DownloadOptionsSchema, Qd20OptionsSchema,
  ReceivedListOptionsSchema, RegisterAgencySchema, SendEdocOptionsSchema, SentListOptionsSchema, parseRequest,
  type AckStatus, type CallOptions, type DownloadOptions, type Qd20Options, type ReceivedListOptions,
  type RegisterAgencyInput, type SendEdocOptions, type SentListOptions,
} from './requests.js';
import {
  readAnswer, readEnvelope,
  type Agency, type AgencyQd20, type AxisAnswer, type AxisList, type CountResult, type EdocContent, type JsonOperation,
  type ReceivedEdoc, type SendEdocResult, type SentEdoc, type SynchronizedUnit,
} from './responses.js';
import { readLimited, limitStream } from './stream-limits.js';
import { withRetry } from './retry.js';
import { buildXroadHeaders, type XroadParam } from './xroad-headers.js';

interface CallSpec<T> {
  operation: AxisOperation;
  params: XroadParam[];
  body?: () => Uint8Array | Readable | undefined;
  bodyLength?: number | undefined;
  responseType: 'buffer' | 'stream';
  signal: AbortSignal | undefined;
  read: (res: AttemptResponse<Buffer> & AttemptResponse<Readable>, attempt: number) => Promise<T> | T;
}

/**
 * A client of the national document axis (and the provincial axes that speak its API).
 *
 * Every call signs its `XroadVnpt-` headers with a fresh timestamp, validates the answer
 * (an HTML page is never an empty list) and throws typed errors. Reads and acks are retried
 * with exponential back-off and jitter; `sendEdoc`, `registerAgency`, `deleteAgency` never
 * are (a repeated send makes a second package: the connector's outbox decides).
 *
 * @example
 * ```ts
 * const client = new AxisClient({ endpoint: 'http://axis.example', systemId: '000.00.00.H41', secret });
 * const { items } = await client.getReceivedEdocList({ messageType: 'edoc' });
 * for (const item of items) {
 *   const { bytes } = await client.getEdoc(item.docId);
 *   await store(bytes);
 *   await client.updateStatus(item.docId, 'done');
 * }
 * ```
 */
export class AxisClient {
  readonly #options: ResolvedAxisClientOptions;
  #http: AxiosInstance | Promise<AxiosInstance> | undefined;
  /** Redacted URLs by URL (one per operation). */
  readonly #safeUrls = new Map<string, string>();

  /** @throws {ConfigError} VDXP_CONFIG_INVALID */
  constructor(options: AxisClientOptions) {
    this.#options = resolveAxisClientOptions(options);
    this.#http = this.#options.axios;
  }

  /** The caller's axios instance, or one of our own made on the first request. */
  #client(): AxiosInstance | Promise<AxiosInstance> {
    this.#http ??= loadAxios().then((axios) => {
      const created = axios.create({ proxy: false, ...(this.#options.adapter ? { adapter: this.#options.adapter } : {}) });
      this.#http = created;
      return created;
    });
    return this.#http;
  }

  /** The endpoint, without a trailing slash. */
  get endpoint(): string {
    return this.#options.endpoint;
  }

  /** The system id the client signs as. */
  get systemId(): string {
    return this.#options.systemId;
  }

  /**
   * Sends a package. Never retried. `hash-file` is computed as the body is prepared (see
   * {@link EdocBody}: a `Readable` needs `sha256`; `{ path }` is hashed, then streamed).
   * @throws {InputError} VDXP_INPUT_INVALID, {IoError} VDXP_IO, {AxisError} VDXP_AXIS_FAIL, {TransportError} VDXP_TRANSPORT_*
   */
  async sendEdoc(body: EdocBody, options: SendEdocOptions): Promise<SendEdocResult> {
    const o = parseRequest('sendEdoc', SendEdocOptionsSchema, options);
    const prepared = await prepareEdocBody(body, { hashForm: o.hashForm ?? 'sdk', ...(o.sha256 ? { sha256: o.sha256 } : {}), ...(o.size !== undefined ? { size: o.size } : {}) }, o.signal);
    const params: XroadParam[] = [
      ['from', o.from ?? this.#options.systemId],
      ['servicetype', o.serviceType],
      ['messagetype', o.messageType],
      ['hash-file', prepared.hashFile],
    ];
    if (o.to) params.push(['to', JSON.stringify(o.to)]);
    return this.#json('sendEdoc', params, o.signal, (v, a) => ({ ...a, docId: v.DocId }), { body: prepared.open, bodyLength: prepared.length });
  }

  /** Lists packages waiting for this system (`edoc` or `status`). Retried. */
  async getReceivedEdocList(options: ReceivedListOptions): Promise<AxisList<ReceivedEdoc>> {
    const o = parseRequest('getReceivedEdocList', ReceivedListOptionsSchema, options);
    const params: XroadParam[] = [['servicetype', o.serviceType], ['messagetype', o.messageType]];
    if (o.fromDate) params.push(['fromDate', o.fromDate]);
    if (o.toDate) params.push(['toDate', o.toDate]);
    return this.#json('getReceivedEdocList', params, o.signal, (v, a) => ({ ...a, items: v.data }));
  }

  /** Fetches one package (base64 in JSON, decoded). For large packages prefer {@link AxisClient.downloadEdoc}. Retried. */
  async getEdoc(docId: string, options: CallOptions = {}): Promise<EdocContent> {
    const id = parseRequest('getEdoc', DocIdSchema, docId);
    const o = parseRequest('getEdoc', CallOptionsSchema, options);
    return this.#json('getEdoc', [['docId', id]], o.signal, (v, a, ctx) => {
      if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(v.data) || v.data.trim().length === 0) {
        throw new AxisProtocolError('getEdoc', ctx.attempt, ctx.httpStatus, ctx.contentType, '"data" is not base64 package bytes', { reason: 'malformed' });
      }
      const { data: _omitted, ...raw } = a.raw;
      return { ...a, raw, docId: id, bytes: new Uint8Array(Buffer.from(v.data, 'base64')) };
    }, { body: () => Buffer.from('{}') });
  }

  /**
   * Streams one package (`GET /downloadEdoc`). Retried until the answer's headers arrive;
   * the returned stream then fails with VDXP_TRANSPORT_TIMEOUT when it stalls for
   * `timeoutMs`, VDXP_TRANSPORT_NETWORK when cut off, VDXP_TRANSPORT_BAD_RESPONSE past `maxBytes`.
   * @throws {AxisError} VDXP_AXIS_FAIL when the axis answers with a JSON refusal instead of bytes
   */
  async downloadEdoc(docId: string, options: DownloadOptions = {}): Promise<Readable> {
    const id = parseRequest('downloadEdoc', DocIdSchema, docId);
    const o = parseRequest('downloadEdoc', DownloadOptionsSchema, options);
    return this.#call({
      operation: 'downloadEdoc', params: [['docId', id]], responseType: 'stream', signal: o.signal,
      read: async (res, attempt) => {
        const ctx = { operation: 'downloadEdoc' as const, attempt, httpStatus: res.httpStatus, contentType: res.contentType };
        if (res.httpStatus < 200 || res.httpStatus > 299 || /json|html/i.test(res.contentType ?? '')) {
          const body = await readLimited(res.body, 1024 * 1024);
          readEnvelope(body, ctx);
          throw new AxisProtocolError('downloadEdoc', attempt, res.httpStatus, res.contentType, 'a JSON answer instead of the package bytes', { reason: 'malformed' });
        }
        return o.maxBytes ? limitStream(res.body, o.maxBytes, ctx) : res.body;
      },
    });
  }

  /** Acks a received package: `done` (stored), `fail` (cannot process), `processing`. Retried (acking twice is harmless). */
  async updateStatus(docId: string, status: AckStatus, options: CallOptions = {}): Promise<AxisAnswer> {
    const id = parseRequest('updateStatus', DocIdSchema, docId);
    const st = parseRequest('updateStatus', AckStatusSchema, status);
    const o = parseRequest('updateStatus', CallOptionsSchema, options);
    return this.#json('updateStatus', [['docId', id], ['status', st]], o.signal, (_v, a) => a, { body: () => Buffer.from('{}') });
  }

  /** Lists sent packages with the send and receive status per recipient. Retried. */
  async getSentEdocList(options: SentListOptions): Promise<AxisList<SentEdoc>> {
    const o = parseRequest('getSentEdocList', SentListOptionsSchema, options);
    const params: XroadParam[] = [['servicetype', o.serviceType], ['messagetype', o.messageType]];
    if (o.docId) params.push(['docId', o.docId]);
    return this.#json('getSentEdocList', params, o.signal, (v, a) => ({ ...a, items: v.data }));
  }

  /** The directory of connected agencies. Retried. */
  async getAgenciesList(options: CallOptions = {}): Promise<AxisList<Agency>> {
    const o = parseRequest('getAgenciesList', CallOptionsSchema, options);
    return this.#json('getAgenciesList', [], o.signal, (v, a) => ({ ...a, items: v.data }));
  }

  /** The directory with QĐ 20 codes, for one level. Retried. */
  async getAgenciesListQD20(options: Qd20Options): Promise<AxisList<AgencyQd20>> {
    const o = parseRequest('getAgenciesListQD20', Qd20OptionsSchema, options);
    return this.#json('getAgenciesListQD20', [['level', o.level]], o.signal, (v, a) => ({ ...a, items: v.data }));
  }

  /** Units for synchronisation, including deleted ones. Retried. */
  async getSynchronizeUnit(options: CallOptions = {}): Promise<AxisList<SynchronizedUnit>> {
    const o = parseRequest('getSynchronizeUnit', CallOptionsSchema, options);
    return this.#json('getSynchronizeUnit', [], o.signal, (v, a) => ({ ...a, items: v.data }));
  }

  /** Registers (or updates) an agency under one of the caller's units. Not retried. */
  async registerAgency(agency: RegisterAgencyInput, options: CallOptions = {}): Promise<AxisAnswer> {
    const body = parseRequest('registerAgency', RegisterAgencySchema, agency);
    const o = parseRequest('registerAgency', CallOptionsSchema, options);
    const json = Buffer.from(JSON.stringify({ id: body.id ?? '', pcode: body.pcode, code: body.code, name: body.name, mail: body.mail, mobile: body.mobile ?? '', fax: body.fax ?? '' }));
    return this.#json('registerAgency', [], o.signal, (_v, a) => a, { body: () => json });
  }

  /** Removes an agency registered under the caller. Not retried. */
  async deleteAgency(agencyCode: string, options: CallOptions = {}): Promise<AxisAnswer> {
    const c = parseRequest('deleteAgency', AgencyCodeSchema, agencyCode);
    const o = parseRequest('deleteAgency', CallOptionsSchema, options);
    return this.#json('deleteAgency', [['AgencyCode', c]], o.signal, (_v, a) => a);
  }

  /** How many documents wait (`GET /countReceiveEdoc`). Retried. */
  async countReceiveEdoc(options: CallOptions = {}): Promise<CountResult> {
    const o = parseRequest('countReceiveEdoc', CallOptionsSchema, options);
    return this.#json('countReceiveEdoc', [], o.signal, (v, a) => ({ ...a, count: v.count }));
  }

  /** How many status packages wait (`GET /countReceiveStatus`). Retried. */
  async countReceiveStatus(options: CallOptions = {}): Promise<CountResult> {
    const o = parseRequest('countReceiveStatus', CallOptionsSchema, options);
    return this.#json('countReceiveStatus', [], o.signal, (v, a) => ({ ...a, count: v.count }));
  }

  async #json<O extends JsonOperation, T>(
    operation: O,
    params: XroadParam[],
    signal: AbortSignal | undefined,
    shape: (value: ReturnType<typeof readAnswer<O>>['value'], answer: AxisAnswer, ctx: { attempt: number; httpStatus: number; contentType: string | undefined }) => T,
    extra: { body?: () => Uint8Array | Readable; bodyLength?: number | undefined } = {},
  ): Promise<T> {
    return this.#call({
      operation, params, signal, responseType: 'buffer', ...extra,
      read: (res, attempt) => {
        const ctx = { attempt, httpStatus: res.httpStatus, contentType: res.contentType };
        const { answer, json, value } = readAnswer(operation, res.body, ctx);
        return shape(value, { ...answer, raw: json }, ctx);
      },
    });
  }

  async #call<T>(spec: CallSpec<T>): Promise<T> {
    const op = AXIS_OPERATIONS[spec.operation];
    const url = this.#options.endpoint + op.path;
    let started = 0;
    // Telemetry events are built only when someone listens, each as one literal: on Node 20 an
    // object literal that starts with a spread (`{ ...base, phase }`) gets a new hidden class
    // every time, which cost more than the rest of this function.
    const event = (phase: AxisRequestEvent['phase'], attempt: number): AxisRequestEvent => ({
      operation: spec.operation, method: op.method, url: this.#safeUrl(url), systemId: this.#options.systemId, phase, attempt,
    });
    return withRetry(
      async (attempt) => {
        const http = await this.#client();
        const now = this.#options.now ? this.#options.now() : new Date();
        const { headers } = buildXroadHeaders({ systemId: this.#options.systemId, secret: this.#options.secret, params: spec.params, contentType: op.contentType, timestamp: now });
        headers['User-Agent'] = this.#options.userAgent;
        headers['Accept'] = spec.responseType === 'stream' ? '*/*' : 'application/json';
        const data = spec.body ? spec.body() : op.method === 'POST' ? Buffer.alloc(0) : undefined;
        if (spec.bodyLength !== undefined) headers['Content-Length'] = String(spec.bodyLength);
        started = performance.now();
        if (axisRequestsObserved()) publishAxisRequest(event('start', attempt));
        const res = await runAttempt({
          operation: spec.operation, attempt, http, url, method: op.method, headers, data,
          responseType: spec.responseType, timeoutMs: this.#options.timeoutMs, maxResponseBytes: this.#options.maxResponseBytes, signal: spec.signal,
        } as Parameters<typeof runAttempt>[0] & { responseType: 'buffer' });
        const value = await spec.read(res as AttemptResponse<Buffer> & AttemptResponse<Readable>, attempt);
        if (axisRequestsObserved()) {
          const ended: Mutable<AxisRequestEvent> = event('end', attempt);
          ended.durationMs = performance.now() - started;
          ended.httpStatus = res.httpStatus;
          publishAxisRequest(ended);
        }
        return value;
      },
      {
        policy: this.#options.retry,
        retrySafe: op.retrySafe,
        random: this.#options.random ?? Math.random,
        signal: spec.signal,
        onAttemptError: ({ attempt, error, delayMs }) => {
          if (!axisRequestsObserved()) return;
          const e = error as { code?: unknown; httpStatus?: unknown; errorCode?: unknown };
          const failed: Mutable<AxisRequestEvent> = event('error', attempt);
          failed.durationMs = performance.now() - started;
          if (typeof e.code === 'string') failed.errorCode = e.code;
          if (typeof e.httpStatus === 'number' && e.httpStatus > 0) failed.httpStatus = e.httpStatus;
          if (typeof e.errorCode === 'string') failed.axisErrorCode = e.errorCode;
          if (delayMs !== undefined) failed.retryInMs = delayMs;
          publishAxisRequest(failed);
        },
      },
    );
  }

  /** The operation's URL without user info, for telemetry (worked out once per URL). */
  #safeUrl(url: string): string {
    let safe = this.#safeUrls.get(url);
    if (safe === undefined) this.#safeUrls.set(url, (safe = redactUrl(url)));
    return safe;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}
