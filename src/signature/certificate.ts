/**
 * X.509 certificates as the trust engine reads them: PEM/DER decoding, a parsed view with the
 * extensions the checks need, and the summary shown to people.
 * @module
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError } from '../errors.js';
import type { CertificateSummary } from './report.js';
import { NAME_OIDS, formatName, nameAttribute, nameKey } from './distinguished-name.js';

/** Extension and access-method OIDs read by the trust engine. */
export const EXTENSION_OIDS = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
} as const;

/** Key usage bits by name, in RFC 5280 order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
/** A keyUsage bit by its RFC 5280 name. */
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

/** A certificate parsed once, with what chain building and validation read from it. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** Lowercase hex SHA-256 of {@link der}. */
  readonly sha256: string;
  readonly pkijs: pkijs.Certificate;
  readonly subject: string;
  readonly issuer: string;
  /** Normalised names for matching an issuer to a subject. */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Uppercase hex serial number. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `undefined` when the extension is absent. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number; readonly critical: boolean };
  /** `undefined` when the extension is absent (any usage allowed). */
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  /** `undefined` when the extension is absent. */
  readonly extKeyUsage?: { readonly oids: readonly string[]; readonly critical: boolean };
  readonly policies: readonly string[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  readonly crlUrls: readonly string[];
  readonly ocspUrls: readonly string[];
  readonly caIssuersUrls: readonly string[];
  /** OIDs of the critical extensions present. */
  readonly criticalExtensions: readonly string[];
  /** True when subject and issuer names match (a candidate self-signed certificate). */
  readonly selfIssued: boolean;
}

const PEM_BLOCK = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;

/** Lowercase hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every certificate in a PEM text, as DER.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when there is none
 */
export function certificatesFromPem(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    out.push(new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  if (out.length === 0) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'no PEM certificate found');
  return out;
}

/**
 * The first certificate of a PEM text, as DER.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when there is none
 * @example
 * ```ts
 * const der = certificateFromPem(await readFile('ca.pem', 'utf8'));
 * ```
 */
export function certificateFromPem(pem: string): Uint8Array {
  return certificatesFromPem(pem)[0] as Uint8Array;
}

/**
 * DER bytes of a certificate given as DER, PEM text or PEM bytes.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when it is neither
 */
export function toCertificateDer(input: Uint8Array | string): Uint8Array {
  if (typeof input === 'string') return certificateFromPem(input);
  if (input[0] === 0x30) return input;
  const text = Buffer.from(input).toString('latin1');
  if (text.includes('-----BEGIN')) return certificateFromPem(text);
  throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'a certificate must be DER or PEM');
}

/** PEM text of a DER certificate. */
export function certificateToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

function uris(names: readonly pkijs.GeneralName[] | undefined): string[] {
  return (names ?? []).filter((n) => n.type === 6 && typeof n.value === 'string').map((n) => n.value as string);
}

function readKeyUsage(bits: asn1js.BitString): Set<KeyUsageName> {
  const bytes = bits.valueBlock.valueHexView;
  const out = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bytes[i >> 3] ?? 0;
    if (byte & (0x80 >> (i & 7))) out.add(name);
  });
  return out;
}

/**
 * Parses a DER certificate.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when the bytes are not an X.509 certificate
 */
export function certificateFromDer(der: Uint8Array): ParsedCertificate {
  let cert: pkijs.Certificate;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new Error('not a single DER value');
    cert = new pkijs.Certificate({ schema: asn1.result });
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'not an X.509 certificate', { cause });
  }
  let basicConstraints: ParsedCertificate['basicConstraints'];
  let keyUsage: Set<KeyUsageName> | undefined;
  let extKeyUsage: ParsedCertificate['extKeyUsage'];
  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  const policies: string[] = [];
  const crlUrls: string[] = [];
  const ocspUrls: string[] = [];
  const caIssuersUrls: string[] = [];
  const criticalExtensions: string[] = [];
  try {
    for (const ext of cert.extensions ?? []) {
      if (ext.critical) criticalExtensions.push(ext.extnID);
      const v: unknown = ext.parsedValue;
      switch (ext.extnID) {
        case EXTENSION_OIDS.basicConstraints: {
          const bc = v as pkijs.BasicConstraints;
          const len = bc.pathLenConstraint;
          const pathLength = len === undefined ? undefined : typeof len === 'number' ? len : len.valueBlock.valueDec;
          basicConstraints = { ca: bc.cA === true, critical: ext.critical, ...(pathLength === undefined ? {} : { pathLength }) };
          break;
        }
        case EXTENSION_OIDS.keyUsage:
          keyUsage = readKeyUsage(v as asn1js.BitString);
          break;
        case EXTENSION_OIDS.extKeyUsage:
          extKeyUsage = { oids: [...(v as pkijs.ExtKeyUsage).keyPurposes], critical: ext.critical };
          break;
        case EXTENSION_OIDS.subjectKeyIdentifier:
          subjectKeyId = hex((v as asn1js.OctetString).valueBlock.valueHexView);
          break;
        case EXTENSION_OIDS.authorityKeyIdentifier: {
          const id = (v as pkijs.AuthorityKeyIdentifier).keyIdentifier;
          if (id) authorityKeyId = hex(id.valueBlock.valueHexView);
          break;
        }
        case EXTENSION_OIDS.certificatePolicies:
          for (const p of (v as pkijs.CertificatePolicies).certificatePolicies) policies.push(p.policyIdentifier);
          break;
        case EXTENSION_OIDS.crlDistributionPoints:
          for (const dp of (v as pkijs.CRLDistributionPoints).distributionPoints) {
            if (Array.isArray(dp.distributionPoint)) crlUrls.push(...uris(dp.distributionPoint));
          }
          break;
        case EXTENSION_OIDS.authorityInfoAccess:
          for (const ad of (v as pkijs.InfoAccess).accessDescriptions) {
            if (ad.accessMethod === '1.3.6.1.5.5.7.48.1') ocspUrls.push(...uris([ad.accessLocation]));
            if (ad.accessMethod === '1.3.6.1.5.5.7.48.2') caIssuersUrls.push(...uris([ad.accessLocation]));
          }
          break;
        default:
          break;
      }
    }
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'certificate extensions cannot be read', { cause });
  }
  const subjectKey = nameKey(cert.subject);
  const issuerKey = nameKey(cert.issuer);
  return {
    der,
    sha256: sha256Hex(der),
    pkijs: cert,
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    subjectKey,
    issuerKey,
    serialNumber: hex(cert.serialNumber.valueBlock.valueHexView).toUpperCase(),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    ...(basicConstraints ? { basicConstraints } : {}),
    ...(keyUsage ? { keyUsage } : {}),
    ...(extKeyUsage ? { extKeyUsage } : {}),
    policies,
    ...(subjectKeyId ? { subjectKeyId } : {}),
    ...(authorityKeyId ? { authorityKeyId } : {}),
    crlUrls,
    ocspUrls,
    caIssuersUrls,
    criticalExtensions,
    selfIssued: subjectKey === issuerKey,
  };
}

const x509Keys = new Map<string, KeyObject>();

/**
 * The public key of a DER certificate as Node's X509Certificate reads it, remembered for the
 * last few certificates (a signer signs many packages with one certificate).
 * @throws the X509Certificate error when Node cannot read the certificate
 * @internal
 */
export function x509PublicKey(der: Uint8Array): KeyObject {
  const key = sha256Hex(der);
  let publicKey = x509Keys.get(key);
  if (!publicKey) {
    publicKey = new X509Certificate(der).publicKey;
    x509Keys.set(key, publicKey);
    if (x509Keys.size > 32) x509Keys.delete(x509Keys.keys().next().value as string);
  }
  return publicKey;
}

/** Certificates parsed by {@link readCertificate}, by SHA-256, oldest first. */
const parsedCache = new Map<string, ParsedCertificate>();
const PARSED_CACHE_SIZE = 256;

/**
 * Like {@link certificateFromDer}, but a certificate seen recently is not parsed again: the
 * same DER always gives the same parsed view (its fields are a function of the bytes). The
 * bytes are copied before parsing, so a caller reusing its buffer cannot change a cached
 * certificate. For the verification paths, which read the view and never change it.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when the bytes are not an X.509 certificate
 * @internal
 */
export function readCertificate(der: Uint8Array): ParsedCertificate {
  const key = sha256Hex(der);
  const hit = parsedCache.get(key);
  if (hit) {
    parsedCache.delete(key);
    parsedCache.set(key, hit);
    return hit;
  }
  const parsed = Object.freeze(certificateFromDer(new Uint8Array(der)));
  parsedCache.set(key, parsed);
  if (parsedCache.size > PARSED_CACHE_SIZE) parsedCache.delete(parsedCache.keys().next().value as string);
  return parsed;
}

/** Summaries already made, per parsed certificate (a certificate is read once, summarised in every report). */
const summaries = new WeakMap<ParsedCertificate, CertificateSummary>();

/**
 * A certificate as a person reads it (subject, issuer, validity, fingerprint).
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when given bytes that are not a certificate
 * @example
 * ```ts
 * summarizeCertificate(der).commonName; // 'Nguyễn Văn An'
 * ```
 */
export function summarizeCertificate(input: Uint8Array | ParsedCertificate): CertificateSummary {
  const c = input instanceof Uint8Array ? readCertificate(input) : input;
  let summary = summaries.get(c);
  if (!summary) {
    const commonName = nameAttribute(c.pkijs.subject, NAME_OIDS.CN);
    const organization = nameAttribute(c.pkijs.subject, NAME_OIDS.O);
    summary = {
      subject: c.subject,
      issuer: c.issuer,
      ...(commonName === undefined ? {} : { commonName }),
      ...(organization === undefined ? {} : { organization }),
      serialNumber: c.serialNumber,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      sha256: c.sha256,
    };
    summaries.set(c, summary);
  }
  // A copy each time: reports are the caller's to keep or change.
  return { ...summary };
}
