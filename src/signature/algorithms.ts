/**
 * Algorithm policy and signature checking on raw bytes: which digests and signature algorithms
 * are known, how a signature over bytes is verified with Node's crypto, what the policy says
 * about SHA-1 and short RSA keys when verifying old material, and what is refused for new
 * signatures.
 * @module
 */
import { constants, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import { SignatureError } from '../errors.js';
import type { Reason, ResolvedVerificationPolicy } from './report.js';
import { trustReason } from './reasons.js';

/** Digest names as the policy spells them. */
export type DigestName = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SHA3-256' | 'SHA3-384' | 'SHA3-512';

/** Digest algorithm OIDs and their names. */
export const DIGEST_OIDS: Readonly<Record<string, DigestName>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '2.16.840.1.101.3.4.2.8': 'SHA3-256',
  '2.16.840.1.101.3.4.2.9': 'SHA3-384',
  '2.16.840.1.101.3.4.2.10': 'SHA3-512',
};

/** The OID of a digest name. */
export function digestOid(name: DigestName): string {
  const oid = Object.entries(DIGEST_OIDS).find(([, n]) => n === name)?.[0];
  if (!oid) throw new SignatureError('VDXP_SIGNATURE_POLICY', `unknown digest ${name}`);
  return oid;
}

/** Node's hash name for a digest name (`SHA-256` → `sha256`). */
export function nodeHashName(name: DigestName): string {
  return name.toLowerCase().replace('sha-', 'sha');
}

/** Key family of a signature algorithm. */
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/**
 * An AlgorithmIdentifier as the functions here read it: a pkijs one, or a plain object with
 * the dotted OID and (for RSASSA-PSS) the parameters read by asn1js.
 */
export interface AlgorithmIdentifierLike {
  readonly algorithmId: string;
  readonly algorithmParams?: unknown;
}

/** What a signature AlgorithmIdentifier means. `digest` is undefined when it comes from elsewhere (CMS rsaEncryption). */
export interface SignatureAlgorithmInfo {
  readonly oid: string;
  readonly scheme: SignatureScheme;
  readonly digest?: DigestName;
  /** PSS salt length in bytes. */
  readonly saltLength?: number;
  /** A readable name, e.g. `sha256WithRSAEncryption`. */
  readonly name: string;
}

const SIGNATURES: Readonly<Record<string, readonly [SignatureScheme, DigestName | undefined, string]>> = {
  '1.2.840.113549.1.1.1': ['rsa-pkcs1', undefined, 'rsaEncryption'],
  '1.2.840.113549.1.1.5': ['rsa-pkcs1', 'SHA-1', 'sha1WithRSAEncryption'],
  '1.2.840.113549.1.1.14': ['rsa-pkcs1', 'SHA-224', 'sha224WithRSAEncryption'],
  '1.2.840.113549.1.1.11': ['rsa-pkcs1', 'SHA-256', 'sha256WithRSAEncryption'],
  '1.2.840.113549.1.1.12': ['rsa-pkcs1', 'SHA-384', 'sha384WithRSAEncryption'],
  '1.2.840.113549.1.1.13': ['rsa-pkcs1', 'SHA-512', 'sha512WithRSAEncryption'],
  '2.16.840.1.101.3.4.3.14': ['rsa-pkcs1', 'SHA3-256', 'rsaWithSHA3-256'],
  '2.16.840.1.101.3.4.3.15': ['rsa-pkcs1', 'SHA3-384', 'rsaWithSHA3-384'],
  '2.16.840.1.101.3.4.3.16': ['rsa-pkcs1', 'SHA3-512', 'rsaWithSHA3-512'],
  '1.2.840.113549.1.1.10': ['rsa-pss', undefined, 'RSASSA-PSS'],
  '1.2.840.10045.2.1': ['ecdsa', undefined, 'ecPublicKey'],
  '1.2.840.10045.4.1': ['ecdsa', 'SHA-1', 'ecdsa-with-SHA1'],
  '1.2.840.10045.4.3.1': ['ecdsa', 'SHA-224', 'ecdsa-with-SHA224'],
  '1.2.840.10045.4.3.2': ['ecdsa', 'SHA-256', 'ecdsa-with-SHA256'],
  '1.2.840.10045.4.3.3': ['ecdsa', 'SHA-384', 'ecdsa-with-SHA384'],
  '1.2.840.10045.4.3.4': ['ecdsa', 'SHA-512', 'ecdsa-with-SHA512'],
  '2.16.840.1.101.3.4.3.10': ['ecdsa', 'SHA3-256', 'ecdsa-with-SHA3-256'],
  '2.16.840.1.101.3.4.3.11': ['ecdsa', 'SHA3-384', 'ecdsa-with-SHA3-384'],
  '2.16.840.1.101.3.4.3.12': ['ecdsa', 'SHA3-512', 'ecdsa-with-SHA3-512'],
};

/**
 * Reads a signature AlgorithmIdentifier (PSS parameters included).
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED for an unknown algorithm
 */
export function describeSignatureAlgorithm(algorithm: AlgorithmIdentifierLike): SignatureAlgorithmInfo {
  const known = SIGNATURES[algorithm.algorithmId];
  if (!known) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', `unsupported signature algorithm ${algorithm.algorithmId}`);
  const [scheme, digest, name] = known;
  if (scheme !== 'rsa-pss') return { oid: algorithm.algorithmId, scheme, name, ...(digest ? { digest } : {}) };
  try {
    const params = algorithm.algorithmParams
      ? new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams })
      : new pkijs.RSASSAPSSParams();
    const pssDigest = DIGEST_OIDS[params.hashAlgorithm.algorithmId];
    if (!pssDigest) throw new Error('unknown PSS digest');
    return { oid: algorithm.algorithmId, scheme, name, digest: pssDigest, saltLength: params.saltLength };
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'unreadable RSASSA-PSS parameters', { cause });
  }
}

/** Type and size of a public key. */
export interface PublicKeyInfo {
  readonly type: 'rsa' | 'rsa-pss' | 'ec' | 'other';
  /** RSA modulus length or EC field size, in bits. */
  readonly bits?: number;
  readonly key: KeyObject;
}

const CURVE_BITS: Readonly<Record<string, number>> = { prime256v1: 256, 'P-256': 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521 };

/**
 * The public key of a SubjectPublicKeyInfo (DER).
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when Node cannot load it
 */
export function readPublicKey(spkiDer: Uint8Array): PublicKeyInfo {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'unreadable public key', { cause });
  }
  const details = key.asymmetricKeyDetails ?? {};
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') return { type: t, key, ...(details.modulusLength ? { bits: details.modulusLength } : {}) };
  if (t === 'ec') {
    const bits = details.namedCurve ? CURVE_BITS[details.namedCurve] : undefined;
    return { type: 'ec', key, ...(bits ? { bits } : {}) };
  }
  return { type: 'other', key };
}

/** DER SubjectPublicKeyInfo of a pkijs certificate. */
export function spkiOf(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}

const publicKeys = new WeakMap<pkijs.Certificate, PublicKeyInfo>();

/**
 * The public key of a parsed certificate, read once per certificate object (encoding the
 * SubjectPublicKeyInfo and loading it into a KeyObject is most of a chain check's cost).
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when Node cannot load it
 * @internal
 */
export function publicKeyOf(cert: pkijs.Certificate): PublicKeyInfo {
  let info = publicKeys.get(cert);
  if (!info) {
    info = readPublicKey(spkiOf(cert));
    publicKeys.set(cert, info);
  }
  return info;
}

/**
 * Verifies a signature over bytes with a public key. `digest` is needed when the algorithm
 * does not name one (CMS `rsaEncryption`). Returns false for a wrong signature or a key that
 * does not fit the algorithm.
 * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED for an unknown algorithm
 */
export function verifySignature(input: {
  data: Uint8Array;
  signature: Uint8Array;
  algorithm: AlgorithmIdentifierLike | SignatureAlgorithmInfo;
  publicKey: Uint8Array | KeyObject;
  digest?: DigestName;
}): boolean {
  const info = 'scheme' in input.algorithm ? input.algorithm : describeSignatureAlgorithm(input.algorithm);
  const digest = info.digest ?? input.digest;
  if (!digest) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', `no digest known for ${info.name}`);
  const key = input.publicKey instanceof Uint8Array ? readPublicKey(input.publicKey).key : input.publicKey;
  const keyType = key.asymmetricKeyType;
  if (info.scheme === 'ecdsa' && keyType !== 'ec') return false;
  if (info.scheme !== 'ecdsa' && keyType !== 'rsa' && keyType !== 'rsa-pss') return false;
  try {
    if (info.scheme === 'rsa-pss') {
      return cryptoVerify(nodeHashName(digest), input.data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: info.saltLength ?? 20,
      }, input.signature);
    }
    if (info.scheme === 'ecdsa') return cryptoVerify(nodeHashName(digest), input.data, { key, dsaEncoding: 'der' }, input.signature);
    return cryptoVerify(nodeHashName(digest), input.data, { key, padding: constants.RSA_PKCS1_PADDING }, input.signature);
  } catch {
    return false;
  }
}

/**
 * What the policy says about a digest and a key found in material being verified: SHA-1 is a
 * warning (`ALGORITHM_LEGACY_SHA1`) when allowed, an error otherwise; an RSA key below
 * `minRsaBits` but at least `minLegacyRsaBits` is a warning, below that an error.
 */
export function checkAlgorithmPolicy(
  policy: ResolvedVerificationPolicy,
  used: { digest?: DigestName; key?: PublicKeyInfo },
  where: string,
): Reason[] {
  const reasons: Reason[] = [];
  const d = used.digest;
  if (d === 'SHA-1') {
    const allowed = policy.allowLegacySha1 && (policy.allowedDigests as readonly string[]).includes('SHA-1');
    reasons.push(trustReason(allowed ? 'ALGORITHM_LEGACY_SHA1' : 'ALGORITHM_SHA1_REFUSED', { detail: where }));
  } else if (d && !(policy.allowedDigests as readonly string[]).includes(d)) {
    reasons.push(trustReason('ALGORITHM_NOT_ALLOWED', { detail: `${d} (${where})` }));
  }
  const k = used.key;
  if (k && (k.type === 'rsa' || k.type === 'rsa-pss') && k.bits !== undefined && k.bits < policy.minRsaBits) {
    const legacy = k.bits >= policy.minLegacyRsaBits;
    reasons.push(trustReason(legacy ? 'ALGORITHM_WEAK_KEY' : 'ALGORITHM_KEY_TOO_SMALL', { detail: `RSA ${k.bits} (${where})` }));
  }
  if (k && k.type === 'ec' && (k.bits === undefined || k.bits < 256)) {
    reasons.push(trustReason('ALGORITHM_NOT_ALLOWED', { detail: `EC key (${where})` }));
  }
  if (k && k.type === 'other') reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: `key type (${where})` }));
  return reasons;
}

/**
 * Refuses algorithms not acceptable for a new signature: SHA-1 and SHA-224, RSA below 2048
 * bits, EC below 256 bits.
 * @throws {SignatureError} VDXP_SIGNATURE_POLICY when refused
 * @example
 * ```ts
 * assertAlgorithmForSigning({ digest: 'SHA-256', key: privateKey });
 * ```
 */
export function assertAlgorithmForSigning(input: { digest: DigestName; key: KeyObject }): void {
  if (input.digest === 'SHA-1' || input.digest === 'SHA-224') {
    throw new SignatureError('VDXP_SIGNATURE_POLICY', `${input.digest} is refused for new signatures; use SHA-256 or stronger`);
  }
  const t = input.key.asymmetricKeyType;
  const details = input.key.asymmetricKeyDetails ?? {};
  if ((t === 'rsa' || t === 'rsa-pss') && (details.modulusLength ?? 0) < 2048) {
    throw new SignatureError('VDXP_SIGNATURE_POLICY', `RSA keys shorter than 2048 bits are refused for new signatures (got ${details.modulusLength ?? 'unknown'})`);
  }
  if (t === 'ec' && (CURVE_BITS[details.namedCurve ?? ''] ?? 0) < 256) {
    throw new SignatureError('VDXP_SIGNATURE_POLICY', 'EC keys below 256 bits are refused for new signatures');
  }
  if (t !== 'rsa' && t !== 'rsa-pss' && t !== 'ec') {
    throw new SignatureError('VDXP_SIGNATURE_POLICY', `key type ${t ?? 'unknown'} is not allowed for signatures`);
  }
}
