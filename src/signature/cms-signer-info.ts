/**
 * A CMS SignerInfo (RFC 5652 5.3) as the signature checks read it: plain values and raw DER,
 * no object per ASN.1 element.
 *
 * PDF signatures are read by walking their DER ({@link readSignerInfo}). pkijs builds and
 * compares a schema tree per call, and asn1js builds an object per element; in a 1 MB PDF's
 * check those objects took more time than everything else but the hash and the RSA
 * operation, and three times as much right after a full garbage collection. Anything off the
 * plain DER shape (BER lengths, a mistyped field, trailing bytes) is read by pkijs instead and
 * converted ({@link signerInfoFromPkijs}), so both roads give the same values and the same
 * checks decide. RFC 3161 tokens, rarer, always take the pkijs road.
 * @internal
 * @module
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError } from '../errors.js';
import { DIGEST_OIDS, type AlgorithmIdentifierLike, type DigestName } from './algorithms.js';
import type { ParsedCertificate } from './certificate.js';
import { derChildren, derElementAt, isUniversal, type DerElement } from './der-walk.js';
import { nameKey } from './distinguished-name.js';

/** One attribute: its type (dotted OID) and its values, as DER. */
export interface CmsAttribute {
  readonly type: string;
  readonly values: readonly DerElement[];
}

/** Who signed: issuer and serial number (as certificates hold them), or a subject key identifier. */
export type CmsSignerId =
  | { readonly kind: 'issuer-serial'; /** {@link nameKey} of the issuer. */ readonly issuerKey: string; /** Uppercase hex. */ readonly serialNumber: string }
  | { readonly kind: 'key-id'; /** Lowercase hex. */ readonly keyId: string };

/** An AlgorithmIdentifier: the dotted OID and the parameters' DER, when present. */
export interface CmsAlgorithm {
  readonly algorithmId: string;
  readonly params?: Uint8Array;
}

/** What the checks read of a SignerInfo. */
export interface CmsSignerInfo {
  readonly version: number;
  /** Undefined when the signer identifier is of no known form (no certificate then matches). */
  readonly sid?: CmsSignerId;
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: CmsAlgorithm;
  readonly signature: Uint8Array;
  readonly signedAttrs?: {
    /** The DER of the attributes with the SET tag: what the signature covers. */
    readonly encoded: Uint8Array;
    readonly attributes: readonly CmsAttribute[];
  };
  readonly unsignedAttrs?: readonly CmsAttribute[];
}

const malformed = (what: string, cause?: unknown) => new SignatureError('VDXP_SIGNATURE_MALFORMED', `malformed CMS signer info: ${what}`, cause ? { cause } : undefined);

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** Issuer name keys already computed, by the name's DER (hex); bounded. */
const issuerKeys = new Map<string, string>();
const ISSUER_KEYS_MAX = 256;

/**
 * The SignerInfo in `el`, read from its DER, or undefined when it is not of the plain shape
 * read here (the caller then lets pkijs read it, and converts with {@link signerInfoFromPkijs}).
 */
export function readSignerInfo(el: DerElement): CmsSignerInfo | undefined {
  if (!isUniversal(el, 16)) return undefined;
  const fields = derChildren(el);
  if (!fields || fields.length < 5 || fields.length > 7) return undefined;
  let i = 0;
  const version = smallInteger(fields[i++]!);
  if (version === undefined) return undefined;
  const sid = readSid(fields[i++]!);
  const digestAlgorithm = readAlgorithm(fields[i++]!);
  if (!sid || !digestAlgorithm) return undefined;
  let signedAttrs: CmsSignerInfo['signedAttrs'];
  if (isContext(fields[i], 0)) {
    const attributes = readAttributes(fields[i]!);
    if (!attributes) return undefined;
    const encoded = new Uint8Array(fields[i++]!.bytes);
    encoded[0] = 0x31;
    signedAttrs = { encoded, attributes };
  }
  const signatureAlgorithm = fields[i] ? readAlgorithm(fields[i++]!) : undefined;
  const signatureField = fields[i++];
  if (!signatureAlgorithm || !isUniversal(signatureField, 4) || signatureField.constructed) return undefined;
  let unsignedAttrs: CmsAttribute[] | undefined;
  if (isContext(fields[i], 1)) {
    unsignedAttrs = readAttributes(fields[i++]!);
    if (!unsignedAttrs) return undefined;
  }
  if (i !== fields.length) return undefined;
  return {
    version,
    sid,
    digestAlgorithm: digestAlgorithm.algorithmId,
    signatureAlgorithm,
    signature: signatureField.content,
    ...(signedAttrs ? { signedAttrs } : {}),
    ...(unsignedAttrs ? { unsignedAttrs } : {}),
  };
}

function isContext(e: DerElement | undefined, tagNumber: number): e is DerElement {
  return e !== undefined && e.tagClass === 2 && e.constructed && e.tagNumber === tagNumber;
}

/** A non-negative INTEGER that fits one byte (CMS versions are 0 to 5). */
function smallInteger(e: DerElement): number | undefined {
  if (!isUniversal(e, 2) || e.constructed || e.content.length !== 1 || e.content[0]! > 0x7f) return undefined;
  return e.content[0];
}

/** `issuerAndSerialNumber` (SEQUENCE { Name, INTEGER }) or `[0] IMPLICIT SubjectKeyIdentifier`. */
function readSid(e: DerElement): CmsSignerId | undefined {
  if (e.tagClass === 2 && e.tagNumber === 0 && !e.constructed) return { kind: 'key-id', keyId: hex(e.content) };
  if (!isUniversal(e, 16)) return undefined;
  const [issuer, serial, ...rest] = derChildren(e) ?? [];
  if (!isUniversal(issuer, 16) || !isUniversal(serial, 2) || serial.constructed || serial.content.length === 0 || rest.length > 0) return undefined;
  const issuerKey = issuerKeyOf(issuer.bytes);
  return issuerKey === undefined ? undefined : { kind: 'issuer-serial', issuerKey, serialNumber: hex(serial.content).toUpperCase() };
}

/** {@link nameKey} of a Name's DER: parsed once per distinct name (signers use the same few CAs). */
function issuerKeyOf(der: Uint8Array): string | undefined {
  const key = hex(der);
  const hit = issuerKeys.get(key);
  if (hit !== undefined) return hit;
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset !== der.length || asn1.result.error) return undefined;
  let name: string;
  try {
    name = nameKey(new pkijs.RelativeDistinguishedNames({ schema: asn1.result }));
  } catch {
    return undefined;
  }
  if (issuerKeys.size >= ISSUER_KEYS_MAX) issuerKeys.delete(issuerKeys.keys().next().value as string);
  issuerKeys.set(key, name);
  return name;
}

/** AlgorithmIdentifier: SEQUENCE { OID, parameters OPTIONAL }. */
function readAlgorithm(e: DerElement): CmsAlgorithm | undefined {
  if (!isUniversal(e, 16)) return undefined;
  const [oid, params, ...rest] = derChildren(e) ?? [];
  const algorithmId = oidText(oid);
  if (algorithmId === undefined || rest.length > 0) return undefined;
  return params ? { algorithmId, params: params.bytes } : { algorithmId };
}

/** `[0] IMPLICIT SET OF Attribute` or `[1]`: each `SEQUENCE { OID, SET OF value }`. */
function readAttributes(e: DerElement): CmsAttribute[] | undefined {
  const items = derChildren(e);
  if (!items || items.length === 0) return undefined;
  const attributes: CmsAttribute[] = [];
  for (const item of items) {
    if (!isUniversal(item, 16)) return undefined;
    const [oid, set, ...rest] = derChildren(item) ?? [];
    const type = oidText(oid);
    if (type === undefined || !isUniversal(set, 17) || rest.length > 0) return undefined;
    const values = derChildren(set);
    if (!values) return undefined;
    attributes.push({ type, values });
  }
  return attributes;
}

/**
 * The same values from a SignerInfo pkijs has read (a BER or otherwise unusual CMS, an
 * RFC 3161 token): each part is encoded back to DER.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when a part cannot be encoded back
 */
export function signerInfoFromPkijs(si: pkijs.SignerInfo): CmsSignerInfo {
  const der = (value: asn1js.AsnType): DerElement => {
    const bytes = new Uint8Array(value.toBER(false));
    const el = derElementAt(bytes, 0);
    if (!el || el.bytes.length !== bytes.length) throw malformed('an attribute value cannot be encoded as DER');
    return el;
  };
  const attributes = (list: pkijs.SignedAndUnsignedAttributes | undefined) =>
    list?.attributes.map((a): CmsAttribute => ({ type: a.type, values: a.values.map((v) => der(v)) }));
  const algorithm = (a: pkijs.AlgorithmIdentifier): CmsAlgorithm =>
    a.algorithmParams instanceof asn1js.BaseBlock && !(a.algorithmParams instanceof asn1js.Any) ? { algorithmId: a.algorithmId, params: der(a.algorithmParams).bytes } : { algorithmId: a.algorithmId };
  const signed = attributes(si.signedAttrs);
  const unsigned = attributes(si.unsignedAttrs);
  const sid = sidFromPkijs(si.sid);
  return {
    version: si.version,
    ...(sid ? { sid } : {}),
    digestAlgorithm: si.digestAlgorithm.algorithmId,
    signatureAlgorithm: algorithm(si.signatureAlgorithm),
    signature: new Uint8Array(si.signature.valueBlock.valueHexView),
    ...(si.signedAttrs && signed ? { signedAttrs: { encoded: new Uint8Array(si.signedAttrs.encodedValue), attributes: signed } } : {}),
    ...(unsigned ? { unsignedAttrs: unsigned } : {}),
  };
}

function sidFromPkijs(sid: unknown): CmsSignerId | undefined {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return { kind: 'issuer-serial', issuerKey: nameKey(sid.issuer), serialNumber: hex(sid.serialNumber.valueBlock.valueHexView).toUpperCase() };
  }
  if (sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive) {
    // [0] SubjectKeyIdentifier: primitive in DER, the OCTET STRING inside when constructed.
    const bytes = sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : (sid.valueBlock.value[0] as asn1js.OctetString | undefined)?.valueBlock.valueHexView;
    return bytes ? { kind: 'key-id', keyId: hex(bytes) } : undefined;
  }
  return undefined;
}

/** The certificate a SignerInfo designates (issuer and serial, or subject key identifier) among `certs`. */
export function findSigner(signer: CmsSignerInfo, certs: readonly ParsedCertificate[]): ParsedCertificate | undefined {
  const sid = signer.sid;
  if (!sid) return undefined;
  if (sid.kind === 'key-id') return certs.find((c) => c.subjectKeyId === sid.keyId);
  return certs.find((c) => c.serialNumber === sid.serialNumber && c.issuerKey === sid.issuerKey);
}

/** The first value of the attribute of type `oid`, if there is one. */
export function attributeValue(attributes: readonly CmsAttribute[] | undefined, oid: string): DerElement | undefined {
  return attributes?.find((a) => a.type === oid)?.values[0];
}

/** The bytes of an OCTET STRING (primitive), else undefined. */
export function octetString(e: DerElement | undefined): Uint8Array | undefined {
  return isUniversal(e, 4) && !e.constructed ? e.content : undefined;
}

/** DER times: UTCTime `YYMMDDHHMMSSZ`, GeneralizedTime `YYYYMMDDHHMMSS[.fff]Z`. */
const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * A UTCTime or GeneralizedTime in its DER form (UTC, with seconds) as a date, else undefined:
 * signed attributes are DER, and the forms BER also allows (no seconds, a local time, an
 * offset) are no time here (asn1js reads a UTCTime without seconds as a date in 1899).
 */
export function timeValue(e: DerElement | undefined): Date | undefined {
  if (!e || e.tagClass !== 0 || e.constructed || (e.tagNumber !== 23 && e.tagNumber !== 24)) return undefined;
  const text = Buffer.from(e.content.buffer, e.content.byteOffset, e.content.byteLength).toString('latin1');
  const m = (e.tagNumber === 23 ? UTC_TIME : GENERALIZED_TIME).exec(text);
  if (!m) return undefined;
  // UTCTime years: 50-99 are 19xx, 00-49 are 20xx (RFC 5280 4.1.2.5.1).
  const year = e.tagNumber === 24 ? Number(m[1]) : Number(m[1]) + (Number(m[1]) < 50 ? 2000 : 1900);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, ms));
  date.setUTCFullYear(year, month - 1, day); // Date.UTC would read years 0-99 as 19xx
  // 31 February and the like roll over into the next month: refused.
  return date.getUTCDate() === day ? date : undefined;
}

const SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/**
 * The certificate hash named by an ESS signing-certificate (v1, SHA-1) or -v2 attribute, if
 * there is one: `SEQUENCE { SEQUENCE OF ESSCertID(v2), … }`, the first ESSCertID counting.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED for a malformed attribute or an unknown digest
 */
export function essCertHash(attrs: readonly CmsAttribute[]): { digest: DigestName; hash: Uint8Array } | undefined {
  for (const a of attrs) {
    if (a.type !== SIGNING_CERTIFICATE && a.type !== SIGNING_CERTIFICATE_V2) continue;
    const value = a.values[0];
    const certs = value && isUniversal(value, 16) ? derChildren(value)?.[0] : undefined;
    const first = certs && isUniversal(certs, 16) ? derChildren(certs)?.[0] : undefined;
    const parts = first && isUniversal(first, 16) ? derChildren(first) : undefined;
    if (!parts || parts.length === 0) throw malformed('unreadable signing certificate attribute');
    if (a.type === SIGNING_CERTIFICATE) {
      const hash = octetString(parts[0]);
      if (!hash) throw malformed('unreadable signing certificate attribute');
      return { digest: 'SHA-1', hash };
    }
    const hasAlgorithm = isUniversal(parts[0], 16);
    const digestOid = hasAlgorithm ? oidText(derChildren(parts[0]!)?.[0]) : undefined;
    const digest = hasAlgorithm ? (digestOid === undefined ? undefined : DIGEST_OIDS[digestOid]) : 'SHA-256';
    const hash = octetString(hasAlgorithm ? parts[1] : parts[0]);
    if (!hash) throw malformed('unreadable signing certificate attribute');
    if (!digest) throw malformed('unknown digest in the signing certificate attribute');
    return { digest, hash };
  }
  return undefined;
}

/**
 * The algorithm as the algorithm functions (`describeSignatureAlgorithm`) read it: a
 * plain object, with the parameters decoded only when they are more than an ASN.1 NULL
 * (RSASSA-PSS).
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when the parameters are not one ASN.1 value
 */
export function toAlgorithmIdentifier(a: CmsAlgorithm): AlgorithmIdentifierLike {
  const p = a.params;
  if (!p || (p.length === 2 && p[0] === 0x05 && p[1] === 0x00)) return { algorithmId: a.algorithmId };
  const asn1 = asn1js.fromBER(p);
  if (asn1.offset !== p.length || asn1.result.error) throw malformed(`unreadable parameters of ${a.algorithmId}`);
  return { algorithmId: a.algorithmId, algorithmParams: asn1.result };
}

/**
 * The dotted form of a primitive OBJECT IDENTIFIER (asn1js takes several microseconds per
 * identifier, and a signer info holds a dozen). Undefined for anything unusual: an empty
 * value, a non-minimal arc (leading 0x80), an arc past 2^48, a truncated last arc.
 */
export function oidText(e: DerElement | undefined): string | undefined {
  if (!isUniversal(e, 6) || e.constructed || e.content.length === 0) return undefined;
  const arcs: number[] = [];
  let value = 0;
  let start = true;
  for (const b of e.content) {
    if (start && b === 0x80) return undefined;
    value = value * 128 + (b & 0x7f);
    if (value > 2 ** 48) return undefined;
    start = (b & 0x80) === 0;
    if (start) {
      arcs.push(value);
      value = 0;
    }
  }
  if (!start) return undefined;
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}
