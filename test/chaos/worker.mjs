// One worker of the chaos run: a Connector on its store, as a sending or a receiving agency.
// The orchestrator (run.mjs) starts it with CHAOS_WORKER (JSON), kills it with SIGKILL at
// random moments and starts it again; SIGTERM stops it cleanly at the end.
//
// Sender: submits its share of documents 1…N (those not in `sent.log` and not already in the
// outbox: a kill may fall between the two), recording each in `sent.log` once `send()` has
// queued it durably; the connector delivers them and receives the statuses.
// Receiver: the application registers each handed-over document in `registry.log` (fsynced),
// once per inbox entry (a hand-over interrupted by a kill comes again: the application skips
// what it already registered, as a real one would by the connector's inbox id).
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { appendRecord, readRecords } from './chaos-log.mjs';
import { AGENCIES, PROMULGATION_DATE, codeOf, documentIdOf } from './chaos-documents.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lib = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
const spec = JSON.parse(process.env.CHAOS_WORKER ?? '{}');
const say = (line) => process.stdout.write(`[${spec.workerId} ${new Date().toISOString()}] ${line}\n`);

const store =
  spec.store.kind === 'postgres'
    ? await lib.PostgresStore.open({ url: spec.store.url, schema: spec.store.schema, maxConnections: 4 })
    : await lib.FileStore.open({ dir: spec.store.dir, ...(spec.store.compactAfterBytes ? { compactAfterBytes: spec.store.compactAfterBytes } : {}) });

const me = AGENCIES[spec.role];
const connector = new lib.Connector({
  axis: { ...spec.axis, timeoutMs: 5_000, retry: { retries: 3, baseDelayMs: 20, maxDelayMs: 200 } },
  store,
  agency: me,
  pollIntervalMs: 100,
  leaseMs: 3_000,
  batchSize: 10,
  retry: { maxAttempts: 1_000, baseDelayMs: 50, maxDelayMs: 1_000 },
  workerId: spec.workerId,
});
connector.on('error', (e) => {
  const err = e.error;
  say(`error in ${e.phase}: ${err?.code ?? err?.name ?? 'Error'} ${err?.message ?? String(err)}`);
});

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
  void (async () => {
    try {
      await connector.stop();
      await store.close();
      process.exit(0);
    } catch (error) {
      say(`stop failed: ${error?.message ?? error}`);
      process.exit(1);
    }
  })();
});

if (spec.role === 'receiver') {
  connector.on('document', async (doc) => {
    if (readRecords(spec.paths.registry).some((r) => r.inboxId === doc.inboxId)) {
      say(`handed over again: ${doc.inboxId} (registered before a kill)`);
      return;
    }
    appendRecord(spec.paths.registry, { documentId: doc.documentId, inboxId: doc.inboxId, worker: spec.workerId });
  });
}
connector.start();
if (process.env.CHAOS_DEBUG) {
  setInterval(async () => {
    const inbox = await store.listInbox({ handedOver: false }).catch(() => []);
    const outbox = await store.listOutbox().catch(() => []);
    const states = {};
    for (const e of outbox) states[e.state] = (states[e.state] ?? 0) + 1;
    say(`debug: inbox waiting ${inbox.length} (leased ${inbox.filter((e) => e.lease).length}), outbox ${JSON.stringify(states)}`);
  }, 3000).unref();
}
say(`started (${spec.role} ${spec.index + 1}/${spec.count}, store ${spec.store.kind})`);

if (spec.role === 'sender') {
  const recipient = AGENCIES.receiver;
  const submitted = new Set(readRecords(spec.paths.sent).map((r) => r.documentId));
  for (let i = 1 + spec.index; i <= spec.docs && !stopping; i += spec.count) {
    const documentId = documentIdOf(i);
    if (submitted.has(documentId)) continue;
    const due = spec.startedAt + (i - 1) * spec.paceMs - Date.now();
    if (due > 0) await sleep(due);
    const queued = await store.listOutbox({ documentId, messageType: 'edoc' });
    if (queued.length === 0) {
      await connector.send({
        to: [recipient],
        code: codeOf(i),
        promulgationInfo: { place: 'Hà Nội', promulgationDate: PROMULGATION_DATE },
        documentType: { type: 1, typeName: 'Công văn' },
        subject: `V/v thử nghiệm liên thông trong điều kiện lỗi, văn bản số ${i}`,
        attachments: [{ contentId: `cv${i}`, name: `cong-van-${i}.pdf`, contentType: 'application/pdf', data: new TextEncoder().encode(`%PDF-1.4 văn bản ${i}`) }],
      });
    }
    appendRecord(spec.paths.sent, { documentId, worker: spec.workerId });
  }
  say('every document of this worker submitted');
}
