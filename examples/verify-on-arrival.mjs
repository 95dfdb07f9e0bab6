// The receiving clerk's check (kiểm tra chữ ký số khi tiếp nhận) of each arriving document.
//
// Nghị định 30/2020 asks the clerk to check a received electronic document before registering
// it: the PDF must carry a valid digital signature of the competent person and of the issuing
// body (Art. 5), unchanged since signing. The connector verifies every arrival (the package's
// XML signature and the PDF signatures) and, with `onInvalid: 'hold'`, hands a failing one to
// a person instead of deciding alone. Here the clerk looks at each PDF signature, registers
// (03) what is complete and valid, and refuses (02) the rest, telling the sender why in
// Vietnamese. Three letters arrive: one in order, one the body never signed, one changed after
// signing.
// Run: node examples/verify-on-arrival.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connector, FileStore, signPdf, TrustStore, verifyPdf, vietnamDate } from 'vdxp-connector';
import { createTestPdf, createTestPki, LocalAxis } from 'vdxp-connector/testing';

const ministry = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const province = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };

// A real system trusts the Government CA files it downloaded (TrustStore.addTrustFile, checked
// against the built-in pins); the example generates a test PKI with the same profile.
const pki = await createTestPki();
const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });

// --- the sender prepares three PDFs -----------------------------------------------------------
const byPerson = (pdf) => signPdf(pdf, { key: pki.person.privateKey, certificate: pki.person.certificate, reason: 'Ký ban hành', appearance: { preset: 'person' } });
const byBody = (pdf, code) => signPdf(pdf, { key: pki.organization.privateKey, certificate: pki.organization.certificate, reason: 'Phát hành', appearance: { preset: 'organization', documentCode: code } });
const inOrder = await byBody(await byPerson(createTestPdf({ text: 'Cong van 501/BNV-VP' })), '501/BNV-VP');
const unsignedByBody = await byPerson(createTestPdf({ text: 'Cong van 502/BNV-VP' }));
const changed = await byBody(await byPerson(createTestPdf({ text: 'Cong van 503/BNV-VP' })), '503/BNV-VP');
changed[Buffer.from(changed).indexOf('Cong van 503') + 9] ^= 0x01; // "503" becomes "513" inside the signed bytes

const axis = await LocalAxis.start({
  systems: [
    { systemId: ministry.organId, secret: 'secret-G09' },
    { systemId: province.organId, secret: 'secret-H41' },
  ],
});
const dirs = [await mkdtemp(join(tmpdir(), 'vdxp-sender-')), await mkdtemp(join(tmpdir(), 'vdxp-clerk-'))];
const stores = [await FileStore.open({ dir: dirs[0] }), await FileStore.open({ dir: dirs[1] })];
const sender = new Connector({
  axis: { endpoint: axis.url, systemId: ministry.organId, secret: 'secret-G09' },
  store: stores[0],
  agency: ministry,
  // the package itself is signed with the body's key too (XMLDSig); the legal signatures are in the PDF
  signing: { key: pki.organization.privateKey, certificate: pki.organization.certificate, chain: [pki.subCa.certificate] },
  pollIntervalMs: 100,
});
const receiver = new Connector({
  axis: { endpoint: axis.url, systemId: province.organId, secret: 'secret-H41' },
  store: stores[1],
  agency: province,
  // anything invalid or incomplete waits for the clerk (`held`), nothing is decided silently
  verification: { trust, onInvalid: 'hold', onIndeterminate: 'hold', pdfSignatures: 'required' },
  pollIntervalMs: 100,
});

// --- the clerk's desk ----------------------------------------------------------------------------
const clerk = { department: 'Văn thư', staff: 'Lê Thị Hoa' };
receiver.on('document', async ({ inboxId, message, verification }) => {
  const code = `${message.code.codeNumber}/${message.code.codeNotation}`;
  const codes = verification.checks.flatMap((c) => c.reasons.map((r) => `${c.name} ${r}`));
  console.log(`\n${code}: the connector says ${verification.verdict}, ${verification.disposition}${codes.length ? ` (${codes.join(', ')})` : ''}`);
  const problems = [];
  for (const pdf of message.attachments.filter((a) => a.contentType === 'application/pdf')) {
    const report = await verifyPdf(pdf.data, { trust });
    for (const s of report.signatures) {
      console.log(`  ${pdf.name} ${s.field}: ${s.verdict}, ${s.role}, ${s.signer?.commonName}`);
      for (const r of s.reasons.filter((r) => r.severity === 'error' || r.severity === 'indeterminate')) problems.push(r.messageVi);
    }
    // Art. 5: the person's and the body's signature (document-level reasons say which is missing)
    if (!report.legallyComplete) problems.push(...report.reasons.filter((r) => /SIGNATURE_MISSING$/.test(r.code)).map((r) => r.messageVi));
  }
  if (verification.disposition === 'accepted' && problems.length === 0) {
    await receiver.report(inboxId, '03', { staff: clerk, description: 'Chữ ký số hợp lệ; đã vào sổ văn bản đến' });
    console.log('  → registered (03)');
  } else {
    const reason = [...new Set(problems)].join('; ') || 'Chữ ký số không hợp lệ';
    await receiver.report(inboxId, '02', { staff: clerk, description: `Từ chối tiếp nhận: ${reason}` });
    console.log(`  → refused (02): ${reason}`);
  }
});

try {
  sender.start();
  receiver.start();
  const letter = (n, pdf) => ({
    to: [province],
    code: { codeNumber: String(n), codeNotation: 'BNV-VP' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: vietnamDate(new Date()) },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: `V/v thử nghiệm kiểm tra chữ ký số (${n})`,
    otherInfo: { priority: 0, appendixes: [] },
    attachments: [{ contentId: `cv-${n}`, name: `CV-${n}-BNV-VP.pdf`, contentType: 'application/pdf', data: pdf }],
  });
  const sent = [];
  for (const [n, pdf] of [[501, inOrder], [502, unsignedByBody], [503, changed]]) {
    const { documentId, delivered } = await sender.send(letter(n, pdf));
    await delivered;
    sent.push(documentId);
  }

  // What the sender sees: the last status from the province, with the clerk's reason.
  const last = async (id) => (await sender.tracking(id)).sent[0]?.recipients[0]?.events.at(-1);
  for (let i = 0; i < 200 && (await Promise.all(sent.map(last))).some((e) => !e || e.code === '01'); i++) await sleep(50);
  console.log('\nthe ministry sees:');
  const outcome = [];
  for (const id of sent) {
    const e = await last(id);
    outcome.push(e?.code);
    console.log(`  ${id}: ${e?.code}${e?.description ? ` — ${e.description}` : ''}`);
  }
  if (outcome.join() !== '03,02,02') process.exitCode = 1;
} finally {
  await sender.stop();
  await receiver.stop();
  for (const s of stores) await s.close();
  await axis.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}
