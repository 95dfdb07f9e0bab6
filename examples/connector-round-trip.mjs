// Two agencies with a Connector each (and their own FileStore) on a LocalAxis: the ministry
// sends a document; the province receives it (01 goes back by itself), registers it (03), a
// leader assigns it (04), a specialist works on it (05) and finishes (06). The ministry's
// tracking shows the whole trail and classifies the province as reporting in full.
// Run: node examples/connector-round-trip.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connector, FileStore } from 'vdxp-connector';
import { LocalAxis, sampleEdoc } from 'vdxp-connector/testing';

const ministry = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const province = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };

const axis = await LocalAxis.start({
  systems: [
    { systemId: ministry.organId, secret: 'secret-G09' },
    { systemId: province.organId, secret: 'secret-H41' },
  ],
});
const dirs = [await mkdtemp(join(tmpdir(), 'vdxp-ministry-')), await mkdtemp(join(tmpdir(), 'vdxp-province-'))];
const stores = [await FileStore.open({ dir: dirs[0] }), await FileStore.open({ dir: dirs[1] })];
const sender = new Connector({ axis: { endpoint: axis.url, systemId: ministry.organId, secret: 'secret-G09' }, store: stores[0], agency: ministry, pollIntervalMs: 100 });
const receiver = new Connector({ axis: { endpoint: axis.url, systemId: province.organId, secret: 'secret-H41' }, store: stores[1], agency: province, pollIntervalMs: 100 });

try {
  const arrived = new Promise((resolve) => receiver.on('document', resolve));
  receiver.start();
  sender.start();

  const { documentId, delivered } = await sender.send({ ...sampleEdoc({ to: [province] }), from: ministry, documentId: undefined, traceHeaders: undefined, business: undefined });
  const report = await delivered;
  console.log(`sent ${documentId} (axis DocId ${report.axisDocId}, ${report.attempts} attempt)`);

  const document = await arrived;
  console.log(`received: ${document.message.subject}`);
  const clerk = { department: 'Văn thư', staff: 'Lê Thị Hồng Nhung' };
  for (const [code, staff, description] of [
    ['03', clerk, 'Đã vào sổ văn bản đến'],
    ['04', { department: 'Lãnh đạo', staff: 'Nguyễn Văn An' }, 'Giao Sở Nội vụ chủ trì'],
    ['05', { department: 'Sở Nội vụ', staff: 'Trần Minh Đức' }, 'Đang dự thảo báo cáo'],
    ['06', { department: 'Sở Nội vụ', staff: 'Trần Minh Đức' }, 'Đã hoàn thành'],
  ]) {
    await (await receiver.report(document.inboxId, code, { staff, description })).delivered;
    console.log(`reported ${code}`);
  }

  const deadline = Date.now() + 20_000;
  let trail = [];
  while (trail.length < 5 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    trail = (await sender.tracking(documentId)).sent[0]?.recipients[0]?.events ?? [];
  }
  console.log(`the ministry sees: ${trail.map((e) => `${e.code} at ${e.at}`).join(', ')}`);
  const classes = await sender.reportingClasses();
  console.log(`the province reports: ${classes[province.organId]}`);
  if (trail.length !== 5 || classes[province.organId] !== 'full') process.exitCode = 1;
} finally {
  await sender.stop();
  await receiver.stop();
  for (const s of stores) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await axis.close();
}
