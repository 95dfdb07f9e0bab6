/**
 * The ways a caller can hand over a signing key, reduced to one function that signs the
 * canonical SignedInfo: a Node `KeyObject`, a PEM string, a WebCrypto `CryptoKey` (hardware
 * tokens behind a WebCrypto provider), or an external signer (an HSM, the Government CA's
 * remote signing service) that either signs the bytes or signs a digest.
 * @module
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject, sign as cryptoSign, webcrypto } from 'node:crypto';

/** A WebCrypto key (e.g. from a hardware token's provider). */
export type CryptoKey = webcrypto.CryptoKey;
type SubtleCrypto = webcrypto.SubtleCrypto;
import { SignatureError } from '../../errors.js';
import { assertAlgorithmForSigning } from '../algorithms.js';
import {
  defaultMethodFor,
  ecCoordinateBytes,
  ecdsaToRaw,
  keyFitsMethod,
  nodeSignOptions,
  signatureMethodNamed,
  type SignatureMethod,
  type XmlSignatureAlgorithm,
} from './signature-methods.js';

/** An external signer given the bytes to sign (the canonical SignedInfo). */
export interface ExternalSigner {
  /**
   * Signs `data` (the canonical SignedInfo, UTF-8) with `algorithm` and returns the signature:
   * RSA as is; ECDSA raw r‖s or DER (converted).
   */
  sign(data: Uint8Array, algorithm: XmlSignatureAlgorithm): Promise<Uint8Array>;
}

/** What an external digest signer is asked to sign. */
export interface DigestSignRequest {
  readonly algorithm: XmlSignatureAlgorithm;
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /**
   * The DER `DigestInfo` (hash OID + digest): what a raw RSA PKCS#1 v1.5 operation signs
   * (PKCS#11 `CKM_RSA_PKCS`). Services that take the bare digest ignore it.
   */
  readonly digestInfo: Uint8Array;
}

/**
 * An external signer given only the digest of the canonical SignedInfo, as HSMs and remote
 * signing services expose it (`sign(digest) → signature`). For `rsa-sha*` it returns the
 * PKCS#1 v1.5 signature of the DigestInfo, for `rsa-pss-*` a PSS signature with a salt as long
 * as the hash, for `ecdsa-*` the ECDSA signature of the digest (raw r‖s or DER).
 */
export interface ExternalDigestSigner {
  /** Signs a digest (for RSA, `request.digestInfo` is the DER DigestInfo to pad and sign); returns the signature. */
  signDigest(digest: Uint8Array, request: DigestSignRequest): Promise<Uint8Array>;
}

/** Every accepted form of signing key. */
export type SigningKey = KeyObject | string | CryptoKey | ExternalSigner | ExternalDigestSigner;

/** A signing key reduced to one operation. */
export interface ResolvedSigner {
  readonly method: SignatureMethod;
  /** Signs the canonical SignedInfo; returns the SignatureValue bytes in XMLDSig form. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

const DIGEST_INFO_PREFIX: Record<DigestSignRequest['hash'], string> = {
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

function isCryptoKey(k: unknown): k is CryptoKey {
  return typeof k === 'object' && k !== null && 'algorithm' in k && 'usages' in k && 'extractable' in k && 'type' in k;
}

function hasFunction<K extends string>(k: unknown, name: K): k is Record<K, (...a: unknown[]) => unknown> {
  return typeof k === 'object' && k !== null && typeof (k as Record<string, unknown>)[name] === 'function';
}

/** The method a WebCrypto key implies (its hash is fixed for RSA keys). */
function methodOfCryptoKey(key: CryptoKey, certKey: KeyObject): XmlSignatureAlgorithm {
  const alg = key.algorithm as { name: string; hash?: { name: string } };
  const hash = (alg.hash?.name ?? 'SHA-256').toLowerCase().replace('-', '');
  if (alg.name === 'RSASSA-PKCS1-v1_5') return `rsa-${hash}` as XmlSignatureAlgorithm;
  if (alg.name === 'RSA-PSS') return `rsa-pss-${hash}` as XmlSignatureAlgorithm;
  return defaultMethodFor(certKey);
}

/**
 * Turns a signing key into a signer for the certificate's public key, after checking the
 * algorithm policy for new signatures.
 * @throws {SignatureError} VDXP_SIGNATURE_KEY_UNUSABLE when the key cannot be read or does not
 *   fit the algorithm; VDXP_SIGNATURE_POLICY for SHA-1, RSA below 2048 bits, EC below 256 bits
 */
export function resolveSigner(
  key: SigningKey,
  options: { certificateKey: KeyObject; algorithm?: XmlSignatureAlgorithm; passphrase?: string; subtle?: SubtleCrypto },
): ResolvedSigner {
  const certKey = options.certificateKey;
  let privateKey: KeyObject | undefined;
  if (typeof key === 'string') {
    try {
      privateKey = createPrivateKey(options.passphrase === undefined ? key : { key, passphrase: options.passphrase });
    } catch (cause) {
      throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', 'the private key could not be read (PEM expected, with its passphrase if encrypted)', { cause });
    }
  } else if (key instanceof KeyObject) {
    if (key.type !== 'private') throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', `a private key is needed, got a ${key.type} key`);
    privateKey = key;
  }

  const name: XmlSignatureAlgorithm =
    options.algorithm ??
    (privateKey ? defaultMethodFor(createPublicKey(privateKey)) : isCryptoKey(key) ? methodOfCryptoKey(key, certKey) : defaultMethodFor(certKey));
  const method = signatureMethodNamed(name);
  if (!keyFitsMethod(certKey, method)) {
    throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', `the certificate's ${certKey.asymmetricKeyType ?? 'unknown'} key cannot make ${name} signatures`);
  }
  assertAlgorithmForSigning({ digest: method.digest.name, key: certKey });
  const finish = (sig: Uint8Array): Uint8Array => (method.scheme === 'ecdsa' ? toRawEcdsa(sig, ecCoordinateBytes(certKey)) : sig);

  if (privateKey) {
    const pk = privateKey;
    if (!keyFitsMethod(pk, method)) throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', `a ${pk.asymmetricKeyType ?? 'unknown'} key cannot make ${name} signatures`);
    return { method, sign: async (data) => new Uint8Array(cryptoSign(method.digest.node, data, nodeSignOptions(method, pk))) };
  }
  if (isCryptoKey(key)) {
    const subtle = options.subtle ?? webcrypto.subtle;
    const params =
      method.scheme === 'rsa-pss'
        ? { name: 'RSA-PSS', saltLength: method.digest.bytes }
        : method.scheme === 'ecdsa'
          ? { name: 'ECDSA', hash: method.digest.name }
          : { name: 'RSASSA-PKCS1-v1_5' };
    return {
      method,
      sign: async (data) => {
        try {
          return finish(new Uint8Array(await subtle.sign(params, key, data)));
        } catch (cause) {
          throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', `the WebCrypto key refused to make a ${name} signature`, { cause });
        }
      },
    };
  }
  if (hasFunction(key, 'signDigest')) {
    const signer = key as ExternalDigestSigner;
    const hash = method.digest.name as DigestSignRequest['hash'];
    return {
      method,
      sign: async (data) => {
        const digest = new Uint8Array(createHash(method.digest.node).update(data).digest());
        const digestInfo = new Uint8Array(Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hash], 'hex'), digest]));
        return finish(await external(() => signer.signDigest(digest, { algorithm: name, hash, digestInfo })));
      },
    };
  }
  if (hasFunction(key, 'sign')) {
    const signer = key as ExternalSigner;
    return { method, sign: async (data) => finish(await external(() => signer.sign(data, name))) };
  }
  throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', 'unsupported key: give a KeyObject, a PEM string, a CryptoKey or an external signer');
}

async function external(call: () => Promise<Uint8Array>): Promise<Uint8Array> {
  let out: unknown;
  try {
    out = await call();
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', 'the external signer failed', { cause });
  }
  if (!(out instanceof Uint8Array) || out.length === 0) {
    throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', 'the external signer returned no signature bytes');
  }
  return out;
}

function toRawEcdsa(sig: Uint8Array, coordinateBytes: number): Uint8Array {
  try {
    return ecdsaToRaw(sig, coordinateBytes);
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', 'the ECDSA signature is neither raw r‖s nor DER', { cause });
  }
}
