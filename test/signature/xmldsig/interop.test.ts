import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../../src/signature/trust-store.js';
import { signEdxml } from '../../../src/signature/xmldsig/sign.js';
import type { SignEdxmlOptions } from '../../../src/signature/xmldsig/sign-options.js';
import { verifyEdxml } from '../../../src/signature/xmldsig/verify.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { bytes, samplePackage, text } from '../../helpers/edxml-sample.js';
import { hasCommand, tempDir, xmlsec1 } from '../../helpers/xmlsec.js';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';

let pki: TestPki;
let ecPki: TestPki;
const trust: Record<'rsa' | 'ec', TrustStore> = {} as never;
let dir = '';
let cleanup = () => {};
let pkg: Uint8Array;

beforeAll(async () => {
  [pki, ecPki] = await Promise.all([createTestPki(), createTestPki({ keyType: 'ec' })]);
  // One store per PKI: both test PKIs give their CAs the same names.
  for (const [kind, p] of [['rsa', pki], ['ec', ecPki]] as const) {
    trust[kind] = TrustStore.create({ customAnchors: [p.root.certificate], crls: [p.crl(), p.rootCrl()] });
  }
  ({ dir, cleanup } = tempDir());
  for (const [name, p] of [['rsa', pki], ['ec', ecPki]] as const) {
    writeFileSync(join(dir, `${name}-root.pem`), p.root.certificatePem);
    writeFileSync(join(dir, `${name}-sub.pem`), p.subCa.certificatePem);
    writeFileSync(join(dir, `${name}-person.key.pem`), p.person.privateKeyPem);
    writeFileSync(join(dir, `${name}-person.cert.pem`), p.person.certificatePem);
  }
  pkg = samplePackage({ attachmentBytes: 40_000 });
});
afterAll(() => cleanup());

/** xmlsec1 --verify with the test root trusted and the sub-CA available; true when it says OK. */
function xmlsecVerifies(signed: Uint8Array, kind: 'rsa' | 'ec' = 'rsa'): boolean {
  const file = join(dir, 'check.edxml');
  writeFileSync(file, signed);
  const r = xmlsec1(['--verify', '--trusted-pem', join(dir, `${kind}-root.pem`), '--untrusted-pem', join(dir, `${kind}-sub.pem`), file]);
  if (r.status !== 0 && !/FAIL|fail/.test(r.stderr)) throw new Error(`xmlsec1 could not run: ${r.stderr}`);
  return r.status === 0 && /OK/.test(r.stderr);
}

/** Changes one header field (the Subject) and one base64 character of the first attachment. */
function tamperings(signed: Uint8Array): [string, Uint8Array][] {
  const s = text(signed);
  const subject = s.replace('V/v kết nối', 'V/v ngắt kết nối');
  const at = s.indexOf('<edXML:ContentTransferEncoded');
  const b64 = s.indexOf('>', at) + 20;
  const flipped = s[b64] === 'A' ? 'B' : 'A';
  return [
    ['a header field', bytes(subject)],
    ['one base64 character of an attachment', bytes(s.slice(0, b64) + flipped + s.slice(b64 + 1))],
  ];
}

describe.skipIf(!hasCommand('xmlsec1'))('interop with xmlsec1', () => {
  test.each([
    ['rsa-sha256, exclusive c14n (default)', 'rsa', {}],
    ['rsa-sha512, inclusive c14n', 'rsa', { algorithm: 'rsa-sha512', c14n: 'inclusive' }],
    ['ecdsa-sha256', 'ec', {}],
  ] as const)('xmlsec1 verifies what signEdxml signs: %s; tampering fails in both', async (_n, kind, extra) => {
    const p = kind === 'ec' ? ecPki : pki;
    const signed = await signEdxml(pkg, { key: p.person.privateKey, certificate: p.person.certificate, ...(extra as Partial<SignEdxmlOptions>) });
    expect(xmlsecVerifies(signed, kind)).toBe(true);
    for (const [, bad] of tamperings(signed)) {
      expect(xmlsecVerifies(bad, kind)).toBe(false);
      const report = await verifyEdxml(bad, { trust: trust[kind] });
      expect(report.verdict).toBe('invalid');
      expect(report.reasons.map((r) => r.code)).toContain('DIGEST_MISMATCH');
    }
  });

  test('an RSASSA-PSS signature checks with openssl over SignedInfo canonicalized by xmllint (salt = hash length)', async () => {
    const signed = await signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate, algorithm: 'rsa-pss-sha256' });
    const s = text(signed);
    const signedInfo = s.slice(s.indexOf('<SignedInfo>'), s.indexOf('</SignedInfo>') + '</SignedInfo>'.length).replace('<SignedInfo>', `<SignedInfo xmlns="${DSIG}">`);
    writeFileSync(join(dir, 'si.xml'), signedInfo);
    const canonical = execFileSync('xmllint', ['--exc-c14n', join(dir, 'si.xml')]);
    writeFileSync(join(dir, 'si.c14n'), canonical);
    const value = /<SignatureValue>([^<]+)<\/SignatureValue>/.exec(s)![1]!;
    writeFileSync(join(dir, 'si.sig'), Buffer.from(value, 'base64'));
    writeFileSync(join(dir, 'person.pub.pem'), pki.person.publicKey.export({ format: 'pem', type: 'spki' }));
    const args = ['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-sigopt', 'rsa_mgf1_md:sha256', '-verify', join(dir, 'person.pub.pem'), '-signature', join(dir, 'si.sig'), join(dir, 'si.c14n')];
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    expect(r.stdout).toContain('Verified OK');
  });

  test.each([
    ['rsa-sha256', 'exclusive', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmlenc#sha256', EXC],
    ['rsa-sha256', 'inclusive', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmlenc#sha256', C14N],
    ['rsa-sha1', 'inclusive', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1', C14N],
    ['rsa-sha1', 'exclusive', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1', EXC],
    ['ecdsa-sha256', 'exclusive', 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'http://www.w3.org/2001/04/xmlenc#sha256', EXC],
  ])('verifyEdxml accepts a package xmlsec1 signed with %s and %s c14n; tampering fails in both', async (name, _c14nName, method, digest, c14n) => {
    const kind = name.startsWith('ecdsa') ? 'ec' : 'rsa';
    const p = kind === 'ec' ? ecPki : pki;
    const template = text(pkg).replace(
      '</edXML:TraceHeaderList>',
      `</edXML:TraceHeaderList>\n      <Signature xmlns="${DSIG}"><SignedInfo><CanonicalizationMethod Algorithm="${c14n}"/>` +
        `<SignatureMethod Algorithm="${method}"/><Reference URI=""><Transforms><Transform Algorithm="${DSIG}enveloped-signature"/>` +
        `<Transform Algorithm="${c14n}"/></Transforms><DigestMethod Algorithm="${digest}"/><DigestValue/></Reference></SignedInfo>` +
        `<SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>`,
    );
    writeFileSync(join(dir, 'tpl.edxml'), template);
    const key = `${join(dir, `${kind}-person.key.pem`)},${join(dir, `${kind}-person.cert.pem`)},${join(dir, `${kind}-sub.pem`)}`;
    const r = xmlsec1(['--sign', '--privkey-pem', key, '--output', join(dir, 'xmlsec-signed.edxml'), join(dir, 'tpl.edxml')]);
    expect(r.stderr).toBe('');
    const signed = new Uint8Array(readFileSync(join(dir, 'xmlsec-signed.edxml')));
    const report = await verifyEdxml(signed, { trust: trust[kind] });
    expect(report.verdict).toBe('valid');
    expect(report.coversWholeDocument).toBe(true);
    expect(report.signer?.sha256).toBe(p.person.sha256);
    expect(report.reasons.filter((x) => x.severity !== 'info' && x.code !== 'ALGORITHM_LEGACY_SHA1')).toEqual([]);
    const codes = report.reasons.map((r) => r.code);
    if (name === 'rsa-sha1') expect(codes).toContain('ALGORITHM_LEGACY_SHA1');
    else expect(codes).not.toContain('ALGORITHM_LEGACY_SHA1');
    for (const [, bad] of tamperings(signed)) {
      expect(xmlsecVerifies(bad, kind)).toBe(false);
      const tampered = await verifyEdxml(bad, { trust: trust[kind] });
      expect(tampered.verdict).toBe('invalid');
      expect(tampered.reasons.map((x) => x.code)).toContain('DIGEST_MISMATCH');
    }
    if (name === 'rsa-sha1') {
      const strict = await verifyEdxml(signed, { trust: trust.rsa, policy: { allowLegacySha1: false } });
      expect(strict.verdict).toBe('invalid');
      expect(strict.reasons.map((x) => x.code)).toContain('ALGORITHM_SHA1_REFUSED');
    }
  });
});
