import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PdfDict, type PdfRef } from '../../../src/signature/pdf/pdf-object.js';
import { signPdf } from '../../../src/signature/pdf/sign-pdf.js';
import { signEdxml } from '../../../src/signature/xmldsig/sign.js';
import { createTestPdf } from '../../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { builtCli } from '../../helpers/built.js';
import { runCaptured } from '../../helpers/cli-capture.js';
import { samplePackage } from '../../helpers/edxml-sample.js';
import { appendUpdate, dejaVuSans, latin1, poppler } from '../../helpers/pdf-tools.js';
import { tempDir } from '../../helpers/xmlsec.js';

let pki: TestPki;
let dir = '';
let cleanup = () => {};
const trustArgs = ['--anchor', 'root.pem', '--intermediate', 'sub.pem', '--crl', 'sub.crl', '--crl', 'root.crl'];
const signArgs = (who: 'person' | 'org') => ['--key', `${who}.key`, '--cert', `${who}.pem`];

beforeAll(async () => {
  pki = await createTestPki();
  ({ dir, cleanup } = tempDir('vdxp-cli-pdf-'));
  const files: Record<string, string | Uint8Array> = {
    'root.pem': pki.root.certificatePem, 'sub.pem': pki.subCa.certificatePem, 'sub.crl': pki.crl(), 'root.crl': pki.rootCrl(),
    'person.key': pki.person.privateKeyPem, 'person.pem': pki.person.certificatePem,
    'org.key': pki.organization.privateKeyPem, 'org.pem': pki.organization.certificatePem,
    'plain.pdf': createTestPdf({ text: 'Quyết định số 12' }), 'fake.pdf': '%PDF-1.7\nnot really a PDF\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
});
afterAll(() => cleanup());

describe('vdxp sign on a PDF', () => {
  test('tells a PDF from edXML by content and signs person then organisation as incremental updates', async () => {
    const first = await runCaptured(['sign', 'plain.pdf', ...signArgs('person'), '--appearance', 'person', '--reason', 'Ký ban hành', '--certify', '-o', 'person.pdf', '--json'], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ format: 'pdf', algorithm: 'adbe.pkcs7.detached, rsa-sha256', signer: { commonName: 'Nguyễn Văn An' } });
    const second = await runCaptured(['sign', 'person.pdf', ...signArgs('org'), '--cades', '--appearance', 'organization', '--document-code', '12/QĐ-BTN', '-o', 'both.pdf'], dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^signed person\.pdf -> both\.pdf \(\d+ bytes, ETSI\.CAdES\.detached, rsa-sha256, signer Văn phòng Bộ Thử nghiệm\)\n$/);
    const both = readFileSync(join(dir, 'both.pdf'));
    expect(both.subarray(0, readFileSync(join(dir, 'person.pdf')).length)).toEqual(readFileSync(join(dir, 'person.pdf')));
  });

  test('bad --appearance is a usage error', async () => {
    const run = await runCaptured(['sign', 'plain.pdf', ...signArgs('person'), '--appearance', 'stamp', '-o', 'x.pdf'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^VDXP_CLI_USAGE: --appearance/);
  });

  test('--font draws the block in Vietnamese with that TrueType font, embedded (pdftotext reads it back)', async () => {
    writeFileSync(join(dir, 'dejavu.ttf'), dejaVuSans());
    const run = await runCaptured(['sign', 'plain.pdf', ...signArgs('person'), '--appearance', 'person', '--position', 'Giám đốc Sở', '--font', 'dejavu.ttf', '-o', 'font.pdf'], dir);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const text = poppler('pdftotext', ['-enc', 'UTF-8', join(dir, 'font.pdf'), '-']);
    expect(text.out).toContain('Người ký: Nguyễn Văn An');
    expect(text.out).toContain('Chức vụ: Giám đốc Sở');
    expect(latin1(readFileSync(join(dir, 'font.pdf')))).toContain('/FontFile2');
  });

  test.each([
    [['--font', 'dejavu.ttf'], /^VDXP_CLI_USAGE: --font draws the visible block: give --appearance too/],
    [['--appearance', 'person', '--font', 'missing.ttf'], /^VDXP_IO: cannot read the font file missing\.ttf/],
    [['--appearance', 'person', '--font', 'plain.pdf'], /^VDXP_CONFIG_INVALID: .*appearance\.font.*not a TrueType font/],
    [['--c14n', 'inclusive'], /^VDXP_CLI_USAGE: plain\.pdf is a PDF: --c14n does not apply to it/],
  ])('PDF font and option mistakes are refused, nothing written: %j', async (extra, message) => {
    writeFileSync(join(dir, 'dejavu.ttf'), dejaVuSans());
    const run = await runCaptured(['sign', 'plain.pdf', ...signArgs('person'), ...extra, '-o', 'refused.pdf'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(dir, 'refused.pdf'))).toBe(false);
  });

  test('PDF-only options given for an edXML package are a usage error naming them', async () => {
    writeFileSync(join(dir, 'in.edxml'), samplePackage());
    const run = await runCaptured(['sign', 'in.edxml', ...signArgs('person'), '--appearance', 'person', '--cades', '-o', 'x.edxml'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^VDXP_CLI_USAGE: in\.edxml is an edXML package: --cades, --appearance do not apply to it/);
    expect(existsSync(join(dir, 'x.edxml'))).toBe(false);
  });
});

describe('vdxp verify on a PDF', () => {
  test('a legally complete PDF: exit 0 and one table with role, time, chain, revocation and coverage', async () => {
    await runCaptured(['sign', 'plain.pdf', ...signArgs('person'), '-o', 'p.pdf'], dir);
    await runCaptured(['sign', 'p.pdf', ...signArgs('org'), '-o', 'po.pdf'], dir);
    const run = await runCaptured(['verify', 'po.pdf', ...trustArgs], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('po.pdf: VALID (hợp lệ)');
    expect(run.stdout).toMatch(/signature\s+verdict\s+signer\s+issuer\s+algorithm\s+organisation\s+role\s+time\s+timestamp\s+chain\s+revocation\s+coverage\s+reason/);
    expect(run.stdout).toMatch(/po\.pdf › Signature1\s+valid\s+Nguyễn Văn An\s+CA phục vụ[^\n]*Bộ Thử nghiệm\s+person \(cá nhân\)\s+\S+\+07:00 \(claimed\)\s+-\s+valid → RootCA[^\n]*good \(crl\)\s+revision 2 of 3, not whole file/);
    expect(run.stdout).toMatch(/po\.pdf › Signature2\s+valid\s+Văn phòng Bộ Thử nghiệm[^\n]*organisation \(cơ quan\)[^\n]*whole file/);
    expect(run.stdout).toContain('po.pdf: legally complete (đủ chữ ký theo Nghị định 30/2020): yes (có) [person yes (có), organisation yes (có)]; whole file signed: yes (có); changes after signing: none');
  });

  test('--json: the whole report; --role overrides the role', async () => {
    const run = await runCaptured(['verify', 'p.pdf', ...trustArgs, '--json', '--role', 'Signature1=organization'], dir);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { entries: { kind: string; report: { hasValidOrganizationSignature: boolean; signatures: { roleBasis: string }[] } }[] };
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]).toMatchObject({ kind: 'pdf', target: 'p.pdf', report: { hasValidOrganizationSignature: true, signatures: [{ roleBasis: 'override' }] } });
    expect((await runCaptured(['verify', 'p.pdf', '--role', 'Signature1'], dir)).code).toBe(2);
  });

  test('a changed PDF exits 1 with the reason in Vietnamese; an unsigned one exits 3; a broken one exits 2', async () => {
    const signed = readFileSync(join(dir, 'p.pdf'));
    const changed = Buffer.from(signed);
    changed[latin1(signed).indexOf('Quyet dinh') + 1] = 0x55;
    writeFileSync(join(dir, 'changed.pdf'), changed);
    const bad = await runCaptured(['verify', 'changed.pdf', ...trustArgs], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('DIGEST_MISMATCH: Nội dung tệp PDF đã bị thay đổi sau khi ký');
    expect((await runCaptured(['verify', 'plain.pdf', ...trustArgs], dir)).code).toBe(3);
    const broken = await runCaptured(['verify', 'fake.pdf', ...trustArgs], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^VDXP_PDF_MALFORMED: /);
  });
});

describe('vdxp verify on an edXML package with PDF attachments', () => {
  test('every PDF attachment is verified; content added after signing makes the package invalid', async () => {
    const signedPdf = new Uint8Array(readFileSync(join(dir, 'po.pdf')));
    writeFileSync(join(dir, 'good.edxml'), await signEdxml(samplePackage({ pdf: signedPdf }), { key: pki.person.privateKey, certificate: pki.person.certificate }));
    const good = await runCaptured(['verify', 'good.edxml', ...trustArgs], dir);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/package\s+valid\s+Nguyễn Văn An/);
    expect(good.stdout).toMatch(/cong-van\.pdf › Signature2\s+valid/);
    expect(good.stdout).toContain('cong-van.pdf: legally complete (đủ chữ ký theo Nghị định 30/2020): yes (có)');

    const tampered = appendUpdate(signedPdf, (doc, next) => {
      const page = doc.firstPage()!;
      const content = next();
      return [
        { ref: content, value: { dict: new PdfDict(), data: new TextEncoder().encode('BT /F1 20 Tf 72 400 Td (Sua doi) Tj ET') } },
        { ref: page.ref, value: page.dict.with({ Contents: [page.dict.get('Contents') as PdfRef, content] }) },
      ];
    });
    writeFileSync(join(dir, 'bad.edxml'), await signEdxml(samplePackage({ pdf: tampered }), { key: pki.person.privateKey, certificate: pki.person.certificate }));
    const bad = await runCaptured(['verify', 'bad.edxml', ...trustArgs, '--json'], dir);
    expect(bad.code).toBe(1);
    const result = JSON.parse(bad.stdout) as { entries: { kind: string; report: { verdict: string; changesAfterSigning: { kind: string }[] } }[] };
    expect(result.entries.map((e) => [e.kind, e.report.verdict])).toEqual([['edxml', 'valid'], ['pdf', 'invalid']]);
    expect(result.entries[1]!.report.changesAfterSigning).toContainEqual(expect.objectContaining({ kind: 'content' }));
    expect(bad.stdout).toContain('MODIFIED_AFTER_SIGNING');
  });

  test('an attachment named .pdf that is not a readable PDF is an invalid entry, not a crash', async () => {
    writeFileSync(join(dir, 'fake-attachment.edxml'), await signEdxml(samplePackage(), { key: pki.person.privateKey, certificate: pki.person.certificate }));
    const run = await runCaptured(['verify', 'fake-attachment.edxml', ...trustArgs], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('PDF_UNREADABLE: Không đọc được tệp PDF');
  });
});

test('the built vdxp command signs and verifies a PDF as a child process', async () => {
  const cli = builtCli();
  const node = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  const signed = node(['sign', 'plain.pdf', ...signArgs('org'), '--appearance', 'organization', '-o', 'child.pdf']);
  expect(signed.stderr).toBe('');
  expect(signed.status).toBe(0);
  const verified = node(['verify', 'child.pdf', ...trustArgs, '--json']);
  expect(verified.status).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({ verdict: 'valid', entries: [{ kind: 'pdf', report: { hasValidOrganizationSignature: true, legallyComplete: false } }] });
  const direct = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate });
  writeFileSync(join(dir, 'direct.pdf'), direct);
  expect(node(['verify', 'direct.pdf', ...trustArgs]).status).toBe(0);
});
