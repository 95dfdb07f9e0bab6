/**
 * The agent's local HTTP API (node:http): loopback by default, a bearer token on every route
 * but `GET /health` (compared in constant time), JSON bodies up to a size limit, and errors
 * as `{ "error": { "code", "message", "issues"? } }` with a fitting status. The routes are in
 * `api-routes.ts`.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentApiError, ConfigError, ConnectorError, InputError, StoreError, isVdxpError } from '../errors.js';
import { matchRoute, type ApiContext, type ApiReply, type ApiRequest } from './api-routes.js';
import type { AgentLogger } from './logger.js';

/** Options of {@link AgentHttpApi.start}. */
export interface AgentHttpApiOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly maxBodyBytes: number;
  readonly context: ApiContext;
  readonly logger: AgentLogger;
}

const CONNECTOR_STATUS: Readonly<Record<string, number>> = {
  VDXP_CONNECTOR_NOT_FOUND: 404,
  VDXP_CONNECTOR_BAD_TRANSITION: 409,
  VDXP_CONNECTOR_REASON_REQUIRED: 400,
  VDXP_CONNECTOR_SECRET_REFUSED: 422,
  VDXP_CONNECTOR_SEND_FAILED: 502,
  VDXP_CONNECTOR_PACKAGE_PRUNED: 410,
};

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when the request carries `Authorization: Bearer <token>`; constant time in the token. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // compare digests: equal lengths, and nothing learned from where the first difference is
  const given = digest(m?.[1] ?? '');
  return timingSafeEqual(given, digest(token)) && m !== null;
}

/** Maps an error to an HTTP status and a JSON body; unknown errors say nothing of their inside. */
export function errorReply(error: unknown): { status: number; body: { error: { code: string; message: string; issues?: unknown } } } {
  const issues = error instanceof InputError || error instanceof ConfigError || error instanceof AgentApiError ? error.issues : undefined;
  const withIssues = (status: number, code: string, message: string) => ({ status, body: { error: { code, message, ...(issues && issues.length > 0 ? { issues } : {}) } } });
  if (error instanceof AgentApiError) return withIssues(error.status, error.code, error.message);
  if (error instanceof InputError || error instanceof ConfigError) return withIssues(400, error.code, error.message);
  if (error instanceof ConnectorError) {
    const status = CONNECTOR_STATUS[error.code] ?? 400;
    return withIssues(status, error.code, error.message);
  }
  if (error instanceof StoreError) return withIssues(503, error.code, 'the store is not available');
  if (isVdxpError(error)) return withIssues(500, error.code, error.message);
  return withIssues(500, 'VDXP_ERROR', 'internal error');
}

/** The running API server. */
export class AgentHttpApi {
  readonly #server: Server;
  readonly #o: AgentHttpApiOptions;

  private constructor(server: Server, options: AgentHttpApiOptions) {
    this.#server = server;
    this.#o = options;
  }

  /** Listens on `host:port`. */
  static async start(options: AgentHttpApiOptions): Promise<AgentHttpApi> {
    const server = createServer();
    const api = new AgentHttpApi(server, options);
    server.on('request', (req, res) => void api.#handle(req, res));
    server.requestTimeout = 120_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return api;
  }

  /** `http://host:port`. */
  get url(): string {
    const a = this.#server.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** Stops accepting connections and waits for the requests under way. Idempotent. */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    let status = 500;
    try {
      const url = new URL(req.url ?? '/', 'http://agent.local');
      const segments = url.pathname.split('/').filter((s) => s.length > 0).map(decodeSegment);
      let route: ReturnType<typeof matchRoute> | undefined;
      let unrouted: unknown;
      try {
        route = matchRoute(req.method ?? 'GET', segments);
      } catch (e) {
        unrouted = e;
      }
      // the token first: a caller without it learns nothing, not even which routes exist
      if (route?.public !== true && !isAuthorized(req.headers.authorization, this.#o.token)) {
        res.setHeader('www-authenticate', 'Bearer realm="vdxp-agent"');
        throw new AgentApiError('VDXP_AGENT_UNAUTHORIZED', 401, 'a valid bearer token is required');
      }
      if (!route) throw unrouted;
      const request: ApiRequest = {
        params: route.params,
        query: url.searchParams,
        headers: req.headers,
        body: () => readJson(req, this.#o.maxBodyBytes),
      };
      const reply = await route.handler(request, this.#o.context);
      status = reply.status;
      send(res, reply);
    } catch (error) {
      const { status: s, body } = errorReply(error);
      status = s;
      if (s >= 500) this.#o.logger.error('API request failed', { method: req.method, error });
      send(res, { status: s, json: body });
      // a refused upload is not read further
      if (s === 413 || s === 401) req.resume();
    } finally {
      this.#o.logger.debug('API request', { method: req.method, path: (req.url ?? '').split('?')[0], status, ms: Date.now() - started });
    }
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AgentApiError('VDXP_AGENT_BAD_REQUEST', 400, 'the path is not valid percent-encoding');
  }
}

function send(res: ServerResponse, reply: ApiReply): void {
  if (res.headersSent) return;
  const text = reply.json !== undefined ? JSON.stringify(reply.json) + '\n' : (reply.text ?? '');
  res.writeHead(reply.status, {
    'content-type': reply.json !== undefined ? 'application/json; charset=utf-8' : (reply.contentType ?? 'text/plain; charset=utf-8'),
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(reply.headers ?? {}),
  });
  res.end(text);
}

/** Reads a JSON body of at most `max` bytes. */
async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = () => new AgentApiError('VDXP_AGENT_TOO_LARGE', 413, `the body is larger than ${max} bytes`);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AgentApiError('VDXP_AGENT_BAD_REQUEST', 400, 'expected Content-Type: application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  if (size === 0) throw new AgentApiError('VDXP_AGENT_BAD_REQUEST', 400, 'expected a JSON body');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AgentApiError('VDXP_AGENT_BAD_REQUEST', 400, 'the body is not valid JSON');
  }
}
