import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signPdf } from '../../../src/signature/pdf/sign-pdf.js';
import { signEdxml } from '../../../src/signature/xmldsig/sign.js';
import { createTestPdf } from '../../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { builtCli } from '../../helpers/built.js';
import { runCaptured } from '../../helpers/cli-capture.js';
import { samplePackage, text } from '../../helpers/edxml-sample.js';
import { sharedFixtures } from '../../helpers/shared-fixtures.js';
import { hasCommand, tempDir, xmlsecSign } from '../../helpers/xmlsec.js';

let pki: TestPki;
/** The attachment: a PDF signed by the person, then the organisation (legally complete). */
let signedPdf: Uint8Array;
let dir = '';
let cleanup = () => {};
const trustArgs = ['--anchor', 'root.pem', '--intermediate', 'sub.pem', '--crl', 'sub.crl'];

beforeAll(async () => {
  pki = await createTestPki();
  ({ dir, cleanup } = tempDir('vdxp-cli-verify-'));
  const byPerson = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate });
  signedPdf = await signPdf(byPerson, { key: pki.organization.privateKey, certificate: pki.organization.certificate });
  const pkg = samplePackage({ pdf: signedPdf });
  writeFileSync(join(dir, 'unsigned.edxml'), pkg);
  const signed = await signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate });
  writeFileSync(join(dir, 'signed.edxml'), signed);
  writeFileSync(join(dir, 'tampered.edxml'), text(signed).replace('7816', '7817'));
  writeFileSync(join(dir, 'revoked.edxml'), await signEdxml(pkg, { key: pki.revoked.privateKey, certificate: pki.revoked.certificate }));
  writeFileSync(join(dir, 'root.pem'), pki.root.certificatePem);
  writeFileSync(join(dir, 'sub.pem'), pki.subCa.certificatePem);
  writeFileSync(join(dir, 'key.pem'), pki.person.privateKeyPem);
  writeFileSync(join(dir, 'cert.pem'), pki.person.certificatePem);
  writeFileSync(join(dir, 'sub.crl'), pki.crl());
  writeFileSync(join(dir, 'xxe.edxml'), '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>');
});
afterAll(() => cleanup());

describe('vdxp verify', () => {
  test('a valid package: exit 0 and a readable table with the signer', async () => {
    const run = await runCaptured(['verify', 'signed.edxml', ...trustArgs], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('signed.edxml: VALID (hợp lệ)');
    expect(run.stdout).toMatch(/package\s+valid\s+Nguyễn Văn An\s+CA phục vụ các cơ quan Nhà nước \(thử nghiệm\)\s+rsa-sha256/);
  });

  test('--json prints the whole result, one entry for the package signature and one per PDF attachment', async () => {
    const run = await runCaptured(['verify', 'signed.edxml', ...trustArgs, '--json', '--at', pki.now.toISOString()], dir);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { verdict: string; entries: { kind: string; target: string; report: Record<string, unknown> }[] };
    expect(result.verdict).toBe('valid');
    expect(result.entries).toHaveLength(2);
    expect(result.entries[0]).toMatchObject({ kind: 'edxml', target: 'package', report: { verdict: 'valid', coversWholeDocument: true, timeSource: 'given', revocation: { status: 'good' } } });
    expect(result.entries[1]).toMatchObject({ kind: 'pdf', target: 'cong-van.pdf', report: { verdict: 'valid', legallyComplete: true } });
  });

  test('a changed package: exit 1 with the reason in Vietnamese and English', async () => {
    const run = await runCaptured(['verify', 'tampered.edxml', ...trustArgs], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('DIGEST_MISMATCH: Nội dung gói tin đã bị thay đổi sau khi ký');
    expect(run.stdout).toContain('The package was changed after it was signed');
  });

  test('a revoked signer is invalid; without anchors the chain is not trusted (unknown root: indeterminate)', async () => {
    expect((await runCaptured(['verify', 'revoked.edxml', ...trustArgs], dir)).code).toBe(1);
    const unknownRoot = await runCaptured(['verify', 'signed.edxml', '--intermediate', 'sub.pem', '--json'], dir);
    expect(unknownRoot.code).toBe(3);
    expect(unknownRoot.stdout).toContain('CHAIN_ISSUER_NOT_FOUND');
    const untrusted = await runCaptured(['verify', 'signed.edxml', '--intermediate', 'sub.pem', '--intermediate', 'root.pem', '--json'], dir);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain('CHAIN_UNTRUSTED_ROOT');
  });

  test('an unsigned package, or no revocation answer under hard-fail: exit 3', async () => {
    const unsigned = await runCaptured(['verify', 'unsigned.edxml', ...trustArgs], dir);
    expect(unsigned.code).toBe(3);
    expect(unsigned.stdout).toContain('SIGNATURE_ABSENT');
    const hard = await runCaptured(['verify', 'signed.edxml', '--anchor', 'root.pem', '--intermediate', 'sub.pem', '--revocation', 'hard-fail'], dir);
    expect(hard.code).toBe(3);
  });

  test.each([
    [['verify', 'xxe.edxml'], 'VDXP_EDXML_FORBIDDEN'],
    [['verify', 'nothing.edxml'], 'VDXP_IO'],
    [['verify'], 'VDXP_CLI_USAGE'],
    [['verify', 'signed.edxml', '--at', 'yesterday'], 'VDXP_CLI_USAGE'],
    [['verify', 'signed.edxml', '--revocation', 'maybe'], 'VDXP_CLI_USAGE'],
    [['verify', 'signed.edxml', '--trust', 'root.pem'], 'VDXP_IO'],
  ])('unreadable input or bad usage exits 2: %j', async (argv, code) => {
    const run = await runCaptured(argv, dir);
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(`${code}: `)).toBe(true);
  });

  test('--trust refuses a CA file that matches no built-in pin', async () => {
    mkdirSync(join(dir, 'not-pinned'), { recursive: true });
    copyFileSync(join(dir, 'root.pem'), join(dir, 'not-pinned', 'test-root.pem'));
    const run = await runCaptured(['verify', 'signed.edxml', '--trust', 'not-pinned'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^VDXP_TRUST_ANCHOR_REFUSED: not-pinned\/test-root\.pem: /);
  });

  const pkiDir = sharedFixtures('pki');
  test.skipIf(!pkiDir)('--trust loads the real VGCA roots and sub-CAs that match the pins; a test-PKI signer is then not trusted', async () => {
    mkdirSync(join(dir, 'vgca'), { recursive: true });
    for (const f of ['g1-rootca.pem', 'g1-cp.pem', 'g2-rootca.pem', 'g2-cpca.pem']) copyFileSync(join(pkiDir!, 'vgca', f), join(dir, 'vgca', f));
    const run = await runCaptured(['verify', 'signed.edxml', '--trust', 'vgca', '--intermediate', 'sub.pem', '--intermediate', 'root.pem', '--json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('CHAIN_UNTRUSTED_ROOT');
  });

  test.skipIf(!hasCommand('xmlsec1'))('a SHA-1 signature is valid with a warning in --json, and invalid with --no-sha1', async () => {
    const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
    const tpl = text(samplePackage({ pdf: signedPdf })).replace(
      '</edXML:TraceHeaderList>',
      `</edXML:TraceHeaderList><Signature xmlns="${DSIG}"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>` +
        `<SignatureMethod Algorithm="${DSIG}rsa-sha1"/><Reference URI=""><Transforms><Transform Algorithm="${DSIG}enveloped-signature"/></Transforms>` +
        `<DigestMethod Algorithm="${DSIG}sha1"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>`,
    );
    writeFileSync(join(dir, 'sha1.edxml'), xmlsecSign(dir, tpl, `${join(dir, 'key.pem')},${join(dir, 'cert.pem')}`));
    const run = await runCaptured(['verify', 'sha1.edxml', ...trustArgs, '--json'], dir);
    expect(run.code).toBe(0);
    const warnings = (JSON.parse(run.stdout) as { entries: { report: { reasons: { code: string; severity: string }[] } }[] }).entries[0]!.report.reasons;
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'ALGORITHM_LEGACY_SHA1', severity: 'warning' }));
    expect((await runCaptured(['verify', 'sha1.edxml', ...trustArgs, '--no-sha1'], dir)).code).toBe(1);
  });

  test('the built vdxp command signs and verifies as a child process', () => {
    const cli = builtCli();
    const node = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
    const signed = node(['sign', 'unsigned.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'child.edxml']);
    expect(signed.status).toBe(0);
    expect(readFileSync(join(dir, 'child.edxml'), 'utf8')).toContain('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
    const verified = node(['verify', 'child.edxml', ...trustArgs, '--json']);
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ verdict: 'valid' });
    expect(node(['verify', 'tampered.edxml', ...trustArgs]).status).toBe(1);
  });
});
