/**
 * Runs `examples/agent-from-shell/drive.py` (Python standard library only) against a LocalAxis
 * and two agents, all separate processes: a non-Node system sends through the folder and the
 * API, registers what arrived, follows the tracking and checks the webhook's signatures.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtLibrary } from '../helpers/built.js';
import { eventually, startAgentProcess, startAxisProcess, writeAgentConfig, type AxisSystem, type CliProcess } from '../helpers/agent-processes.js';
import { projectRoot } from '../helpers/shared-fixtures.js';

const SCRIPT = join(projectRoot, 'examples', 'agent-from-shell', 'drive.py');
const G09: AxisSystem = { systemId: '000.00.00.G09', secret: 'axis-secret-G09-py', name: 'Bộ Nội vụ' };
const H41: AxisSystem = { systemId: '000.00.00.H41', secret: 'axis-secret-H41-py', name: 'UBND tỉnh Nghệ An' };
const HOOK_SECRET = 'python-webhook-secret-01';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function python(args: string[]): Promise<{ code: number; out: Record<string, any>[] }> {
  try {
    const { stdout } = await promisify(execFile)('python3', [SCRIPT, ...args], { encoding: 'utf8', timeout: 90_000 });
    return { code: 0, out: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`drive.py ${args[0]} exited ${err.code}: ${err.stdout ?? ''} ${err.stderr ?? ''}`);
  }
}

let root: string;
let axis: { url: string; proc: CliProcess };
const agents: CliProcess[] = [];
let receiver: ReturnType<typeof spawn> | undefined;

beforeAll(async () => {
  builtLibrary('startAgent');
  root = await mkdtemp(join(tmpdir(), 'vdxp-agent-py-'));
  axis = await startAxisProcess(join(root, 'axis'), [G09, H41]);
}, 120_000);

afterAll(async () => {
  for (const p of [...agents, axis.proc]) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
  receiver?.kill('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

describe('examples/agent-from-shell/drive.py', () => {
  test('a Python system sends by folder and API, registers arrivals, follows tracking and verifies webhooks', async () => {
    const [apiA, apiB, hookPort] = [await freePort(), await freePort(), await freePort()];
    const ministry = await writeAgentConfig(join(root, 'ministry'), {
      axisUrl: axis.url,
      system: G09,
      webhook: { url: `http://127.0.0.1:${hookPort}/vdxp-events`, secret: HOOK_SECRET },
      extra: { api: { port: apiA, token: 'ministry-token-0123456789' } },
    });
    const province = await writeAgentConfig(join(root, 'province'), { axisUrl: axis.url, system: H41, extra: { api: { port: apiB, token: 'province-token-0123456789' } } });

    const hookLines: string[] = [];
    receiver = spawn('python3', [SCRIPT, 'webhook', '--port', String(hookPort), '--secret', HOOK_SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
    receiver.stdout!.on('data', (c: Buffer) => hookLines.push(...c.toString('utf8').split('\n').filter(Boolean)));
    await eventually(() => hookLines.some((l) => l.includes('listening')), 20_000, 'the Python webhook receiver');

    agents.push((await startAgentProcess(join(root, 'ministry'))).proc, (await startAgentProcess(join(root, 'province'))).proc);

    const sent = await python(['send', '--config', ministry, '--to', H41.systemId, '--number', '123', '--wait', '60']);
    const result = sent.out.find((o) => o.sent)?.sent;
    expect(result).toMatchObject({ name: 'py-123', documentId: expect.stringContaining(',123/VP-PY'), docId: expect.any(String) });

    const inbox = await python(['inbox', '--config', province, '--report', '03', '--staff', 'Văn thư', '--wait', '60']);
    expect(inbox.out).toEqual([expect.objectContaining({ documentId: result.documentId, status: 200, attachments: ['attachments/Công văn 123.pdf'] })]);

    const track = await python(['track', '--config', ministry, result.documentId, '--wait-for', '03', '--wait', '60']);
    expect(track.out[0]).toMatchObject({ status: 200, trail: ['01', '03'] });

    const viaApi = await python(['send-api', '--config', ministry, '--to', H41.systemId, '--number', '124']);
    expect(viaApi.out[0]).toMatchObject({ status: 202, body: { documentId: expect.stringContaining(',124/VP-PY') } });

    // the Python receiver verified and printed the events; a forged one is refused
    await eventually(() => hookLines.some((l) => l.includes('"status.received"') && l.includes('"03"')), 30_000, 'webhook events in Python');
    const events = hookLines.map((l) => JSON.parse(l)).filter((e) => e.event);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['drop.sent', 'status.received']));
    const forged = await fetch(`http://127.0.0.1:${hookPort}/vdxp-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vdxp-signature': 'sha256=' + '0'.repeat(64), 'x-vdxp-timestamp': String(Math.floor(Date.now() / 1000)), 'x-vdxp-event-id': 'forged' },
      body: JSON.stringify({ id: 'forged', type: 'drop.sent', data: {} }),
    });
    expect(forged.status).toBe(401);
  });
});
