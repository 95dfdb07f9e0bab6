import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, test } from 'vitest';
import { derChildren, derElementAt, type DerElement } from '../../src/signature/der-walk.js';
import { readCertificate } from '../../src/signature/certificate.js';
import {
  attributeValue,
  essCertHash,
  findSigner,
  octetString,
  oidText,
  readSignerInfo,
  signerInfoFromPkijs,
  timeValue,
  toAlgorithmIdentifier,
  type CmsAttribute,
} from '../../src/signature/cms-signer-info.js';
import { checkPdfCms } from '../../src/signature/pdf/pdf-cms.js';
import { signPdf } from '../../src/signature/pdf/sign-pdf.js';
import { VerificationPolicySchema } from '../../src/signature/report.js';
import { createTestPdf } from '../../src/testing/test-pdf.js';
import { createTestPki, type TestPki } from '../../src/testing/test-pki.js';
import { createTestTimestampToken } from '../../src/testing/test-timestamp.js';

let pki: TestPki;
let ecPki: TestPki;
beforeAll(async () => {
  [pki, ecPki] = await Promise.all([createTestPki(), createTestPki({ keyType: 'ec' })]);
});

/** The CMS of the (last) signature of a PDF, its byte ranges and SubFilter. */
function cmsOf(pdf: Uint8Array): { der: Uint8Array; ranges: Uint8Array[]; subFilter: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached' } {
  const text = Buffer.from(pdf).toString('latin1');
  const m = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].at(-1)!;
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const hex = /<([0-9A-Fa-f]+)>/.exec(text.slice(a + b, c))![1]!;
  let der = Buffer.from(hex, 'hex');
  let end = der.length;
  while (end > 0 && der[end - 1] === 0) end--;
  der = der.subarray(0, end);
  const subFilter = /\/SubFilter\s*\/ETSI\.CAdES\.detached/.test(text) ? 'ETSI.CAdES.detached' : 'adbe.pkcs7.detached';
  return { der, ranges: [pdf.subarray(a, a + b), pdf.subarray(c, c + d)], subFilter };
}

/** The SignerInfo element of a DER ContentInfo(SignedData). */
function signerInfoElement(der: Uint8Array): DerElement {
  const signedData = derChildren(derChildren(derChildren(derElementAt(der, 0)!)![1]!)![0]!)!;
  return derChildren(signedData.at(-1)!)![0]!;
}

/** DER TLV with a definite length. */
function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

/** The CMS with its SignerInfo replaced by `signerInfo` (lengths of every enclosing element rebuilt). */
function withSignerInfo(der: Uint8Array, signerInfo: Uint8Array): Buffer {
  const info = derElementAt(der, 0)!;
  const [oid, wrapper] = derChildren(info)!;
  const signedData = derChildren(wrapper!)![0]!;
  const fields = derChildren(signedData)!;
  const signers = tlv(0x31, signerInfo);
  const sd = tlv(0x30, Buffer.concat([...fields.slice(0, -1).map((f) => f.bytes), signers]));
  return tlv(0x30, Buffer.concat([oid!.bytes, tlv(0xa0, sd)]));
}

const policy = VerificationPolicySchema.parse({});

describe('readSignerInfo', () => {
  /** Every byte string as hex, so that the DER and the pkijs roads compare as plain values. */
  const plain = (x: unknown): unknown =>
    x instanceof Uint8Array
      ? Buffer.from(x).toString('hex')
      : Array.isArray(x)
        ? x.map(plain)
        : x && typeof x === 'object'
          ? 'bytes' in x && 'tagClass' in x
            ? `der:${Buffer.from((x as DerElement).bytes).toString('hex')}`
            : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]))
          : x;

  test('reads what pkijs reads, for RSA and EC signers, PAdES and PKCS#7, with and without a timestamp token', async () => {
    const time = new Date(pki.now.getTime() - 3_600_000);
    const cases = [
      await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate, chain: [pki.subCa.certificate] }),
      await signPdf(createTestPdf(), { key: ecPki.organization.privateKey, certificate: ecPki.organization.certificate, subFilter: 'ETSI.CAdES.detached' }),
      await signPdf(createTestPdf(), {
        key: pki.person.privateKey,
        certificate: pki.person.certificate,
        signingTime: time,
        timestamp: { tsa: async (digest: Uint8Array) => createTestTimestampToken({ tsa: pki.tsa, digest, time }) },
      }),
    ];
    const signers = [pki.person, ecPki.organization, pki.person];
    for (const [i, pdf] of cases.entries()) {
      const el = signerInfoElement(cmsOf(pdf).der);
      const fast = readSignerInfo(el)!;
      const pkijsRead = new pkijs.SignerInfo({ schema: asn1js.fromBER(el.bytes).result });
      const slow = signerInfoFromPkijs(pkijsRead);
      expect(plain(fast)).toEqual(plain(slow));
      expect(fast.sid?.kind).toBe('issuer-serial');
      expect(findSigner(fast, [readCertificate(pki.subCa.certificate), readCertificate(signers[i]!.certificate)])?.der).toEqual(readCertificate(signers[i]!.certificate).der);
      expect(Buffer.from(fast.signedAttrs!.encoded).equals(Buffer.from(pkijsRead.signedAttrs!.encodedValue))).toBe(true);
      expect(fast.signedAttrs!.encoded[0]).toBe(0x31);
      expect(Buffer.from(fast.signature).equals(Buffer.from(pkijsRead.signature.valueBlock.valueHexView))).toBe(true);
      const attrs = fast.signedAttrs!.attributes;
      expect(octetString(attributeValue(attrs, '1.2.840.113549.1.9.4'))).toHaveLength(32);
      expect(oidText(attributeValue(attrs, '1.2.840.113549.1.9.3'))).toBe('1.2.840.113549.1.7.1');
      // signing-certificate-v2 is PAdES's (ETSI.CAdES.detached), not plain PKCS#7's
      expect(essCertHash(attrs)?.digest).toBe(i === 1 ? 'SHA-256' : undefined);
    }
    const stamped = readSignerInfo(signerInfoElement(cmsOf(cases[2]!).der))!;
    expect(stamped.unsignedAttrs).toHaveLength(1);
    expect(timeValue(attributeValue(stamped.signedAttrs!.attributes, '1.2.840.113549.1.9.5'))?.getTime()).toBe(Math.floor(time.getTime() / 1000) * 1000);
  });

  test('a subject-key-identifier sid is read as a key id, on both roads', () => {
    const ski = Buffer.concat([Buffer.from([0x80, 0x04]), Buffer.from('a1b2c3d4', 'hex')]);
    const el = derElementAt(tlv(0x30, Buffer.concat([Buffer.from([0x02, 0x01, 0x03]), ski, tlv(0x30, Buffer.from('0609608648016503040201', 'hex')), tlv(0x30, Buffer.from('06092a864886f70d01010b', 'hex')), Buffer.from([0x04, 0x01, 0x00])])), 0)!;
    const fast = readSignerInfo(el)!;
    expect(fast).toMatchObject({ version: 3, sid: { kind: 'key-id', keyId: 'a1b2c3d4' }, digestAlgorithm: '2.16.840.1.101.3.4.2.1', signatureAlgorithm: { algorithmId: '1.2.840.113549.1.1.11' } });
    expect(plain(fast)).toEqual(plain(signerInfoFromPkijs(new pkijs.SignerInfo({ schema: asn1js.fromBER(el.bytes).result }))));
  });

  test('shapes off the plain DER path give undefined (pkijs then decides)', async () => {
    const pdf = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate });
    const el = signerInfoElement(cmsOf(pdf).der);
    const fields = derChildren(el)!;
    const rebuild = (parts: Uint8Array[]) => derElementAt(tlv(0x30, Buffer.concat(parts)), 0)!;
    const bytes = fields.map((f) => f.bytes);
    expect(readSignerInfo(rebuild(bytes))).toBeDefined();
    // a non-minimal version INTEGER; a trailing extra field; the signature as a constructed (BER) OCTET STRING; no signature
    expect(readSignerInfo(rebuild([Buffer.from([0x02, 0x02, 0x00, 0x01]), ...bytes.slice(1)]))).toBeUndefined();
    expect(readSignerInfo(rebuild([...bytes, Buffer.from([0x05, 0x00])]))).toBeUndefined();
    const sig = fields[5]!;
    expect(readSignerInfo(rebuild([...bytes.slice(0, 5), tlv(0x24, tlv(0x04, sig.content))]))).toBeUndefined();
    expect(readSignerInfo(rebuild(bytes.slice(0, 5)))).toBeUndefined();
    // an attribute whose values are not a SET
    const attrs = derChildren(fields[3]!)!;
    const bad = tlv(0x30, Buffer.concat([derChildren(attrs[0]!)![0]!.bytes, tlv(0x30, Buffer.from([0x05, 0x00]))]));
    expect(readSignerInfo(rebuild([...bytes.slice(0, 3), tlv(0xa0, Buffer.concat([bad, ...attrs.slice(1).map((a) => a.bytes)])), ...bytes.slice(4)]))).toBeUndefined();
  });

  test('off-shape signer infos are still checked in full: pkijs reads them and the verdict is the same', async () => {
    const pdf = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate, chain: [pki.subCa.certificate] });
    const cms = cmsOf(pdf);
    const fields = derChildren(signerInfoElement(cms.der))!;
    const bytes = fields.map((f) => f.bytes);
    const plain = checkPdfCms({ der: cms.der, ranges: cms.ranges, subFilter: cms.subFilter, policy });
    expect(plain).toMatchObject({ digestValid: true, signatureValid: true });
    // version written with a leading zero byte: refused by the fast reader, accepted by pkijs
    const odd = tlv(0x30, Buffer.concat([Buffer.from([0x02, 0x02, 0x00, 0x01]), ...bytes.slice(1)]));
    expect(readSignerInfo(derElementAt(odd, 0)!)).toBeUndefined();
    const viaPkijs = checkPdfCms({ der: withSignerInfo(cms.der, odd), ranges: cms.ranges, subFilter: cms.subFilter, policy });
    expect(viaPkijs).toMatchObject({ digestValid: true, signatureValid: true });
    expect(viaPkijs.signer?.sha256).toBe(plain.signer?.sha256);
    // and a tampered signed attribute fails either way
    const attrs = Buffer.from(fields[3]!.bytes);
    attrs[attrs.length - 1] = attrs[attrs.length - 1]! ^ 0x01;
    for (const version of [bytes[0]!, Buffer.from([0x02, 0x02, 0x00, 0x01])]) {
      const tampered = tlv(0x30, Buffer.concat([version, bytes[1]!, bytes[2]!, attrs, ...bytes.slice(4)]));
      const check = checkPdfCms({ der: withSignerInfo(cms.der, tampered), ranges: cms.ranges, subFilter: cms.subFilter, policy });
      expect(check.signatureValid === true && check.digestValid === true).toBe(false);
    }
  });
});

describe('checkPdfCms: the CMS in zero-padded /Contents', () => {
  test('ends where its DER length says: a CMS whose last byte is 0x00 verifies; a non-zero byte in the padding is refused', async () => {
    const pdf = await signPdf(createTestPdf(), { key: pki.person.privateKey, certificate: pki.person.certificate, chain: [pki.subCa.certificate] });
    const cms = cmsOf(pdf);
    const si = signerInfoElement(cms.der);
    // An unsigned attribute (not covered by the signature) whose value ends the DER with 0x00.
    const unsigned = tlv(0xa1, tlv(0x30, Buffer.concat([Buffer.from('06032a0304', 'hex'), tlv(0x31, Buffer.from([0x04, 0x01, 0x00]))])));
    const endsInZero = withSignerInfo(cms.der, tlv(0x30, Buffer.concat([si.content, unsigned])));
    expect(endsInZero[endsInZero.length - 1]).toBe(0);
    const padded = Buffer.concat([endsInZero, Buffer.alloc(40_000)]);
    const ok = checkPdfCms({ der: padded, ranges: cms.ranges, subFilter: cms.subFilter, policy });
    expect(ok.reasons.filter((r) => r.severity === 'error')).toEqual([]);
    expect(ok).toMatchObject({ digestValid: true, signatureValid: true });
    for (const at of [endsInZero.length, endsInZero.length + 20_000, padded.length - 1]) {
      const dirty = Buffer.from(padded);
      dirty[at] = 0x01;
      expect(checkPdfCms({ der: dirty, ranges: cms.ranges, subFilter: cms.subFilter, policy }).reasons.map((r) => r.code)).toContain('CMS_MALFORMED');
    }
  });
});

describe('oidText', () => {
  test('matches asn1js on ordinary, large-arc and 2.x identifiers, and refuses unusual encodings', () => {
    for (const oid of ['1.2.840.113549.1.9.4', '2.16.840.1.101.3.4.2.1', '1.3.6.1.4.1.99999.1.1', '2.999.3', '0.9.2342.19200300.100.1.25', '1.2.840.10045.4.3.2', '2.5.4.3', '1.3.6.1.4.1.281474976710655.1']) {
      const der = new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));
      expect(oidText(derElementAt(der, 0))).toBe(oid);
      expect((asn1js.fromBER(der).result as asn1js.ObjectIdentifier).valueBlock.toString()).toBe(oid);
    }
    expect(oidText(derElementAt(Buffer.from('0603808648', 'hex'), 0))).toBeUndefined(); // leading 0x80
    expect(oidText(derElementAt(Buffer.from('06022a86', 'hex'), 0))).toBeUndefined(); // truncated arc
    expect(oidText(derElementAt(Buffer.from('0600', 'hex'), 0))).toBeUndefined(); // empty
    expect(oidText(derElementAt(Buffer.from('04022a03', 'hex'), 0))).toBeUndefined(); // not an OID
    expect(oidText(derElementAt(Buffer.from('06092a8080808080808001', 'hex'), 0))).toBeUndefined(); // non-minimal inner arc
    expect(oidText(derElementAt(Buffer.from('060a2affffffffffffffff7f', 'hex'), 0))).toBeUndefined(); // arc past 2^48
  });
});

describe('attribute values', () => {
  const attr = (type: string, value: Uint8Array): CmsAttribute => ({ type, values: [derElementAt(value, 0)!] });
  const seq = (...parts: Uint8Array[]) => tlv(0x30, Buffer.concat(parts));
  const hash = Buffer.alloc(32, 0xab);
  const V2 = '1.2.840.113549.1.9.16.2.47';

  test('essCertHash: v1 (SHA-1), v2 with the default SHA-256 or a named digest; none when absent', () => {
    expect(essCertHash([attr('1.2.840.113549.1.9.16.2.12', seq(seq(seq(tlv(0x04, hash.subarray(0, 20))))))])).toEqual({ digest: 'SHA-1', hash: hash.subarray(0, 20) });
    expect(essCertHash([attr(V2, seq(seq(seq(tlv(0x04, hash)))))])).toEqual({ digest: 'SHA-256', hash });
    const sha512 = seq(Buffer.from('0609608648016503040203', 'hex'));
    expect(essCertHash([attr(V2, seq(seq(seq(sha512, tlv(0x04, hash)))))])).toEqual({ digest: 'SHA-512', hash });
    expect(essCertHash([attr('1.2.840.113549.1.9.3', Buffer.from('06092a864886f70d010701', 'hex'))])).toBeUndefined();
  });

  test('essCertHash: a malformed attribute or an unknown digest is a typed error', () => {
    const bad = [
      seq(), // no certs
      seq(seq()), // no ESSCertID
      seq(seq(seq(tlv(0x02, Buffer.from([1]))))), // the hash is not an OCTET STRING
      seq(seq(seq(seq(Buffer.from('06032a0304', 'hex')), tlv(0x04, hash)))), // unknown digest
      tlv(0x04, hash), // not a SEQUENCE
    ];
    for (const value of bad) expect(() => essCertHash([attr(V2, value)]), Buffer.from(value).toString('hex')).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_MALFORMED' }));
  });

  test('timeValue reads DER UTCTime and GeneralizedTime, nothing else', () => {
    const utc = tlv(0x17, Buffer.from('240501083000Z'));
    expect(timeValue(derElementAt(utc, 0))?.toISOString()).toBe('2024-05-01T08:30:00.000Z');
    expect(timeValue(derElementAt(tlv(0x18, Buffer.from('20240501083000Z')), 0))?.toISOString()).toBe('2024-05-01T08:30:00.000Z');
    expect(timeValue(derElementAt(tlv(0x04, Buffer.from('240501083000Z')), 0))).toBeUndefined();
    expect(timeValue(undefined)).toBeUndefined();
    // The DER forms are read without asn1js: the same dates as asn1js gives.
    const viaAsn1js = (tag: number, text: string) => (asn1js.fromBER(tlv(tag, Buffer.from(text))).result as asn1js.UTCTime).toDate().toISOString();
    for (const [tag, text] of [[0x17, '500101000000Z'], [0x17, '491231235959Z'], [0x17, '000229120000Z'], [0x18, '20240501083000.5Z'], [0x18, '20240501083000.123456Z'], [0x18, '19991231235959Z']] as const) {
      expect(timeValue(derElementAt(tlv(tag, Buffer.from(text)), 0))?.toISOString(), text).toBe(viaAsn1js(tag, text));
    }
    expect(timeValue(derElementAt(tlv(0x18, Buffer.from('00500101000000Z')), 0))?.toISOString()).toBe('0050-01-01T00:00:00.000Z');
    // Impossible dates are no time at all, not a date rolled over into the next month.
    for (const text of ['20240231000000Z', '20241301000000Z', '20240101240000Z', '20240101006000Z']) expect(timeValue(derElementAt(tlv(0x18, Buffer.from(text)), 0)), text).toBeUndefined();
    // Forms DER does not allow are no time (asn1js reads the first as a date in 1899).
    for (const text of ['2405010830Z', '240501083000+0700', '240501083000']) expect(timeValue(derElementAt(tlv(0x17, Buffer.from(text)), 0)), text).toBeUndefined();
  });

  test('toAlgorithmIdentifier decodes parameters only when they are more than NULL, and refuses unreadable ones', () => {
    expect(toAlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', params: Buffer.from('0500', 'hex') }).algorithmParams).toBeUndefined();
    const pss = seq(tlv(0xa0, seq(Buffer.from('0609608648016503040201', 'hex'))));
    const read = toAlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.10', params: pss });
    expect(Buffer.from((read.algorithmParams as asn1js.Sequence).toBER(false)).equals(pss)).toBe(true);
    expect(() => toAlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.10', params: Buffer.from('3005', 'hex') })).toThrow(expect.objectContaining({ code: 'VDXP_SIGNATURE_MALFORMED' }));
  });
});
