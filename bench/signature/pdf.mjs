// verifyPdf of a PDF with 1 and 2 signatures (a person's, then an organisation's), 1 MB and
// 20 MB, against the floor: SHA-256 over each signature's byte ranges plus its CMS signature
// check alone (one RSA verify of the signed attributes), with node:crypto directly.
// verifyPdf also parses the PDF, reads the revisions, and validates each signer's chain through
// a TrustStore (offline CRLs).
// A context row for 1 signature at 1 MB sets what the 1.3x target leaves there (0.3 x the
// floor, for everything but the hash and the RSA check) against pkijs (a design-card
// dependency) merely reading the CMS SignedData of /Contents.
import { createHash, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signPdf, TrustStore, verifyPdf } from '../../dist/index.js';
import { createTestPdf, createTestPki } from '../../dist/testing/index.js';
import { interleave, MiB, repeats, scaled, timeRow } from '../harness.mjs';

/** @returns {Promise<import('../harness.mjs').BenchResult[]>} */
export default async function pdf({ log }) {
  const pki = await createTestPki({ urls: { crl: null, rootCrl: null, ocsp: null, caIssuers: null } });
  const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
  const results = [];
  for (const size of [1, 20]) {
    const blank = createTestPdf({ sizeBytes: size * MiB });
    const once = await signPdf(blank, { key: pki.person.privateKey, certificate: pki.person.certificate, chain: [pki.subCa.certificate], reason: 'Ký duyệt' });
    const twice = await signPdf(once, { key: pki.organization.privateKey, certificate: pki.organization.certificate, chain: [pki.subCa.certificate], reason: 'Đóng dấu' });
    for (const [count, bytes] of [[1, once], [2, twice]]) {
      const report = await verifyPdf(bytes, { trust });
      const valid = report.signatures.filter((s) => s.verdict === 'valid').length;
      if (valid !== count) throw new Error(`verifyPdf: ${valid} of ${count} signatures valid: ${JSON.stringify(report.signatures.map((s) => s.reasons))}`);
      const floors = floorInputs(bytes, [pki.person, pki.organization]);
      if (floors.length !== count) throw new Error('floor inputs not found');
      let sink;
      const t = await interleave(
        {
          verifyPdf: async () => {
            sink = await verifyPdf(bytes, { trust });
          },
          floor: () => {
            for (const f of floors) {
              const h = createHash('sha256');
              for (const r of f.ranges) h.update(r);
              sink = h.digest();
              if (!cryptoVerify('sha256', f.signedAttributes, f.publicKey, f.signature)) throw new Error('floor: CMS signature does not verify');
            }
          },
        },
        { repeats: repeats(size > 4 ? 11 : 21), inner: size > 4 ? 1 : 5, log, label: `${count} signature(s), ${size} MB` },
      );
      if (sink === undefined) throw new Error('nothing done');
      results.push(timeRow(`verifyPdf ${count} signature${count > 1 ? 's' : ''} ${size} MB vs crypto floor`, t.verifyPdf, t.floor, { maxRatio: 1.3 }));
      if (size === 1 && count === 1) {
        const der = floors[0].der;
        const p = await interleave(
          {
            pkijs: () => {
              sink = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(der).result }).content });
            },
          },
          { repeats: repeats(21), inner: 20, warmup: 10, log, label: 'pkijs reading the CMS' },
        );
        results.push(timeRow('pkijs reading the CMS SignedData vs what the 1.3x target leaves at 1 MB, 1 signature (0.3 x floor)', p.pkijs, scaled(t.floor, 0.3)));
      }
    }
  }
  return results;
}

/**
 * Per signature of the PDF (found by /ByteRange and /Contents): its byte ranges, the DER of the
 * CMS signed attributes, the signature value and the signer's public key (read beforehand).
 */
function floorInputs(bytes, signers) {
  const text = Buffer.from(bytes).toString('latin1');
  const out = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = m.slice(1).map(Number);
    const hex = /<([0-9A-Fa-f]+)>/.exec(text.slice(a + b, c))[1];
    const der = Buffer.from(hex, 'hex');
    const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(der).result });
    const signerInfo = new pkijs.SignedData({ schema: info.content }).signerInfos[0];
    const attrs = signerInfo.signedAttrs.toSchema();
    attrs.idBlock.tagClass = 1; // signed attributes are signed as a SET, not [0] IMPLICIT
    attrs.idBlock.tagNumber = 17;
    const signedAttributes = Buffer.from(attrs.toBER(false));
    const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
    const publicKey = signers.find((s) => cryptoVerify('sha256', signedAttributes, s.publicKey, signature))?.publicKey;
    if (!publicKey) throw new Error('no signer key verifies the CMS');
    out.push({ ranges: [bytes.subarray(a, a + b), bytes.subarray(c, c + d)], signedAttributes, signature, publicKey, der: der.subarray(0, asn1js.fromBER(der).offset) });
  }
  return out;
}
