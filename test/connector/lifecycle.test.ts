import { afterEach, describe, expect, test } from 'vitest';
import { ConnectorError } from '../../src/errors.js';
import { allowedMoves, checkTransition, LIFECYCLE_MOVES } from '../../src/connector/lifecycle.js';
import { NGHE_AN, VPCP, letter, startNetwork, until, type Network, type Side } from '../helpers/connector-setup.js';

const CODES = ['01', '02', '03', '04', '05', '06'] as const;
const ALLOWED: Record<string, string[]> = {
  none: ['01'],
  '01': ['02', '03'],
  '02': [],
  '03': ['04', '05', '06'],
  '04': ['05', '06'],
  '05': ['05', '06'],
  '06': [],
};

describe('lifecycle rules (workflow.md section 2)', () => {
  const pairs = Object.keys(ALLOWED).flatMap((from) => CODES.map((to) => [from, to] as const));
  test.each(pairs)('%s → %s is allowed only where the workflow says so', (from, to) => {
    const current = from === 'none' ? undefined : from;
    if (ALLOWED[from]!.includes(to)) {
      expect(() => checkTransition(current, to)).not.toThrow();
    } else {
      let error: unknown;
      try {
        checkTransition(current, to);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION' });
      const message = (error as ConnectorError).message;
      expect(message).toContain(current === undefined ? 'no status yet' : `at ${from}`);
      if (ALLOWED[from]!.length === 0) expect(message).toContain('final');
      for (const ok of ALLOWED[from]!) expect(message).toContain(ok);
      expect((error as ConnectorError).messageVi).toMatch(/Không thể báo/);
    }
  });

  test('the table matches the exported moves', () => {
    for (const [from, to] of Object.entries(ALLOWED)) expect([...allowedMoves(from === 'none' ? undefined : from)]).toEqual(to);
    expect(Object.keys(LIFECYCLE_MOVES).sort()).toEqual(Object.keys(ALLOWED).sort());
    expect(allowedMoves('13')).toEqual([]);
  });
});

describe('report()', () => {
  let net: Network | undefined;
  afterEach(async () => {
    await net?.close();
    net = undefined;
  });

  async function received(): Promise<{ g22: Side; h41: Side; inboxId: string; documentId: string }> {
    net = await startNetwork();
    const [g22, h41] = [net.sides[0]!, net.sides[1]!];
    const { documentId, delivered } = await g22.connector.send(letter(VPCP, [NGHE_AN]));
    await delivered;
    await until([h41.connector], async () => (await h41.store.listInbox({ messageType: 'edoc' }))[0]?.lifecycle === '01');
    const [entry] = await h41.store.listInbox({ messageType: 'edoc' });
    return { g22, h41, inboxId: entry!.id, documentId };
  }

  const statusPackages = async (side: Side) => (await side.store.listOutbox({ messageType: 'status' })).map((o) => o.operation);

  test('02 needs a reason; with one it is sent and is final', async () => {
    const { h41, inboxId } = await received();
    await expect(h41.connector.report(inboxId, '02')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_REASON_REQUIRED' });
    await expect(h41.connector.report(inboxId, '02', { description: '  ' })).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_REASON_REQUIRED' });
    const r = await h41.connector.report(inboxId, '02', { description: 'Gửi nhầm đơn vị' });
    expect(r).toMatchObject({ code: '02', repeated: false });
    await r.delivered;
    await expect(h41.connector.report(inboxId, '03')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION', message: expect.stringContaining('final') });
    expect(await statusPackages(h41)).toEqual(['01', '02']);
  });

  test('repeating the current code sends nothing; a 05 with a new description is a progress report', async () => {
    const { h41, inboxId, documentId } = await received();
    const first = await h41.connector.report(inboxId, '03');
    const again = await h41.connector.report(documentId, '03', { description: 'lần nữa' });
    expect(again).toMatchObject({ repeated: true, outboxId: first.outboxId });
    await (await h41.connector.report(inboxId, '05', { description: 'đang soạn trả lời' })).delivered;
    expect(await h41.connector.report(inboxId, '05', { description: 'đang soạn trả lời' })).toMatchObject({ repeated: true });
    expect(await h41.connector.report(inboxId, '05')).toMatchObject({ repeated: true });
    expect(await h41.connector.report(inboxId, '05', { description: 'đã trình lãnh đạo' })).toMatchObject({ repeated: false });
    await (await h41.connector.report(inboxId, '06')).delivered;
    await expect(h41.connector.report(inboxId, '05', { description: 'x' })).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION' });
    expect(await statusPackages(h41)).toEqual(['01', '03', '05', '05', '06']);
    const [tracked] = await h41.connector.receivedTracking();
    expect(tracked!.reported.map((e) => e.code)).toEqual(['01', '03', '05', '05', '06']);
  });

  test('impossible moves, other codes and unknown documents are refused', async () => {
    const { h41, inboxId } = await received();
    await expect(h41.connector.report(inboxId, '04')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION', message: expect.stringMatching(/at 01.*allowed: 02.*03/) });
    await expect(h41.connector.report(inboxId, '15')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_BAD_TRANSITION', message: expect.stringContaining('answer()') });
    await expect(h41.connector.report('no-such-document', '03')).rejects.toMatchObject({ code: 'VDXP_CONNECTOR_NOT_FOUND' });
  });

  test('a report queued before a crash but not yet in the lifecycle is completed, not sent twice', async () => {
    const { h41, inboxId } = await received();
    await (await h41.connector.report(inboxId, '03')).delivered;
    const entry = (await h41.store.getInbox(inboxId))!;
    await h41.store.updateInbox(inboxId, { lifecycle: '01' }, { version: entry.version });
    const again = await h41.connector.report(inboxId, '03');
    expect(again.repeated).toBe(true);
    expect((await h41.store.getInbox(inboxId))!.lifecycle).toBe('03');
    expect(await statusPackages(h41)).toEqual(['01', '03']);
  });

  test('the sender sees the statuses with who acted and when', async () => {
    const { g22, h41, inboxId, documentId } = await received();
    const staff = { department: 'Văn phòng', staff: 'Lê Thị Hồng Nhung', email: 'vanthu@nghean.gov.vn' };
    await (await h41.connector.report(inboxId, '03', { staff, description: 'Đã vào sổ' })).delivered;
    await until([g22.connector], async () => ((await g22.connector.tracking(documentId)).sent[0]?.recipients[0]?.events.length ?? 0) === 2);
    const { sent, classes } = await g22.connector.tracking(documentId);
    const event = sent[0]!.recipients[0]!.events[1]!;
    expect(event).toMatchObject({ code: '03', staff, description: 'Đã vào sổ' });
    expect(event.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(classes[NGHE_AN.organId]).toBe('partial');
  });
});
