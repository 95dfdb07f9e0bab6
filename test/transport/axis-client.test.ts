import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { parseEdxml } from '../../src/edxml/parse.js';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { AxisError } from '../../src/errors.js';
import { edocPackage, statusPackage, G22, H41 } from '../helpers/axis-packages.js';

const UNIT = { organId: '000.00.01.H41', organName: 'Sở Nội vụ tỉnh Nghệ An' };
const SECRETS = { g22: 'secret-of-G22', h41: 'secret-of-H41' };

let axis: LocalAxis;
let g22: AxisClient;
let h41: AxisClient;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-client-'));
  axis = await LocalAxis.start({
    systems: [
      { systemId: G22.organId, secret: SECRETS.g22, name: G22.organName },
      { systemId: H41.organId, secret: SECRETS.h41, name: H41.organName, agencies: [{ code: UNIT.organId, name: UNIT.organName }] },
    ],
  });
  g22 = new AxisClient({ endpoint: axis.url, systemId: G22.organId, secret: SECRETS.g22, retry: { retries: 0 } });
  h41 = new AxisClient({ endpoint: axis.url, systemId: H41.organId, secret: SECRETS.h41, retry: { retries: 0 } });
});

afterAll(async () => {
  await axis.close();
  await rm(dir, { recursive: true, force: true });
});

describe('AxisClient against LocalAxis', () => {
  test('two agencies: send, list, get, ack, status back, sent list shows each recipient', async () => {
    const pkg = edocPackage(G22, [H41, UNIT], { number: '101' });
    const sent = await g22.sendEdoc(pkg, { messageType: 'edoc' });
    expect(sent.docId).toMatch(/^[0-9a-f]{24}$/);
    expect(sent.errorCode).toBe('0');

    const inbox = await h41.getReceivedEdocList({ messageType: 'edoc' });
    const mine = inbox.items.filter((i) => i.from === G22.organId);
    expect(mine.map((i) => i.to).sort()).toEqual([UNIT.organId, H41.organId].sort());
    const ids = mine.map((i) => i.docId);
    expect(new Set([...ids, sent.docId]).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(mine[0]).toMatchObject({ serviceType: 'eDoc', messageType: 'edoc', status: 'initial' });
    expect(mine[0]!.createdTime).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);

    const fetched = await h41.getEdoc(ids[0]!);
    const message = parseEdxml(fetched.bytes);
    expect(message.kind).toBe('edoc');
    if (message.kind !== 'edoc') return;
    expect(message.code.codeNumber).toBe('101');
    expect(message.traceHeaders).toHaveLength(2); // the sender's + the axis's
    expect(fetched.raw).not.toHaveProperty('data');

    const streamed = await buffer(await h41.downloadEdoc(ids[0]!));
    expect(Buffer.compare(streamed, Buffer.from(fetched.bytes))).toBe(0);

    for (const id of ids) await h41.updateStatus(id, 'done');
    const after = await h41.getReceivedEdocList({ messageType: 'edoc' });
    expect(after.items.filter((i) => ids.includes(i.docId))).toEqual([]);

    const status = await h41.sendEdoc(statusPackage(H41, G22, '01', '101'), { messageType: 'status', from: H41.organId });
    expect(status.docId).toMatch(/^[0-9a-f]{24}$/);
    expect((await g22.countReceiveStatus()).count).toBeGreaterThanOrEqual(1);
    const statuses = await g22.getReceivedEdocList({ messageType: 'status' });
    const back = statuses.items.find((i) => i.from === H41.organId);
    expect(back).toBeDefined();
    const statusMessage = parseEdxml((await g22.getEdoc(back!.docId)).bytes);
    expect(statusMessage.kind === 'status' && statusMessage.statusCode).toBe('01');
    await g22.updateStatus(back!.docId, 'done');

    const sentList = await g22.getSentEdocList({ messageType: 'edoc', docId: sent.docId });
    expect(sentList.items).toHaveLength(2);
    for (const row of sentList.items) {
      expect(row).toMatchObject({ senderDocId: sent.docId, fromCode: G22.organId, notation: '101/VPCP-TTĐT', receiveStatus: 'done' });
      expect(ids).toContain(row.receiverDocId);
    }
  });

  test('counts what waits, by message type', async () => {
    const before = (await h41.countReceiveEdoc()).count;
    await g22.sendEdoc(edocPackage(G22, [H41], { number: '102' }), { messageType: 'edoc' });
    expect((await h41.countReceiveEdoc()).count).toBe(before + 1);
    const list = await h41.getReceivedEdocList({ messageType: 'edoc' });
    for (const item of list.items) await h41.updateStatus(item.docId, 'fail');
    expect((await h41.countReceiveEdoc()).count).toBe(0);
  });

  test('sends a file by path and a stream with its sha256, in either hash form', async () => {
    const pkg = edocPackage(G22, [H41], { number: '103', pdfBytes: 200_000 });
    const file = join(dir, 'p.edxml');
    await writeFile(file, pkg);
    const viaPath = await g22.sendEdoc({ path: file }, { messageType: 'edoc' });
    const sha256 = createHash('sha256').update(pkg).digest('hex');
    const viaStream = await g22.sendEdoc(Readable.from([Buffer.from(pkg.subarray(0, 1000)), Buffer.from(pkg.subarray(1000))]), {
      messageType: 'edoc', sha256, size: pkg.byteLength, hashForm: 'standard',
    });
    expect(viaPath.docId).not.toBe(viaStream.docId);
    await expect(g22.sendEdoc(Readable.from([Buffer.from(pkg)]), { messageType: 'edoc' })).rejects.toMatchObject({ code: 'VDXP_INPUT_INVALID' });
    await expect(g22.sendEdoc({ path: join(dir, 'missing.edxml') }, { messageType: 'edoc' })).rejects.toMatchObject({ code: 'VDXP_IO' });
    for (const item of (await h41.getReceivedEdocList({ messageType: 'edoc' })).items) await h41.updateStatus(item.docId, 'done');
  });

  test('directory: register, list, QĐ 20 levels, synchronise, delete', async () => {
    const code = '000.00.02.H41';
    await h41.registerAgency({ pcode: H41.organId, code, name: 'Sở Tài chính', mail: 'stc@nghean.gov.vn' });
    const list = await g22.getAgenciesList();
    expect(list.items.map((a) => a.code)).toEqual(expect.arrayContaining([G22.organId, H41.organId, UNIT.organId, code]));
    const added = list.items.find((a) => a.code === code)!;
    expect(added.pid).toBe(list.items.find((a) => a.code === H41.organId)!.id);

    const level1 = await g22.getAgenciesListQD20({ level: 1 });
    expect(level1.items.map((a) => a.code).sort()).toEqual([G22.organId, H41.organId].sort());
    expect((await g22.getAgenciesListQD20({ level: 2 })).items.map((a) => a.code)).toContain(code);

    // the new unit can send at once
    const sent = await h41.sendEdoc(edocPackage({ organId: code, organName: 'Sở Tài chính' }, [G22], { number: '104' }), { messageType: 'edoc', from: code });
    expect(sent.docId).toMatch(/^[0-9a-f]{24}$/);

    await h41.deleteAgency(code);
    expect((await g22.getAgenciesList()).items.map((a) => a.code)).not.toContain(code);
    const sync = await g22.getSynchronizeUnit();
    expect(sync.items.find((u) => u.code === code)).toMatchObject({ deleted: true, centerCode: H41.organId, isAgency: true });
    await expect(h41.sendEdoc(edocPackage({ organId: code, organName: 'Sở Tài chính' }, [G22]), { messageType: 'edoc', from: code })).rejects.toBeInstanceOf(AxisError);
    await expect(g22.deleteAgency(UNIT.organId)).rejects.toMatchObject({ code: 'VDXP_AXIS_FAIL', errorDesc: `Khong tim thay don vi co ma: ${UNIT.organId}` });
  });
});

describe('refusals come back as AxisError with the axis text', () => {
  test('a from that is not the caller’s', async () => {
    const err = await g22.sendEdoc(edocPackage(H41, [G22]), { messageType: 'edoc', from: H41.organId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AxisError);
    expect(err).toMatchObject({
      code: 'VDXP_AXIS_FAIL', operation: 'sendEdoc', status: 'FAIL', httpStatus: 200, attempt: 1,
      errorDesc: `Don vi gui ${H41.organId} khong dung voi ma da dang ky: ${G22.organId}`,
    });
  });

  test('a wrong secret (bad HMAC)', async () => {
    const wrong = new AxisClient({ endpoint: axis.url, systemId: G22.organId, secret: 'not-the-secret', retry: { retries: 0 } });
    await expect(wrong.getReceivedEdocList({ messageType: 'edoc' })).rejects.toMatchObject({
      code: 'VDXP_AXIS_FAIL', errorDesc: 'Chu ky xac thuc khong hop le (XroadVnpt-hash-header)',
    });
  });

  test('an unknown docId for getEdoc, downloadEdoc and updateStatus', async () => {
    const id = 'ffffffffffffffffffffffff';
    for (const call of [() => h41.getEdoc(id), () => h41.downloadEdoc(id), () => h41.updateStatus(id, 'done')]) {
      await expect(call()).rejects.toMatchObject({ code: 'VDXP_AXIS_FAIL', errorDesc: `Khong tim thay goi tin co ma: ${id}` });
    }
  });

  test('a package the reader refuses, and an unknown recipient', async () => {
    const junk = Buffer.from('1212<?xml version="1.0"?><edXML/>');
    await expect(g22.sendEdoc(junk, { messageType: 'edoc' })).rejects.toMatchObject({ errorDesc: expect.stringMatching(/^Goi tin edXML khong hop le: VDXP_EDXML_/) });
    const stranger = { organId: '000.00.00.A99', organName: 'Không có trên trục' };
    await expect(g22.sendEdoc(edocPackage(G22, [stranger]), { messageType: 'edoc' })).rejects.toMatchObject({
      errorDesc: 'Don vi nhan 000.00.00.A99 chua duoc dang ky tren truc',
    });
    await expect(g22.sendEdoc(edocPackage(G22, [H41]), { messageType: 'status' })).rejects.toMatchObject({
      errorDesc: expect.stringContaining('messagetype status'),
    });
  });

  test('bad input is refused before anything is sent', async () => {
    await expect(h41.updateStatus('abc', 'maybe' as 'done')).rejects.toMatchObject({ code: 'VDXP_INPUT_INVALID' });
    await expect(h41.getEdoc('')).rejects.toMatchObject({ code: 'VDXP_INPUT_INVALID' });
    await expect(h41.getReceivedEdocList({ messageType: 'edoc', fromDate: '2026-01-01' })).rejects.toMatchObject({ code: 'VDXP_INPUT_INVALID' });
  });
});
