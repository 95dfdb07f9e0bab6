/**
 * Certificate revocation lists: parsing, the issuer's signature, and whether a CRL can answer
 * for a given time.
 * @module
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError } from '../errors.js';
import { sha256Hex, type ParsedCertificate } from './certificate.js';
import { nameKey } from './distinguished-name.js';
import { publicKeyOf, verifySignature } from './algorithms.js';

/** CRL extensions understood when critical (CRL number, authority key id, issuing distribution point). */
const KNOWN_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35', '2.5.29.28']);
const DELTA_CRL_INDICATOR = '2.5.29.27';

/** A CRL parsed once. */
export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly sha256: string;
  readonly pkijs: pkijs.CertificateRevocationList;
  readonly issuerKey: string;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** Revocation date by uppercase hex serial number. */
  readonly revoked: ReadonlyMap<string, Date>;
  /** False for delta CRLs and CRLs with critical extensions this reader does not process. */
  readonly complete: boolean;
}

const PEM = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/;

/**
 * Parses a CRL given as DER or PEM.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when it is not a CRL
 */
export function crlFromBytes(input: Uint8Array | string): ParsedCrl {
  let der: Uint8Array;
  const text = typeof input === 'string' ? input : input[0] === 0x30 ? undefined : Buffer.from(input).toString('latin1');
  if (text !== undefined) {
    const m = PEM.exec(text);
    if (!m) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'not a CRL (neither DER nor PEM)');
    der = new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
  } else der = input as Uint8Array;
  let crl: pkijs.CertificateRevocationList;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new Error('not a single DER value');
    crl = new pkijs.CertificateRevocationList({ schema: asn1.result });
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'not a CRL', { cause });
  }
  const revoked = new Map<string, Date>();
  for (const entry of crl.revokedCertificates ?? []) {
    const serial = Buffer.from(entry.userCertificate.valueBlock.valueHexView).toString('hex').toUpperCase();
    revoked.set(serial, entry.revocationDate.value);
  }
  const exts = crl.crlExtensions?.extensions ?? [];
  const complete = !exts.some((e) => e.extnID === DELTA_CRL_INDICATOR || (e.critical && !KNOWN_CRL_EXTENSIONS.has(e.extnID)));
  return {
    der,
    sha256: sha256Hex(der),
    pkijs: crl,
    issuerKey: nameKey(crl.issuer),
    thisUpdate: crl.thisUpdate.value,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}),
    revoked,
    complete,
  };
}

const issuedBy = new WeakMap<ParsedCrl, Map<string, boolean>>();

/** True when `issuer` signed the CRL and is named as its issuer (the signature is checked once per pair). */
export function isCrlIssuedBy(crl: ParsedCrl, issuer: ParsedCertificate): boolean {
  if (crl.issuerKey !== issuer.subjectKey) return false;
  if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) return false;
  let known = issuedBy.get(crl);
  if (!known) {
    known = new Map();
    issuedBy.set(crl, known);
  }
  let ok = known.get(issuer.sha256);
  if (ok === undefined) {
    try {
      ok = verifySignature({
        data: crl.pkijs.tbsView,
        signature: crl.pkijs.signatureValue.valueBlock.valueHexView,
        algorithm: crl.pkijs.signatureAlgorithm,
        publicKey: publicKeyOf(issuer.pkijs).key,
      });
    } catch {
      ok = false;
    }
    known.set(issuer.sha256, ok);
  }
  return ok;
}

/**
 * True when the CRL says something about time `at`: issued after it, or current at it
 * (`thisUpdate ≤ at ≤ nextUpdate`, or no nextUpdate).
 */
export function crlCovers(crl: ParsedCrl, at: Date): boolean {
  if (crl.thisUpdate.getTime() >= at.getTime()) return true;
  return crl.nextUpdate === undefined || crl.nextUpdate.getTime() >= at.getTime();
}
