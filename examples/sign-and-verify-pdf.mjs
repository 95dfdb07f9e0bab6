// The legal signatures of an official document (Nghị định 30/2020 Art. 5): the competent
// person signs the PDF, then the issuing body's clerk signs it (PAdES, with a timestamp) as a
// second incremental update; the receiving clerk verifies both and sees whether the document
// is legally complete. A real system signs with the Government CA's token or signing service
// (preparePdfSignature + embedPdfSignature) and trusts the CA files it downloaded.
// Run: node examples/sign-and-verify-pdf.mjs
import { signPdf, TrustStore, verifyPdf } from 'vdxp-connector';
import { createTestPdf, createTestPki, createTestTimestampToken } from 'vdxp-connector/testing';

const pki = await createTestPki();
const trust = TrustStore.create({
  customAnchors: [pki.root.certificate], // explicit: a test root is no Government CA
  intermediates: [pki.subCa.certificate],
  crls: [pki.crl(), pki.rootCrl()],
});

const pdf = createTestPdf({ text: 'Quyết định số 12/QĐ-BTN' });
const byDirector = await signPdf(pdf, {
  key: pki.person.privateKey,
  certificate: pki.person.certificate,
  reason: 'Ký ban hành',
  certify: true, // DocMDP P=2: later only form filling and signatures
  appearance: { preset: 'person' },
});
const issued = await signPdf(byDirector, {
  key: pki.organization.privateKey,
  certificate: pki.organization.certificate,
  subFilter: 'ETSI.CAdES.detached',
  appearance: { preset: 'organization', documentCode: '12/QĐ-BTN' },
  // A real TSA answers an RFC 3161 request for this digest of the signature value.
  timestamp: { tsa: async (digest) => createTestTimestampToken({ tsa: pki.tsa, digest }) },
});

const report = await verifyPdf(issued, { trust });
for (const s of report.signatures) {
  console.log(`${s.field}: ${s.verdict}, ${s.role}, ${s.signer?.commonName}, time ${s.timeUsed} (${s.timeSource}), covers ${s.coversWholeFile ? 'the whole file' : `revision ${s.revision}`}`);
}
console.log(`legally complete: ${report.legallyComplete}; verdict: ${report.verdict}`);

// One changed byte in a signed range: the clerk's screen says why, in Vietnamese.
const tampered = new Uint8Array(issued);
tampered[Buffer.from(issued).indexOf('Quyet') + 1] ^= 0x20;
const bad = await verifyPdf(tampered, { trust });
console.log(`tampered: ${bad.verdict}: ${[...new Set(bad.signatures.flatMap((s) => s.reasons.filter((r) => r.severity === 'error').map((r) => r.messageVi)))].join('; ')}`);
if (!report.legallyComplete || report.verdict !== 'valid' || bad.verdict !== 'invalid') process.exitCode = 1;
