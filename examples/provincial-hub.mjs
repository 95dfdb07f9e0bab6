// A provincial hub: one axis connection serving many units.
//
// A province's document system usually holds one system id and secret on the axis and serves
// all its units behind it (the People's Committee, its departments, districts, communes). It
// registers those units in the axis directory under its system (`registerAgency`), runs one
// Connector with `agencies: [...]`, and every package then says which unit it is from or for:
// a document arrives for one unit (`event.to`), the unit's people report on it (the status
// goes out from that unit), and a unit sends in its own name (`send({ from })`). A unit that
// joins later is registered, added to the list, and reachable at once.
// Run: node examples/provincial-hub.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AxisClient, Connector, FileStore, vietnamDate } from 'vdxp-connector';
import { createTestPdf, LocalAxis } from 'vdxp-connector/testing';

const ministry = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const hubSystem = { systemId: '000.00.00.H41', secret: 'secret-H41' }; // issued by the axis operator
const units = [
  { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
  { organId: '000.00.01.H41', organName: 'Sở Nội vụ tỉnh Nghệ An' },
  { organId: '000.00.02.H41', organName: 'Sở Tài chính tỉnh Nghệ An' },
];
const laterUnit = { organId: '000.00.03.H41', organName: 'Sở Tư pháp tỉnh Nghệ An' };

const axis = await LocalAxis.start({
  systems: [
    { systemId: ministry.organId, secret: 'secret-G09', name: ministry.organName },
    { ...hubSystem, name: units[0].organName },
  ],
});
const dir = await mkdtemp(join(tmpdir(), 'vdxp-hub-'));
const hubStore = await FileStore.open({ dir: join(dir, 'hub') });
const ministryStore = await FileStore.open({ dir: join(dir, 'ministry') });

// The hub's one client: used for the directory and handed to its connector.
const hubClient = new AxisClient({ endpoint: axis.url, ...hubSystem });

/** Registers the units the axis directory does not list yet, under the hub's system. */
async function registerUnits(list) {
  const known = new Set((await hubClient.getAgenciesList()).items.map((a) => a.code));
  for (const u of list.filter((u) => !known.has(u.organId))) {
    await hubClient.registerAgency({ pcode: hubSystem.systemId, code: u.organId, name: u.organName });
    console.log(`registered ${u.organId} ${u.organName} under ${hubSystem.systemId}`);
  }
}

/** The hub's connector for a list of units (the first is the default sender). */
function hubConnector(list) {
  const connector = new Connector({ axis: hubClient, store: hubStore, agencies: list, pollIntervalMs: 100 });
  // Each arrival goes to the unit it is for; its clerk registers it (03), from that unit.
  connector.on('document', async ({ inboxId, to, message }) => {
    const unit = list.find((u) => u.organId === to);
    console.log(`  hub: ${message.code.codeNumber}/${message.code.codeNotation} is for ${unit.organName} (${to})`);
    await connector.report(inboxId, '03', { staff: { department: `Văn thư ${unit.organName}`, staff: 'Văn thư' } });
  });
  return connector;
}

const letter = (from, to, number, notation, subject) => ({
  from,
  to,
  code: { codeNumber: number, codeNotation: notation },
  promulgationInfo: { place: 'Nghệ An', promulgationDate: vietnamDate(new Date()) },
  documentType: { type: 1, typeName: 'Công văn' },
  subject,
  otherInfo: { priority: 0, appendixes: [] },
  attachments: [{ contentId: 'cv', name: `CV-${number}.pdf`, contentType: 'application/pdf', data: createTestPdf({ text: `Cong van ${number}/${notation}` }) }],
});

const ministryConnector = new Connector({ axis: { endpoint: axis.url, systemId: ministry.organId, secret: 'secret-G09' }, store: ministryStore, agency: ministry, pollIntervalMs: 100 });
const fromUnits = [];
ministryConnector.on('document', ({ from, message }) => void fromUnits.push(`${from} ${message.code.codeNumber}/${message.code.codeNotation}`));

/** Waits until `check` holds (the connectors run meanwhile). */
async function until(check, what) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`${what}: not reached`);
}
const codesFrom = async (documentId, organId) =>
  (await ministryConnector.tracking(documentId)).sent[0]?.recipients.find((r) => r.organId === organId)?.events.map((e) => e.code) ?? [];

let hub = hubConnector(units);
try {
  await registerUnits(units);
  hub.start();
  ministryConnector.start();

  // The ministry writes to two departments of the province: one package, two recipients behind one system.
  const sent = await ministryConnector.send(letter(ministry, units.slice(1), '77', 'BNV-TCBC', 'V/v rà soát vị trí việc làm'));
  await sent.delivered;
  await until(async () => (await codesFrom(sent.documentId, units[1].organId)).includes('03') && (await codesFrom(sent.documentId, units[2].organId)).includes('03'), 'both departments reporting 03');
  for (const u of units.slice(1)) console.log(`ministry sees ${u.organId}: ${(await codesFrom(sent.documentId, u.organId)).join(' → ')}`);

  // A department answers in its own name through the same connection.
  const reply = await hub.send(letter(units[2], [ministry], '1203', 'STC-NS', 'V/v báo cáo vị trí việc làm'));
  await reply.delivered;
  await until(() => fromUnits.length === 1, 'the department’s letter reaching the ministry');
  console.log(`ministry received from ${fromUnits[0]}`);

  // A unit joins: register it, restart the connector with it in the list; it is reachable at once.
  await hub.stop();
  await registerUnits([laterUnit]);
  hub = hubConnector([...units, laterUnit]);
  hub.start();
  const third = await ministryConnector.send(letter(ministry, [laterUnit], '78', 'BNV-PC', 'V/v kiểm tra văn bản quy phạm pháp luật'));
  await third.delivered;
  await until(async () => (await codesFrom(third.documentId, laterUnit.organId)).includes('03'), 'the new unit reporting 03');
  console.log(`ministry sees ${laterUnit.organId}: ${(await codesFrom(third.documentId, laterUnit.organId)).join(' → ')}`);

  // One store holds every unit's documents; each entry knows its unit.
  const received = await hubStore.listInbox({ messageType: 'edoc' });
  console.log(`the hub's store: ${received.map((e) => `${e.summary.code} for ${e.to}`).join(', ')}`);
  const expected = [`77/BNV-TCBC for ${units[1].organId}`, `77/BNV-TCBC for ${units[2].organId}`, `78/BNV-PC for ${laterUnit.organId}`];
  const got = received.map((e) => `${e.summary.code} for ${e.to}`).sort();
  if (got.join() !== expected.join() || fromUnits[0] !== `${units[2].organId} 1203/STC-NS`) process.exitCode = 1;
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
} finally {
  await hub.stop();
  await ministryConnector.stop();
  await hubStore.close();
  await ministryStore.close();
  await axis.close();
  await rm(dir, { recursive: true, force: true });
}
