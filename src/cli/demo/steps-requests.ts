/**
 * The demo's requests after sending: the ministry updates the letter (the recipients agree,
 * 15), then asks for it back (13): the province refuses (16), the commune agrees (15) and the
 * letter is withdrawn from its processing.
 * @internal
 * @module
 */
import { vietnamDate, type Decision } from '../../index.js';
import { COMMUNE, MINISTRY, named, PROVINCE, type DemoAgency } from './cast.js';
import { codeLabel, type DemoOutput } from './demo-output.js';
import { expectStep, type DemoWorld } from './demo-world.js';
import type { SentLetter } from './steps-delivery.js';

const DAY = 86_400_000;
const RECIPIENTS = ['province', 'commune'] as const;

/** Waits until each recipient has an open request of `kind` about the letter; returns them. */
async function openRequests(world: DemoWorld, sent: SentLetter, kind: Decision['kind']): Promise<Map<DemoAgency['key'], Decision>> {
  const find = (key: DemoAgency['key']) =>
    world.party(key).seen.requests.map((r) => r.decision).find((d) => d.documentId === sent.documentId && d.kind === kind && d.state === 'open');
  await world.until(`the ${kind} request reaching both recipients`, () => RECIPIENTS.every((k) => find(k) !== undefined));
  return new Map(RECIPIENTS.map((k) => [k, find(k)!]));
}

/** Waits until the ministry has `count` statuses `code` from `from` about the letter. */
async function answersArrive(world: DemoWorld, sent: SentLetter, wanted: readonly { from: DemoAgency; code: string; count: number }[]): Promise<void> {
  const seen = world.party('ministry').seen.statuses;
  await world.until('the answers reaching the ministry', () =>
    wanted.every((w) => seen.filter((s) => s.documentId === sent.documentId && s.from === w.from.organId && s.code === w.code).length >= w.count),
  );
}

/** An update answered 15 by both recipients. */
export async function updateLetter(world: DemoWorld, out: DemoOutput, sent: SentLetter): Promise<void> {
  const ministry = world.party('ministry');
  const dueDate = vietnamDate(new Date(Date.now() + 21 * DAY));
  out.step(`${MINISTRY.organName} updates the letter (cập nhật văn bản): the deadline (hạn xử lý) moves to ${dueDate}`);
  const handle = await ministry.connector.update(sent.documentId, {
    metadata: { dueDate },
    reason: 'Điều chỉnh thời hạn gửi báo cáo',
    staff: MINISTRY.staff.clerk,
  });
  const report = await handle.delivered;
  out.detail(`update package (BusinessDocType 2) accepted by the axis: DocId ${report.axisDocId}`);
  const requests = await openRequests(world, sent, 'update');
  for (const key of RECIPIENTS) {
    const party = world.party(key);
    const decision = requests.get(key)!;
    out.detail(`${party.agency.organName}: pending decision ${decision.id} (${decision.kind}: “${decision.reason ?? ''}”) — the clerk agrees`);
    const answered = await party.connector.answer(decision.id, 'agree', undefined, { staff: party.agency.staff.clerk });
    await answered.delivered;
  }
  await answersArrive(world, sent, [{ from: PROVINCE, code: '15', count: 1 }, { from: COMMUNE, code: '15', count: 1 }]);
  out.detail(`the ministry received ${codeLabel('15')} from both`);
}

/** A take-back (13): the province refuses (16), the commune agrees (15) and withdraws the letter. */
export async function takeBackLetter(world: DemoWorld, out: DemoOutput, sent: SentLetter): Promise<void> {
  const ministry = world.party('ministry');
  out.step(`${MINISTRY.organName} asks for the letter back (${codeLabel('13')}, thu hồi)`);
  const handle = await ministry.connector.requestTakeBack(sent.documentId, {
    reason: 'Văn bản có sai sót ở phụ lục, sẽ ban hành văn bản thay thế',
    staff: MINISTRY.staff.leader,
  });
  await handle.delivered;
  const requests = await openRequests(world, sent, 'take-back');

  const province = world.party('province');
  const refusal = 'Văn bản đã được xử lý xong và đã gửi báo cáo';
  await (await province.connector.answer(requests.get('province')!.id, 'refuse', refusal, { staff: province.agency.staff.leader })).delivered;
  out.detail(`${named(PROVINCE)}: ${codeLabel('16')} — “${refusal}”`);

  const commune = world.party('commune');
  const agreed = await commune.connector.answer(requests.get('commune')!.id, 'agree', undefined, { staff: commune.agency.staff.leader });
  await agreed.delivered;
  out.detail(`${named(COMMUNE)}: ${codeLabel('15')} — the letter is withdrawn from its processing (${agreed.withdrawn.length} inbox entry)`);
  expectStep(agreed.withdrawn.length === 1, 'the commune did not withdraw the letter');
  expectStep(commune.seen.withdrawn.some((w) => w.documentId === sent.documentId && w.reason === 'take-back'), 'the commune’s application was not told of the withdrawal');

  await answersArrive(world, sent, [{ from: PROVINCE, code: '16', count: 1 }, { from: COMMUNE, code: '15', count: 2 }]);
  const trail = (await ministry.connector.tracking(sent.documentId)).sent.find((d) => d.businessDocType === 0);
  const withdrawn = trail?.recipients.filter((r) => r.withdrawn).map((r) => r.organId) ?? [];
  out.detail(`the ministry received both answers; withdrawn at: ${withdrawn.join(', ') || 'none'}`);
  expectStep(withdrawn.length === 1 && withdrawn[0] === COMMUNE.organId, `the ministry's tracking marks ${withdrawn.join(', ') || 'no recipient'} withdrawn, not the commune`);
}
