// Connector round trip on loopback: BENCH_ROUNDTRIP_DOCS (1000) small documents handed to one
// connector (8 `send` calls in flight), received by another (stored, acked), status 01
// returned and recorded by the sender; both with FileStores (fsync on) and a LocalAxis in
// this process; connectors with their default concurrency. Every axis request
// the connectors make is counted by operation (the `vdxp:axis:request` channel).
//
// Baseline, the transport ceiling: a fresh LocalAxis answering the same number of requests of
// each operation, made with node:http directly (keep-alive, 8 in flight) from packages built
// beforehand: the edocs sent, listed, downloaded and acked, 01 statuses sent back, listed,
// fetched and acked, and the remaining list calls. Figure: documents per second, each side.
// Context rows: the same requests made with AxisClient, and with axios alone (the design
// card's HTTP client, set up as AxisClient sets up its own, with the same prebuilt headers);
// and a history run: BENCH_HISTORY_ROUNDS (6) rounds of the round trip on the same stores,
// the last two rounds against rounds 2-3 (a lookup that scans the store's history would slow
// every later round down; round 1 has no journal fold yet, later rounds one each).
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AxisClient, buildEdxml, buildXroadHeaders, Connector, FileStore, hashFileOf } from '../../dist/index.js';
import { LocalAxis } from '../../dist/testing/index.js';
import { envNumber, perSecond, repeats, stats } from '../harness.mjs';

const G22 = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
const H41 = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };
const SYSTEMS = [
  { systemId: G22.organId, secret: 'bench-secret-g22', name: G22.organName },
  { systemId: H41.organId, secret: 'bench-secret-h41', name: H41.organName },
];
const secretOf = (id) => SYSTEMS.find((s) => s.systemId === id).secret;

function letter(run, i) {
  return {
    from: G22,
    to: [H41],
    code: { codeNumber: String(i + 1), codeNotation: `VPCP-B${run}` },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025-03-10' },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: `V/v thử nghiệm liên thông số ${i + 1}`,
    attachments: [{ contentId: 'cv', name: 'cong-van.pdf', contentType: 'application/pdf', data: new TextEncoder().encode(`%PDF-1.4 công văn mẫu ${run}-${i}\n%%EOF\n`) }],
  };
}

/** @returns {Promise<import('../harness.mjs').BenchResult[]>} */
export default async function roundTrip({ log }) {
  const docs = Math.round(envNumber('BENCH_ROUNDTRIP_DOCS', 1000));
  const runs = repeats(3);
  const connectorMs = [];
  const rawMs = [];
  const clientMs = [];
  const axiosMs = [];
  for (let run = 0; run < runs; run++) {
    const { ms: [ms], counts } = await connectorRun(run, docs);
    connectorMs.push(ms);
    const raw = await rawRun(run, docs, counts, 'raw');
    rawMs.push(raw);
    const client = await rawRun(run, docs, counts, 'client');
    clientMs.push(client);
    const viaAxios = await rawRun(run, docs, counts, 'axios');
    axiosMs.push(viaAxios);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    log(`run ${run + 1}: connector ${ms.toFixed(0)} ms, raw ${raw.toFixed(0)} ms, AxisClient ${client.toFixed(0)} ms, axios alone ${viaAxios.toFixed(0)} ms for ${total} requests (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  }
  // A store that has seen traffic: the same round trip, round after round on the same stores
  // and axis. Per-document work must not grow with the history (no lookup may scan it).
  const rounds = Math.max(4, Math.round(envNumber('BENCH_HISTORY_ROUNDS', 6)));
  const history = (await connectorRun(runs, docs, rounds)).ms;
  log(`history: ${history.map((ms, i) => `round ${i + 1} ${ms.toFixed(0)} ms`).join(', ')}`);
  // round 1 is left out: the stores' first journal fold (compaction, every 8 MiB of log,
  // about 900 documents here) comes at its very end, and from then on every round has one
  const earlyRounds = history.slice(1, 3);
  const lastRounds = history.slice(-2);
  const rows = [
    {
      name: `connector round trip, ${docs} documents (docs/s) vs LocalAxis raw ceiling`,
      unit: 'docs/s',
      value: perSecond(docs, stats(connectorMs)),
      baseline: perSecond(docs, stats(rawMs)),
      target: { minRatio: 0.5 },
    },
    {
      name: `connector round trip, ${docs} documents (docs/s) vs the same requests through AxisClient`,
      unit: 'docs/s',
      value: perSecond(docs, stats(connectorMs)),
      baseline: perSecond(docs, stats(clientMs)),
    },
    {
      name: `AxisClient making the round trip's requests (docs/s) vs LocalAxis raw ceiling`,
      unit: 'docs/s',
      value: perSecond(docs, stats(clientMs)),
      baseline: perSecond(docs, stats(rawMs)),
    },
    {
      name: `axios alone making the round trip's requests (docs/s) vs LocalAxis raw ceiling`,
      unit: 'docs/s',
      value: perSecond(docs, stats(axiosMs)),
      baseline: perSecond(docs, stats(rawMs)),
    },
    {
      name: `connector round trip, rounds ${rounds - 1}–${rounds} of ${docs} documents on the same stores (docs/s) vs rounds 2–3`,
      unit: 'docs/s',
      value: perSecond(docs, stats(lastRounds)),
      baseline: perSecond(docs, stats(earlyRounds)),
    },
  ];
  return rows;
}

/**
 * Two connectors on one LocalAxis with FileStores: `rounds` batches of `docs` documents, one
 * after the other on the same stores (a store's history grows by `docs` each round). Returns
 * each round's time and the axis requests made, by operation.
 */
async function connectorRun(run, docs, rounds = 1) {
  const dir = await mkdtemp(join(tmpdir(), 'vdxp-bench-rt-'));
  const axis = await LocalAxis.start({ systems: SYSTEMS });
  const counts = {};
  const count = (e) => {
    if (e.phase === 'end' && e.url.startsWith(axis.url)) counts[e.operation] = (counts[e.operation] ?? 0) + 1;
  };
  diagnosticsChannel.subscribe('vdxp:axis:request', count);
  const stores = [];
  const make = async (agency) => {
    const store = await FileStore.open({ dir: join(dir, agency.organId), fsync: process.env.BENCH_FSYNC !== 'off' });
    stores.push(store);
    return new Connector({
      axis: { endpoint: axis.url, systemId: agency.organId, secret: secretOf(agency.organId), timeoutMs: 30_000 },
      store,
      agency,
      pollIntervalMs: 20,
    });
  };
  try {
    const sender = await make(G22);
    const receiver = await make(H41);
    receiver.on('document', () => undefined);
    // the end of a round: every document's 01 recorded by the sender (its `status` event follows the record)
    const back = new Set();
    let expected = 0;
    let allBack;
    sender.on('status', (e) => {
      if (e.code === '01') back.add(e.documentId);
      if (back.size >= expected) allBack?.();
    });
    const ms = [];
    for (let round = 0; round < rounds; round++) {
      expected += docs;
      const done = new Promise((resolve) => (allBack = resolve));
      const started = performance.now();
      if (round === 0) {
        sender.start();
        receiver.start();
      }
      // the agency system hands documents over from 8 desks at once (as the baseline has 8 requests in flight)
      const label = rounds === 1 ? run : `${run}R${round}`;
      let next = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (next < docs) await sender.send(letter(label, next++));
      }));
      await done;
      ms.push(performance.now() - started);
    }
    const recorded = (await stores[0].listStatuses({ direction: 'in' })).filter((s) => s.code === '01').length;
    if (recorded !== docs * rounds) throw new Error(`the sender recorded ${recorded} statuses 01 for ${docs * rounds} documents`);
    await sender.stop();
    await receiver.stop();
    return { ms, counts };
  } finally {
    diagnosticsChannel.unsubscribe('vdxp:axis:request', count);
    for (const s of stores) await s.close();
    await axis.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same requests, per operation, to a fresh LocalAxis: made with node:http (`raw`, the
 * ceiling) or with the SDK's own AxisClient (`client`: what the transport costs, without any
 * store, build or parse).
 */
async function rawRun(run, docs, counts, how) {
  const edocs = Array.from({ length: docs }, (_, i) => Buffer.from(buildEdxml(letter(run, i))));
  const documentIds = edocs.map((_, i) => `${G22.organId},2025/03/10,${i + 1}/VPCP-B${run}`);
  const statuses = documentIds.map((documentId, i) =>
    Buffer.from(
      buildEdxml({
        kind: 'status',
        from: H41,
        responseFor: { organId: G22.organId, code: `${i + 1}/VPCP-B${run}`, promulgationDate: '2025-03-10', documentId },
        statusCode: '01',
        staffInfo: { department: 'Văn thư', staff: 'Văn thư' },
        description: 'Phần mềm quản lý văn bản đã nhận, văn thư chưa xử lý',
      }),
    ),
  );
  const axis = await LocalAxis.start({ systems: SYSTEMS });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const clients = new Map(SYSTEMS.map((s) => [s.systemId, new AxisClient({ endpoint: axis.url, systemId: s.systemId, secret: s.secret, timeoutMs: 30_000 })]));
  const viaClient = async (systemId, operation, params, body) => {
    const c = clients.get(systemId);
    const p = Object.fromEntries(params);
    if (operation === 'sendEdoc') return c.sendEdoc(body, { messageType: p.messagetype, from: systemId });
    if (operation === 'getReceivedEdocList') return { data: (await c.getReceivedEdocList({ messageType: p.messagetype })).items };
    if (operation === 'downloadEdoc') return Buffer.concat(await (await c.downloadEdoc(p.docId)).toArray());
    if (operation === 'getEdoc') return (await c.getEdoc(p.docId)).bytes;
    if (operation === 'updateStatus') return c.updateStatus(p.docId, p.status);
    throw new Error(`no client call for ${operation}`);
  };
  // axios (the design card's HTTP client) alone: the raw requests, the same headers, made with
  // an instance set up as AxisClient sets up its own (no proxy, no redirects, bytes back)
  const axiosInstance = how === 'axios' ? (await import('axios')).default.create({ proxy: false }) : undefined;
  const viaAxios = async (systemId, operation, params, body) => {
    const json = operation !== 'sendEdoc';
    const method = operation === 'downloadEdoc' ? 'GET' : 'POST';
    const { headers } = buildXroadHeaders({ systemId, secret: secretOf(systemId), params, contentType: json ? 'application/json' : 'application/octet-stream', timestamp: new Date() });
    const res = await axiosInstance.request({
      url: `${axis.url}/${operation}`,
      method,
      headers,
      data: body ?? (method === 'POST' ? Buffer.from('{}') : undefined),
      httpAgent: agent,
      responseType: 'arraybuffer',
      transformResponse: [(d) => d],
      validateStatus: () => true,
      maxRedirects: 0,
    });
    if (res.status !== 200) throw new Error(`${operation}: HTTP ${res.status}`);
    if (operation === 'downloadEdoc') return res.data;
    const answer = JSON.parse(Buffer.from(res.data).toString('utf8'));
    if (answer.status !== 'OK') throw new Error(`${operation}: ${answer.ErrorDesc ?? 'not OK'}`);
    return answer;
  };
  const viaHttp = (systemId, operation, params, body) =>
    new Promise((resolve, reject) => {
      const json = operation !== 'sendEdoc';
      const method = operation === 'downloadEdoc' ? 'GET' : 'POST';
      const { headers } = buildXroadHeaders({ systemId, secret: secretOf(systemId), params, contentType: json ? 'application/json' : 'application/octet-stream', timestamp: new Date() });
      const data = body ?? (method === 'POST' ? Buffer.from('{}') : undefined);
      if (data) headers['Content-Length'] = String(data.length);
      const req = request(`${axis.url}/${operation}`, { method, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks);
          if (res.statusCode !== 200) return reject(new Error(`${operation}: HTTP ${res.statusCode}`));
          if (operation === 'downloadEdoc') return resolve(text);
          const answer = JSON.parse(text.toString('utf8'));
          if (answer.status !== 'OK') return reject(new Error(`${operation}: ${answer.ErrorDesc ?? text.toString('utf8').slice(0, 200)}`));
          resolve(answer);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });
  const call = how === 'client' ? viaClient : how === 'axios' ? viaAxios : viaHttp;
  const parallel = async (items, fn) => {
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }));
  };
  const used = {};
  const use = (op, n = 1) => (used[op] = (used[op] ?? 0) + n);
  const list = async (systemId, messageType) => {
    use('getReceivedEdocList');
    return (await call(systemId, 'getReceivedEdocList', [['servicetype', 'eDoc'], ['messagetype', messageType]])).data;
  };
  const fetchAll = async (systemId, messageType, expected) => {
    const seen = [];
    while (seen.length < expected) {
      const items = await list(systemId, messageType);
      await parallel(items, async (item) => {
        use(counts.getEdoc && !counts.downloadEdoc ? 'getEdoc' : 'downloadEdoc');
        await call(systemId, counts.getEdoc && !counts.downloadEdoc ? 'getEdoc' : 'downloadEdoc', [['docId', item.docId]]);
        use('updateStatus');
        await call(systemId, 'updateStatus', [['docId', item.docId], ['status', 'done']]);
      });
      seen.push(...items);
    }
  };
  try {
    const started = performance.now();
    const send = (systemId, messageType) => async (bytes) => {
      use('sendEdoc');
      await call(systemId, 'sendEdoc', [['from', systemId], ['servicetype', 'eDoc'], ['messagetype', messageType], ['hash-file', hashFileOf(bytes)]], bytes);
    };
    await parallel(edocs, send(G22.organId, 'edoc'));
    await fetchAll(H41.organId, 'edoc', docs);
    await parallel(statuses, send(H41.organId, 'status'));
    await fetchAll(G22.organId, 'status', docs);
    // the connectors' other calls (empty polls, lookups), made as list calls of the same count
    for (const [op, n] of Object.entries(counts)) {
      const missing = n - (used[op] ?? 0);
      if (missing <= 0) continue;
      await parallel(Array.from({ length: missing }), () => (use(op), list(op === 'getReceivedEdocList' ? H41.organId : G22.organId, 'status')));
    }
    return performance.now() - started;
  } finally {
    agent.destroy();
    await axis.close();
  }
}
