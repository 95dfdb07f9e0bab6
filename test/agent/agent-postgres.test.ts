import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { resolveAgentConfig, type AgentConfig } from '../../src/agent/config.js';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { eventually } from '../helpers/agent-processes.js';
import { skipPostgres, usePostgres } from '../helpers/postgres.js';

const G09 = { systemId: '000.00.00.G09', secret: 'secret-g09-pg' };
const H41 = { systemId: '000.00.00.H41', secret: 'secret-h41-pg' };

describe.skipIf(skipPostgres)('an agent on a PostgresStore', () => {
  const server = usePostgres();
  let axis: LocalAxis;
  let root: string;
  const logs = new PassThrough();
  const lines: string[] = [];
  logs.on('data', (c: Buffer) => lines.push(c.toString('utf8')));

  beforeAll(async () => {
    axis = await LocalAxis.start({ systems: [G09, H41] });
    root = await mkdtemp(join(tmpdir(), 'vdxp-agent-pg-'));
  });
  afterAll(async () => {
    await axis.close();
    await rm(root, { recursive: true, force: true });
  });

  function config(dir: string, system: typeof G09, store: AgentConfig['store'], extra: Partial<AgentConfig> = {}) {
    return resolveAgentConfig(
      {
        axis: { endpoint: axis.url, systemId: system.systemId, secret: system.secret },
        agencies: [system.systemId],
        store,
        folders: { outbox: 'outbox', sent: 'sent', failed: 'failed', inbox: 'inbox', scanIntervalMs: 50 },
        pollIntervalMs: 100,
        ...extra,
      },
      { baseDir: dir, env: {} },
    );
  }

  test('sends a drop, keeps its state in PostgreSQL across a restart, and never logs the URL password', async () => {
    const schema = server.schema();
    const url = server.url;
    const dirA = join(root, 'a');
    const dirB = join(root, 'b');
    const configA = config(dirA, G09, { type: 'postgres', url, schema }, { stateDir: 'agent-state' });
    let a = await Agent.start(configA, { logStream: logs });
    const b = await Agent.start(config(dirB, H41, { type: 'file', path: 'state' }), { logStream: logs });
    try {
      await writeFile(join(dirA, 'outbox', 'pg-1.json'), JSON.stringify({
        to: [{ organId: H41.systemId, organName: 'UBND tỉnh Nghệ An' }],
        code: { codeNumber: '7', codeNotation: 'PG' },
        promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025-03-10' },
        documentType: { type: 1, typeName: 'Công văn' },
        subject: 'V/v lưu trạng thái trong PostgreSQL',
      }));
      const folder = await eventually(async () => (await readdir(join(dirB, 'inbox'))).find((n) => !n.startsWith('.')), 30_000, 'the document in B');
      const doc = JSON.parse(await readFile(join(dirB, 'inbox', folder, 'document.json'), 'utf8')) as { documentId: string; inboxId: string };
      await b.connector.report(doc.inboxId, '03', { staff: { staff: 'Văn thư' } });
      await eventually(async () => (await a.connector.tracking(doc.documentId)).sent[0]?.recipients[0]?.events.some((e) => e.code === '03'), 30_000, '03 in A');
      expect(JSON.parse(await readFile(join(dirA, 'sent', 'pg-1', 'pg-1.result.json'), 'utf8'))).toMatchObject({ documentId: doc.documentId });

      // a new process on the same database sees everything
      await a.stop();
      a = await Agent.start(configA, { logStream: logs });
      const t = await a.connector.tracking(doc.documentId);
      expect(t.sent[0]).toMatchObject({ state: 'sent', recipients: [{ events: [expect.objectContaining({ code: '01' }), expect.objectContaining({ code: '03' })] }] });
      expect((await a.metrics()).documentsSent).toBe(1);
    } finally {
      await a.stop();
      await b.stop();
    }
    const password = new URL(url).password;
    const all = lines.join('');
    expect(all).toContain('"msg":"agent started"');
    if (password) expect(all).not.toContain(password);
    expect(all).not.toContain(G09.secret);
  });
});
