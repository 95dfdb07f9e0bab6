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
// CHAOS_PACE_MS (200: the senders submit document i no earlier than i × pace after the start,
// a steady stream like an agency's rather than one burst),
// CHAOS_TIMEOUT_MS (240000), CHAOS_PG_URL or VDXP_TEST_PG_URL (postgres; else a temporary
// cluster is started when PostgreSQL is installed), CHAOS_KEEP=1 (keep the work folder),
// CHAOS_KILLS=0 (faults only, no kills: to tell the two apart when something fails),
// CHAOS_COMPACT_BYTES (FileStore's compactAfterBytes; small values fold the journal into
// segments and blob packs every few documents, so that kills land in folds too),
// CHAOS_DEBUG=1 (each worker prints its store's waiting inbox and outbox states every 3 s).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
const paceMs = int(process.env.CHAOS_PACE_MS, 200);
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
let dropSchemas;
if (storeKind === 'postgres') {
  let url = process.env.CHAOS_PG_URL || process.env.VDXP_TEST_PG_URL;
  if (!url) {
    const { startPostgresCluster } = await import('../helpers/postgres-cluster.mjs');
    cluster = await startPostgresCluster();
    url = cluster.url;
  }
  const run = randomBytes(4).toString('hex');
  storeFor = (side) => ({ kind: 'postgres', url, schema: `chaos_${run}_${side}` });
  dropSchemas = async () => {
    const pg = createRequire(join(root, 'package.json'))('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const side of ['sender', 'receiver']) await client.query(`DROP SCHEMA IF EXISTS "chaos_${run}_${side}" CASCADE`);
    } finally {
      await client.end();
    }
  };
} else {
  const compactAfterBytes = int(process.env.CHAOS_COMPACT_BYTES, 0);
  storeFor = (side) => ({ kind: 'file', dir: join(work, `${side}-store`), ...(compactAfterBytes > 0 ? { compactAfterBytes } : {}) });
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
        role, index, count: workersPerSide, docs, seed, paceMs, startedAt: started,
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
    if (proc.restartAt !== undefined) {
      // killed by the chaos loop: back after the drawn pause (counted from the kill, since
      // the exit may be reported late on a loaded machine)
      setTimeout(() => !stopping && !w.proc && startWorker(w), Math.max(0, proc.restartAt - Date.now()));
      return;
    }
    if (stopping && (code === 0 || signal === 'SIGTERM')) return;
    w.unexpected.push(`${w.name} exited by itself (code ${code}, signal ${signal})`);
    say(`${w.name} exited by itself (code ${code}, signal ${signal}); restarting`);
    if (!stopping) setTimeout(() => !stopping && !w.proc && startWorker(w), 200);
  });
}
for (const w of workers) startWorker(w);

// --- SIGKILL at seeded random moments -----------------------------------------------------------
const killUntil = started + timeoutMs * 0.6;
let killing = process.env.CHAOS_KILLS !== '0';
let bag = [];
const shuffle = (list) => {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
};
const killLoop = (async () => {
  while (killing && Date.now() < killUntil) {
    // one kill every 1–5 s per two workers: each worker lives about 6 s on average, a little
    // longer than it takes to start, open its store and make some progress
    await sleep(Math.floor(((1000 + rng() * 4000) * 2) / workers.length));
    if (!killing) break;
    // the victim: the next live worker of a seeded shuffled bag of all workers, refilled when
    // empty, so that kills spread over every worker instead of piling on one
    if (bag.length === 0) bag = shuffle([...workers]);
    const at = bag.findIndex((x) => x.proc);
    if (at < 0) continue;
    const [w] = bag.splice(at, 1);
    w.proc.restartAt = Date.now() + 50 + Math.floor(rng() * 600);
    w.proc.kill('SIGKILL');
    w.kills++;
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
const workerOutput = readFileSync(paths.output, 'utf8');
const again = (workerOutput.match(/handed over again/g) ?? []).length;
const errors = (workerOutput.match(/\] error in /g) ?? []).length;
say(`kills: ${workers.map((w) => `${w.name} ${w.kills}`).join(', ')}; hand-overs repeated after a kill: ${again}; connector error events: ${errors}; outcome ${outcome}`);
for (const u of unexpected) say(`unexpected: ${u}`);
const lost = docs - c.delivered;
const ok = outcome === 'complete' && c.sent === docs && c.delivered === docs && lost === 0 && c.duplicated === 0 && unexpected.length === 0;
if (!ok) say(`FAILED: workers' output in ${paths.output}`);
if (storeKind === 'postgres' && !process.env.CHAOS_KEEP) await dropSchemas().catch((e) => say(`could not drop the run's schemas: ${e.message}`));
cluster?.stop();
if (ok && !process.env.CHAOS_KEEP) rmSync(work, { recursive: true, force: true });
console.log(`sent ${c.sent}, delivered ${c.delivered}, lost ${lost}, duplicated ${c.duplicated}`);
process.exit(ok ? 0 : 1);
