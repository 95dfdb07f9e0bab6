/**
 * The demo's processing trail: at each recipient the clerk registers the letter (03), a
 * leader assigns it (04), a specialist works on it (05) and finishes (06); the ministry sees
 * every step come back.
 * @internal
 * @module
 */
import type { DocumentEvent, StaffInfo } from '../../index.js';
import { named, type DemoAgency } from './cast.js';
import { codeLabel, type DemoOutput } from './demo-output.js';
import { expectStep, type DemoWorld } from './demo-world.js';
import type { SentLetter } from './steps-delivery.js';

/** The codes a full trail carries, in order. */
export const FULL_TRAIL = ['01', '03', '04', '05', '06'] as const;

/** Who does what at a recipient, with a note in the status' Description. */
function trailOf(agency: DemoAgency): readonly { code: string; role: string; staff: StaffInfo; description: string }[] {
  const s = agency.staff;
  return [
    { code: '03', role: 'văn thư (clerk)', staff: s.clerk, description: `Đã vào sổ văn bản đến số ${agency.key === 'province' ? 412 : 57}` },
    { code: '04', role: 'lãnh đạo (leader)', staff: s.leader, description: `Giao ${s.specialist.department} chủ trì tham mưu` },
    { code: '05', role: 'chuyên viên (specialist)', staff: s.specialist, description: 'Đang tổng hợp số liệu báo cáo' },
    { code: '06', role: 'chuyên viên (specialist)', staff: s.specialist, description: 'Đã gửi báo cáo' },
  ];
}

/** Each recipient reports 03 → 04 → 05 → 06 as its people act; the ministry waits for the full trails. */
export async function processLetter(world: DemoWorld, out: DemoOutput, sent: SentLetter, arrivals: Map<DemoAgency['key'], DocumentEvent>): Promise<void> {
  for (const key of ['province', 'commune'] as const) {
    const party = world.party(key);
    const doc = arrivals.get(key)!;
    out.step(`${named(party.agency)} processes the letter and reports each step back (báo cáo trạng thái xử lý)`);
    for (const move of trailOf(party.agency)) {
      const description = move.description;
      const result = await party.connector.report(doc.inboxId, move.code, { staff: move.staff, description });
      await result.delivered;
      expectStep(!result.repeated, `${party.agency.organName}: ${move.code} was not sent`);
      out.detail(`${codeLabel(move.code)} — ${move.role} ${move.staff.staff}, ${move.staff.department}: “${description}”`);
    }
  }
  out.step('The ministry’s Connector receives every status and attaches it to the letter (theo dõi văn bản đi)');
  await world.until('both full trails reaching the ministry', async () => {
    const tracking = await world.party('ministry').connector.tracking(sent.documentId);
    const doc = tracking.sent.find((d) => d.businessDocType === 0);
    return !!doc && doc.recipients.every((r) => FULL_TRAIL.every((c) => r.events.some((e) => e.code === c)));
  });
  const tracking = await world.party('ministry').connector.tracking(sent.documentId);
  for (const [organId, cls] of Object.entries(tracking.classes)) {
    out.detail(`${organId}: reporting class ${cls}`);
    expectStep(cls === 'full', `${organId} is classified ${cls}, not full`);
  }
}
