/**
 * OCSP (RFC 6960) with pkijs: builds a request for one certificate, sends it through the
 * fetcher, and checks the answer: status, responder (the CA itself or a delegated responder
 * it issued with id-kp-OCSPSigning), signature, certificate id, currency and nonce.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateFromDer, type ParsedCertificate } from './certificate.js';
import { spkiOf, verifySignature } from './algorithms.js';
import { nameKey } from './distinguished-name.js';
import { isSignedBy } from './chain-builder.js';
import type { Fetcher } from './fetcher.js';

const SHA1_OID = '1.3.14.3.2.26';
const NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
const BASIC_RESPONSE_OID = '1.3.6.1.5.5.7.48.1.1';
const EKU_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Tolerated clock difference with the responder. */
const SKEW_MS = 5 * 60_000;

/** What a responder said about a certificate. */
export interface OcspAnswer {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

/** An OCSP exchange that gave no usable answer; `message` says why. */
export class OcspProblem extends Error {
  override name = 'OcspProblem';
}

function sha1(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(bytes).digest());
}

function issuerKeyBits(issuer: ParsedCertificate): Uint8Array {
  return issuer.pkijs.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
}

function certIdFor(cert: ParsedCertificate, issuer: ParsedCertificate): pkijs.CertID {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA1_OID, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: sha1(new Uint8Array(cert.pkijs.issuer.toSchema().toBER(false))) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: sha1(issuerKeyBits(issuer)) }),
    serialNumber: new asn1js.Integer({ valueHex: cert.pkijs.serialNumber.valueBlock.valueHexView }),
  });
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** DER of an OCSP request for `cert`, with an optional nonce. */
export function buildOcspRequest(cert: ParsedCertificate, issuer: ParsedCertificate, nonce?: Uint8Array): Uint8Array {
  const req = new pkijs.OCSPRequest();
  req.tbsRequest.requestList = [new pkijs.Request({ reqCert: certIdFor(cert, issuer) })];
  if (nonce) {
    req.tbsRequest.requestExtensions = [
      new pkijs.Extension({ extnID: NONCE_OID, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false) }),
    ];
  }
  return new Uint8Array(req.toSchema(true).toBER(false));
}

function findResponder(basic: pkijs.BasicOCSPResponse, issuer: ParsedCertificate, now: Date): ParsedCertificate {
  const rid: unknown = basic.tbsResponseData.responderID;
  const candidates = [issuer, ...(basic.certs ?? []).map((c) => certificateFromDer(new Uint8Array(c.toSchema(false).toBER(false))))];
  const matches = (c: ParsedCertificate) => {
    if (rid instanceof pkijs.RelativeDistinguishedNames) return nameKey(rid) === c.subjectKey;
    if (rid instanceof asn1js.OctetString) return same(rid.valueBlock.valueHexView, sha1(issuerKeyBits(c)));
    return false;
  };
  const responder = candidates.find(matches);
  if (!responder) throw new OcspProblem('the responder is not the CA nor a certificate in the answer');
  if (responder.sha256 === issuer.sha256) return responder;
  if (!isSignedBy(responder, issuer)) throw new OcspProblem('the responder certificate was not issued by the CA');
  if (!responder.extKeyUsage?.oids.includes(EKU_OCSP_SIGNING)) throw new OcspProblem('the responder certificate lacks id-kp-OCSPSigning');
  if (now < responder.notBefore || now > responder.notAfter) throw new OcspProblem('the responder certificate is not valid now');
  return responder;
}

/**
 * Asks `url` about `cert` and returns the checked answer.
 * @throws {OcspProblem} (rejects) when the exchange gives no usable answer (the fetcher's errors pass through)
 */
export async function queryOcsp(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  options: { url: string; fetcher: Fetcher; nonce: boolean; now: Date; signal?: AbortSignal },
): Promise<OcspAnswer> {
  const nonce = options.nonce ? new Uint8Array(randomBytes(16)) : undefined;
  const body = buildOcspRequest(cert, issuer, nonce);
  const bytes = await options.fetcher(options.url, {
    body,
    contentType: 'application/ocsp-request',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let basic: pkijs.BasicOCSPResponse;
  try {
    const resp = new pkijs.OCSPResponse({ schema: asn1js.fromBER(bytes).result });
    const status = resp.responseStatus.valueBlock.valueDec;
    if (status !== 0) throw new OcspProblem(`the responder answered status ${status}`);
    if (!resp.responseBytes || resp.responseBytes.responseType !== BASIC_RESPONSE_OID) throw new OcspProblem('not a basic OCSP response');
    basic = new pkijs.BasicOCSPResponse({ schema: asn1js.fromBER(resp.responseBytes.response.valueBlock.valueHexView).result });
  } catch (e) {
    if (e instanceof OcspProblem) throw e;
    throw new OcspProblem('unreadable OCSP response', { cause: e });
  }
  const responder = findResponder(basic, issuer, options.now);
  const signed = verifySignature({
    data: basic.tbsResponseData.tbsView,
    signature: basic.signature.valueBlock.valueHexView,
    algorithm: basic.signatureAlgorithm,
    publicKey: spkiOf(responder.pkijs),
  });
  if (!signed) throw new OcspProblem('the OCSP response signature does not verify');
  if (nonce) {
    const ext = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === NONCE_OID);
    const inner = ext ? asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result : undefined;
    const got = inner instanceof asn1js.OctetString ? inner.valueBlock.valueHexView : ext?.extnValue.valueBlock.valueHexView;
    if (!got || !same(got, nonce)) throw new OcspProblem('the OCSP nonce does not match');
  }
  const wanted = certIdFor(cert, issuer);
  const single = basic.tbsResponseData.responses.find(
    (r) =>
      r.certID.hashAlgorithm.algorithmId === SHA1_OID &&
      same(r.certID.issuerNameHash.valueBlock.valueHexView, wanted.issuerNameHash.valueBlock.valueHexView) &&
      same(r.certID.issuerKeyHash.valueBlock.valueHexView, wanted.issuerKeyHash.valueBlock.valueHexView) &&
      same(r.certID.serialNumber.valueBlock.valueHexView, wanted.serialNumber.valueBlock.valueHexView),
  );
  if (!single) throw new OcspProblem('the OCSP response is about another certificate');
  const now = options.now.getTime();
  if (single.thisUpdate.getTime() > now + SKEW_MS) throw new OcspProblem('the OCSP response is from the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < now - SKEW_MS) throw new OcspProblem('the OCSP response is out of date');
  const base = { thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) };
  const st = single.certStatus as asn1js.BaseBlock;
  const tag = st.idBlock.tagNumber;
  if (st.idBlock.tagClass !== 3) throw new OcspProblem('unreadable certificate status');
  if (tag === 0) return { status: 'good', ...base };
  if (tag === 2) return { status: 'unknown', ...base };
  if (tag === 1) {
    const inner = (st as asn1js.Constructed).valueBlock.value[0];
    const revokedAt = inner instanceof asn1js.GeneralizedTime ? inner.toDate() : undefined;
    if (!revokedAt) throw new OcspProblem('unreadable revocation time');
    return { status: 'revoked', revokedAt, ...base };
  }
  throw new OcspProblem('unreadable certificate status');
}
