/**
 * The XMLDSig algorithm identifiers this library understands: digest methods and signature
 * methods by URI (RFC 3275, RFC 6931), with what Node's crypto needs to compute them.
 * @internal
 * @module
 */
import { constants, type KeyObject } from 'node:crypto';

/** The XML Signature namespace. */
export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
/** The enveloped-signature transform. */
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Digest names as the verification policy spells them. */
export type XmlDigestName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** A digest method. */
export interface DigestMethod {
  readonly uri: string;
  readonly name: XmlDigestName;
  /** Node's hash name. */
  readonly node: string;
  readonly bytes: number;
}

const DIGESTS: readonly DigestMethod[] = [
  { uri: 'http://www.w3.org/2000/09/xmldsig#sha1', name: 'SHA-1', node: 'sha1', bytes: 20 },
  { uri: 'http://www.w3.org/2001/04/xmlenc#sha256', name: 'SHA-256', node: 'sha256', bytes: 32 },
  { uri: 'http://www.w3.org/2001/04/xmldsig-more#sha384', name: 'SHA-384', node: 'sha384', bytes: 48 },
  { uri: 'http://www.w3.org/2001/04/xmlenc#sha512', name: 'SHA-512', node: 'sha512', bytes: 64 },
];

/** The digest method of a URI, or undefined when unknown. */
export function digestMethodOf(uri: string): DigestMethod | undefined {
  return DIGESTS.find((d) => d.uri === uri);
}

/** The digest method of a name. */
export function digestMethodNamed(name: XmlDigestName): DigestMethod {
  return DIGESTS.find((d) => d.name === name)!;
}

/** Signature algorithms offered for new signatures (SHA-1 is verified only, never made). */
export type XmlSignatureAlgorithm =
  | 'rsa-sha256'
  | 'rsa-sha384'
  | 'rsa-sha512'
  | 'rsa-pss-sha256'
  | 'rsa-pss-sha384'
  | 'rsa-pss-sha512'
  | 'ecdsa-sha256'
  | 'ecdsa-sha384'
  | 'ecdsa-sha512';

/** A signature method. */
export interface SignatureMethod {
  readonly uri: string;
  /** Short name; `rsa-sha1` and `ecdsa-sha1` exist for verification only. */
  readonly name: XmlSignatureAlgorithm | 'rsa-sha1' | 'ecdsa-sha1';
  readonly scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';
  readonly digest: DigestMethod;
}

const MORE = 'http://www.w3.org/2001/04/xmldsig-more#';
const MGF1 = 'http://www.w3.org/2007/05/xmldsig-more#';
const d = (n: XmlDigestName) => digestMethodNamed(n);

const METHODS: readonly SignatureMethod[] = [
  { uri: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', name: 'rsa-sha1', scheme: 'rsa-pkcs1', digest: d('SHA-1') },
  { uri: `${MORE}rsa-sha256`, name: 'rsa-sha256', scheme: 'rsa-pkcs1', digest: d('SHA-256') },
  { uri: `${MORE}rsa-sha384`, name: 'rsa-sha384', scheme: 'rsa-pkcs1', digest: d('SHA-384') },
  { uri: `${MORE}rsa-sha512`, name: 'rsa-sha512', scheme: 'rsa-pkcs1', digest: d('SHA-512') },
  { uri: `${MGF1}sha256-rsa-MGF1`, name: 'rsa-pss-sha256', scheme: 'rsa-pss', digest: d('SHA-256') },
  { uri: `${MGF1}sha384-rsa-MGF1`, name: 'rsa-pss-sha384', scheme: 'rsa-pss', digest: d('SHA-384') },
  { uri: `${MGF1}sha512-rsa-MGF1`, name: 'rsa-pss-sha512', scheme: 'rsa-pss', digest: d('SHA-512') },
  { uri: `${MORE}ecdsa-sha1`, name: 'ecdsa-sha1', scheme: 'ecdsa', digest: d('SHA-1') },
  { uri: `${MORE}ecdsa-sha256`, name: 'ecdsa-sha256', scheme: 'ecdsa', digest: d('SHA-256') },
  { uri: `${MORE}ecdsa-sha384`, name: 'ecdsa-sha384', scheme: 'ecdsa', digest: d('SHA-384') },
  { uri: `${MORE}ecdsa-sha512`, name: 'ecdsa-sha512', scheme: 'ecdsa', digest: d('SHA-512') },
];

/** The signature method of a URI, or undefined when unknown (HMAC, DSA, RFC 9231 `rsa-pss` with parameters…). */
export function signatureMethodOf(uri: string): SignatureMethod | undefined {
  return METHODS.find((m) => m.uri === uri);
}

/** The signature method of a short name. */
export function signatureMethodNamed(name: SignatureMethod['name']): SignatureMethod {
  return METHODS.find((m) => m.name === name)!;
}

/** Byte length of one ECDSA coordinate for a key (32 for P-256, 48 for P-384, 66 for P-521). */
export function ecCoordinateBytes(key: KeyObject): number {
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  if (curve === 'secp384r1' || curve === 'P-384') return 48;
  if (curve === 'secp521r1' || curve === 'P-521') return 66;
  return 32;
}

/** Options for Node's `crypto.sign` / `crypto.verify` with this method (XMLDSig wants raw r‖s for ECDSA). */
export function nodeSignOptions(method: SignatureMethod, key: KeyObject): {
  key: KeyObject;
  padding?: number;
  saltLength?: number;
  dsaEncoding?: 'ieee-p1363';
} {
  if (method.scheme === 'rsa-pss') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: method.digest.bytes };
  if (method.scheme === 'ecdsa') return { key, dsaEncoding: 'ieee-p1363' };
  return { key, padding: constants.RSA_PKCS1_PADDING };
}

/** The default method for a public key: rsa-sha256, rsa-pss-sha256 for an RSASSA-PSS key, ecdsa with the curve's hash. */
export function defaultMethodFor(publicKey: KeyObject): XmlSignatureAlgorithm {
  const t = publicKey.asymmetricKeyType;
  if (t === 'rsa-pss') return 'rsa-pss-sha256';
  if (t === 'ec') {
    const n = ecCoordinateBytes(publicKey);
    return n === 48 ? 'ecdsa-sha384' : n === 66 ? 'ecdsa-sha512' : 'ecdsa-sha256';
  }
  return 'rsa-sha256';
}

/** True when the key type can make or check signatures of this method. */
export function keyFitsMethod(key: KeyObject, method: SignatureMethod): boolean {
  const t = key.asymmetricKeyType;
  if (method.scheme === 'ecdsa') return t === 'ec';
  if (method.scheme === 'rsa-pss') return t === 'rsa' || t === 'rsa-pss';
  return t === 'rsa';
}

/**
 * Converts a DER `ECDSA-Sig-Value` (SEQUENCE of two INTEGERs) to XMLDSig's raw r‖s form;
 * returns the input unchanged when it already has the raw length.
 */
export function ecdsaToRaw(signature: Uint8Array, coordinateBytes: number): Uint8Array {
  if (signature.length === 2 * coordinateBytes) return signature;
  const fail = (): never => {
    throw new Error('not a DER ECDSA signature');
  };
  let i = 0;
  const readLength = (): number => {
    const first = signature[i++] ?? fail();
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n < 1 || n > 2) fail();
    let len = 0;
    for (let k = 0; k < n; k++) len = (len << 8) | (signature[i++] ?? fail());
    return len;
  };
  if (signature[i++] !== 0x30) fail();
  const total = readLength();
  if (i + total !== signature.length) fail();
  const out = new Uint8Array(2 * coordinateBytes);
  for (let part = 0; part < 2; part++) {
    if (signature[i++] !== 0x02) fail();
    const len = readLength();
    let int = signature.subarray(i, i + len);
    if (int.length !== len) fail();
    i += len;
    while (int.length > 0 && int[0] === 0) int = int.subarray(1);
    if (int.length > coordinateBytes) fail();
    out.set(int, (part + 1) * coordinateBytes - int.length);
  }
  return out;
}
