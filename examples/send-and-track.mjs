// A document management system sends an official letter and follows its trail.
//
// The sending side of an integration: `connector.send()` checks the document (a secret one is
// refused before anything leaves), builds the edXML package, keeps it in a durable outbox and
// delivers it with retries; the statuses recipients report (01 arrived, 03 registered,
// 04 assigned, 05 in progress, 06 done) come back as `status` events and are kept per
// recipient, so the application can show the letter's trail ("sổ theo dõi văn bản đi") and
// see who reports in full. The two recipients are simulated by a second connector whose
// people act after a short while; on the real axis they are other agencies' systems.
// Run: node examples/send-and-track.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connector, FileStore, isVdxpError, statusLabel, vietnamDate } from 'vdxp-connector';
import { createTestPdf, LocalAxis } from 'vdxp-connector/testing';

const ministry = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const ngheAn = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };
const haTinh = { organId: '000.00.00.H42', organName: 'UBND tỉnh Hà Tĩnh' };

// A local axis stands in for the national one; each system has the id and secret the axis
// operator issued to it. The two provinces share one simulated system here.
const axis = await LocalAxis.start({
  systems: [
    { systemId: ministry.organId, secret: 'secret-G09' },
    { systemId: 'vxp.simulated.provinces', secret: 'secret-provinces', agencies: [{ code: ngheAn.organId, name: ngheAn.organName }, { code: haTinh.organId, name: haTinh.organName }] },
  ],
});
const dirs = [await mkdtemp(join(tmpdir(), 'vdxp-dms-')), await mkdtemp(join(tmpdir(), 'vdxp-provinces-'))];
// FileStore: a journal fsynced once per batch of changes (group commit), folded into one JSON
// file per record in the background and on close
const [dmsStore, provincesStore] = [await FileStore.open({ dir: dirs[0] }), await FileStore.open({ dir: dirs[1] })];

// --- the sending system --------------------------------------------------------------------
const dms = new Connector({
  axis: { endpoint: axis.url, systemId: ministry.organId, secret: 'secret-G09' },
  store: dmsStore,
  agency: ministry,
  pollIntervalMs: 100, // a real deployment polls every few seconds (default 5 s)
  // packages sent, fetched and processed at once (default 8); a revoke or an update still
  // follows the document it concerns, and packages about one document keep their order
  concurrency: 8,
});
dms.on('status', ({ from, code, status }) => {
  const who = status.staff ? ` — ${status.staff.department}, ${status.staff.staff}` : '';
  console.log(`  ← ${from}: ${code} ${statusLabel(code, 'vi')} (${statusLabel(code, 'en')}) at ${status.at}${who}`);
});
dms.on('error', ({ phase, error }) => console.error(`  ! ${phase}: ${error.message}`));

// --- the recipients, simulated: clerk, leader and specialist act in turn -------------------
const provinces = new Connector({
  axis: { endpoint: axis.url, systemId: 'vxp.simulated.provinces', secret: 'secret-provinces' },
  store: provincesStore,
  agencies: [ngheAn, haTinh],
  pollIntervalMs: 100,
});
const people = {
  '03': { department: 'Văn thư', staff: 'Lê Thị Hoa' },
  '04': { department: 'Lãnh đạo UBND tỉnh', staff: 'Nguyễn Văn An' },
  '05': { department: 'Sở Nội vụ', staff: 'Trần Minh Đức' },
  '06': { department: 'Sở Nội vụ', staff: 'Trần Minh Đức' },
};
provinces.on('document', ({ inboxId, to }) => {
  // Hà Tĩnh's people only register the letter; Nghệ An's carry it through to the end.
  const steps = to === ngheAn.organId ? ['03', '04', '05', '06'] : ['03'];
  void (async () => {
    for (const code of steps) {
      await sleep(150);
      await provinces.report(inboxId, code, { staff: people[code] });
    }
  })();
});

try {
  dms.start();
  provinces.start();

  // A document marked secret (Mật) never goes over the axis: refused before anything is stored.
  const letter = {
    to: [ngheAn, haTinh],
    code: { codeNumber: '2140', codeNotation: 'BNV-VP' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: vietnamDate(new Date()) },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: 'V/v báo cáo tình hình thực hiện liên thông văn bản điện tử năm 2026',
    signerInfo: { competence: 'TL. BỘ TRƯỞNG', position: 'Chánh Văn phòng', fullName: 'Lê Văn Nam' },
    otherInfo: { priority: 0, appendixes: [] },
    attachments: [{ contentId: 'cv-2140', name: 'CV-2140-BNV-VP.pdf', contentType: 'application/pdf', data: createTestPdf({ text: 'Cong van 2140/BNV-VP' }) }],
  };
  try {
    await dms.send({ ...letter, secrecy: 'mat' });
  } catch (e) {
    if (!isVdxpError(e) || e.code !== 'VDXP_CONNECTOR_SECRET_REFUSED') throw e;
    console.log(`secret copy refused (${e.code})`);
  }

  // The ordinary letter: queued durably, then delivered; `delivered` settles once the axis has it.
  const { documentId, delivered } = await dms.send(letter);
  const sent = await delivered;
  console.log(`sent ${documentId}\n  axis DocId ${sent.axisDocId}, ${sent.attempts} attempt(s), ${Math.round(sent.steps.sendMs)} ms on the wire`);

  // Follow the trail until Nghệ An has finished (06) and Hà Tĩnh has registered it (03).
  const done = (trail) => trail.recipients.every((r) => r.events.some((e) => e.code === (r.organId === ngheAn.organId ? '06' : '03')));
  const deadline = Date.now() + 20_000;
  let trail;
  do {
    await sleep(100);
    [trail] = (await dms.tracking(documentId)).sent;
  } while (!(trail && done(trail)) && Date.now() < deadline);

  // The tracking table, as the application would show it, and each recipient's reporting class.
  const classes = (await dms.tracking(documentId)).classes;
  console.log(`\n${trail.code} — ${trail.subject}`);
  for (const r of trail.recipients) {
    console.log(`  ${r.organId} ${(r.organName ?? '').padEnd(18)} ${classes[r.organId].padEnd(12)} ${r.events.map((e) => `${e.code}@${e.at.slice(11, 19)}`).join(' ')}`);
  }
  if (!done(trail) || classes[ngheAn.organId] !== 'full' || classes[haTinh.organId] !== 'partial') {
    console.error('the trail is not what the recipients reported');
    process.exitCode = 1;
  }
} finally {
  await dms.stop();
  await provinces.stop();
  await dmsStore.close();
  await provincesStore.close();
  await axis.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}
