import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../../src/signature/trust-store.js';
import { signEdxml } from '../../../src/signature/xmldsig/sign.js';
import { verifyEdxml } from '../../../src/signature/xmldsig/verify.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import type { TestEntity } from '../../../src/testing/issue-certificate.js';
import { listEdxml, sharedFixtures } from '../../helpers/shared-fixtures.js';
import { samplePackage, text } from '../../helpers/edxml-sample.js';

let pki: TestPki;
let trust: TrustStore;
let pkg: Uint8Array;
const DAY = 86_400_000;

beforeAll(async () => {
  pki = await createTestPki();
  trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
  pkg = samplePackage();
});

const signAs = (who: TestEntity, chain: Uint8Array[] = []) => signEdxml(pkg, { key: who.privateKey, certificate: who.certificate, chain });
const codes = (r: { reasons: readonly { code: string }[] }) => r.reasons.map((x) => x.code);

describe('verifyEdxml verdicts on the test PKI', () => {
  test('a personal and an organisation signature are valid, with signer, issuer, revocation and time', async () => {
    for (const who of [pki.person, pki.organization]) {
      const at = new Date(pki.now.getTime() + 60_000);
      const report = await verifyEdxml(await signAs(who), { trust, at });
      expect(report).toMatchObject({ verdict: 'valid', present: true, standard: true, coversWholeDocument: true, timeUsed: at.toISOString(), timeSource: 'given' });
      expect(report.signer?.sha256).toBe(who.sha256);
      expect(report.issuer?.sha256).toBe(pki.subCa.sha256);
      expect(report.revocation).toMatchObject({ status: 'good', method: 'crl' });
      expect(report.references).toEqual([
        {
          uri: '',
          transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
          digestMethod: 'http://www.w3.org/2001/04/xmlenc#sha256',
          digestValid: true,
        },
      ]);
      expect(report.chain?.anchor?.sha256).toBe(pki.root.sha256);
    }
  });

  test('an expired certificate is invalid now and valid at a time inside its validity', async () => {
    const signed = await signAs(pki.expired);
    const now = await verifyEdxml(signed, { trust });
    expect(now.verdict).toBe('invalid');
    expect(codes(now)).toContain('CERT_EXPIRED');
    expect(now.timeSource).toBe('now');
    const then = await verifyEdxml(signed, { trust, at: new Date(pki.now.getTime() - 2 * 365 * DAY) });
    expect(then.verdict).toBe('valid');
  });

  test.each([
    ['notYetValid', 'CERT_NOT_YET_VALID', 'invalid'],
    ['revoked', 'CERT_REVOKED', 'invalid'],
    ['notCa', 'CA_NOT_CA', 'invalid'],
    ['wrongCa', 'CHAIN_ISSUER_NOT_FOUND', 'indeterminate'],
  ] as const)('a %s certificate gives %s (%s)', async (name, code, verdict) => {
    const who = pki[name];
    const chain = name === 'notCa' ? [pki.notCaIntermediate.certificate] : [];
    const report = await verifyEdxml(await signAs(who, chain), { trust });
    expect(report.verdict).toBe(verdict);
    expect(codes(report)).toContain(code);
    expect(report.coversWholeDocument).toBe(true);
  });

  test('a chain to a root nobody trusts is invalid even when the whole chain is in KeyInfo', async () => {
    const report = await verifyEdxml(await signAs(pki.wrongCa, [pki.wrongRoot.certificate]), { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('CHAIN_UNTRUSTED_ROOT');
  });

  test('no revocation answer is indeterminate under hard-fail', async () => {
    const bare = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate] });
    const report = await verifyEdxml(await signAs(pki.person), { trust: bare, policy: { revocation: 'hard-fail' } });
    expect(report.verdict).toBe('indeterminate');
    expect(codes(report)).toContain('REVOCATION_UNAVAILABLE');
  });

  test('the signer is the KeyInfo certificate whose key verifies, whatever its position', async () => {
    const signed = text(await signAs(pki.person, [pki.subCa.certificate]));
    const b64 = (c: Uint8Array) => Buffer.from(c).toString('base64');
    const swapped = signed.replace(
      `<X509Certificate>${b64(pki.person.certificate)}</X509Certificate>`,
      `<X509Certificate>${b64(pki.subCa.certificate)}</X509Certificate>`,
    ).replace(/(<\/X509Certificate>\s*<X509Certificate>)[^<]+(<\/X509Certificate>)/, `$1${b64(pki.person.certificate)}$2`);
    expect(swapped).not.toBe(signed);
    const report = await verifyEdxml(swapped, { trust });
    expect(report.verdict).toBe('valid');
    expect(report.signer?.sha256).toBe(pki.person.sha256);
    expect(report.certificates?.map((c) => c.sha256)).toEqual([pki.subCa.sha256, pki.person.sha256]);
  });
});

describe('verifyEdxml on unsigned, non-standard and malformed signatures', () => {
  test('an unsigned package says so, indeterminate', async () => {
    const report = await verifyEdxml(pkg, { trust });
    expect(report).toMatchObject({ verdict: 'indeterminate', present: false, standard: false, coversWholeDocument: false });
    expect(report.reasons[0]).toMatchObject({ code: 'SIGNATURE_ABSENT', messageVi: 'Gói tin không có chữ ký số' });
  });

  test('a Signature in the QCVN namespace is reported non-standard, not verified', async () => {
    const signed = text(await signAs(pki.person)).replace('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">', '<Signature>');
    const report = await verifyEdxml(signed, { trust });
    expect(report).toMatchObject({ verdict: 'indeterminate', present: true, standard: false });
    expect(codes(report)).toEqual(['SIGNATURE_NON_STANDARD']);
  });

  test.each([
    ['no SignedInfo', (s: string) => s.replace(/<SignedInfo>[\s\S]*<\/SignedInfo>/, '')],
    ['a SignatureValue that is not base64', (s: string) => s.replace(/<SignatureValue>[^<]+/, '<SignatureValue>!!not base64!!')],
    ['a DigestValue that is not base64', (s: string) => s.replace(/<DigestValue>[^<]+/, '<DigestValue>abc')],
    ['elements out of order', (s: string) => s.replace(/(<CanonicalizationMethod [^>]+>)(\s*)(<SignatureMethod [^>]+>)/, '$3$2$1')],
    ['a foreign element in SignedInfo', (s: string) => s.replace('</SignedInfo>', '<x:Extra xmlns:x="urn:x"/></SignedInfo>')],
  ])('a signature with %s is invalid (SIGNATURE_MALFORMED)', async (_name, mutate) => {
    const signed = text(await signAs(pki.person));
    const bad = mutate(signed);
    expect(bad).not.toBe(signed);
    const report = await verifyEdxml(bad, { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('SIGNATURE_MALFORMED');
  });

  test('a changed signature value is SIGNATURE_INVALID, no KeyInfo certificate is SIGNER_CERT_MISSING', async () => {
    const signed = text(await signAs(pki.person));
    const value = /<SignatureValue>([^<]+)</.exec(signed)![1]!;
    const flipped = signed.replace(value, (value[0] === 'A' ? 'B' : 'A') + value.slice(1));
    const invalid = await verifyEdxml(flipped, { trust });
    expect(invalid.verdict).toBe('invalid');
    expect(codes(invalid)).toEqual(['SIGNATURE_INVALID']);
    expect(invalid.coversWholeDocument).toBe(true);
    const noCert = await verifyEdxml(signed.replace(/<KeyInfo>[\s\S]*<\/KeyInfo>/, ''), { trust });
    expect(noCert.verdict).toBe('indeterminate');
    expect(codes(noCert)).toEqual(['SIGNER_CERT_MISSING']);
  });

  test('unreadable XML throws the reader error; bad options throw ConfigError; an aborted signal stops it', async () => {
    await expect(verifyEdxml('<edXML><unclosed></edXML>', { trust })).rejects.toMatchObject({ name: 'EdxmlError', code: 'VDXP_EDXML_NOT_XML' });
    await expect(verifyEdxml(pkg, {} as never)).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
    await expect(verifyEdxml(pkg, { trust, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

const fixtures = sharedFixtures('edxml');
describe.skipIf(!fixtures)('verifyEdxml on the published samples', () => {
  test.each(listEdxml(fixtures, { except: ['negative'] }).map((f) => [relative(fixtures!, f), f]))('%s: never valid, never a crash', async (_name, file) => {
    const bytes = readFileSync(file);
    const report = await verifyEdxml(bytes, { trust });
    expect(report.verdict).not.toBe('valid');
    if (/<Signature>/.test(bytes.toString('utf8'))) expect(codes(report)).toEqual(['SIGNATURE_NON_STANDARD']);
    else expect(codes(report)).toEqual(['SIGNATURE_ABSENT']);
  });

  test('a sample placeholder moved into the XMLDSig namespace is invalid, not a crash', async () => {
    const file = listEdxml(fixtures).find((f) => f.endsWith('vpcp-sdk-example/edoc_new.edxml'))!;
    const moved = readFileSync(file, 'utf8').replace('<Signature>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
    const report = await verifyEdxml(moved, { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.standard).toBe(true);
  });
});
