import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { firstChild, parseXmlTree, textOf } from '../../../src/edxml/xml-tree.js';
import { TrustStore } from '../../../src/signature/trust-store.js';
import { canonicalize, EXC_C14N } from '../../../src/signature/xmldsig/c14n.js';
import { signEdxml } from '../../../src/signature/xmldsig/sign.js';
import { verifyEdxml } from '../../../src/signature/xmldsig/verify.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { samplePackage, text } from '../../helpers/edxml-sample.js';
import { hasCommand, tempDir, xmlsec1, xmlsecSign } from '../../helpers/xmlsec.js';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const ENVELOPED = `${DSIG}enveloped-signature`;
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const XPATH = 'http://www.w3.org/TR/1999/REC-xpath-19991116';
const SUBJECT = 'V/v kết nối, liên thông phần mềm quản lý văn bản &amp; "trục" &lt;quốc gia&gt;';

let pki: TestPki;
let trust: TrustStore;
let pkg: string;
let signed: string;
let dir = '';
let cleanup = () => {};

beforeAll(async () => {
  pki = await createTestPki();
  trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
  pkg = text(samplePackage());
  signed = text(await signEdxml(pkg, { key: pki.person.privateKey, certificate: pki.person.certificate }));
  ({ dir, cleanup } = tempDir());
  writeFileSync(join(dir, 'key.pem'), pki.person.privateKeyPem);
  writeFileSync(join(dir, 'cert.pem'), pki.person.certificatePem);
  writeFileSync(join(dir, 'root.pem'), pki.root.certificatePem);
  writeFileSync(join(dir, 'sub.pem'), pki.subCa.certificatePem);
});
afterAll(() => cleanup());

const codes = (r: { reasons: readonly { code: string }[] }) => r.reasons.map((x) => x.code);
const corruptAttachment = (s: string) => s.replace(/(<edXML:ContentTransferEncoded[^>]*>.{10})(.)/, (_m, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'));

/** A signature template: references as [URI, transforms (Algorithm, inner XML)]. */
function template(refs: [string, [string, string?][]][], keyInfo = '<KeyInfo><X509Data/></KeyInfo>'): string {
  const r = refs
    .map(([uri, ts]) => `<Reference URI="${uri}"><Transforms>${ts.map(([a, inner]) => `<Transform Algorithm="${a}">${inner ?? ''}</Transform>`).join('')}</Transforms><DigestMethod Algorithm="${SHA256}"/><DigestValue/></Reference>`)
    .join('');
  return `<Signature xmlns="${DSIG}"><SignedInfo><CanonicalizationMethod Algorithm="${EXC_C14N}"/><SignatureMethod Algorithm="${RSA_SHA256}"/>${r}</SignedInfo><SignatureValue/>${keyInfo}</Signature>`;
}
const inHeader = (doc: string, sig: string) => doc.replace('</edXML:TraceHeaderList>', `</edXML:TraceHeaderList>${sig}`);
const withHeaderId = (doc: string) => doc.replace('<edXML:MessageHeader>', '<edXML:MessageHeader xml:id="hdr">');
const keyArg = () => `${join(dir, 'key.pem')},${join(dir, 'cert.pem')}`;
const xmlsecSays = (doc: string) => {
  const file = join(dir, 'attack.xml');
  writeFileSync(file, doc);
  return xmlsec1(['--verify', '--trusted-pem', join(dir, 'root.pem'), '--untrusted-pem', join(dir, 'sub.pem'), file]).status === 0;
};

describe.skipIf(!hasCommand('xmlsec1'))('signature wrapping: validly signed, but not over exactly the whole package', () => {
  test.each([
    ['a Reference to the header only (URI="#hdr")', () => inHeader(withHeaderId(pkg), template([['#hdr', [[EXC_C14N]]]]))],
    ['a second Reference beside URI=""', () => inHeader(withHeaderId(pkg), template([['', [[ENVELOPED], [EXC_C14N]]], ['#hdr', [[EXC_C14N]]]]))],
    [
      'an XPath transform keeping only the envelope',
      () => inHeader(pkg, template([['', [[ENVELOPED], [XPATH, `<XPath xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">ancestor-or-self::edXML:edXMLEnvelope</XPath>`], [EXC_C14N]]]])),
    ],
    ['the Signature outside edXMLHeader', () => pkg.replace('</edXML>', `${template([['', [[ENVELOPED], [EXC_C14N]]]])}</edXML>`)],
    ['no enveloped-signature transform', () => inHeader(pkg, template([['', [[EXC_C14N]]]]))],
  ])('%s is refused with SIGNATURE_WRAPPING', async (_name, make) => {
    const signedByXmlsec = text(xmlsecSign(dir, make(), keyArg()));
    const report = await verifyEdxml(signedByXmlsec, { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('SIGNATURE_WRAPPING');
    expect(report.coversWholeDocument).toBe(false);
  });

  test('the danger is real: xmlsec1 accepts a header-only signature after the attachment changed, verifyEdxml does not', async () => {
    const partial = text(xmlsecSign(dir, inHeader(withHeaderId(pkg), template([['#hdr', [[EXC_C14N]]]])), keyArg()));
    const forged = corruptAttachment(partial);
    expect(forged).not.toBe(partial);
    expect(xmlsecSays(forged)).toBe(true);
    const report = await verifyEdxml(forged, { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('SIGNATURE_WRAPPING');
  });

  test('a key given only as KeyValue (no certificate) is never valid', async () => {
    const bare = text(xmlsecSign(dir, inHeader(pkg, template([['', [[ENVELOPED], [EXC_C14N]]]], '<KeyInfo><KeyValue/></KeyInfo>')), keyArg()));
    const report = await verifyEdxml(bare, { trust });
    expect(report.verdict).toBe('indeterminate');
    expect(codes(report)).toEqual(['SIGNER_CERT_MISSING']);
  });
});

describe('signature wrapping on a package signed by signEdxml', () => {
  test('a second copy of the Signature elsewhere in the package is refused', async () => {
    const sig = signed.slice(signed.indexOf('<Signature '), signed.indexOf('</Signature>') + 12);
    const report = await verifyEdxml(signed.replace('</AttachmentEncoded>', `${sig}</AttachmentEncoded>`), { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('SIGNATURE_WRAPPING');
  });

  test('the signed envelope moved into a ds:Object and replaced by a forged one fails the digest', async () => {
    const envStart = signed.indexOf('<edXML:edXMLEnvelope');
    const envEnd = signed.indexOf('</edXML:edXMLEnvelope>') + '</edXML:edXMLEnvelope>'.length;
    const original = signed.slice(envStart, envEnd);
    const sigText = original.slice(original.indexOf('<Signature '), original.indexOf('</Signature>') + 12);
    const forgedEnvelope = original.replace('7816', '9999').replace(sigText, sigText.replace('</Signature>', `<Object>${original.replace(sigText, '')}</Object></Signature>`));
    const report = await verifyEdxml(signed.slice(0, envStart) + forgedEnvelope + signed.slice(envEnd), { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('DIGEST_MISMATCH');
  });
});

describe('comment injection', () => {
  test('a comment inside signed text keeps the signature and the text read is still the whole signed text', async () => {
    const injected = signed.replace('V/v kết nối', 'V/v kết <!-- x@evil.example -->nối');
    expect(injected).not.toBe(signed);
    const report = await verifyEdxml(injected, { trust });
    expect(report.verdict).toBe('valid');
    const header = firstChild(firstChild(parseXmlTree(injected).root, 'edXMLEnvelope'), 'edXMLHeader');
    const subject = firstChild(firstChild(header, 'MessageHeader'), 'Subject');
    expect(textOf(subject)).toBe('V/v kết nối, liên thông phần mềm quản lý văn bản & "trục" <quốc gia>');
  });

  test('a comment that hides part of the signed text is DIGEST_MISMATCH', async () => {
    const hidden = signed.replace(SUBJECT, `V/v kết nối<!--, liên thông phần mềm quản lý văn bản &amp; "trục" &lt;quốc gia&gt;-->`);
    expect(hidden).not.toBe(signed);
    const report = await verifyEdxml(hidden, { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('DIGEST_MISMATCH');
  });
});

describe('trusting the key in the message', () => {
  test('a self-signed certificate with the real signer name, and a signature that verifies with it, is invalid', async () => {
    const forged = corruptAttachment(pkg);
    const own = await signEdxml(forged, { key: pki.selfSigned.privateKey, certificate: pki.selfSigned.certificate });
    const report = await verifyEdxml(own, { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.coversWholeDocument).toBe(true);
    expect(codes(report)).toContain('CERT_SELF_SIGNED_UNTRUSTED');
    expect(report.signer?.commonName).toBe('Nguyễn Văn An');
  });

  test("the genuine signer's certificate left in KeyInfo next to the attacker's key does not make the forgery valid", async () => {
    const own = text(await signEdxml(corruptAttachment(pkg), { key: pki.selfSigned.privateKey, certificate: pki.selfSigned.certificate, chain: [pki.person.certificate] }));
    const report = await verifyEdxml(own, { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.signer?.sha256).toBe(pki.selfSigned.sha256);
  });
});

describe('algorithm downgrade', () => {
  test('SignatureMethod changed to rsa-sha1 does not verify (and says SHA-1)', async () => {
    const down = signed.replace(RSA_SHA256, 'http://www.w3.org/2000/09/xmldsig#rsa-sha1');
    const report = await verifyEdxml(down, { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toEqual(expect.arrayContaining(['ALGORITHM_LEGACY_SHA1', 'SIGNATURE_INVALID']));
  });

  test('SignatureMethod changed to HMAC with a forged keyless value is refused as unsupported', async () => {
    let forged = corruptAttachment(signed).replace(RSA_SHA256, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1');
    const doc = parseXmlTree(forged);
    const si = firstChild(firstChild(firstChild(firstChild(doc.root, 'edXMLEnvelope'), 'edXMLHeader'), 'Signature'), 'SignedInfo')!;
    const mac = createHmac('sha1', '').update(canonicalize(si, { algorithm: EXC_C14N })).digest('base64');
    forged = forged.replace(/<SignatureValue>[^<]+/, `<SignatureValue>${mac}`);
    const report = await verifyEdxml(forged, { trust });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('ALGORITHM_UNSUPPORTED');
  });

  test('DigestMethod changed to SHA-1 with a recomputed digest breaks the signature', async () => {
    const doc = parseXmlTree(signed);
    const sig = firstChild(firstChild(firstChild(doc.root, 'edXMLEnvelope'), 'edXMLHeader'), 'Signature')!;
    const sha1 = createHash('sha1').update(canonicalize(doc, { algorithm: EXC_C14N, exclude: sig, comments: false })).digest('base64');
    const down = signed.replace(SHA256, 'http://www.w3.org/2000/09/xmldsig#sha1').replace(/<DigestValue>[^<]+/, `<DigestValue>${sha1}`);
    const report = await verifyEdxml(down, { trust });
    expect(report.verdict).toBe('invalid');
    expect(report.references[0]?.digestValid).toBe(true);
    expect(codes(report)).toEqual(expect.arrayContaining(['ALGORITHM_LEGACY_SHA1', 'SIGNATURE_INVALID']));
  });
});

describe('XXE and entity expansion are refused by the reader', () => {
  test.each([
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>'],
    ['a billion laughs', '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><edXML>&b;</edXML>'],
    ['an undeclared entity', '<?xml version="1.0"?><edXML>&xxe;</edXML>'],
  ])('%s: EdxmlError VDXP_EDXML_FORBIDDEN', async (_name, xml) => {
    await expect(verifyEdxml(xml, { trust })).rejects.toMatchObject({ name: 'EdxmlError', code: 'VDXP_EDXML_FORBIDDEN' });
  });
});
