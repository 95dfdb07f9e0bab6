/**
 * Signature appearances drawn in Vietnamese with an embedded TrueType font (DejaVu Sans from
 * Debian's fonts-dejavu-core), checked with poppler, a peer nobody here wrote: `pdffonts`
 * (embedded, subset, ToUnicode), `pdftotext` (the text reads back in Vietnamese), `pdftoppm`
 * (the font program renders without complaint) and `pdfsig` (both signatures still valid).
 * `.ci/run` installs poppler-utils and fonts-dejavu-core.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toVietnamTimestamp } from '../../src/edxml/vietnam-time.js';
import { PdfDocument } from '../../src/signature/pdf/pdf-document.js';
import { PdfStream } from '../../src/signature/pdf/pdf-object.js';
import { signPdf } from '../../src/signature/pdf/sign-pdf.js';
import { verifyPdf } from '../../src/signature/pdf/verify-pdf.js';
import type { TrustStore } from '../../src/signature/trust-store.js';
import { createTestPdf } from '../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../src/testing/test-pki.js';
import { dejaVuSans, importSigner, nssDatabase, pdfsig, poppler, requirePdfTools, trustFor } from '../helpers/pdf-tools.js';

let pki: TestPki;
let trust: TrustStore;
let nss: ReturnType<typeof nssDatabase>;
let font: Buffer;
let dir: string;

beforeAll(async () => {
  requirePdfTools();
  font = dejaVuSans();
  pki = await createTestPki();
  trust = trustFor(pki);
  nss = nssDatabase(pki);
  importSigner(nss, 'person', pki.person.privateKeyPem, pki.person.certificatePem);
  dir = mkdtempSync(join(tmpdir(), 'vdxp-font-'));
});
afterAll(() => {
  nss?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function write(name: string, pdf: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, pdf);
  return file;
}

/** The person signs with a visible block, then the issuing body. */
async function signedTwice(xref: 'table' | 'stream', time: Date, withFont: boolean): Promise<Uint8Array> {
  const f = withFont ? { font } : {};
  const once = await signPdf(createTestPdf({ xref }), {
    key: pki.person.privateKey, certificate: pki.person.certificate, signingTime: time, appearance: { preset: 'person', position: 'Giám đốc Sở', ...f },
  });
  return signPdf(once, {
    key: pki.organization.privateKey, certificate: pki.organization.certificate, signingTime: time, subFilter: 'ETSI.CAdES.detached',
    appearance: { preset: 'organization', documentCode: '12/QĐ-BTN', ...f },
  });
}

describe('appearances drawn with an embedded TrueType font', () => {
  test.each(['table', 'stream'] as const)('two signatures (%s xref): poppler reads the Vietnamese text, renders it, and finds both signatures valid', async (xref) => {
    const time = new Date(Math.floor(pki.now.getTime() / 1000) * 1000);
    const signed = await signedTwice(xref, time, true);
    const file = write(`two-${xref}.pdf`, signed);

    const fonts = poppler('pdffonts', [file]);
    expect(fonts.status).toBe(0);
    const embedded = fonts.out.split('\n').filter((l) => l.includes('CID TrueType'));
    expect(embedded).toHaveLength(2);
    for (const line of embedded) expect(line).toMatch(/^[A-Z]{6}\+DejaVuSans\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes\s/);

    const text = poppler('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(text.status).toBe(0);
    const stamp = toVietnamTimestamp(time);
    for (const line of ['Người ký: Nguyễn Văn An', 'Cơ quan: Bộ Thử nghiệm', 'Chức vụ: Giám đốc Sở', 'Văn phòng Bộ Thử nghiệm', 'Số, ký hiệu: 12/QĐ-BTN', `Thời gian ký: ${stamp}`]) {
      expect(text.out).toContain(line);
    }

    const render = poppler('pdftoppm', ['-r', '40', '-png', file, join(dir, `page-${xref}`)]);
    expect(render).toMatchObject({ status: 0, out: '' });
    expect(readdirSync(dir).filter((f) => f.startsWith(`page-${xref}`))).toHaveLength(1);

    const sig = pdfsig(['-nssdir', nss.db, '-no-ocsp', file]).out;
    expect(sig.split('Signature Validation: Signature is Valid.').length - 1).toBe(2);
    const report = await verifyPdf(signed, { trust });
    expect(report.signatures.map((s) => s.verdict)).toEqual(['valid', 'valid']);
    expect(report.legallyComplete).toBe(true);
  });

  test('the font is embedded as a subset: a few KB per signature, not the whole file', async () => {
    const time = new Date(Math.floor(pki.now.getTime() / 1000) * 1000);
    const [plain, drawn] = await Promise.all([signedTwice('stream', time, false), signedTwice('stream', time, true)]);
    const doc = PdfDocument.open(drawn);
    const programs = doc.objectNumbers().map((n) => doc.object(n)?.value).filter((v): v is PdfStream => v instanceof PdfStream && v.dict.get('Length1') !== undefined);
    expect(programs).toHaveLength(2);
    for (const p of programs) {
      expect(p.dict.get('Length1') as number).toBeLessThan(font.length / 10);
      expect(p.raw.length).toBeLessThan(16 * 1024);
    }
    expect(drawn.length - plain.length).toBeLessThan(2 * 16 * 1024);
  });

  test('a character the font has no glyph for is refused, naming it, and nothing is signed', async () => {
    await expect(
      signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate, appearance: { preset: 'person', position: 'Giám đốc 漢', font } }),
    ).rejects.toMatchObject({ code: 'VDXP_PDF_UNSUPPORTED', message: expect.stringContaining('"漢" (U+6F22)') });
  });

  test('bytes that are not a TrueType font are refused at the options, naming the field', async () => {
    await expect(
      signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate, appearance: { preset: 'person', font: createTestPdf() } }),
    ).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID', message: expect.stringMatching(/appearance\.font.*not a TrueType font/) });
  });
});
