/**
 * One HTTP attempt of {@link AxisClient} over axios: a per-attempt timeout, the caller's
 * `AbortSignal`, and the mapping of failures to typed errors. No retry here.
 * @module
 */
import { PassThrough, type Readable } from 'node:stream';
import type { AxiosInstance } from 'axios';
import { AxisNetworkError, AxisProtocolError, type AxisOperation } from '../errors.js';
import { isAxiosError } from './axios-loader.js';

/** One attempt to make. */
export interface AttemptRequest {
  readonly operation: AxisOperation;
  readonly attempt: number;
  readonly http: AxiosInstance;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly data: Uint8Array | Readable | undefined;
  /** `buffer`: read the whole answer; `stream`: return once headers arrive. */
  readonly responseType: 'buffer' | 'stream';
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly signal: AbortSignal | undefined;
}

/** The answer of one attempt. */
export interface AttemptResponse<B> {
  readonly httpStatus: number;
  readonly contentType: string | undefined;
  readonly body: B;
}

const TIMEOUT = Symbol('timeout');

/**
 * Makes the request.
 * @throws {AxisNetworkError} VDXP_TRANSPORT_TIMEOUT / VDXP_TRANSPORT_NETWORK
 * @throws {AxisProtocolError} VDXP_TRANSPORT_BAD_RESPONSE when the answer passes `maxResponseBytes`
 * @throws the caller's `signal.reason` when it aborts
 */
export async function runAttempt(req: AttemptRequest & { responseType: 'buffer' }): Promise<AttemptResponse<Buffer>>;
export async function runAttempt(req: AttemptRequest & { responseType: 'stream' }): Promise<AttemptResponse<Readable>>;
export async function runAttempt(req: AttemptRequest): Promise<AttemptResponse<Buffer | Readable>> {
  req.signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(TIMEOUT);
  }, req.timeoutMs);
  const onAbort = () => controller.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const cleanup = () => {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  };
  try {
    const res = await req.http.request({
      url: req.url,
      method: req.method,
      headers: req.headers,
      // a Uint8Array view may sit on a larger ArrayBuffer (Buffer's pool): give axios an exact Buffer
      data: req.data instanceof Uint8Array && !Buffer.isBuffer(req.data) ? Buffer.from(req.data.buffer, req.data.byteOffset, req.data.byteLength) : req.data,
      responseType: req.responseType === 'stream' ? 'stream' : 'arraybuffer',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: req.responseType === 'stream' ? -1 : req.maxResponseBytes,
      maxBodyLength: Infinity,
      signal: controller.signal,
    });
    const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
    if (req.responseType === 'stream') {
      cleanup();
      return { httpStatus: res.status, contentType, body: withIdleTimeout(res.data as Readable, req) };
    }
    const data: unknown = res.data;
    const body = Buffer.isBuffer(data) ? data : data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(String(data ?? ''), 'utf8');
    return { httpStatus: res.status, contentType, body };
  } catch (e) {
    if (req.signal?.aborted) throw req.signal.reason;
    if (timedOut) {
      throw new AxisNetworkError('VDXP_TRANSPORT_TIMEOUT', req.operation, req.attempt, `no answer within ${req.timeoutMs} ms`);
    }
    if (isAxiosError(e)) {
      const status = e.response?.status ?? 0;
      if (/maxContentLength/i.test(e.message)) {
        throw new AxisProtocolError(req.operation, req.attempt, status, undefined, `the answer is larger than maxResponseBytes (${req.maxResponseBytes})`, { reason: 'too_large' });
      }
      const systemCode = (e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.code;
      const cause = e.cause instanceof Error ? e.cause : undefined;
      throw new AxisNetworkError('VDXP_TRANSPORT_NETWORK', req.operation, req.attempt, describeNetwork(systemCode), {
        ...(cause ? { cause } : {}),
        ...(systemCode ? { systemCode } : {}),
      });
    }
    throw e;
  } finally {
    cleanup();
  }
}

function describeNetwork(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset or dropped by the peer';
    case 'EPIPE':
      return 'connection closed while sending';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not resolved';
    default:
      return `network failure${code ? ` (${code})` : ''}`;
  }
}

/**
 * Passes a response stream through, failing it with VDXP_TRANSPORT_TIMEOUT when the server
 * sends nothing for `timeoutMs` while the consumer is waiting for data (a slow consumer
 * does not count: data waiting to be read re-arms the timer).
 */
function withIdleTimeout(source: Readable, req: AttemptRequest): Readable {
  const out = new PassThrough();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (out.readableLength > 0 || out.writableNeedDrain) return arm();
      out.destroy(new AxisNetworkError('VDXP_TRANSPORT_TIMEOUT', req.operation, req.attempt, `the download stalled for ${req.timeoutMs} ms`));
      source.destroy();
    }, req.timeoutMs);
  };
  const onAbort = () => {
    out.destroy(req.signal?.reason as Error);
    source.destroy();
  };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const stop = () => {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  };
  source.on('data', arm);
  source.on('error', (e) => {
    stop();
    if (out.destroyed) return;
    const code = (e as NodeJS.ErrnoException).code;
    out.destroy(new AxisNetworkError('VDXP_TRANSPORT_NETWORK', req.operation, req.attempt, `the download broke: ${describeNetwork(code)}`, code ? { systemCode: code } : {}));
  });
  source.on('aborted', () => {
    stop();
    if (out.destroyed) return;
    out.destroy(new AxisNetworkError('VDXP_TRANSPORT_NETWORK', req.operation, req.attempt, 'the download was cut off', { systemCode: 'ECONNRESET' }));
  });
  out.on('close', () => {
    stop();
    source.destroy();
  });
  source.pipe(out);
  source.on('end', stop);
  arm();
  return out;
}
