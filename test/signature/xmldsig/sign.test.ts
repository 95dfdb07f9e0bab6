import { createPrivateKey, generateKeyPairSync, privateEncrypt, constants, sign as cryptoSign, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildEdxml } from '../../../src/edxml/build.js';
import { childElements, firstChild, parseXmlTree, textOf } from '../../../src/edxml/xml-tree.js';
import { TrustStore } from '../../../src/signature/trust-store.js';
import { signEdxml } from '../../../src/signature/xmldsig/sign.js';
import type { SignEdxmlOptions } from '../../../src/signature/xmldsig/sign-options.js';
import { verifyEdxml } from '../../../src/signature/xmldsig/verify.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { bytes, samplePackage, text } from '../../helpers/edxml-sample.js';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
let pki: TestPki;
let ecPki: TestPki;
let trust: TrustStore;
let ecTrust: TrustStore;
let pkg: Uint8Array;

beforeAll(async () => {
  [pki, ecPki] = await Promise.all([createTestPki(), createTestPki({ keyType: 'ec' })]);
  // One store per PKI: both test PKIs give their CAs the same names.
  const storeFor = (p: TestPki) =>
    TrustStore.create({ customAnchors: [p.root.certificate], intermediates: [p.subCa.certificate], crls: [p.crl(), p.rootCrl()] });
  trust = storeFor(pki);
  ecTrust = storeFor(ecPki);
  pkg = samplePackage();
});

const headerOf = (b: Uint8Array) => firstChild(firstChild(parseXmlTree(b).root, 'edXMLEnvelope'), 'edXMLHeader')!;

async function expectValid(signed: Uint8Array, store = trust) {
  const report = await verifyEdxml(signed, { trust: store });
  expect(report.reasons.filter((r) => r.severity !== 'info')).toEqual([]);
  expect(report.verdict).toBe('valid');
  expect(report.coversWholeDocument).toBe(true);
  return report;
}

describe('signEdxml', () => {
  test('puts an XML Signature right after TraceHeaderList with rsa-sha256, exclusive c14n and the chain in KeyInfo', async () => {
    const signed = await signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate, chain: [pki.subCa.certificatePem] });
    const header = headerOf(signed);
    expect(childElements(header).map((e) => e.local)).toEqual(['MessageHeader', 'TraceHeaderList', 'Signature']);
    const sig = firstChild(header, 'Signature')!;
    expect(sig.uri).toBe(DSIG);
    const si = firstChild(sig, 'SignedInfo')!;
    expect(firstChild(si, 'SignatureMethod')!.attributes[0]!.value).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(firstChild(si, 'CanonicalizationMethod')!.attributes[0]!.value).toBe('http://www.w3.org/2001/10/xml-exc-c14n#');
    const ref = firstChild(si, 'Reference')!;
    expect(ref.attributes).toEqual([expect.objectContaining({ name: 'URI', value: '' })]);
    expect(childElements(firstChild(ref, 'Transforms')!).map((t) => t.attributes[0]!.value)).toEqual([
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ]);
    expect(firstChild(ref, 'DigestMethod')!.attributes[0]!.value).toBe('http://www.w3.org/2001/04/xmlenc#sha256');
    const certs = childElements(firstChild(firstChild(sig, 'KeyInfo'), 'X509Data')!).map((c) => textOf(c));
    expect(certs).toEqual([Buffer.from(pki.person.certificate).toString('base64'), Buffer.from(pki.subCa.certificate).toString('base64')]);
    const report = await expectValid(signed);
    expect(report.signer?.commonName).toBe('Nguyễn Văn An');
    expect(report.issuer?.sha256).toBe(pki.subCa.sha256);
  });

  test('leaves every byte outside the inserted Signature as it was, attachments included', async () => {
    const signed = await signEdxml(pkg, { key: pki.person.privateKeyPem, certificate: pki.person.certificatePem });
    const s = text(signed);
    const start = s.indexOf('\n      <Signature');
    const end = s.indexOf('</Signature>') + '</Signature>'.length;
    expect(start).toBeGreaterThan(0);
    expect(s.slice(0, start) + s.slice(end)).toBe(text(pkg));
    expect(s.slice(start - '</edXML:TraceHeaderList>'.length, start)).toBe('</edXML:TraceHeaderList>');
  });

  test.each([
    ['rsa-sha256', 'rsa'],
    ['rsa-sha384', 'rsa'],
    ['rsa-sha512', 'rsa'],
    ['rsa-pss-sha256', 'rsa'],
    ['rsa-pss-sha512', 'rsa'],
    ['ecdsa-sha256', 'ec'],
    ['ecdsa-sha512', 'ec'],
  ] as const)('round-trips %s', async (algorithm, kind) => {
    const p = kind === 'ec' ? ecPki : pki;
    const signed = await signEdxml(pkg, { key: p.organization.privateKey, certificate: p.organization.certificate, algorithm });
    const report = await expectValid(signed, kind === 'ec' ? ecTrust : trust);
    expect(report.algorithms?.signature).toMatch(algorithm.startsWith('rsa-pss') ? /sha(256|512)-rsa-MGF1$/ : new RegExp(`#${algorithm}$`));
  });

  test('writes ECDSA values in the raw r‖s form XMLDSig asks for', async () => {
    const signed = await signEdxml(pkg, { key: ecPki.person.privateKeyPem, certificate: ecPki.person.certificate });
    const value = Buffer.from(textOf(firstChild(firstChild(headerOf(signed), 'Signature'), 'SignatureValue')), 'base64');
    expect(value.length).toBe(64);
    await expectValid(signed, ecTrust);
  });

  test('signs with a WebCrypto CryptoKey (RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA)', async () => {
    const der = (k: typeof pki.person.privateKey) => k.export({ format: 'der', type: 'pkcs8' });
    const rsa = await webcrypto.subtle.importKey('pkcs8', der(pki.person.privateKey), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    const pss = await webcrypto.subtle.importKey('pkcs8', der(pki.person.privateKey), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['sign']);
    const ec = await webcrypto.subtle.importKey('pkcs8', der(ecPki.person.privateKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    await expectValid(await signEdxml(pkg, { key: rsa, certificate: pki.person.certificate }));
    const signedPss = await signEdxml(pkg, { key: pss, certificate: pki.person.certificate });
    expect((await expectValid(signedPss)).algorithms?.signature).toBe('http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1');
    await expectValid(await signEdxml(pkg, { key: ec, certificate: ecPki.person.certificate }), ecTrust);
  });

  test('signs through an external signer given the SignedInfo bytes (DER ECDSA converted)', async () => {
    const seen: string[] = [];
    const signer = {
      async sign(data: Uint8Array, algorithm: string) {
        seen.push(algorithm, text(data).slice(0, 11));
        return new Uint8Array(cryptoSign('sha256', data, ecPki.organization.privateKey));
      },
    };
    await expectValid(await signEdxml(pkg, { key: signer, certificate: ecPki.organization.certificate }), ecTrust);
    expect(seen).toEqual(['ecdsa-sha256', '<SignedInfo']);
  });

  test('signs through an external digest signer that only does raw RSA over the DigestInfo (HSM style)', async () => {
    const requests: { digest: number; hash: string; algorithm: string }[] = [];
    const hsm = {
      async signDigest(digest: Uint8Array, req: { algorithm: string; hash: string; digestInfo: Uint8Array }) {
        requests.push({ digest: digest.length, hash: req.hash, algorithm: req.algorithm });
        return new Uint8Array(privateEncrypt({ key: pki.organization.privateKey, padding: constants.RSA_PKCS1_PADDING }, req.digestInfo));
      },
    };
    await expectValid(await signEdxml(pkg, { key: hsm, certificate: pki.organization.certificate }));
    await expectValid(await signEdxml(pkg, { key: hsm, certificate: pki.organization.certificate, algorithm: 'rsa-sha512' }));
    expect(requests).toEqual([
      { digest: 32, hash: 'SHA-256', algorithm: 'rsa-sha256' },
      { digest: 64, hash: 'SHA-512', algorithm: 'rsa-sha512' },
    ]);
  });

  test('refuses a key that does not belong to the certificate, whatever its form', async () => {
    const other = pki.organization;
    const bad: SignEdxmlOptions['key'][] = [
      pki.person.privateKey,
      { sign: async (d: Uint8Array) => new Uint8Array(cryptoSign('sha256', d, other.privateKey)) },
      { signDigest: async () => new Uint8Array(256) },
    ];
    for (const key of bad) {
      await expect(signEdxml(pkg, { key, certificate: pki.expired.certificate })).rejects.toMatchObject({
        code: 'VDXP_SIGNATURE_KEY_UNUSABLE',
      });
    }
    await expect(signEdxml(pkg, { key: { sign: async () => { throw new Error('token removed'); } }, certificate: pki.person.certificate })).rejects.toMatchObject({
      code: 'VDXP_SIGNATURE_KEY_UNUSABLE',
    });
    await expect(signEdxml(pkg, { key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', certificate: pki.person.certificate })).rejects.toMatchObject({
      code: 'VDXP_SIGNATURE_KEY_UNUSABLE',
    });
    await expect(signEdxml(pkg, { key: ecPki.person.privateKey, certificate: ecPki.person.certificate, algorithm: 'rsa-sha256' })).rejects.toMatchObject({
      code: 'VDXP_SIGNATURE_KEY_UNUSABLE',
    });
  });

  test('refuses SHA-1 and RSA keys below 2048 bits for new signatures', async () => {
    await expect(signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate, algorithm: 'rsa-sha1' as never })).rejects.toMatchObject({
      code: 'VDXP_CONFIG_INVALID',
    });
    const weak = await pki.issueCertificate({
      issuer: pki.subCa, rsaBits: 1024, subject: [['C', 'VN'], ['CN', 'Khóa Yếu']],
      notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000), keyUsage: ['digitalSignature'],
    });
    await expect(signEdxml(pkg, { key: weak.privateKey, certificate: weak.certificate })).rejects.toMatchObject({ code: 'VDXP_SIGNATURE_POLICY' });
  });

  test('refuses to sign an already signed package unless replace is asked, then keeps one signature', async () => {
    const once = await signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate });
    await expect(signEdxml(once, { key: pki.organization.privateKey, certificate: pki.organization.certificate })).rejects.toMatchObject({
      code: 'VDXP_SIGNATURE_EXISTS',
    });
    const twice = await signEdxml(once, { key: pki.organization.privateKey, certificate: pki.organization.certificate, replace: true });
    expect(childElements(headerOf(twice)).map((e) => e.local)).toEqual(['MessageHeader', 'TraceHeaderList', 'Signature']);
    expect((await expectValid(twice)).signer?.sha256).toBe(pki.organization.sha256);
    expect(text(twice).match(/<Signature[ >]/g)).toHaveLength(1);
  });

  test('replaces a QCVN-namespace placeholder Signature in place', async () => {
    const placeholder = text(pkg).replace(
      '</edXML:TraceHeaderList>\n',
      '</edXML:TraceHeaderList>\n      <Signature><SignedInfo><SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/></SignedInfo><SignatureValue>AAAA</SignatureValue></Signature>\n',
    );
    const signed = await signEdxml(placeholder, { key: pki.person.privateKey, certificate: pki.person.certificate });
    const sigs = childElements(headerOf(signed)).filter((e) => e.local === 'Signature');
    expect(sigs.map((s) => s.uri)).toEqual([DSIG]);
    await expectValid(signed);
    expect(text(signed)).toContain('</edXML:TraceHeaderList>\n      <Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
  });

  test('signs inclusive c14n when asked, a status package, CR LF line ends with a BOM, and a one-line package', async () => {
    await expectValid(await signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate, c14n: 'inclusive' }));
    const status = buildEdxml({
      kind: 'status',
      from: { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
      responseFor: { organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', promulgationDate: '2015-09-30', documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT' },
      statusCode: '01',
      timestamp: '2024-05-02T10:04:05+07:00',
    } as never);
    const signedStatus = await signEdxml(status, { key: pki.person.privateKey, certificate: pki.person.certificate });
    expect(childElements(headerOf(signedStatus)).map((e) => e.local)).toEqual(['MessageHeader', 'Signature']);
    await expectValid(signedStatus);
    const crlf = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(text(pkg).replace(/\n/g, '\r\n'))]);
    const signedCrlf = await signEdxml(crlf, { key: pki.person.privateKey, certificate: pki.person.certificate });
    expect(text(signedCrlf)).toContain('</edXML:TraceHeaderList>\r\n      <Signature');
    const crlfText = Buffer.from(signedCrlf).toString('latin1');
    const cut = crlfText.indexOf('\r\n      <Signature');
    const cutEnd = crlfText.indexOf('</Signature>') + '</Signature>'.length;
    expect(Buffer.from(crlfText.slice(0, cut) + crlfText.slice(cutEnd), 'latin1').equals(Buffer.from(crlf))).toBe(true);
    await expectValid(signedCrlf);
    const oneLine = text(pkg).replace(/>\s+</g, '><');
    const signedOneLine = await signEdxml(oneLine, { key: pki.person.privateKey, certificate: pki.person.certificate });
    expect(text(signedOneLine)).toContain('</edXML:TraceHeaderList><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><Canon');
    await expectValid(signedOneLine);
  });

  test('splices exactly when the header spans many read pieces (multi-byte text and CRLF across the 4, 8, 16 … KB cuts)', async () => {
    // A subject of ~100 KB of Vietnamese (2- and 3-byte UTF-8) and CRLF line ends: the locator
    // reads the header in growing pieces, so characters and CRLF pairs fall on piece boundaries.
    const long = 'Về việc kết nối, liên thông văn bản điện tử giữa các cơ quan nhà nước; '.repeat(1400);
    const source = text(pkg).replace(/<edXML:Subject>[^<]*<\/edXML:Subject>/, `<edXML:Subject>${long}</edXML:Subject>`);
    expect(source).toContain(long);
    for (const variant of [source, source.replace(/\n/g, '\r\n')]) {
      const input = bytes(variant);
      const signed = await signEdxml(input, { key: pki.person.privateKey, certificate: pki.person.certificate });
      const raw = Buffer.from(signed).toString('latin1');
      const nl = variant.includes('\r\n') ? '\r\n' : '\n';
      const cut = raw.indexOf(`${nl}      <Signature`);
      const cutEnd = raw.indexOf('</Signature>') + '</Signature>'.length;
      expect(cut).toBeGreaterThan(Buffer.byteLength(long));
      expect(Buffer.from(raw.slice(0, cut) + raw.slice(cutEnd), 'latin1').equals(Buffer.from(input))).toBe(true);
      expect(childElements(headerOf(signed)).map((e) => e.local).slice(-2)).toEqual(['TraceHeaderList', 'Signature']);
      await expectValid(signed);
    }
  });

  test('refuses what is not an edXML package, and hostile XML, with the reader errors', async () => {
    await expect(signEdxml('<a><b/></a>', { key: pki.person.privateKey, certificate: pki.person.certificate })).rejects.toMatchObject({ code: 'VDXP_EDXML_INVALID' });
    const xxe = '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>';
    await expect(signEdxml(xxe, { key: pki.person.privateKey, certificate: pki.person.certificate })).rejects.toMatchObject({ code: 'VDXP_EDXML_FORBIDDEN' });
  });

  test('validates its options and honours an aborted signal', async () => {
    await expect(signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate, colour: 'red' } as never)).rejects.toMatchObject({
      code: 'VDXP_CONFIG_INVALID',
    });
    await expect(signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const { privateKey } = generateKeyPairSync('ed25519');
    await expect(signEdxml(pkg, { key: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })), certificate: pki.person.certificate })).rejects.toMatchObject({
      code: 'VDXP_SIGNATURE_KEY_UNUSABLE',
    });
  });
});
