import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../../src/signature/trust-store.js';
import { verifyEdxml } from '../../../src/signature/xmldsig/verify.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { runCaptured } from '../../helpers/cli-capture.js';
import { samplePackage } from '../../helpers/edxml-sample.js';
import { tempDir } from '../../helpers/xmlsec.js';

let pki: TestPki;
let dir = '';
let cleanup = () => {};
let trust: TrustStore;

beforeAll(async () => {
  pki = await createTestPki();
  ({ dir, cleanup } = tempDir('vdxp-cli-sign-'));
  writeFileSync(join(dir, 'in.edxml'), samplePackage());
  writeFileSync(join(dir, 'key.pem'), pki.person.privateKeyPem);
  writeFileSync(join(dir, 'cert.pem'), pki.person.certificatePem);
  writeFileSync(join(dir, 'cert.der'), pki.person.certificate);
  writeFileSync(join(dir, 'chain.pem'), pki.subCa.certificatePem + pki.root.certificatePem);
  writeFileSync(join(dir, 'enc.key.pem'), pki.person.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'bí mật' }));
  trust = TrustStore.create({ customAnchors: [pki.root.certificate], crls: [pki.crl(), pki.rootCrl()] });
});
afterAll(() => cleanup());

describe('vdxp sign', () => {
  test('signs a package to -o OUT with the chain, and the result verifies', async () => {
    const run = await runCaptured(['sign', 'in.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '--chain', 'chain.pem', '-o', 'out.edxml'], dir);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^signed in\.edxml -> out\.edxml \(\d+ bytes, rsa-sha256, signer Nguyễn Văn An\)\n$/);
    const report = await verifyEdxml(readFileSync(join(dir, 'out.edxml')), { trust });
    expect(report.verdict).toBe('valid');
    expect(report.certificates?.map((c) => c.sha256)).toEqual([pki.person.sha256, pki.subCa.sha256, pki.root.sha256]);
  });

  test('prints JSON with --json, reads a DER certificate, an encrypted key and the algorithm asked', async () => {
    const run = await runCaptured(
      ['sign', 'in.edxml', '--key', 'enc.key.pem', '--passphrase-env', 'KEY_PASS', '--cert', 'cert.der', '--algorithm', 'rsa-pss-sha256', '--c14n', 'inclusive', '-o', 'pss.edxml', '--json'],
      dir,
      { KEY_PASS: 'bí mật' },
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ algorithm: 'rsa-pss-sha256', c14n: 'inclusive', signer: { sha256: pki.person.sha256 } });
    expect(out.output).toBe(join(dir, 'pss.edxml'));
    const report = await verifyEdxml(readFileSync(join(dir, 'pss.edxml')), { trust: TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate] }) });
    expect(report.algorithms?.signature).toBe('http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1');
  });

  test('refuses to sign a signed package unless --replace', async () => {
    await runCaptured(['sign', 'in.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'once.edxml'], dir);
    const again = await runCaptured(['sign', 'once.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'twice.edxml'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^VDXP_SIGNATURE_EXISTS: /);
    const replaced = await runCaptured(['sign', 'once.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'twice.edxml', '--replace'], dir);
    expect(replaced.code).toBe(0);
  });

  test.each([
    [['sign', 'in.edxml', '--cert', 'cert.pem', '-o', 'x.edxml'], 'VDXP_CLI_USAGE'],
    [['sign', 'in.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'in.edxml'], 'VDXP_CLI_USAGE'],
    [['sign', 'in.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'x.edxml', '--colour'], 'VDXP_CLI_USAGE'],
    [['sign', 'missing.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'x.edxml'], 'VDXP_IO'],
    [['sign', 'in.edxml', '--key', 'enc.key.pem', '--cert', 'cert.pem', '-o', 'x.edxml'], 'VDXP_SIGNATURE_KEY_UNUSABLE'],
    [['sign', 'in.edxml', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'x.edxml', '--algorithm', 'rsa-sha1'], 'VDXP_CONFIG_INVALID'],
    [['sign', 'cert.pem', '--key', 'key.pem', '--cert', 'cert.pem', '-o', 'x.edxml'], 'VDXP_EDXML_NOT_XML'],
  ])('exits 2 with a coded error: %j', async (argv, code) => {
    const run = await runCaptured(argv, dir);
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(`${code}: `)).toBe(true);
    expect(run.stderr).not.toMatch(/PRIVATE KEY|bí mật/);
  });
});
