import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AgentHttpApi, isAuthorized } from '../../src/agent/http-api.js';
import { createAgentLogger } from '../../src/agent/logger.js';
import { formatAgentMetrics } from '../../src/agent/metrics.js';
import { NGHE_AN, VPCP, letter, startNetwork, until, type Network } from '../helpers/connector-setup.js';

const TOKEN = 'api-token-for-tests-0123';
let net: Network;
let api: AgentHttpApi;

beforeEach(async () => {
  net = await startNetwork();
  const side = net.sides[0]!;
  api = await AgentHttpApi.start({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    maxBodyBytes: 64 * 1024,
    logger: createAgentLogger({ level: 'error', stream: process.stderr }),
    context: {
      connector: side.connector,
      store: side.store,
      metrics: async () => formatAgentMetrics({ documentsSent: 0, documentsReceived: 0, documentsFailed: 0, statusesSent: 0, statusesReceived: 0, outboxPending: 0, outboxSending: 0, dropsWaiting: 0, dropsProcessing: 0, inboxPending: 0, webhookQueueDepth: 0, webhookDelivered: 0, webhookFailedAttempts: 0, oldestPendingSeconds: 0, uptimeSeconds: 1 }),
      health: async () => ({ status: 'ok' }),
    },
  });
});

afterEach(async () => {
  await api.close();
  await net.close();
});

async function call(method: string, path: string, options: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(api.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A letter as JSON for POST /documents: attachments in base64. */
function documentBody(over: Record<string, unknown> = {}) {
  const doc = letter(VPCP, [NGHE_AN]);
  return {
    ...doc,
    attachments: doc.attachments!.map((a) => ({ name: a.name, contentType: a.contentType, contentBase64: Buffer.from(a.data).toString('base64') })),
    ...over,
  };
}

describe('agent HTTP API', () => {
  test('refuses requests without a token, or with a wrong one, with 401 and a JSON error', async () => {
    for (const token of [null, 'wrong', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const r = await call('GET', '/metrics', { token });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: { code: 'VDXP_AGENT_UNAUTHORIZED', message: expect.any(String) } });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    // unknown routes say nothing more without the token
    expect((await call('GET', '/nothing-here', { token: null })).status).toBe(401);
    expect((await call('GET', '/metrics')).status).toBe(200);
  });

  test('compares tokens in constant time over digests (any length)', () => {
    expect(isAuthorized(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(isAuthorized(`bearer  ${TOKEN} `, TOKEN)).toBe(true);
    expect(isAuthorized(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(isAuthorized(undefined, TOKEN)).toBe(false);
    expect(isAuthorized('Bearer ', TOKEN)).toBe(false);
  });

  test('answers /health without a token', async () => {
    const r = await call('GET', '/health', { token: null });
    expect(r).toMatchObject({ status: 200, json: { status: 'ok' } });
  });

  test('answers 404 for unknown routes and 405 for a wrong method', async () => {
    expect(await call('GET', '/documents')).toMatchObject({ status: 405, json: { error: { code: 'VDXP_AGENT_METHOD' } } });
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, json: { error: { code: 'VDXP_AGENT_NOT_FOUND' } } });
  });

  test('refuses a body that is not JSON, too large, or of the wrong type', async () => {
    expect(await call('POST', '/documents', { raw: '{not json', headers: { 'content-type': 'application/json' } })).toMatchObject({ status: 400, json: { error: { code: 'VDXP_AGENT_BAD_REQUEST' } } });
    expect(await call('POST', '/documents', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject({ status: 400 });
    const big = await call('POST', '/documents', { body: documentBody({ content: 'x'.repeat(80 * 1024) }) });
    expect(big).toMatchObject({ status: 413, json: { error: { code: 'VDXP_AGENT_TOO_LARGE' } } });
  });

  test('POST /documents queues a document (202) and GET /documents/:id tracks it', async () => {
    const r = await call('POST', '/documents', { body: documentBody() });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ documentId: expect.stringContaining(VPCP.organId), outboxId: expect.any(String) });
    const sender = net.sides[0]!;
    sender.connector.start();
    await until([], async () => (await sender.store.getOutbox(r.json.outboxId))?.state === 'sent');
    const t = await call('GET', `/documents/${encodeURIComponent(r.json.documentId)}`);
    expect(t.status).toBe(200);
    expect(t.json.sent[0]).toMatchObject({ documentId: r.json.documentId, state: 'sent', axisDocId: expect.any(String), recipients: [{ organId: NGHE_AN.organId }] });
    const byOutbox = await call('GET', `/documents/${r.json.outboxId}`);
    expect(byOutbox.json.documentId).toBe(r.json.documentId);
    expect(await call('GET', '/documents/000.00.00.G22%2C2025%2F01%2F01%2C1%2FX')).toMatchObject({ status: 404 });
  });

  test('an Idempotency-Key sends a document once however often it is posted', async () => {
    const body = documentBody();
    const a = await call('POST', '/documents', { body, headers: { 'idempotency-key': 'erp-4711' } });
    const b = await call('POST', '/documents', { body, headers: { 'idempotency-key': 'erp-4711' } });
    expect(a.status).toBe(202);
    expect(b.json.outboxId).toBe(a.json.outboxId);
    expect(await net.sides[0]!.store.listOutbox({ messageType: 'edoc' })).toHaveLength(1);
  });

  test('refuses an invalid document with its issues (400) and a secret one (422)', async () => {
    const bad = await call('POST', '/documents', { body: documentBody({ subject: '', to: [] }) });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VDXP_INPUT_INVALID');
    expect(bad.json.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['subject', 'to']));
    const attach = await call('POST', '/documents', { body: documentBody({ attachments: [{ name: 'a.pdf', contentBase64: '%%%' }] }) });
    expect(attach).toMatchObject({ status: 400, json: { error: { code: 'VDXP_AGENT_BAD_REQUEST', issues: [expect.objectContaining({ path: 'attachments.0.contentBase64' })] } } });
    const stranger = await call('POST', '/documents', { body: documentBody({ from: NGHE_AN }) });
    expect(stranger).toMatchObject({ status: 400, json: { error: { code: 'VDXP_AGENT_BAD_REQUEST', issues: [expect.objectContaining({ path: 'from.organId' })] } } });
    const secret = await call('POST', '/documents', { body: documentBody({ secrecy: 'mat' }) });
    expect(secret).toMatchObject({ status: 422, json: { error: { code: 'VDXP_CONNECTOR_SECRET_REFUSED' } } });
    expect(await net.sides[0]!.store.listOutbox()).toEqual([]);
  });

  test('reports statuses of received documents, refusing bad codes (400) and impossible moves (409)', async () => {
    const [g22, h41] = net.sides as [Network['sides'][0], Network['sides'][0]];
    // the API under test serves G22: G22 receives a letter from H41
    const { documentId } = await h41.connector.send(letter(NGHE_AN, [VPCP]));
    await until([h41.connector, g22.connector], async () => (await g22.store.listInbox({ messageType: 'edoc' })).length === 1);
    const id = encodeURIComponent(documentId);
    expect(await call('POST', `/received/${id}/status`, { body: { code: '07' } })).toMatchObject({ status: 400, json: { error: { issues: [expect.objectContaining({ path: 'code' })] } } });
    expect(await call('POST', `/received/${id}/status`, { body: { code: '06' } })).toMatchObject({ status: 409, json: { error: { code: 'VDXP_CONNECTOR_BAD_TRANSITION' } } });
    expect(await call('POST', `/received/${id}/status`, { body: { code: '02' } })).toMatchObject({ status: 400, json: { error: { code: 'VDXP_CONNECTOR_REASON_REQUIRED' } } });
    const ok = await call('POST', `/received/${id}/status`, { body: { code: '03', staff: { staff: 'Văn thư' }, description: 'Đã vào sổ' } });
    expect(ok).toMatchObject({ status: 200, json: { documentId, code: '03', repeated: false } });
    expect((await call('POST', `/received/${id}/status`, { body: { code: '03' } })).json.repeated).toBe(true);
    expect(await call('POST', '/received/nothing/status', { body: { code: '03' } })).toMatchObject({ status: 404, json: { error: { code: 'VDXP_CONNECTOR_NOT_FOUND' } } });
  });

  test('answers requests: unknown ids are 404, lists are filtered by state', async () => {
    expect(await call('GET', '/requests?state=open')).toMatchObject({ status: 200, json: { requests: [] } });
    expect(await call('GET', '/requests?state=maybe')).toMatchObject({ status: 400 });
    expect(await call('POST', '/requests/r1/answer', { body: { answer: 'maybe' } })).toMatchObject({ status: 400 });
    expect(await call('POST', '/requests/r1/answer', { body: { answer: 'agree' } })).toMatchObject({ status: 404 });
  });

  test('serves the compliance report as JSON, CSV and HTML', async () => {
    const json = await call('GET', '/reports/compliance?from=2025-01-01&to=2025-02-01');
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ totals: expect.any(Object) });
    const csv = await call('GET', '/reports/compliance?from=2025-01-01&to=2025-02-01&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\n')[0]).toContain(',');
    const html = await call('GET', '/reports/compliance?format=html&lang=en');
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toMatch(/<html/i);
    expect(await call('GET', '/reports/compliance?from=yesterday')).toMatchObject({ status: 400, json: { error: { issues: [expect.objectContaining({ path: 'from' })] } } });
    expect(await call('GET', '/reports/compliance?from=2025-02-01&to=2025-01-01')).toMatchObject({ status: 400, json: { error: { code: 'VDXP_CONFIG_INVALID' } } });
  });

  test('serves metrics as Prometheus text', async () => {
    const r = await call('GET', '/metrics');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.text).toContain('# TYPE vdxp_agent_documents_sent_total counter');
  });
});
