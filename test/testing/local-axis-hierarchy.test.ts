import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEdxml } from '../../src/edxml/parse.js';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { edocPackage, statusPackage, G22 } from '../helpers/axis-packages.js';

// national axis ── G22 (a ministry) and the province's link system `vxp.tinh.h41`
// provincial axis ── UBND tỉnh 000.00.00.H41 (with Sở Nội vụ 000.00.01.H41)
//                 └─ Sở Tài chính 000.00.02.H41 (with a level-4 unit 001.01.02.H41)
const UBND = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };
const SNV = { organId: '000.00.01.H41', organName: 'Sở Nội vụ' };
const STC = { organId: '000.00.02.H41', organName: 'Sở Tài chính' };
const UNIT4 = { organId: '001.01.02.H41', organName: 'Tổ một cửa, Phòng Quản lý giá' };

let national: LocalAxis;
let provincial: LocalAxis;
let g22: AxisClient;
let ubnd: AxisClient;
let stc: AxisClient;

const client = (axis: LocalAxis, systemId: string, secret: string) => new AxisClient({ endpoint: axis.url, systemId, secret, retry: { retries: 0 } });

beforeAll(async () => {
  national = await LocalAxis.start({
    systems: [{ systemId: G22.organId, secret: 'k-g22' }, { systemId: 'vxp.tinh.h41', secret: 'k-link' }],
    traceOrganId: '000.00.00.VXP',
  });
  provincial = await LocalAxis.start({
    systems: [
      { systemId: UBND.organId, secret: 'k-ubnd', agencies: [{ code: SNV.organId, name: SNV.organName }] },
      { systemId: STC.organId, secret: 'k-stc', agencies: [{ code: UNIT4.organId, name: UNIT4.organName }] },
    ],
    parent: { url: national.url, systemId: 'vxp.tinh.h41', secret: 'k-link', pollIntervalMs: 60_000 },
    traceOrganId: '000.00.00.H41',
  });
  g22 = client(national, G22.organId, 'k-g22');
  ubnd = client(provincial, UBND.organId, 'k-ubnd');
  stc = client(provincial, STC.organId, 'k-stc');
  await provincial.pullFromParent(); // registers the province's units at the national axis
});

afterAll(async () => {
  await provincial.close();
  await national.close();
});

describe('a provincial LocalAxis under a national one', () => {
  test('the national directory lists the province’s units under its link system', async () => {
    const codes = (await g22.getAgenciesList()).items.map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining([G22.organId, 'vxp.tinh.h41', UBND.organId, SNV.organId, STC.organId, UNIT4.organId]));
  });

  test('a ministry document reaches a level-4 unit and a department through both axes', async () => {
    const sent = await g22.sendEdoc(edocPackage(G22, [UNIT4, SNV], { number: '401' }), { messageType: 'edoc' });
    expect(await provincial.pullFromParent()).toBe(2);

    const atStc = (await stc.getReceivedEdocList({ messageType: 'edoc' })).items;
    expect(atStc.map((i) => [i.from, i.to])).toEqual([[G22.organId, UNIT4.organId]]);
    const atUbnd = (await ubnd.getReceivedEdocList({ messageType: 'edoc' })).items;
    expect(atUbnd.map((i) => i.to)).toEqual([SNV.organId]);

    const message = parseEdxml((await stc.getEdoc(atStc[0]!.docId)).bytes);
    expect(message.kind).toBe('edoc');
    if (message.kind === 'edoc') {
      // the sender's hop, the national axis's, the provincial axis's
      expect(message.traceHeaders.map((t) => t.organId)).toEqual([G22.organId, '000.00.00.VXP', '000.00.00.H41']);
    }
    await stc.updateStatus(atStc[0]!.docId, 'done');
    await ubnd.updateStatus(atUbnd[0]!.docId, 'done');

    // the national axis saw the province take both (the link acked them after delivery)
    const rows = (await g22.getSentEdocList({ messageType: 'edoc', docId: sent.docId })).items;
    expect(rows.map((r) => [r.toCode, r.receiveStatus]).sort()).toEqual([[SNV.organId, 'done'], [UNIT4.organId, 'done']]);
    expect(await provincial.pullFromParent()).toBe(0); // nothing comes twice
  });

  test('the level-4 unit’s status goes up and reaches the ministry; the sent list follows it', async () => {
    const sent = await stc.sendEdoc(statusPackage(UNIT4, G22, '03', '401'), { messageType: 'status', from: UNIT4.organId });
    const inbox = (await g22.getReceivedEdocList({ messageType: 'status' })).items;
    expect(inbox.map((i) => i.from)).toEqual([UNIT4.organId]);
    const st = parseEdxml((await g22.getEdoc(inbox[0]!.docId)).bytes);
    expect(st.kind === 'status' && [st.statusCode, st.from.organId]).toEqual(['03', UNIT4.organId]);
    await g22.updateStatus(inbox[0]!.docId, 'done');

    const rows = (await stc.getSentEdocList({ messageType: 'status', docId: sent.docId })).items;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ toCode: G22.organId, receiverDocId: inbox[0]!.docId, receiveStatus: 'done', sendStatus: 'done' });
  });

  test('a mixed send is delivered locally and forwarded only for the rest', async () => {
    await ubnd.sendEdoc(edocPackage(UBND, [G22, STC], { number: '402' }), { messageType: 'edoc', from: UBND.organId });
    expect((await stc.getReceivedEdocList({ messageType: 'edoc' })).items.map((i) => i.from)).toEqual([UBND.organId]);
    const atG22 = (await g22.getReceivedEdocList({ messageType: 'edoc' })).items;
    expect(atG22.map((i) => i.from)).toEqual([UBND.organId]);
    expect(await provincial.pullFromParent()).toBe(0); // the parent did not route STC's copy back down
    for (const i of (await stc.getReceivedEdocList({ messageType: 'edoc' })).items) await stc.updateStatus(i.docId, 'done');
    await g22.updateStatus(atG22[0]!.docId, 'done');
  });

  test('an agency registered at the province later becomes reachable from the ministry', async () => {
    const code = '002.01.02.H41';
    await stc.registerAgency({ pcode: STC.organId, code, name: 'Tổ kiểm tra' });
    await provincial.pullFromParent();
    await g22.sendEdoc(edocPackage(G22, [{ organId: code, organName: 'Tổ kiểm tra' }], { number: '403' }), { messageType: 'edoc' });
    await provincial.pullFromParent();
    const items = (await stc.getReceivedEdocList({ messageType: 'edoc' })).items;
    expect(items.map((i) => i.to)).toEqual([code]);
    await stc.updateStatus(items[0]!.docId, 'done');
  });

  test('a child axis pulls by itself every pollIntervalMs', async () => {
    const child = await LocalAxis.start({
      systems: [{ systemId: '000.00.00.H42', secret: 'k-h42' }],
      parent: { url: national.url, systemId: 'vxp.tinh.h42', secret: 'k-link2', pollIntervalMs: 20 },
    });
    try {
      // the national axis does not know this link: forwarding fails with the parent's refusal
      const h42 = client(child, '000.00.00.H42', 'k-h42');
      await expect(h42.sendEdoc(edocPackage({ organId: '000.00.00.H42', organName: 'UBND tỉnh Hà Tĩnh' }, [G22]), { messageType: 'edoc', from: '000.00.00.H42' })).rejects.toMatchObject({
        code: 'VDXP_AXIS_FAIL', errorDesc: expect.stringMatching(/^Khong chuyen duoc goi tin len truc cap tren: He thong vxp\.tinh\.h42 chua duoc dang ky/),
      });
    } finally {
      await child.close();
    }
    const second = await LocalAxis.start({
      systems: [{ systemId: '000.00.00.H41', secret: 'k2' }],
      parent: { url: national.url, systemId: 'vxp.tinh.h41', secret: 'k-link', pollIntervalMs: 20 },
    });
    try {
      await g22.sendEdoc(edocPackage(G22, [UBND], { number: '404' }), { messageType: 'edoc' });
      const mine = client(second, UBND.organId, 'k2');
      let items: { to?: string | undefined }[] = [];
      for (let i = 0; i < 200 && items.length === 0; i++) {
        items = (await mine.getReceivedEdocList({ messageType: 'edoc' })).items;
        if (items.length === 0) await sleep(20);
      }
      expect(items.map((i) => i.to)).toEqual([UBND.organId]);
    } finally {
      await second.close();
    }
  });
});
