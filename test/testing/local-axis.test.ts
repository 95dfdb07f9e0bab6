import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { parseEdxml } from '../../src/edxml/parse.js';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { formatHashFile } from '../../src/transport/xroad-headers.js';
import { edocPackage, statusPackage, G22, H41 } from '../helpers/axis-packages.js';
import { rawAxisRequest } from '../helpers/raw-axis-request.js';

const S = { g22: 'k-g22', h41: 'k-h41' };
const UNIT = { organId: '000.00.01.H41', organName: 'Sở Nội vụ' };
let axis: LocalAxis;
let h41: AxisClient;

beforeAll(async () => {
  axis = await LocalAxis.start({
    systems: [
      { systemId: G22.organId, secret: S.g22 },
      { systemId: H41.organId, secret: S.h41, agencies: [{ code: UNIT.organId, name: UNIT.organName }] },
    ],
    maxBodyBytes: 256 * 1024,
    traceOrganId: '000.00.00.AXS',
  });
  h41 = new AxisClient({ endpoint: axis.url, systemId: H41.organId, secret: S.h41, retry: { retries: 0 } });
});

afterAll(async () => {
  await axis.close();
});

async function drain(client: AxisClient): Promise<void> {
  for (const t of ['edoc', 'status'] as const) {
    for (const i of (await client.getReceivedEdocList({ messageType: t })).items) await client.updateStatus(i.docId, 'done');
  }
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

describe('LocalAxis tolerates the Java SDK', () => {
  test('accepts a send with leftover docId/status/filePath params, an unpadded hash and a trailing CRLF', async () => {
    const pkg = edocPackage(G22, [H41], { number: '201' });
    const res = await rawAxisRequest(axis.url, '/sendEdoc', {
      systemId: G22.organId, secret: S.g22, contentType: 'application/octet-stream',
      params: [['from', G22.organId], ['servicetype', 'eDoc'], ['messagetype', 'edoc'], ['docId', '5bebcfeff858e3e0cc154762'], ['status', 'done'], ['filePath', 'xml'], ['hash-file', formatHashFile(sha(pkg), 'sdk')]],
      body: Buffer.concat([Buffer.from(pkg), Buffer.from('\r\n')]),
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Thanh cong', DocId: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const item = (await h41.getReceivedEdocList({ messageType: 'edoc' })).items.find((i) => i.from === G22.organId)!;
    const delivered = Buffer.from((await h41.getEdoc(item.docId)).bytes);
    // the delivered package is the file (without the CRLF) with one TraceHeader spliced in
    const text = delivered.toString('utf8');
    const trace = /<edXML:TraceHeader><edXML:OrganId>000\.00\.00\.AXS<\/edXML:OrganId><edXML:Timestamp>\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}<\/edXML:Timestamp><\/edXML:TraceHeader>/.exec(text);
    expect(trace).not.toBeNull();
    expect(text.replace(trace![0], '')).toBe(Buffer.from(pkg).toString('utf8'));
    const parsed = parseEdxml(delivered);
    expect(parsed.kind === 'edoc' && parsed.traceHeaders.at(-1)?.organId).toBe('000.00.00.AXS');
    await drain(h41);
  });

  test('reads parameters whatever their case (docid) and answers lists with data even on FAIL', async () => {
    const res = await rawAxisRequest(axis.url, '/getEdoc', { systemId: H41.organId, secret: S.h41, params: [['docid', 'aaaaaaaaaaaaaaaaaaaaaaaa']], body: Buffer.from('{}') });
    expect(res.json).toMatchObject({ status: 'FAIL', ErrorDesc: 'Khong tim thay goi tin co ma: aaaaaaaaaaaaaaaaaaaaaaaa' });
    const list = await rawAxisRequest(axis.url, '/getAgenciesList', { systemId: H41.organId, secret: 'wrong' });
    expect(list.json).toMatchObject({ status: 'FAIL', data: [] });
  });

  test('routes a status by ResponseFor/OrganId, and obeys a to header', async () => {
    const g22 = new AxisClient({ endpoint: axis.url, systemId: G22.organId, secret: S.g22, retry: { retries: 0 } });
    await h41.sendEdoc(statusPackage(UNIT, G22, '03'), { messageType: 'status', from: UNIT.organId });
    const st = (await g22.getReceivedEdocList({ messageType: 'status' })).items;
    expect(st.map((i) => [i.from, i.to])).toEqual([[UNIT.organId, G22.organId]]);
    await drain(g22);
    // an edoc addressed to H41 and the unit, but sent with to = the unit only
    await g22.sendEdoc(edocPackage(G22, [H41, UNIT]), { messageType: 'edoc', to: [UNIT.organId] });
    expect((await h41.getReceivedEdocList({ messageType: 'edoc' })).items.map((i) => i.to)).toEqual([UNIT.organId]);
    await drain(h41);
  });
});

describe('received lists', () => {
  test('list what still waits, oldest first: processing stays, done and fail leave, per system and message type', async () => {
    const g22 = new AxisClient({ endpoint: axis.url, systemId: G22.organId, secret: S.g22, retry: { retries: 0 } });
    for (const number of ['301', '302', '303', '304']) await g22.sendEdoc(edocPackage(G22, [H41], { number }), { messageType: 'edoc' });
    const listed = async () => (await h41.getReceivedEdocList({ messageType: 'edoc' })).items.map((i) => i.docId);
    const first = await listed();
    expect(first).toHaveLength(4);
    expect((await h41.getReceivedEdocList({ messageType: 'status' })).items).toEqual([]);
    expect((await g22.getReceivedEdocList({ messageType: 'edoc' })).items).toEqual([]);
    await h41.updateStatus(first[0]!, 'processing');
    await h41.updateStatus(first[1]!, 'done');
    await h41.updateStatus(first[2]!, 'fail');
    expect(await listed()).toEqual([first[0], first[3]]);
    expect((await h41.countReceiveEdoc()).count).toBe(2);
    await h41.updateStatus(first[0]!, 'done');
    expect(await listed()).toEqual([first[3]]);
    await drain(h41);
    expect(await listed()).toEqual([]);
  });
});

describe('LocalAxis refuses what the real axis refuses', () => {
  const list = (mutate: (h: Record<string, string>) => void, timestamp?: Date) =>
    rawAxisRequest(axis.url, '/getReceivedEdocList', { systemId: H41.organId, secret: S.h41, params: [['servicetype', 'eDoc'], ['messagetype', 'edoc']], mutate, ...(timestamp ? { timestamp } : {}) });

  test.each([
    ['no signature headers', (h: Record<string, string>) => { delete h['XroadVnpt-sign-header']; }, /^Thieu thong tin xac thuc/],
    ['a bad HMAC', (h: Record<string, string>) => { h['XroadVnpt-hash-header'] = 'f'.repeat(64); }, /^Chu ky xac thuc khong hop le/],
    ['a stale key list (names a parameter that was not signed)', (h: Record<string, string>) => { h['XroadVnpt-sign-header-key'] += ';docId'; h['XroadVnpt-docId'] = 'x'; }, /^Danh sach tham so ky/],
    ['a header changed after signing', (h: Record<string, string>) => { h['XroadVnpt-messagetype'] = 'status'; }, /^Danh sach tham so ky/],
    ['an unknown system', (h: Record<string, string>) => { h['XroadVnpt-sign-header'] = h['XroadVnpt-sign-header']!.replace(H41.organId, '000.00.00.Z99'); }, /^He thong 000\.00\.00\.Z99 chua duoc dang ky/],
  ])('refuses %s with status FAIL and a Vietnamese ErrorDesc', async (_t, mutate, desc) => {
    const res = await list(mutate);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'FAIL', ErrorCode: '401', data: [] });
    expect(res.json?.ErrorDesc).toMatch(desc);
  });

  test('refuses a timestamp outside the window', async () => {
    const res = await list(() => undefined, new Date(Date.now() - 3 * 3_600_000));
    expect(res.json?.ErrorDesc).toMatch(/^Thoi gian yeu cau \(timestamp\) \d{8}T\d{6}\+\d{4} da het han/);
  });

  test('refuses a wrong method, an unknown operation, a body past the limit, a bad hash-file', async () => {
    const get = await rawAxisRequest(axis.url, '/getReceivedEdocList', { method: 'GET', systemId: H41.organId, secret: S.h41 });
    expect(get.status).toBe(405);
    expect(get.json).toMatchObject({ status: 'FAIL', ErrorDesc: 'Phuong thuc GET khong duoc ho tro, hay dung POST', data: [] });
    const post = await rawAxisRequest(axis.url, '/downloadEdoc', { systemId: H41.organId, secret: S.h41 });
    expect(post.status).toBe(405);
    const unknown = await rawAxisRequest(axis.url, '/getEverything', { systemId: H41.organId, secret: S.h41 });
    expect(unknown).toMatchObject({ status: 404, json: { status: 'FAIL', ErrorDesc: 'Khong ho tro dich vu: /getEverything' } });
    const big = edocPackage(G22, [H41], { pdfBytes: 300 * 1024 });
    const tooBig = await rawAxisRequest(axis.url, '/sendEdoc', {
      systemId: G22.organId, secret: S.g22, contentType: 'application/octet-stream',
      params: [['from', G22.organId], ['servicetype', 'eDoc'], ['messagetype', 'edoc'], ['hash-file', formatHashFile(sha(big))]], body: big,
    });
    expect(tooBig).toMatchObject({ status: 413, json: { status: 'FAIL', ErrorDesc: 'Kich thuoc goi tin vuot qua gioi han 262144 byte' } });
    const pkg = edocPackage(G22, [H41]);
    const badHash = await rawAxisRequest(axis.url, '/sendEdoc', {
      systemId: G22.organId, secret: S.g22, contentType: 'application/octet-stream',
      params: [['from', G22.organId], ['servicetype', 'eDoc'], ['messagetype', 'edoc'], ['hash-file', 'abc']], body: pkg,
    });
    expect(badHash.json).toMatchObject({ status: 'FAIL', ErrorDesc: 'Ma bam tep tin (hash-file) khong khop voi noi dung goi tin' });
  });
});

describe('faults', () => {
  test('duplicate delivery queues the same bytes twice under two ids', async () => {
    const g22 = new AxisClient({ endpoint: axis.url, systemId: G22.organId, secret: S.g22, retry: { retries: 0 } });
    axis.setFaults({ duplicateRate: 1 });
    try {
      await g22.sendEdoc(edocPackage(G22, [H41], { number: '301' }), { messageType: 'edoc' });
    } finally {
      axis.setFaults(undefined);
    }
    const items = (await h41.getReceivedEdocList({ messageType: 'edoc' })).items;
    expect(items).toHaveLength(2);
    expect(items[0]!.docId).not.toBe(items[1]!.docId);
    const [a, b] = await Promise.all(items.map((i) => h41.getEdoc(i.docId)));
    expect(Buffer.compare(Buffer.from(a!.bytes), Buffer.from(b!.bytes))).toBe(0);
    await drain(h41);
  });

  test('the same seed gives the same faults for the same requests', async () => {
    const outcome = async (seed: number) => {
      axis.setFaults({ seed, errorRate: 0.3, nonJsonRate: 0.3, dropRate: 0.2, operations: ['getAgenciesList'] });
      const out: string[] = [];
      for (let i = 0; i < 24; i++) out.push(await h41.getAgenciesList().then(() => 'ok', (e: { code: string }) => e.code));
      axis.setFaults(undefined);
      return out.join(',');
    };
    const first = await outcome(42);
    expect(await outcome(42)).toBe(first);
    expect(first).toMatch(/ok/);
    expect(first).toMatch(/VDXP_TRANSPORT_NETWORK/);
    expect(first).toMatch(/VDXP_TRANSPORT_BAD_RESPONSE/);
    expect(first).toMatch(/VDXP_AXIS_FAIL/);
    expect(await outcome(43)).not.toBe(first);
  });
});

describe('lifecycle', () => {
  test('close is idempotent and the port stops answering', async () => {
    const other = await LocalAxis.start({ systems: [{ systemId: G22.organId, secret: 'x' }] });
    const client = new AxisClient({ endpoint: other.url, systemId: G22.organId, secret: 'x', retry: { retries: 0 } });
    await client.getAgenciesList();
    await Promise.all([other.close(), other.close()]);
    await other.close();
    await expect(client.getAgenciesList()).rejects.toMatchObject({ code: 'VDXP_TRANSPORT_NETWORK' });
  });

  test('refuses bad options with ConfigError', async () => {
    await expect(LocalAxis.start({ systems: [] })).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
    await expect(LocalAxis.start({ systems: [{ systemId: 'a', secret: 'b', agencies: [{ code: 'a', name: 'dup' }] }] })).rejects.toThrow(/served twice/);
  });
});
