// A visible signature block in Vietnamese ("Người ký: Nguyễn Văn An"), drawn with a TrueType
// font the signer gives (here DejaVu Sans, Debian's fonts-dejavu-core; any .ttf covering
// Vietnamese, such as Noto Sans, will do). Only the glyphs used are embedded, with a ToUnicode
// map, so the block can be copied and searched. Without `font` the block is drawn in
// Helvetica with the text transliterated to ASCII.
// Run: node examples/vietnamese-appearance.mjs [FONT.ttf] (writes the PDF to the temp folder)
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPdf, TrustStore, verifyPdf } from 'vdxp-connector';
import { createTestPdf, createTestPki } from 'vdxp-connector/testing';

const fontFile = process.argv[2] ?? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const font = readFileSync(fontFile);
const pki = await createTestPki();

const byDirector = await signPdf(createTestPdf({ text: 'Quyết định số 12/QĐ-BTN' }), {
  key: pki.person.privateKey,
  certificate: pki.person.certificate,
  appearance: { preset: 'person', position: 'Giám đốc Sở', font },
});
const issued = await signPdf(byDirector, {
  key: pki.organization.privateKey,
  certificate: pki.organization.certificate,
  appearance: { preset: 'organization', documentCode: '12/QĐ-BTN', font },
});

const out = join(tmpdir(), 'vdxp-vietnamese-appearance.pdf');
writeFileSync(out, issued);
const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
const report = await verifyPdf(issued, { trust });
const embedded = Buffer.from(issued).toString('latin1').match(/\/FontName \/[A-Z]{6}\+[A-Za-z0-9-]+/g) ?? [];
console.log(`wrote ${out} (${issued.length} bytes; font ${fontFile}, ${font.length} bytes, embedded as ${embedded.map((n) => n.slice(11)).join(' and ')})`);
console.log(`signatures: ${report.signatures.map((s) => `${s.field} ${s.verdict}`).join(', ')}; legally complete: ${report.legallyComplete}`);
if (report.verdict !== 'valid' || embedded.length !== 2) process.exitCode = 1;
