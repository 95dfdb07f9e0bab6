/**
 * `LocalAxis`: a real HTTP server that behaves like the national document axis, for
 * development, tests, demos and chaos runs without the government network.
 * @module
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AxisOperation } from '../errors.js';
import { AXIS_OPERATIONS } from '../transport/operations.js';
import { verifyXroadHeaders } from '../transport/xroad-header-verifier.js';
import { VIETNAM_UTC_OFFSET_MINUTES } from '../transport/xroad-headers.js';
import { DESC, ERROR_CODE, fail, type AxisCall, type AxisReply, type JsonReply } from './axis-answer.js';
import { AxisDirectory } from './axis-directory.js';
import { AxisMailbox } from './axis-mailbox.js';
import { AxisPersistence } from './axis-persistence.js';
import { AxisState } from './axis-state.js';
import { FaultInjector } from './fault-injector.js';
import { FaultsSchema, resolveLocalAxisOptions, type Faults, type LocalAxisOptions, type ResolvedLocalAxisOptions } from './local-axis-options.js';
import { ParentLink } from './parent-link.js';
import { refusalReply } from './refusal-reply.js';

const LIST_OPERATIONS = new Set<AxisOperation>(['getReceivedEdocList', 'getSentEdocList', 'getAgenciesList', 'getAgenciesListQD20', 'getSynchronizeUnit']);
const JSON_BODY_LIMIT = 1024 * 1024;
const HTML_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>';

/**
 * A local axis on loopback. Systems authenticate with the real `XroadVnpt-` header scheme
 * (shared with `AxisClient`); packages are validated with `parseEdxml` and routed like the
 * real axis (edoc to every `To`, status to `ResponseFor/OrganId`, one 24-hex id per
 * recipient, a TraceHeader appended); unknown recipients go to the `parent` axis when one
 * is configured. Faults are seeded and deterministic; `dataDir` keeps queues across restarts.
 *
 * @example
 * ```ts
 * const axis = await LocalAxis.start({ systems: [
 *   { systemId: '000.00.00.G22', secret: 's1' },
 *   { systemId: '000.00.00.H41', secret: 's2', agencies: [{ code: '000.01.00.H41', name: 'Sở Nội vụ' }] },
 * ] });
 * const client = new AxisClient({ endpoint: axis.url, systemId: '000.00.00.G22', secret: 's1' });
 * // …
 * await axis.close();
 * ```
 */
export class LocalAxis {
  readonly #server: Server;
  readonly #options: ResolvedLocalAxisOptions;
  readonly #state: AxisState;
  readonly #mailbox: AxisMailbox;
  readonly #directory: AxisDirectory;
  readonly #parent: ParentLink | undefined;
  readonly #persistence: AxisPersistence | undefined;
  readonly #closing = new AbortController();
  readonly #clock: () => Date;
  #faults: FaultInjector;
  #closed: Promise<void> | undefined;
  /** The base URL clients use as `endpoint`, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;

  private constructor(
    options: ResolvedLocalAxisOptions, state: AxisState, persistence: AxisPersistence | undefined, server: Server, url: string,
  ) {
    this.#options = options;
    // every request waiting out an injected latency listens to it
    setMaxListeners(0, this.#closing.signal);
    this.#state = state;
    this.#persistence = persistence;
    this.#server = server;
    this.url = url;
    this.#clock = options.clock ?? (() => new Date());
    this.#faults = new FaultInjector(options.faults);
    this.#directory = new AxisDirectory(state);
    const deliver = (bytes: Uint8Array, o: Parameters<AxisMailbox['deliver']>[1]) => this.#mailbox.deliver(bytes, o);
    this.#parent = options.parent
      ? new ParentLink(options.parent, state, async (bytes, item) => (await deliver(bytes, { ...item, senderDocId: item.parentDocId })) !== undefined, this.#clock)
      : undefined;
    this.#mailbox = new AxisMailbox({ state, faults: () => this.#faults, parent: this.#parent, traceOrganId: options.traceOrganId, clock: this.#clock });
  }

  /**
   * Starts a LocalAxis and resolves once it listens.
   * @throws {ConfigError} VDXP_CONFIG_INVALID for bad options
   * @throws {IoError} VDXP_IO when `dataDir` cannot be used
   */
  static async start(options: LocalAxisOptions): Promise<LocalAxis> {
    const o = resolveLocalAxisOptions(options);
    const persistence = o.dataDir ? new AxisPersistence(o.dataDir) : undefined;
    await persistence?.init();
    const state = await AxisState.open(o, persistence, (o.clock ?? (() => new Date()))().getTime());
    await state.save();
    let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const axis = new LocalAxis(o, state, persistence, server, `http://${host}:${address.port}`);
    handler = (req, res) => void axis.#handle(req, res);
    axis.#parent?.start();
    return axis;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Replaces the fault settings (a fresh seeded sequence); `undefined` turns faults off. @throws {ConfigError} */
  setFaults(faults: Faults | undefined): void {
    const parsed = faults === undefined ? undefined : resolveLocalAxisOptions({ systems: this.#options.systems, faults }).faults;
    this.#faults = new FaultInjector(parsed ? FaultsSchema.parse(parsed) : undefined);
  }

  /** Pulls what the parent axis holds for this one now (the loop also does it every `pollIntervalMs`); 0 without a parent. */
  async pullFromParent(): Promise<number> {
    return this.#parent ? this.#parent.pull() : 0;
  }

  /** Stops listening, drops open connections, stops the parent link, flushes `dataDir`. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing.abort();
      await this.#parent?.stop();
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        this.#server.closeAllConnections();
      });
      await this.#persistence?.flush();
    })();
    return this.#closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const reply = await this.#route(req, res);
      if (reply) await send(res, reply);
    } catch {
      if (!res.headersSent) await send(res, fail(ERROR_CODE.server, DESC.serverError, {}, 500)).catch(() => undefined);
      else res.destroy();
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<AxisReply | undefined> {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const name = path.split('/').filter(Boolean).pop() ?? '';
    if (!Object.hasOwn(AXIS_OPERATIONS, name)) return fail(ERROR_CODE.notFound, DESC.unknownOperation(path), {}, 404);
    const operation = name as AxisOperation;
    const spec = AXIS_OPERATIONS[operation];
    const withData = (r: JsonReply): JsonReply => (LIST_OPERATIONS.has(operation) && r.body.status !== 'OK' && !('data' in r.body) ? { ...r, body: { ...r.body, data: [] } } : r);
    if (req.method !== spec.method) return withData(fail(ERROR_CODE.method, DESC.wrongMethod(req.method ?? '', spec.method), {}, 405));

    const fault = this.#faults.decide(operation);
    if (fault.drop) {
      req.socket.destroy();
      return undefined;
    }
    if (fault.latencyMs > 0) await sleep(fault.latencyMs, undefined, { signal: this.#closing.signal }).catch(() => undefined);
    if (res.destroyed || this.#closing.signal.aborted) return undefined;
    if (fault.error) return withData(fail(ERROR_CODE.server, DESC.injected, {}, 500));
    if (fault.nonJson) return { kind: 'html', httpStatus: 200, html: HTML_PAGE };

    const now = this.#clock();
    const verified = verifyXroadHeaders(req.headers, {
      secretFor: (id) => this.#state.secretFor(id),
      now,
      maxSkewMs: this.#options.timestampSkewMs,
      utcOffsetsMinutes: this.#options.timestampUtcOffsetsMinutes ?? [...new Set([VIETNAM_UTC_OFFSET_MINUTES, -new Date().getTimezoneOffset()])],
    });
    if (!verified.ok) {
      await readBody(req, 0).catch(() => undefined); // discard it, so the client reads the refusal
      res.setHeader('Connection', 'close');
      return withData(refusalReply(verified, req.headers));
    }

    const limit = operation === 'sendEdoc' ? this.#options.maxBodyBytes : JSON_BODY_LIMIT;
    const body = await readBody(req, limit);
    if (!body) {
      res.setHeader('Connection', 'close');
      return fail(ERROR_CODE.tooLarge, DESC.tooLarge(limit), {}, 413);
    }
    const call: AxisCall = { systemId: verified.systemId, param: verified.get, body, now };
    const reply = await this.#dispatch(operation, call);
    if (fault.dropAfter) {
      req.socket.destroy();
      return undefined;
    }
    return reply.kind === 'json' ? withData(reply) : reply;
  }

  #dispatch(operation: AxisOperation, call: AxisCall): Promise<AxisReply> | AxisReply {
    const m = this.#mailbox;
    const d = this.#directory;
    switch (operation) {
      case 'sendEdoc': return m.sendEdoc(call);
      case 'getReceivedEdocList': return m.getReceivedEdocList(call);
      case 'getEdoc': return m.getEdoc(call);
      case 'downloadEdoc': return m.downloadEdoc(call);
      case 'updateStatus': return m.updateStatus(call);
      case 'getSentEdocList': return m.getSentEdocList(call);
      case 'countReceiveEdoc': return m.count(call, 'edoc');
      case 'countReceiveStatus': return m.count(call, 'status');
      case 'getAgenciesList': return d.getAgenciesList();
      case 'getAgenciesListQD20': return d.getAgenciesListQD20(call);
      case 'getSynchronizeUnit': return d.getSynchronizeUnit();
      case 'registerAgency': return d.registerAgency(call);
      case 'deleteAgency': return d.deleteAgency(call);
    }
  }
}

/**
 * Reads a request body up to `limit` bytes; undefined when it is larger. A larger body is
 * read and discarded (up to 32 MiB more) so that the client gets the FAIL answer instead of
 * a reset; past that the connection is cut.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  const drainCap = limit + 32 * 1024 * 1024;
  if (Number.isFinite(declared) && declared > drainCap) {
    req.socket.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > drainCap) {
      req.socket.destroy();
      return undefined;
    }
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

async function send(res: ServerResponse, reply: AxisReply): Promise<void> {
  if (res.destroyed) return;
  if (reply.kind === 'stream') {
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(reply.length),
      'Content-Disposition': `attachment; filename="${reply.fileName}"`,
    });
    reply.stream.on('error', () => res.destroy());
    reply.stream.pipe(res);
    return;
  }
  const html = reply.kind === 'html';
  const text = html ? reply.html : JSON.stringify(reply.body);
  res.writeHead(reply.httpStatus, {
    'Content-Type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
