/**
 * The seam through which the trust engine reaches the network: CRLs, OCSP and AIA caIssuers
 * are fetched only through a {@link Fetcher}, and only when the trust store allows network use.
 * @module
 */
import { SignatureError } from '../errors.js';

/** What a fetch receives: an abort signal, and for OCSP a body to POST with its content type. */
export interface FetchInit {
  readonly signal?: AbortSignal;
  /** When present, the request is a POST of these bytes. */
  readonly body?: Uint8Array;
  readonly contentType?: string;
}

/** Fetches a URL and resolves with the response body; rejects on any failure (status, size, network). */
export type Fetcher = (url: string, init: FetchInit) => Promise<Uint8Array>;

/**
 * A {@link Fetcher} over HTTP(S) with Node's `fetch`: refuses other schemes, non-2xx answers and
 * bodies over `maxBytes`.
 * @param options.maxBytes largest body accepted. @defaultValue 10 MiB
 * @throws {SignatureError} (rejects) VDXP_SIGNATURE_MALFORMED for a refused URL or answer
 * @example
 * ```ts
 * const trust = TrustStore.create({ allowNetwork: true, fetcher: createHttpFetcher() });
 * ```
 */
export function createHttpFetcher(options: { maxBytes?: number } = {}): Fetcher {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  return async (url, init) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SignatureError('VDXP_SIGNATURE_MALFORMED', `refusing to fetch a ${parsed.protocol} URL`);
    }
    const res = await fetch(url, {
      method: init.body ? 'POST' : 'GET',
      ...(init.body ? { body: init.body, headers: { 'content-type': init.contentType ?? 'application/octet-stream' } } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      redirect: 'follow',
    });
    if (!res.ok) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', `HTTP ${res.status} from ${parsed.origin}`);
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', `answer from ${parsed.origin} is too large`);
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new SignatureError('VDXP_SIGNATURE_MALFORMED', `answer from ${parsed.origin} is too large`);
      }
      chunks.push(value);
    }
    return new Uint8Array(Buffer.concat(chunks));
  };
}
