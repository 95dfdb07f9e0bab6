#!/usr/bin/env node
// The chaos run (`npm run chaos`): several hundred documents from one agency to another
// through a LocalAxis that injects errors, latency, dropped connections and duplicate
// deliveries, while the sending and receiving processes are killed with SIGKILL at seeded
// random moments and restarted. Ends when every document was delivered and handed over (or
// fails at the timeout) and prints one last line:
//   sent N, delivered N, lost 0, duplicated 0
// exiting 0 only when that is the line. Runs against the built package (`npm run build`).
//
// Environment: CHAOS_DOCS (300), CHAOS_STORE (file | postgres), CHAOS_SEED (1),
// CHAOS_TIMEOUT_MS (240000), CHAOS_PG_URL or VDXP_TEST_PG_URL (postgres; else a temporary
// cluster is started when PostgreSQL is installed), CHAOS_KEEP (keep the work folder).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readRecords, seededRandom } from './chaos-log.mjs';
import { AGENCIES, expectedDocumentIds } from './chaos-documents.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const int = (v, d) => (v === undefined || v === '' ? d : Number.parseInt(v, 10));

const docs = int(process.env.CHAOS_DOCS, 300);
const storeKind = process.env.CHAOS_STORE ?? 'file';
const seed = int(process.env.CHAOS_SEED, 1);
const timeoutMs = int(process.env.CHAOS_TIMEOUT_MS, 240_000);
if (!['file', 'postgres'].includes(storeKind) || !(docs > 0) || !(timeoutMs > 0)) {
  console.error('CHAOS_STORE must be file or postgres; CHAOS_DOCS and CHAOS_TIMEOUT_MS positive integers');
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'testing', 'index.js'))) {
  console.error('the chaos run uses the built package: run `npm run build` first');
  process.exit(2);
}
const { LocalAxis } = await import(pathToFileURL(join(root, 'dist', 'testing', 'index.js')).href);
const { AxisClient } = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[chaos ${elapsed()}] ${line}`);
const work = mkdtempSync(join(tmpdir(), 'vdxp-chaos-'));
const rng = seededRandom(seed);
const workersPerSide = storeKind === 'postgres' ? 2 : 1;

// --- where the stores live -----------------------------------------------------------------
let cluster;
let storeFor;
if (storeKind === 'postgres') {
  let url = process.env.CHAOS_PG_URL || process.env.VDXP_TEST_PG_URL;
  if (!url) {
    const { startPostgresCluster } = await import('../helpers/postgres-cluster.mjs');
    cluster = await startPostgresCluster();
    url = cluster.url;
  }
  const run = randomBytes(4).toString('hex');
  storeFor = (side) => ({ kind: 'postgres', url, schema: `chaos_${run}_${side}` });
} else {
  storeFor = (side) => ({ kind: 'file', dir: join(work, `${side}-store`) });
}

// --- the axis ------------------------------------------------------------------------------
const faults = { seed, errorRate: 0.06, dropRate: 0.04, nonJsonRate: 0.02, duplicateRate: 0.15, latencyMs: [0, 20] };
const axis = await LocalAxis.start({
  systems: [
    { systemId: AGENCIES.sender.organId, secret: 'chaos-sender-secret', name: AGENCIES.sender.organName },
    { systemId: AGENCIES.receiver.organId, secret: 'chaos-receiver-secret', name: AGENCIES.receiver.organName },
  ],
  faults,
});
const paths = { sent: join(work, 'sent.log'), registry: join(work, 'registry.log'), output: join(work, 'workers.log') };
say(`${docs} documents, store ${storeKind}, ${workersPerSide} worker(s) per side, seed ${seed}, axis ${axis.url}, work ${work}`);

// --- the workers -----------------------------------------------------------------------------
const output = openSync(paths.output, 'a');
const workers = [];
for (const role of ['sender', 'receiver']) {
  for (let index = 0; index < workersPerSide; index++) {
    workers.push({
      name: `${role}-${index}`,
      spec: {
        role, index, count: workersPerSide, docs, seed,
        axis: { endpoint: axis.url, systemId: AGENCIES[role].organId, secret: `chaos-${role}-secret` },
        store: storeFor(role), paths,
      },
      proc: undefined, kills: 0, starts: 0, unexpected: [],
    });
  }
}
let stopping = false;
function startWorker(w) {
  w.starts++;
  const proc = spawn(process.execPath, [join(here, 'worker.mjs')], {
    env: { ...process.env, CHAOS_WORKER: JSON.stringify({ ...w.spec, workerId: `${w.name}-run${w.starts}` }) },
    stdio: ['ignore', output, output],
  });
  w.proc = proc;
  proc.on('exit', (code, signal) => {
    if (w.proc === proc) w.proc = undefined;
    if (signal === 'SIGKILL' && proc.killedByChaos) return;
    if (stopping && (code === 0 || signal === 'SIGTERM')) return;
    w.unexpected.push(`${w.name} exited by itself (code ${code}, signal ${signal})`);
    say(`${w.name} exited by itself (code ${code}, signal ${signal}); restarting`);
    if (!stopping) setTimeout(() => !stopping && !w.proc && startWorker(w), 200);
  });
}
for (const w of workers) startWorker(w);

// --- SIGKILL at seeded random moments -----------------------------------------------------------
const killUntil = started + timeoutMs * 0.6;
let killing = true;
const killLoop = (async () => {
  while (killing && Date.now() < killUntil) {
    await sleep(250 + Math.floor(rng() * 1500));
    if (!killing) break;
    const alive = workers.filter((w) => w.proc);
    if (alive.length === 0) continue;
    const w = alive[Math.floor(rng() * alive.length)];
    const restartAfter = 50 + Math.floor(rng() * 600);
    w.proc.killedByChaos = true;
    w.proc.kill('SIGKILL');
    w.kills++;
    setTimeout(() => !stopping && !w.proc && startWorker(w), restartAfter);
  }
})();

// --- progress, end --------------------------------------------------------------------------
const expected = new Set(expectedDocumentIds(docs));
const count = () => {
  const registered = readRecords(paths.registry);
  const byDoc = new Map();
  for (const r of registered) byDoc.set(r.documentId, (byDoc.get(r.documentId) ?? 0) + 1);
  const sent = new Set(readRecords(paths.sent).map((r) => r.documentId).filter((d) => expected.has(d)));
  const delivered = [...byDoc.keys()].filter((d) => expected.has(d));
  const duplicated = [...byDoc.values()].reduce((n, c) => n + c - 1, 0) + [...byDoc.keys()].filter((d) => !expected.has(d)).length;
  return { sent: sent.size, delivered: delivered.length, duplicated, lines: registered.length };
};

const receiverClient = new AxisClient({ endpoint: axis.url, systemId: AGENCIES.receiver.organId, secret: 'chaos-receiver-secret' });
let outcome = 'timeout';
let lastReport = 0;
while (Date.now() - started < timeoutMs) {
  await sleep(250);
  const c = count();
  if (Date.now() - lastReport > 5000) {
    lastReport = Date.now();
    say(`sent ${c.sent}, delivered ${c.delivered}, kills ${workers.map((w) => `${w.name}:${w.kills}`).join(' ')}`);
  }
  if (c.sent === docs && c.delivered === docs) {
    outcome = 'complete';
    break;
  }
}
killing = false;
await killLoop;
if (outcome === 'complete') {
  // settle: no more faults; wait until the axis holds nothing more for the receiver (late
  // duplicate deliveries included) and the registry stops growing
  axis.setFaults(undefined);
  say('every document delivered; settling (faults off, no more kills)');
  for (const w of workers) if (!w.proc) startWorker(w);
  let stableSince = Date.now();
  let lines = count().lines;
  while (Date.now() - started < timeoutMs + 30_000) {
    await sleep(300);
    const now = count().lines;
    if (now !== lines) [lines, stableSince] = [now, Date.now()];
    const pending = await receiverClient.countReceiveEdoc().then((r) => r.total ?? r.count ?? 0, () => -1);
    if (pending === 0 && Date.now() - stableSince > 2000) break;
  }
}

// --- stop, count, say --------------------------------------------------------------------------
stopping = true;
await Promise.all(
  workers.map(async (w) => {
    const proc = w.proc;
    if (!proc) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }),
);
await axis.close();
const c = count();
const unexpected = workers.flatMap((w) => w.unexpected);
say(`kills: ${workers.map((w) => `${w.name} ${w.kills}`).join(', ')}; registry lines ${c.lines}; outcome ${outcome}`);
for (const u of unexpected) say(`unexpected: ${u}`);
const lost = docs - c.delivered;
const ok = outcome === 'complete' && c.sent === docs && c.delivered === docs && lost === 0 && c.duplicated === 0 && unexpected.length === 0;
if (!ok) say(`FAILED: workers' output in ${paths.output}`);
cluster?.stop();
if (ok && !process.env.CHAOS_KEEP) rmSync(work, { recursive: true, force: true });
console.log(`sent ${c.sent}, delivered ${c.delivered}, lost ${lost}, duplicated ${c.duplicated}`);
process.exit(ok ? 0 : 1);
