/**
 * Kill test: documents flow through two agent processes while they are killed with SIGKILL at
 * random (seeded) moments and restarted. At the end every document is in the receiving inbox
 * exactly once, nothing stays in the sending outbox, every drop is in `sent/`, and the axis
 * was given each document once.
 *
 * `AGENT_KILL_DOCS` (default 60 here; `npm run agent-kill-test` runs 200), `AGENT_KILL_SEED`,
 * `AGENT_KILL_ROUNDS` (kills, default 8).
 */
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AxisClient } from '../../src/transport/axis-client.js';
import { builtLibrary } from '../helpers/built.js';
import { eventually, startAgentProcess, startAxisProcess, writeAgentConfig, type AxisSystem, type CliProcess } from '../helpers/agent-processes.js';

const DOCS = Number(process.env.AGENT_KILL_DOCS ?? 60);
const SEED = Number(process.env.AGENT_KILL_SEED ?? 20250310);
const ROUNDS = Number(process.env.AGENT_KILL_ROUNDS ?? 8);
const G09: AxisSystem = { systemId: '000.00.00.G09', secret: 'axis-secret-G09-kill', name: 'Bộ Nội vụ' };
const H41: AxisSystem = { systemId: '000.00.00.H41', secret: 'axis-secret-H41-kill', name: 'UBND tỉnh Nghệ An' };

/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let root: string;
let axis: { url: string; proc: CliProcess };

beforeAll(async () => {
  builtLibrary('startAgent');
  root = await mkdtemp(join(tmpdir(), 'vdxp-agent-kill-'));
  axis = await startAxisProcess(join(root, 'axis'), [G09, H41]);
}, 120_000);

afterAll(async () => {
  axis?.proc.child.kill('SIGTERM');
  await axis?.proc.exited;
  await rm(root, { recursive: true, force: true });
});

const names = (dir: string) => readdir(dir).then((l) => l.filter((n) => !n.startsWith('.')));

test(`${DOCS} drops survive agents killed with SIGKILL at random moments (seed ${SEED})`, async () => {
  const random = seeded(SEED);
  const dirs = { a: join(root, 'a'), b: join(root, 'b') };
  await writeAgentConfig(dirs.a, { axisUrl: axis.url, system: G09, extra: { log: { level: 'info' } } });
  await writeAgentConfig(dirs.b, { axisUrl: axis.url, system: H41, extra: { log: { level: 'info' } } });
  const running: Record<'a' | 'b', CliProcess> = { a: (await startAgentProcess(dirs.a)).proc, b: (await startAgentProcess(dirs.b)).proc };

  // the system drops documents in waves while the killer works
  const dropping = (async () => {
    for (let i = 1; i <= DOCS; i++) {
      const name = `doc-${String(i).padStart(4, '0')}`;
      await writeFile(join(dirs.a, 'outbox', `${name}.txt`), `Nội dung văn bản số ${i}`);
      const drop = {
        to: [{ organId: H41.systemId, organName: H41.name }],
        code: { codeNumber: String(i), codeNotation: 'BNV-KT' },
        promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025-03-10' },
        documentType: { type: 1, typeName: 'Công văn' },
        subject: `Văn bản thử nghiệm số ${i}`,
        attachments: [{ name: `Văn bản ${i}.txt`, file: `${name}.txt` }],
      };
      await writeFile(join(dirs.a, 'outbox', `${name}.json.part`), JSON.stringify(drop));
      await rename(join(dirs.a, 'outbox', `${name}.json.part`), join(dirs.a, 'outbox', `${name}.json`));
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 100 + random() * 300));
    }
  })();

  const kills: { who: string; sent: number; received: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await new Promise((r) => setTimeout(r, 200 + random() * 1300));
    const who = random() < 0.5 ? 'a' : 'b';
    running[who].child.kill('SIGKILL');
    await running[who].exited;
    kills.push({ who, sent: (await names(join(dirs.a, 'sent'))).length, received: (await names(join(dirs.b, 'inbox'))).length });
    running[who] = (await startAgentProcess(dirs[who])).proc;
  }
  await dropping;

  await eventually(
    async () =>
      (await names(join(dirs.b, 'inbox'))).length >= DOCS &&
      (await names(join(dirs.a, 'sent'))).length >= DOCS &&
      (await names(join(dirs.a, 'outbox'))).length === 0 &&
      (await names(join(dirs.a, 'state', 'agent', 'processing'))).length === 0,
    60_000 + DOCS * 500,
    'every drop sent and received',
  );

  // B's inbox: each document exactly once, complete
  const folders = await names(join(dirs.b, 'inbox'));
  expect(folders).toHaveLength(DOCS);
  const documentIds = new Set<string>();
  for (const f of folders) {
    const dir = join(dirs.b, 'inbox', f);
    expect((await readdir(dir)).sort()).toEqual(['attachments', 'document.edxml', 'document.json', 'verification.json']);
    const doc = JSON.parse(await readFile(join(dir, 'document.json'), 'utf8')) as { documentId: string; message: { code: { codeNumber: string }; attachments: { file: string }[] } };
    documentIds.add(doc.documentId);
    const n = doc.message.code.codeNumber;
    expect(await readFile(join(dir, doc.message.attachments[0]!.file), 'utf8')).toBe(`Nội dung văn bản số ${n}`);
  }
  expect(documentIds.size).toBe(DOCS);

  // A: nothing left, every drop in sent/ once, with the axis DocId; none failed
  expect(await readdir(join(dirs.a, 'outbox'))).toEqual([]);
  const sent = (await names(join(dirs.a, 'sent'))).sort();
  expect(sent).toEqual(Array.from({ length: DOCS }, (_, i) => `doc-${String(i + 1).padStart(4, '0')}`));
  const sentIds = new Set<string>();
  for (const name of sent) {
    const result = JSON.parse(await readFile(join(dirs.a, 'sent', name, `${name}.result.json`), 'utf8')) as { documentId: string; docId: string };
    expect(result.docId).toMatch(/\S/);
    sentIds.add(result.documentId);
  }
  expect([...sentIds].sort()).toEqual([...documentIds].sort());
  expect(await names(join(dirs.a, 'failed'))).toEqual([]);

  // the axis was given each document once
  const client = new AxisClient({ endpoint: axis.url, systemId: G09.systemId, secret: G09.secret });
  expect((await client.getSentEdocList({ messageType: 'edoc' })).items).toHaveLength(DOCS);

  for (const p of Object.values(running)) p.child.kill('SIGTERM');
  for (const p of Object.values(running)) expect(await p.exited).toBe(0);
  expect(kills).toHaveLength(ROUNDS);
  // the kills hit while documents were flowing, on both sides
  expect(kills.filter((k) => k.sent < DOCS || k.received < DOCS).length).toBeGreaterThan(0);
}, 180_000 + DOCS * 1_500);
