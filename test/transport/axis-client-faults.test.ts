import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import diagnosticsChannel from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { FaultInjector } from '../../src/testing/fault-injector.js';
import { FaultsSchema } from '../../src/testing/local-axis-options.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { AXIS_REQUEST_CHANNEL, type AxisRequestEvent } from '../../src/transport/request-events.js';
import { AxisError, AxisNetworkError, AxisProtocolError, ConfigError } from '../../src/errors.js';
import { edocPackage, G22, H41 } from '../helpers/axis-packages.js';

const SECRET = 'S3cr3t-ĐẶC-BIỆT-do-not-leak-7f3a';

let axis: LocalAxis;
const events: AxisRequestEvent[] = [];
const listener = (m: unknown) => events.push(m as AxisRequestEvent);
const seen: unknown[] = [];

function client(options: Partial<ConstructorParameters<typeof AxisClient>[0]> = {}): AxisClient {
  return new AxisClient({ endpoint: axis.url, systemId: G22.organId, secret: SECRET, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 5 }, ...options });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeDefined();
  seen.push(e);
  return e;
}

beforeAll(async () => {
  axis = await LocalAxis.start({ systems: [{ systemId: G22.organId, secret: SECRET }, { systemId: H41.organId, secret: 'other' }] });
  diagnosticsChannel.subscribe(AXIS_REQUEST_CHANNEL, listener);
});

afterEach(() => {
  axis.setFaults(undefined);
  events.length = 0;
});

afterAll(async () => {
  diagnosticsChannel.unsubscribe(AXIS_REQUEST_CHANNEL, listener);
  await axis.close();
});

describe('faults produce the right error classes', () => {
  test('latency past timeoutMs is VDXP_TRANSPORT_TIMEOUT', async () => {
    axis.setFaults({ latencyMs: 400 });
    const e = await failure(client({ timeoutMs: 80 }).getAgenciesList());
    expect(e).toBeInstanceOf(AxisNetworkError);
    expect(e).toMatchObject({ code: 'VDXP_TRANSPORT_TIMEOUT', operation: 'getAgenciesList', attempt: 1 });
  });

  test('an HTML page is VDXP_TRANSPORT_BAD_RESPONSE, never an empty list', async () => {
    axis.setFaults({ nonJsonRate: 1 });
    const e = await failure(client().getReceivedEdocList({ messageType: 'edoc' }));
    expect(e).toBeInstanceOf(AxisProtocolError);
    expect(e).toMatchObject({ code: 'VDXP_TRANSPORT_BAD_RESPONSE', httpStatus: 200, contentType: expect.stringContaining('text/html') });
  });

  test('a dropped connection is VDXP_TRANSPORT_NETWORK', async () => {
    axis.setFaults({ dropRate: 1 });
    const e = await failure(client().countReceiveEdoc());
    expect(e).toBeInstanceOf(AxisNetworkError);
    expect(e).toMatchObject({ code: 'VDXP_TRANSPORT_NETWORK', systemCode: 'ECONNRESET' });
  });

  test('an injected server error is an AxisError with HTTP 500', async () => {
    axis.setFaults({ errorRate: 1 });
    const e = await failure(client().getSynchronizeUnit());
    expect(e).toBeInstanceOf(AxisError);
    expect(e).toMatchObject({ httpStatus: 500, errorCode: '500', errorDesc: 'Loi he thong (gia lap)' });
  });

  test('a refused connection is VDXP_TRANSPORT_NETWORK', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const e = await failure(client({ endpoint: `http://127.0.0.1:${port}` }).getAgenciesList());
    expect(e).toMatchObject({ code: 'VDXP_TRANSPORT_NETWORK', systemCode: 'ECONNREFUSED' });
  });
});

describe('retries', () => {
  test('safe calls are retried with back-off, then the last error is thrown', async () => {
    axis.setFaults({ nonJsonRate: 1 });
    const e = await failure(client({ retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 } }).getAgenciesList());
    expect(e).toMatchObject({ code: 'VDXP_TRANSPORT_BAD_RESPONSE', attempt: 3 });
    expect(events.filter((x) => x.phase === 'start').map((x) => x.attempt)).toEqual([1, 2, 3]);
    const errors = events.filter((x) => x.phase === 'error');
    expect(errors.map((x) => x.retryInMs !== undefined)).toEqual([true, true, false]);
    expect(errors[1]!.retryInMs).toBeGreaterThanOrEqual(5); // second delay: 10 ms with jitter ≥ half
  });

  test('a safe call succeeds when a retry gets through', async () => {
    // pick a seed whose first request is dropped and second is not (decided by the seeded injector)
    let seed = 1;
    for (; seed < 1000; seed++) {
      const f = new FaultInjector(FaultsSchema.parse({ seed, dropRate: 0.5 }));
      if (f.decide('getAgenciesList').drop && !f.decide('getAgenciesList').drop) break;
    }
    axis.setFaults({ seed, dropRate: 0.5 });
    const list = await client({ retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 } }).getAgenciesList();
    expect(list.items.length).toBeGreaterThan(0);
    expect(events.filter((x) => x.phase === 'start')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ phase: 'end', attempt: 2, httpStatus: 200, operation: 'getAgenciesList' });
  });

  test('sendEdoc is never retried, even with retries configured', async () => {
    axis.setFaults({ dropRate: 1, operations: ['sendEdoc'] });
    const e = await failure(client({ retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 2 } }).sendEdoc(edocPackage(G22, [H41]), { messageType: 'edoc' }));
    expect(e).toMatchObject({ code: 'VDXP_TRANSPORT_NETWORK', operation: 'sendEdoc', attempt: 1 });
    expect(events.filter((x) => x.phase === 'start')).toHaveLength(1);
  });

  test('a FAIL answer is not retried', async () => {
    const wrong = client({ secret: 'wrong-secret', retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    await failure(wrong.getAgenciesList());
    expect(events.filter((x) => x.phase === 'start')).toHaveLength(1);
  });

  test('an abort stops the call during latency and during back-off', async () => {
    axis.setFaults({ latencyMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    const started = Date.now();
    await expect(client().getAgenciesList({ signal: controller.signal })).rejects.toThrow('stop now');
    expect(Date.now() - started).toBeLessThan(1_500);
    axis.setFaults({ nonJsonRate: 1 });
    const c2 = new AbortController();
    setTimeout(() => c2.abort(), 50);
    await expect(client({ retry: { retries: 5, baseDelayMs: 5_000, maxDelayMs: 5_000 } }).getAgenciesList({ signal: c2.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('protocol checks on a server that is not a good axis', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(answer.status, { 'Content-Type': answer.type });
      res.end(answer.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test.each([
    ['OK without data', { status: 200, type: 'application/json', body: '{"status":"OK","ErrorCode":"0"}' }, /malformed OK answer at data/],
    ['an item without docId', { status: 200, type: 'application/json', body: '{"status":"OK","data":[{"from":"x"}]}' }, /data\.0\.docId/],
    ['broken JSON', { status: 200, type: 'application/json', body: '{"status":' }, /not JSON/],
    ['an empty 200', { status: 200, type: 'application/json', body: '' }, /empty answer/],
    ['a proxy page', { status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' }, /HTML/],
    ['JSON without status', { status: 200, type: 'application/json', body: '{"data":[]}' }, /no "status"/],
  ])('refuses %s as a bad response', async (_t, a, message) => {
    answer = a;
    const e = await failure(client({ endpoint: url }).getReceivedEdocList({ messageType: 'edoc' }));
    expect(e).toBeInstanceOf(AxisProtocolError);
    expect((e as Error).message).toMatch(message);
  });

  test('reads ErrorCode given as a number and keeps the raw answer', async () => {
    answer = { status: 200, type: 'application/json', body: '{"status":"OK","ErrorCode":0,"ErrorDesc":"Thanh cong","data":[{"docId":"a1","created_time":1700000000000,"extra":1}]}' };
    const list = await client({ endpoint: url }).getReceivedEdocList({ messageType: 'edoc' });
    expect(list.errorCode).toBe('0');
    expect(list.items[0]).toMatchObject({ docId: 'a1', createdTime: '1700000000000' });
    expect(list.raw.data).toEqual([{ docId: 'a1', created_time: 1700000000000, extra: 1 }]);
  });

  test('a JSON refusal to downloadEdoc is an AxisError, not package bytes', async () => {
    answer = { status: 200, type: 'application/json', body: '{"status":"FAIL","ErrorCode":"404","ErrorDesc":"Khong tim thay"}' };
    await expect(client({ endpoint: url }).downloadEdoc('abc')).rejects.toMatchObject({ code: 'VDXP_AXIS_FAIL', errorDesc: 'Khong tim thay' });
  });
});

describe('secrets', () => {
  test('never appear in options errors', () => {
    const e = (() => {
      try {
        return new AxisClient({ endpoint: 'ftp://x', systemId: '', secret: SECRET } as never);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ConfigError);
    seen.push(e);
    expect(() => new AxisClient({ endpoint: 'http://x', systemId: 'a', secret: SECRET, extra: 1 } as never)).toThrow(/extra|Unrecognized/i);
  });

  test('never appear in any error, cause or diagnostics event met in these tests', () => {
    expect(seen.length).toBeGreaterThan(10);
    const text = seen.map((e) => inspect(e, { depth: 10, showHidden: true }) + JSON.stringify(e)).join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET, 'utf8').toString('latin1'));
    const c = client();
    expect(inspect(c, { depth: 5, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(c)).not.toContain(SECRET);
  });

  test('diagnostics events have exactly their documented fields, and a URL without user info', async () => {
    const withUser = axis.url.replace('http://', 'http://clerk:pw@');
    await client({ endpoint: withUser }).getAgenciesList();
    await client({ endpoint: withUser }).getAgenciesList();
    axis.setFaults({ nonJsonRate: 1 });
    await failure(client({ endpoint: withUser, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } }).getAgenciesList());
    const url = `${axis.url}/getAgenciesList`;
    const base = { operation: 'getAgenciesList', method: expect.any(String), url, systemId: G22.organId };
    const [start, end] = events;
    expect(Object.keys(start!)).toEqual(['operation', 'method', 'url', 'systemId', 'phase', 'attempt']);
    expect(start).toEqual({ ...base, phase: 'start', attempt: 1 });
    expect(Object.keys(end!)).toEqual(['operation', 'method', 'url', 'systemId', 'phase', 'attempt', 'durationMs', 'httpStatus']);
    expect(end).toEqual({ ...base, phase: 'end', attempt: 1, durationMs: expect.any(Number), httpStatus: 200 });
    const errors = events.filter((e) => e.phase === 'error');
    expect(errors).toEqual([
      { ...base, phase: 'error', attempt: 1, durationMs: expect.any(Number), errorCode: 'VDXP_TRANSPORT_BAD_RESPONSE', httpStatus: 200, retryInMs: expect.any(Number) },
      { ...base, phase: 'error', attempt: 2, durationMs: expect.any(Number), errorCode: 'VDXP_TRANSPORT_BAD_RESPONSE', httpStatus: 200 },
    ]);
    expect(events.map((e) => e.url)).toEqual(events.map(() => url));
  });

  test('diagnostics events carry no headers, HMACs or secrets', async () => {
    await client().getAgenciesList();
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['attempt', 'method', 'operation', 'phase', 'systemId', 'url']));
      const s = JSON.stringify(e);
      expect(s).not.toContain(SECRET);
      expect(s).not.toMatch(/XroadVnpt|[0-9a-f]{64}/);
    }
  });
});
