// signEdxml and verifyEdxml on a small package, a 1 MB and a 20 MB one, against
// - the crypto floor: SHA-256 over the canonical bytes plus one RSA-2048 sign (or verify)
//   with node:crypto directly (the canonical bytes are computed once, beforehand); for
//   signing also, without a target, the floor plus copying the package into a new buffer
//   (signEdxml returns new bytes: that allocation and copy is not in the floor);
// - the peer: xml-crypto signing the same package (same reference, transforms and algorithms),
//   and verifying our signed package.
// verifyEdxml also validates the signer's chain through a TrustStore (offline CRLs); xml-crypto
// is given the signer's certificate and checks no chain.
import { createHash, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { buildEdxml, signEdxml, TrustStore, verifyEdxml } from '../../dist/index.js';
import { createTestPki, sampleEdoc } from '../../dist/testing/index.js';
import { interleave, MiB, repeats, timeRow } from '../harness.mjs';

const NOW = () => new Date('2026-11-20T03:00:00Z');
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';

/** Package sizes: the sample Công văn, and packages of about 1 MB and 20 MB. */
const SIZES = [
  { label: 'small', attachment: 0 },
  { label: '1 MB', attachment: Math.floor((1 * MiB * 3) / 4) },
  { label: '20 MB', attachment: Math.floor((20 * MiB * 3) / 4) },
];

/** @returns {Promise<import('../harness.mjs').BenchResult[]>} */
export default async function xmldsig({ log }) {
  const pki = await createTestPki({ urls: { crl: null, rootCrl: null, ocsp: null, caIssuers: null } });
  const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
  const signer = pki.person;
  const results = [];
  for (const size of SIZES) {
    const message = size.attachment
      ? { ...sampleEdoc(), attachments: [{ contentId: 'scan', name: 'ban-scan.pdf', contentType: 'application/pdf', data: randomBytes(size.attachment) }] }
      : sampleEdoc();
    const unsigned = buildEdxml(message, { now: NOW });
    const unsignedText = Buffer.from(unsigned).toString('utf8');
    const signOptions = { key: signer.privateKey, certificate: signer.certificate, chain: [pki.subCa.certificate] };
    const signed = await signEdxml(unsigned, signOptions);
    const signedText = Buffer.from(signed).toString('utf8');

    // The floor's input: the canonical bytes of the signed package without its Signature
    // (the enveloped-signature transform), as a third party computes them; they must hash to
    // our DigestValue.
    const canonical = Buffer.from(exclusiveCanonicalWithoutSignature(signedText), 'utf8');
    const digestValue = /<DigestValue>([^<]+)<\/DigestValue>/.exec(signedText)[1];
    if (createHash('sha256').update(canonical).digest('base64') !== digestValue) throw new Error('our digest differs from xml-crypto\'s canonical form');
    const floorSignature = cryptoSign('sha256', createHash('sha256').update(canonical).digest(), signer.privateKey);

    const report = await verifyEdxml(signed, { trust });
    if (report.verdict !== 'valid') throw new Error(`verifyEdxml: ${report.verdict} ${JSON.stringify(report.reasons)}`);
    if (!peerVerify(signedText, signer.certificatePem)) throw new Error('xml-crypto does not verify our signature');
    if (!peerVerify(peerSign(unsignedText, signer.privateKeyPem, signer.certificatePem), signer.certificatePem)) throw new Error('xml-crypto does not verify its own signature');

    const big = size.attachment > 4 * MiB;
    const inner = size.attachment === 0 ? 50 : size.attachment < 4 * MiB ? 5 : 1;
    let sink;
    const sign = async () => {
      sink = await signEdxml(unsigned, signOptions);
    };
    const verify = async () => {
      sink = await verifyEdxml(signed, { trust });
    };
    const floorSign = () => {
      sink = cryptoSign('sha256', createHash('sha256').update(canonical).digest(), signer.privateKey);
    };
    const floorVerify = () => {
      sink = cryptoVerify('sha256', createHash('sha256').update(canonical).digest(), signer.publicKey, floorSignature);
      if (!sink) throw new Error('floor signature does not verify');
    };
    // against the floor: many repeats; against xml-crypto (seconds per run at 20 MB): fewer
    const floorSignCopy = () => {
      floorSign();
      sink = Buffer.concat([unsigned.subarray(0, 100), unsigned.subarray(100)]);
    };
    const s = await interleave({ signEdxml: sign, floor: floorSign, 'floor + copy': floorSignCopy }, { repeats: repeats(big ? 15 : 21), inner, log, label: `sign ${size.label}` });
    const v = await interleave({ verifyEdxml: verify, floor: floorVerify }, { repeats: repeats(big ? 15 : 21), inner, log, label: `verify ${size.label}` });
    const peerRepeats = repeats(big ? 3 : 7);
    const ps = await interleave({ signEdxml: sign, 'xml-crypto': () => (sink = peerSign(unsignedText, signer.privateKeyPem, signer.certificatePem)) }, { repeats: peerRepeats, inner: Math.min(inner, 5), log, label: `sign ${size.label}` });
    const pv = await interleave({ verifyEdxml: verify, 'xml-crypto': () => (sink = peerVerify(signedText, signer.certificatePem)) }, { repeats: peerRepeats, inner: Math.min(inner, 5), log, label: `verify ${size.label}` });
    if (sink === undefined) throw new Error('nothing done');
    const floorTarget = size.attachment > 0 ? { maxRatio: 1.3 } : {};
    results.push(
      timeRow(`signEdxml ${size.label} vs crypto floor`, s.signEdxml, s.floor, floorTarget),
      ...(size.attachment > 0 ? [timeRow(`signEdxml ${size.label} vs crypto floor + output copy`, s.signEdxml, s['floor + copy'])] : []),
      timeRow(`signEdxml ${size.label} vs xml-crypto`, ps.signEdxml, ps['xml-crypto'], { maxRatio: 1 }),
      timeRow(`verifyEdxml ${size.label} vs crypto floor`, v.verifyEdxml, v.floor, floorTarget),
      timeRow(`verifyEdxml ${size.label} vs xml-crypto`, pv.verifyEdxml, pv['xml-crypto'], { maxRatio: 1 }),
    );
  }
  return results;
}

function exclusiveCanonicalWithoutSignature(xml) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const signature = doc.getElementsByTagNameNS(DSIG, 'Signature')[0];
  signature.parentNode.removeChild(signature);
  return new ExclusiveCanonicalization().process(doc.documentElement, {}).toString();
}

/** xml-crypto signing the package the way signEdxml does: one Reference URI="", enveloped + exclusive c14n, RSA-SHA256, in edXMLHeader. */
function peerSign(xml, keyPem, certPem) {
  const sig = new SignedXml({ privateKey: keyPem, publicCert: certPem, canonicalizationAlgorithm: EXC, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256' });
  sig.addReference({ xpath: '/*', isEmptyUri: true, digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC] });
  sig.computeSignature(xml, { location: { reference: "/*/*[local-name(.)='edXMLEnvelope']/*[local-name(.)='edXMLHeader']", action: 'append' } });
  return sig.getSignedXml();
}

/** xml-crypto checking the signature of a package (digest and signature value; no chain). */
function peerVerify(xml, certPem) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = doc.getElementsByTagNameNS(DSIG, 'Signature')[0];
  const sig = new SignedXml({ publicCert: certPem });
  sig.loadSignature(node);
  return sig.checkSignature(xml);
}
