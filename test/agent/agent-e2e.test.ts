import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtLibrary } from '../helpers/built.js';
import { eventually, spawnCli, startAgentProcess, startAxisProcess, writeAgentConfig, type AxisSystem, type CliProcess } from '../helpers/agent-processes.js';

const G09: AxisSystem = { systemId: '000.00.00.G09', secret: 'axis-secret-G09-e2e', name: 'Bộ Nội vụ' };
const H41: AxisSystem = { systemId: '000.00.00.H41', secret: 'axis-secret-H41-e2e', name: 'UBND tỉnh Nghệ An' };
const TOKEN_A = 'api-token-A-0123456789';
const TOKEN_B = 'api-token-B-0123456789';
const HOOK_SECRET = 'webhook-secret-e2e-5566';

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
}

let root: string;
let axis: { url: string; proc: CliProcess };
let hook: Server;
let hookUrl: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  builtLibrary('startAgent'); // builds dist when it is missing or older than the agent
  root = await mkdtemp(join(tmpdir(), 'vdxp-agent-e2e-'));
  axis = await startAxisProcess(join(root, 'axis'), [G09, H41]);
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/vdxp-events`;
}, 60_000);

afterAll(async () => {
  axis?.proc.child.kill('SIGTERM');
  await axis?.proc.exited;
  await new Promise<void>((r) => hook.close(() => r()));
  await rm(root, { recursive: true, force: true });
});

async function api(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

describe('vdxp agent, end to end (separate processes)', () => {
  test('--check exits 0 for a good configuration and 2 for a bad one, a refused secret or an unreachable axis', async () => {
    const good = join(root, 'check-good');
    await writeAgentConfig(good, { axisUrl: axis.url, system: G09 });
    const ok = spawnCli(['agent', '--config', 'agent.json', '--check', '--json'], { cwd: good });
    expect(await ok.exited).toBe(0);
    expect(JSON.parse(ok.lines.join('\n'))).toMatchObject({ ok: true, systemId: G09.systemId, axisAgencies: 2 });

    const refused = join(root, 'check-secret');
    await writeAgentConfig(refused, { axisUrl: axis.url, system: { ...G09, secret: 'not-the-secret' } });
    const r1 = spawnCli(['agent', '--config', 'agent.json', '--check'], { cwd: refused });
    expect(await r1.exited).toBe(2);
    expect(r1.stderr.join('')).toMatch(/VDXP_AXIS_FAIL|VDXP_TRANSPORT/);
    expect(r1.stderr.join('')).not.toContain('not-the-secret');

    const invalid = join(root, 'check-invalid');
    await writeAgentConfig(invalid, { axisUrl: axis.url, system: G09, extra: { folders: { outbox: 'o', sent: 's', failed: 'f' } } });
    const r2 = spawnCli(['agent', '--config', 'agent.json', '--check'], { cwd: invalid });
    expect(await r2.exited).toBe(2);
    expect(r2.stderr.join('')).toMatch(/VDXP_CONFIG_INVALID.*folders\.inbox/);

    const unreachable = join(root, 'check-down');
    await writeAgentConfig(unreachable, { axisUrl: 'http://127.0.0.1:1', system: G09, extra: { axis: { systemId: G09.systemId, secret: G09.secret, timeoutMs: 1_000 } } });
    const r3 = spawnCli(['agent', '--config', 'agent.json', '--check'], { cwd: unreachable, env: { VDXP_ENDPOINT: 'http://127.0.0.1:1' } });
    expect(await r3.exited).toBe(2);
    expect(r3.stderr.join('')).toMatch(/VDXP_TRANSPORT_NETWORK/);
  });

  test('a drop in A\'s outbox reaches B\'s inbox; B\'s statuses show in A\'s tracking; A\'s webhook gets signed events; SIGTERM exits 0', async () => {
    const dirA = join(root, 'a');
    const dirB = join(root, 'b');
    await writeAgentConfig(dirA, { axisUrl: axis.url, system: G09, apiToken: TOKEN_A, webhook: { url: hookUrl, secret: HOOK_SECRET } });
    await writeAgentConfig(dirB, { axisUrl: axis.url, system: H41, apiToken: TOKEN_B });
    const a = await startAgentProcess(dirA);
    const b = await startAgentProcess(dirB);

    const pdf = Buffer.from('%PDF-1.4\n% Công văn số 88 — thử nghiệm\n%%EOF\n');
    await writeFile(join(dirA, 'outbox', 'cv-88.pdf'), pdf);
    await writeFile(join(dirA, 'outbox', 'appendix.txt'), 'Phụ lục');
    const drop = {
      to: [{ organId: H41.systemId, organName: H41.name }],
      code: { codeNumber: '88', codeNotation: 'BNV-VP' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025-03-10' },
      documentType: { type: 1, typeName: 'Công văn' },
      subject: 'V/v thử nghiệm vdxp agent',
      attachments: [
        { name: 'Công văn 88.pdf', file: 'cv-88.pdf' },
        { name: 'Phụ lục.txt', file: 'appendix.txt', description: 'Phụ lục kèm theo' },
      ],
    };
    // written under another name, then renamed: the JSON appears complete
    await writeFile(join(dirA, 'outbox', 'cv-88.json.part'), JSON.stringify(drop));
    await import('node:fs/promises').then((fs) => fs.rename(join(dirA, 'outbox', 'cv-88.json.part'), join(dirA, 'outbox', 'cv-88.json')));

    // B's inbox: one complete folder
    const folder = await eventually(async () => (await readdir(join(dirB, 'inbox'))).find((n) => !n.startsWith('.')), 30_000, 'document in B\'s inbox');
    const inboxDir = join(dirB, 'inbox', folder);
    expect((await readdir(inboxDir)).sort()).toEqual(['attachments', 'document.edxml', 'document.json', 'verification.json']);
    const doc = JSON.parse(await readFile(join(inboxDir, 'document.json'), 'utf8'));
    expect(doc).toMatchObject({ from: G09.systemId, to: H41.systemId, message: { subject: drop.subject, code: { codeNumber: '88', codeNotation: 'BNV-VP' } } });
    expect(await readFile(join(inboxDir, 'attachments', 'Công văn 88.pdf'))).toEqual(pdf);
    expect(await readFile(join(inboxDir, 'attachments', 'Phụ lục.txt'), 'utf8')).toBe('Phụ lục');
    const documentId: string = doc.documentId;

    // A: the drop in sent/ with the axis DocId, nothing left in outbox/
    const result = await eventually(async () => {
      try {
        return JSON.parse(await readFile(join(dirA, 'sent', 'cv-88', 'cv-88.result.json'), 'utf8'));
      } catch {
        return undefined;
      }
    });
    expect(result).toMatchObject({ documentId, docId: expect.any(String) });
    expect(await readdir(join(dirA, 'outbox'))).toEqual([]);

    // B reports 03…06 through its API
    const id = encodeURIComponent(documentId);
    for (const [code, staff] of [['03', 'Văn thư'], ['04', 'Lãnh đạo'], ['05', 'Chuyên viên'], ['06', 'Chuyên viên']] as const) {
      const r = await api(b.apiUrl!, TOKEN_B, 'POST', `/received/${id}/status`, { code, staff: { staff }, description: `Bước ${code}` });
      expect(r).toMatchObject({ status: 200, json: { code, repeated: false } });
    }
    // A's tracking shows the whole trail
    const trail = await eventually(async () => {
      const t = await api(a.apiUrl!, TOKEN_A, 'GET', `/documents/${id}`);
      const events: { code: string }[] = t.json.sent?.[0]?.recipients?.[0]?.events ?? [];
      return events.length >= 5 ? events : undefined;
    }, 30_000, 'the trail in A\'s tracking');
    expect(trail.map((e) => e.code)).toEqual(['01', '03', '04', '05', '06']);
    expect((await api(a.apiUrl!, TOKEN_A, 'GET', `/documents/${id}`)).json.classes).toEqual({ [H41.systemId]: 'full' });

    // A's webhook: signed events, verified here with node:crypto
    const statuses = await eventually(() => {
      const got = deliveries.map((d) => JSON.parse(d.raw) as { id: string; type: string; data: { code?: string } }).filter((e) => e.type === 'status.received');
      return got.length >= 5 ? got : undefined;
    }, 30_000, 'webhook status events');
    expect(statuses.map((e) => e.data.code).sort()).toEqual(['01', '03', '04', '05', '06']);
    expect(deliveries.some((d) => (JSON.parse(d.raw) as { type: string }).type === 'drop.sent')).toBe(true);
    for (const d of deliveries) {
      const expected = Buffer.from(`sha256=${createHmac('sha256', HOOK_SECRET).update(d.raw).digest('hex')}`);
      const given = Buffer.from(String(d.headers['x-vdxp-signature']));
      expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
      const body = JSON.parse(d.raw) as { id: string; sentAt: string };
      expect(d.headers['x-vdxp-event-id']).toBe(body.id);
      expect(Number(d.headers['x-vdxp-timestamp'])).toBe(Math.floor(Date.parse(body.sentAt) / 1000));
    }

    // metrics on A
    const metrics = await fetch(`${a.apiUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN_A}` } }).then((r) => r.text());
    expect(metrics).toMatch(/^vdxp_agent_documents_sent_total 1$/m);
    expect(metrics).toMatch(/^vdxp_agent_drops\{stage="waiting"\} 0$/m);

    // SIGTERM: both finish and exit 0
    a.proc.child.kill('SIGTERM');
    b.proc.child.kill('SIGTERM');
    expect(await a.proc.exited).toBe(0);
    expect(await b.proc.exited).toBe(0);
    expect(a.proc.lines.at(-1)).toContain('"msg":"agent stopped"');
    // the logs (debug level) never carry the secrets or tokens
    const logs = [...a.proc.lines, ...b.proc.lines, ...a.proc.stderr, ...b.proc.stderr].join('\n');
    for (const secret of [G09.secret, H41.secret, TOKEN_A, TOKEN_B, HOOK_SECRET]) expect(logs).not.toContain(secret);
  });
});
