import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
import type { DocumentEvent, RequestEvent, StatusEvent, WithdrawnEvent } from '../../src/connector/events.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { parseEdxml } from '../../src/edxml/parse.js';
import { NGHE_AN, NOI_VU, SECRETS, VPCP, letter, startNetwork, until, type Network, type Side } from '../helpers/connector-setup.js';

let net: Network | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
});

interface Scene {
  g22: Side;
  h41: Side;
  documentId: string;
  inboxId: string;
  requests: RequestEvent[];
  withdrawn: WithdrawnEvent[];
  statuses: StatusEvent[];
  documents: DocumentEvent[];
}

/** G22 sent a document to H41, which received it (01). */
async function scene(agencies = [VPCP, NGHE_AN]): Promise<Scene> {
  net = await startNetwork(agencies);
  const [g22, h41] = [net.sides[0]!, net.sides[1]!];
  const s: Scene = { g22, h41, documentId: '', inboxId: '', requests: [], withdrawn: [], statuses: [], documents: [] };
  h41.connector.on('request', (r) => void s.requests.push(r));
  h41.connector.on('withdrawn', (w) => void s.withdrawn.push(w));
  h41.connector.on('document', (d) => void s.documents.push(d));
  g22.connector.on('status', (e) => void s.statuses.push(e));
  const handle = await g22.connector.send(letter(VPCP, [NGHE_AN]));
  await handle.delivered;
  s.documentId = handle.documentId;
  await until([h41.connector], () => s.documents.length === 1);
  s.inboxId = s.documents[0]!.inboxId;
  return s;
}

const codesAtSender = async (s: Scene) => (await s.g22.connector.tracking(s.documentId)).sent.flatMap((d) => d.recipients[0]!.events.map((e) => e.code));

describe('take-back, revoke, update: pending decisions answered with 15/16', () => {
  test('a take-back (13) becomes a pending decision; agreeing sends 15, withdraws the document and tells the application', async () => {
    const s = await scene();
    await expect(s.g22.connector.requestTakeBack(s.documentId, { reason: ' ' })).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_REASON_REQUIRED' });
    await (await s.g22.connector.requestTakeBack(s.documentId, { reason: 'Sai sót trong nội dung', staff: { staff: 'Trần Thị Đào' } })).delivered;
    await until([s.h41.connector], () => s.requests.length === 1);
    const { decision } = s.requests[0]!;
    expect(decision).toMatchObject({ kind: 'take-back', documentId: s.documentId, requester: VPCP.organId, agency: NGHE_AN.organId, reason: 'Sai sót trong nội dung', state: 'open', inboxId: s.inboxId });
    expect(await s.h41.connector.decisions({ state: 'open' })).toHaveLength(1);

    const answered = await s.h41.connector.answer(decision.id, 'agree', 'Đồng ý trả lại');
    expect(answered.decision.state).toBe('agreed');
    expect(answered.withdrawn).toEqual([s.inboxId]);
    await answered.delivered;
    expect(s.withdrawn).toEqual([{ inboxId: s.inboxId, documentId: s.documentId, reason: 'take-back', decisionId: decision.id }]);
    expect((await s.h41.store.getInbox(s.inboxId))!.withdrawn).toBe(true);
    expect((await s.h41.connector.receivedTracking())[0]).toMatchObject({ withdrawn: true });
    await expect(s.h41.connector.report(s.inboxId, '03')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION' });
    // the same answer again is idempotent; the other one is refused
    expect((await s.h41.connector.answer(decision.id, 'agree')).outboxId).toBe(answered.outboxId);
    await expect(s.h41.connector.answer(decision.id, 'refuse', 'không')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION' });

    await until([s.g22.connector], () => s.statuses.some((e) => e.code === '15'));
    expect(s.statuses.find((e) => e.code === '15')).toMatchObject({ documentId: s.documentId, from: NGHE_AN.organId, matched: true });
    expect(await codesAtSender(s)).toEqual(['01']);
    const inStatuses = await s.g22.store.listStatuses({ direction: 'in', documentId: s.documentId });
    expect(inStatuses.map((x) => x.code)).toEqual(['01', '15']);
    // the sender sees the document withdrawn at that recipient
    expect((await s.g22.connector.sentTracking())[0]!.recipients[0]).toMatchObject({ organId: NGHE_AN.organId, withdrawn: true });
  });

  test('answers go to the request they answer: 16 to an update, then 15 to a later revoke', async () => {
    const s = await scene();
    await (await s.g22.connector.update(s.documentId, { metadata: { subject: 'V/v thử nghiệm (sửa)' }, reason: 'Sửa trích yếu' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 1);
    await (await s.h41.connector.answer(s.requests[0]!.decision.id, 'refuse', 'Không đồng ý cập nhật')).delivered;
    await until([s.g22.connector], () => s.statuses.some((e) => e.code === '16'));
    await (await s.g22.connector.revoke(s.documentId, { reason: 'Thu hồi' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 2);
    await (await s.h41.connector.answer(s.requests[1]!.decision.id, 'agree')).delivered;
    await until([s.g22.connector], () => s.statuses.some((e) => e.code === '15'));
    const sent = await s.g22.connector.sentTracking();
    const byType = (t: number) => sent.find((d) => d.businessDocType === t)!.recipients[0]!;
    expect(byType(2).events.map((e) => e.code)).toEqual(['16']);
    expect(byType(1).events.map((e) => e.code)).toEqual(['15']);
    expect(byType(0).events.map((e) => e.code)).toEqual(['01']);
    expect(byType(0).withdrawn).toBe(true);
    expect(byType(2).withdrawn).toBeUndefined();
  });

  test('two answers given in one second both reach the sender, each on its own request', async () => {
    const s = await scene();
    const frozen = new Date();
    await s.h41.restart({ now: () => frozen }); // every answer in the same second
    s.h41.connector.on('request', (r) => void s.requests.push(r));
    s.h41.connector.on('withdrawn', (w) => void s.withdrawn.push(w));
    await (await s.g22.connector.update(s.documentId, { metadata: { subject: 'V/v thử nghiệm (sửa)' }, reason: 'Sửa trích yếu' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 1);
    await (await s.h41.connector.answer(s.requests[0]!.decision.id, 'agree')).delivered;
    await until([s.g22.connector], () => s.statuses.some((e) => e.code === '15'));
    await (await s.g22.connector.requestTakeBack(s.documentId, { reason: 'Sai sót' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 2);
    await (await s.h41.connector.answer(s.requests[1]!.decision.id, 'agree')).delivered;
    await until([s.g22.connector], () => s.statuses.filter((e) => e.code === '15').length === 2);
    const stamps = s.statuses.filter((e) => e.code === '15').map((e) => e.message.timestamp);
    expect(new Set(stamps).size).toBe(2);
    const sent = await s.g22.connector.sentTracking();
    expect(sent.find((d) => d.businessDocType === 2)!.recipients[0]!.events.map((e) => e.code)).toEqual(['15']);
    expect(sent.find((d) => d.businessDocType === 0)!.recipients[0]!.withdrawn).toBe(true);
  });

  test('a refused take-back leaves the document in processing at the sender', async () => {
    const s = await scene();
    await (await s.g22.connector.requestTakeBack(s.documentId, { reason: 'Sai sót' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 1);
    await (await s.h41.connector.answer(s.requests[0]!.decision.id, 'refuse', 'Đã xử lý')).delivered;
    await until([s.g22.connector], () => s.statuses.some((e) => e.code === '16'));
    const [doc] = await s.g22.connector.sentTracking();
    expect(doc!.recipients[0]!.withdrawn).toBeUndefined();
  });

  test('a revoke package becomes a pending decision; refusing sends 16 with the reason and keeps the document', async () => {
    const s = await scene();
    await (await s.g22.connector.revoke(s.documentId, { reason: 'Ban hành nhầm' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 1);
    const { decision } = s.requests[0]!;
    expect(decision).toMatchObject({ kind: 'revoke', documentId: s.documentId, reason: 'Ban hành nhầm', state: 'open', inboxId: s.inboxId });
    // the revoke is not a new document: no document event, no 01
    expect(s.documents).toHaveLength(1);
    await expect(s.h41.connector.answer(decision.id, 'refuse')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_REASON_REQUIRED' });
    const answered = await s.h41.connector.answer(decision.id, 'refuse', 'Văn bản đã được xử lý xong');
    await answered.delivered;
    expect(answered.withdrawn).toEqual([]);
    expect((await s.h41.store.getInbox(s.inboxId))!.withdrawn).toBe(false);
    await until([s.g22.connector], () => s.statuses.some((e) => e.code === '16'));
    const sent = (await s.g22.connector.tracking(s.documentId)).sent;
    expect(sent.map((d) => d.businessDocType)).toEqual([0, 1]);
    expect(sent[1]!.recipients[0]!.events).toEqual([expect.objectContaining({ code: '16', description: 'Văn bản đã được xử lý xong' })]);
  });

  test('an agreed revoke withdraws the document', async () => {
    const s = await scene();
    await (await s.g22.connector.revoke(s.documentId, { reason: 'Thu hồi' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 1);
    await (await s.h41.connector.answer(s.requests[0]!.decision.id, 'agree')).delivered;
    expect(s.withdrawn).toEqual([expect.objectContaining({ inboxId: s.inboxId, reason: 'revoke' })]);
  });

  test('an update (recipients added, metadata changed) becomes a pending decision answered with 15', async () => {
    const s = await scene([VPCP, NGHE_AN, NOI_VU]);
    await expect(s.g22.connector.update(s.documentId, {})).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION' });
    await (await s.g22.connector.update(s.documentId, { addRecipients: [NOI_VU], metadata: { subject: 'V/v thử nghiệm (cập nhật)' }, reason: 'Bổ sung nơi nhận' })).delivered;
    await until([s.h41.connector], () => s.requests.length === 1);
    const { decision } = s.requests[0]!;
    expect(decision).toMatchObject({ kind: 'update', documentId: s.documentId, reason: 'Bổ sung nơi nhận' });
    const request = (await s.h41.store.getInbox(decision.requestInboxId))!;
    expect(request.summary).toMatchObject({ businessDocType: 2, subject: 'V/v thử nghiệm (cập nhật)' });
    const answered = await s.h41.connector.answer(decision.id, 'agree');
    await answered.delivered;
    expect(answered.withdrawn).toEqual([]);
    // the added recipient receives the update package too
    const g09 = net!.sides[2]!;
    await until([g09.connector], async () => (await g09.store.listInbox({ messageType: 'edoc' })).length === 1);
    expect((await g09.connector.decisions())[0]).toMatchObject({ kind: 'update', documentId: s.documentId });
  });

  test('a replacement is a new document; the replaced one is withdrawn', async () => {
    const s = await scene();
    const replacement = letter(VPCP, [NGHE_AN], { subject: 'V/v thay thế văn bản' });
    const handle = await s.g22.connector.replace(s.documentId, replacement, { reason: 'Thay thế do sai số liệu' });
    await handle.delivered;
    await until([s.h41.connector], () => s.documents.length === 2);
    expect(s.documents[1]).toMatchObject({ documentId: handle.documentId, replaces: [s.documentId] });
    expect(s.withdrawn).toEqual([expect.objectContaining({ inboxId: s.inboxId, reason: 'replaced' })]);
    expect((await s.h41.store.getInbox(s.documents[1]!.inboxId))!.lifecycle).toBe('01');
  });

  test('business operations on an unknown document are refused', async () => {
    const s = await scene();
    await expect(s.g22.connector.revoke('nothing', { reason: 'x' })).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_NOT_FOUND' });
    await expect(s.h41.connector.answer('d_nothing', 'agree')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_NOT_FOUND' });
  });
});

describe('order under concurrency', () => {
  /** An axis client whose first `slow` sendEdoc calls take 80 ms longer. */
  class FirstSendsSlow extends AxisClient {
    #calls = 0;
    readonly #slow: number;
    constructor(options: ConstructorParameters<typeof AxisClient>[0], slow: number) {
      super(options);
      this.#slow = slow;
    }
    override async sendEdoc(...args: Parameters<AxisClient['sendEdoc']>): ReturnType<AxisClient['sendEdoc']> {
      if (++this.#calls <= this.#slow) await sleep(80);
      return super.sendEdoc(...args);
    }
  }

  test('with many packages in flight, revokes queued right after their documents still reach the recipient after them', async () => {
    net = await startNetwork([VPCP, NGHE_AN], { connector: { concurrency: 16 } });
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    // the documents are sent slowly: a revoke sent beside them would overtake them
    await g22.restart({ axis: new FirstSendsSlow({ endpoint: net.axis.url, systemId: VPCP.organId, secret: SECRETS[VPCP.organId]!, timeoutMs: 5_000 }, 5) });
    await g22.connector.stop(); // queue everything first: one claim takes the documents and the revokes together
    const handles = [];
    for (let i = 0; i < 5; i++) handles.push(await g22.connector.send(letter(VPCP, [NGHE_AN])));
    const revokes = [];
    for (const h of handles) revokes.push(await g22.connector.revoke(h.documentId, { reason: 'Thu hồi' }));
    const requests: RequestEvent[] = [];
    h41.connector.on('request', (r) => void requests.push(r));
    h41.connector.on('document', () => undefined);
    g22.connector.start();
    await Promise.all([...handles, ...revokes].map((h) => h.delivered));
    await g22.connector.stop();
    // on the axis, each revoke comes after the document it revokes
    const client = new AxisClient({ endpoint: net.axis.url, systemId: NGHE_AN.organId, secret: SECRETS[NGHE_AN.organId]! });
    const listed: string[] = [];
    for (const item of (await client.getReceivedEdocList({ messageType: 'edoc' })).items) {
      const m = parseEdxml((await client.getEdoc(item.docId)).bytes);
      if (m.kind === 'edoc') listed.push(m.business?.businessDocType === 1 ? `revoke ${m.business.documentId ?? ''}` : m.documentId);
    }
    expect(listed).toHaveLength(10);
    for (const h of handles) expect(listed.indexOf(`revoke ${h.documentId}`)).toBeGreaterThan(listed.indexOf(h.documentId));
    // one receive pass lists all ten; each revoke is handled after the document it revokes is stored
    await until([h41.connector], () => requests.length === 5);
    for (const r of requests) expect(r.decision).toMatchObject({ kind: 'revoke', inboxId: expect.any(String) });
  });
});
