// A receiving worker: it maps documents that arrive on the axis into the application's own
// records, reports their processing as the clerks act, and survives being killed.
//
// The application here keeps its records in a JSON-lines file (one line per document and per
// status it reported); a real one writes to its own database. The worker reads arrivals with
// `connector.documents()`: a document counts as handed over only once the loop body is done
// with it, so one that was being imported when the process died comes again after the
// restart, and the import is made idempotent by the inbox id. The connector's FileStore keeps
// everything else (what arrived, what was acknowledged, which statuses went out), so a new
// process carries on where the old one stopped, and the statuses the clerks report next
// follow the ones reported before.
//
// The example plays the whole story: a ministry sends three letters to a province whose worker
// runs as a child process; the first worker is killed (SIGKILL) in the middle of importing the
// second letter; a second worker starts on the same folder and finishes the job.
// Run: node examples/receive-worker.mjs
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connector, FileStore, vietnamDate } from 'vdxp-connector';
import { createTestPdf, LocalAxis } from 'vdxp-connector/testing';

const ministry = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const province = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };
const clerk = { department: 'Văn thư', staff: 'Lê Thị Hoa' };
const leader = { department: 'Lãnh đạo UBND tỉnh', staff: 'Nguyễn Văn An' };

/** The application's records: a JSON-lines file. */
const records = {
  async read(file) {
    const text = await readFile(file, 'utf8').catch((e) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  },
  async append(file, record) {
    await appendFile(file, JSON.stringify(record) + '\n');
  },
};

const docsIn = (all) => all.filter((r) => r.type === 'document');

if (process.argv[2] === 'worker') await worker(JSON.parse(process.argv[3]));
else await main();

// --- the worker process ------------------------------------------------------------------
async function worker({ name, axisUrl, storeDir, recordsFile, dieOn, assign, expected }) {
  const log = (line) => console.log(`  [${name}] ${line}`);
  const store = await FileStore.open({ dir: storeDir }); // takes over the lock a killed worker left
  const connector = new Connector({
    axis: { endpoint: axisUrl, systemId: province.organId, secret: 'secret-H41' },
    store,
    agency: province,
    pollIntervalMs: 100,
  });
  const stop = new AbortController();

  // The clerks' desk: every new record is registered (03); in the second shift the leader also
  // assigns (04) what is registered. Each action is one `report` call with who acted.
  const desk = (async () => {
    while (!stop.signal.aborted) {
      await sleep(150);
      const all = await records.read(recordsFile);
      const done = (inboxId, code) => all.some((r) => r.type === 'status' && r.inboxId === inboxId && r.code === code);
      for (const doc of all.filter((r) => r.type === 'document')) {
        for (const [code, staff, wanted] of [['03', clerk, true], ['04', leader, assign]]) {
          if (!wanted || done(doc.inboxId, code)) continue;
          await (await connector.report(doc.inboxId, code, { staff })).delivered;
          await records.append(recordsFile, { type: 'status', inboxId: doc.inboxId, code, by: staff.staff, at: new Date().toISOString() });
          log(`${doc.code}: reported ${code} (${staff.staff})`);
          break;
        }
      }
      const docs = all.filter((r) => r.type === 'document');
      if (docs.length === expected && docs.every((d) => done(d.inboxId, '03') && (!assign || done(d.inboxId, '04')))) stop.abort();
    }
  })();

  try {
    for await (const doc of connector.documents({ signal: stop.signal })) {
      const code = `${doc.message.code.codeNumber}/${doc.message.code.codeNotation}`;
      const known = (await records.read(recordsFile)).some((r) => r.type === 'document' && r.inboxId === doc.inboxId);
      if (known) {
        log(`${code}: already in the records, skipped`);
        continue;
      }
      if (code === dieOn) {
        log(`${code}: arrived — the process is killed while importing it`);
        process.kill(process.pid, 'SIGKILL');
      }
      await records.append(recordsFile, {
        type: 'document', inboxId: doc.inboxId, documentId: doc.documentId, code, subject: doc.message.subject,
        from: doc.from, receivedAt: doc.entry.receivedAt,
      });
      log(`${code}: imported (${doc.message.subject})`);
    }
  } finally {
    stop.abort();
    await desk;
    await connector.stop();
    await store.close();
  }
}

// --- the story: the axis, the ministry, and the province's worker started twice ------------
async function main() {
  const axis = await LocalAxis.start({
    systems: [
      { systemId: ministry.organId, secret: 'secret-G09' },
      { systemId: province.organId, secret: 'secret-H41' },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'vdxp-receive-worker-'));
  const ministryStore = await FileStore.open({ dir: join(dir, 'ministry') });
  const sender = new Connector({ axis: { endpoint: axis.url, systemId: ministry.organId, secret: 'secret-G09' }, store: ministryStore, agency: ministry, pollIntervalMs: 100 });
  const recordsFile = join(dir, 'records.jsonl');
  const config = { axisUrl: axis.url, storeDir: join(dir, 'province'), recordsFile };
  /** Starts a worker process; resolves with its exit code, or the signal that killed it. */
  const run = (cfg) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'worker', JSON.stringify({ ...config, ...cfg })], { stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('exit', (code, signal) => resolve(signal ?? code));
    });
  /** True once the application's records show letter `code` registered (03). */
  const registered = async (code) => {
    const all = await records.read(recordsFile);
    const doc = docsIn(all).find((d) => d.code === code);
    return !!doc && all.some((r) => r.type === 'status' && r.code === '03' && r.inboxId === doc.inboxId);
  };
  const letter = (n, subject) => ({
    to: [province],
    code: { codeNumber: String(n), codeNotation: 'BNV-VP' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: vietnamDate(new Date()) },
    documentType: { type: 1, typeName: 'Công văn' },
    subject,
    otherInfo: { priority: 0, appendixes: [] },
    attachments: [{ contentId: `cv-${n}`, name: `CV-${n}.pdf`, contentType: 'application/pdf', data: createTestPdf({ text: `Cong van ${n}/BNV-VP` }) }],
  });
  const send = async (n, subject) => {
    console.log(`ministry sends ${n}/BNV-VP`);
    const { documentId, delivered } = await sender.send(letter(n, subject));
    await delivered;
    return documentId;
  };

  try {
    sender.start();
    const ids = [await send(301, 'V/v tổ chức hội nghị trực tuyến')];
    console.log('worker 1 starts');
    const firstRun = run({ name: 'worker 1', dieOn: '302/BNV-VP', assign: false, expected: 2 });
    for (let i = 0; i < 200 && !(await registered('301/BNV-VP')); i++) await sleep(50);
    ids.push(await send(302, 'V/v rà soát biên chế năm 2027'));
    const first = await firstRun;
    console.log(`worker 1 ended: ${first}`);

    ids.push(await send(303, 'V/v báo cáo công tác cải cách hành chính'));
    console.log('worker 2 starts on the same folder');
    const second = await run({ name: 'worker 2', assign: true, expected: 3 });
    console.log(`worker 2 ended: ${second === 0 ? 'exit 0' : second}`);

    // The application's records: each letter exactly once, registered and assigned.
    const all = await records.read(recordsFile);
    const docs = docsIn(all);
    console.log(`records: ${docs.length} documents, ${all.length - docs.length} statuses`);
    // The ministry sees each letter's trail: 01 sent by the connector, 03 and 04 by the people.
    await sleep(300);
    let ok = first === 'SIGKILL' && second === 0 && docs.length === 3 && new Set(docs.map((d) => d.documentId)).size === 3;
    const deadline = Date.now() + 10_000;
    for (const id of ids) {
      let codes = [];
      while (Date.now() < deadline) {
        codes = (await sender.tracking(id)).sent[0]?.recipients[0]?.events.map((e) => e.code) ?? [];
        if (codes.join() === '01,03,04') break;
        await sleep(100);
      }
      console.log(`  ${id}: ${codes.join(' → ')}`);
      ok &&= codes.join() === '01,03,04';
    }
    if (!ok) {
      console.error('the worker lost or duplicated something');
      process.exitCode = 1;
    }
  } finally {
    await sender.stop();
    await ministryStore.close();
    await axis.close();
    await rm(dir, { recursive: true, force: true });
  }
}
