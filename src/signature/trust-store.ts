/**
 * The trust store: which anchors are trusted (built-in pins, or custom anchors added
 * explicitly), which intermediates and CRLs are known, whether the network may be used, and
 * the check every signature relies on, {@link TrustStore.verifyCertificate}.
 * @module
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError, TrustAnchorError } from '../errors.js';
import { verdictOf, type ChainReport, type Reason, type ResolvedVerificationPolicy, type RevocationOutcome } from './report.js';
import {
  certificateFromDer,
  certificatesFromPem,
  readCertificate,
  summarizeCertificate,
  toCertificateDer,
  type ParsedCertificate,
} from './certificate.js';
import { findPin, type TrustPin } from './pins.js';
import { buildChain } from './chain-builder.js';
import { validateChain, type CertificateUsage } from './chain-validation.js';
import { crlFromBytes, type ParsedCrl } from './crl.js';
import { RevocationChecker } from './revocation.js';
import { createHttpFetcher, type Fetcher } from './fetcher.js';
import { trustReason } from './reasons.js';
import {
  resolveTrustStoreOptions,
  resolveVerifyCertificateOptions,
  type ResolvedTrustStoreOptions,
  type TrustStoreOptions,
  type VerifyCertificateOptions,
} from './trust-store-options.js';

/** How an anchor came to be trusted. */
export interface TrustAnchorInfo {
  readonly certificate: ReturnType<typeof summarizeCertificate>;
  /** The matching pin, for pinned anchors. */
  readonly pin?: TrustPin;
  readonly kind: 'pinned' | 'custom';
}

/**
 * What {@link TrustStore.checkCertificate} needs: the options of
 * {@link TrustStore.verifyCertificate} once read and checked.
 * @internal
 */
export interface CertificateCheck {
  readonly at: Date;
  readonly usage: CertificateUsage;
  /** Resolved; the store's policy when absent. */
  readonly policy?: ResolvedVerificationPolicy;
  /** Offered for chain building, parsed. */
  readonly extraCertificates: readonly ParsedCertificate[];
  /** Reasons found while reading the inputs (an unreadable extra certificate). */
  readonly reasons?: readonly Reason[];
  readonly signal?: AbortSignal;
}

/**
 * True for a {@link TrustStore}, recognised by its methods so that a store made by another
 * copy of the library (an ESM and a CommonJS copy in one program) is accepted too.
 * @internal
 */
export function isTrustStore(v: unknown): v is TrustStore {
  const t = v as { verifyCertificate?: unknown; checkCertificate?: unknown } | null | undefined;
  return typeof t?.verifyCertificate === 'function' && typeof t.checkCertificate === 'function';
}

/**
 * Extra certificates offered for chain building, parsed; one that cannot be read is left out
 * with a `CHAIN_EXTRA_CERT_UNREADABLE` reason.
 */
function readExtraCertificates(ders: readonly Uint8Array[]): { certificates: ParsedCertificate[]; reasons: Reason[] } {
  const certificates: ParsedCertificate[] = [];
  const reasons: Reason[] = [];
  for (const der of ders) {
    try {
      certificates.push(readCertificate(der));
    } catch {
      reasons.push(trustReason('CHAIN_EXTRA_CERT_UNREADABLE'));
    }
  }
  return { certificates, reasons };
}

/**
 * Trust anchors, intermediates, CRLs and revocation caches.
 *
 * @example
 * ```ts
 * const trust = TrustStore.create({ crls: [crlDer] });
 * trust.addPinnedAnchor(await readFile('g2-rootca.pem', 'utf8'));
 * const report = await trust.verifyCertificate(signerDer, { at: signingTime });
 * if (report.verdict !== 'valid') show(report.reasons.map((r) => r.messageVi));
 * ```
 */
export class TrustStore {
  private readonly anchors = new Map<string, { cert: ParsedCertificate; info: TrustAnchorInfo }>();
  /** The anchors' certificates by SHA-256, as chain building takes them. */
  private readonly anchorCertificates = new Map<string, ParsedCertificate>();
  private readonly intermediates = new Map<string, ParsedCertificate>();
  private readonly crls = new Map<string, ParsedCrl>();
  private readonly fetched = new Map<string, ParsedCertificate[]>();
  private readonly fetcher: Fetcher | undefined;
  private readonly revocation: RevocationChecker;

  private constructor(private readonly options: ResolvedTrustStoreOptions) {
    this.fetcher = options.allowNetwork ? (options.fetcher ?? createHttpFetcher()) : undefined;
    this.revocation = new RevocationChecker({
      offlineCrls: () => [...this.crls.values()],
      ...(this.fetcher ? { fetcher: this.fetcher } : {}),
      now: options.now ?? (() => new Date()),
      ocsp: options.ocsp,
      ocspNonce: options.ocspNonce,
      fetchTimeoutMs: options.fetchTimeoutMs,
      cache: options.cache,
    });
  }

  /**
   * Creates a trust store. Anchors, intermediates and CRLs may be given here or added later.
   * @throws {ConfigError} VDXP_CONFIG_INVALID for unknown or ill-typed options
   * @throws {TrustAnchorError} VDXP_TRUST_ANCHOR_REFUSED when a `pinnedAnchors` entry matches no pin
   * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when a certificate or CRL cannot be read
   */
  static create(options: TrustStoreOptions = {}): TrustStore {
    const store = new TrustStore(resolveTrustStoreOptions(options));
    for (const a of store.options.pinnedAnchors) store.addPinnedAnchor(a);
    for (const a of store.options.customAnchors) store.addCustomAnchor(a);
    for (const c of store.options.intermediates) store.addIntermediate(c);
    for (const c of store.options.crls) store.addCrl(c);
    return store;
  }

  /**
   * Trusts a CA certificate supplied by the user, if its SHA-256 matches a built-in pin
   * (the national root's pin only when created with `nationalRoot: true`).
   * @returns the pin matched
   * @throws {TrustAnchorError} VDXP_TRUST_ANCHOR_REFUSED with the fingerprint when no pin matches
   * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when it is not a certificate
   */
  addPinnedAnchor(certificate: Uint8Array | string): TrustPin {
    const cert = certificateFromDer(toCertificateDer(certificate));
    const pin = findPin(cert.sha256);
    if (!pin) {
      throw new TrustAnchorError(cert.sha256, `certificate ${cert.subject} (SHA-256 ${cert.sha256}) matches no built-in pin; add it as a custom anchor if you trust it`);
    }
    if (pin.set === 'national' && !this.options.nationalRoot) {
      throw new TrustAnchorError(cert.sha256, `${pin.name} is accepted only with the nationalRoot option (not for official documents by default)`);
    }
    this.anchors.set(cert.sha256, { cert, info: { certificate: summarizeCertificate(cert), pin, kind: 'pinned' } });
    this.anchorCertificates.set(cert.sha256, cert);
    return pin;
  }

  /**
   * Trusts every certificate of a CA file (PEM with one or more certificates, or DER); each must match a pin.
   * @throws {TrustAnchorError} VDXP_TRUST_ANCHOR_REFUSED when one matches no pin (none is added then)
   * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when the file holds no certificate
   */
  addTrustFile(bytes: Uint8Array | string): TrustPin[] {
    const text = typeof bytes === 'string' ? bytes : bytes[0] === 0x30 ? undefined : Buffer.from(bytes).toString('latin1');
    const ders = text === undefined ? [bytes as Uint8Array] : certificatesFromPem(text);
    for (const der of ders) {
      const fp = certificateFromDer(der).sha256;
      const pin = findPin(fp);
      if (!pin || (pin.set === 'national' && !this.options.nationalRoot)) {
        throw new TrustAnchorError(fp, `certificate with SHA-256 ${fp} matches no accepted pin`);
      }
    }
    return ders.map((der) => this.addPinnedAnchor(der));
  }

  /**
   * Trusts a certificate explicitly, without a pin (a test PKI, a private CA). The caller vouches for it.
   * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when it is not a certificate
   */
  addCustomAnchor(certificate: Uint8Array | string): void {
    const cert = certificateFromDer(toCertificateDer(certificate));
    this.anchors.set(cert.sha256, { cert, info: { certificate: summarizeCertificate(cert), kind: 'custom' } });
    this.anchorCertificates.set(cert.sha256, cert);
  }

  /**
   * Makes an intermediate CA certificate available to chain building (it is not trusted by itself).
   * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when it is not a certificate
   */
  addIntermediate(certificate: Uint8Array | string): void {
    const cert = certificateFromDer(toCertificateDer(certificate));
    this.intermediates.set(cert.sha256, cert);
  }

  /**
   * Adds a CRL for offline revocation checking (DER or PEM). It is used only if its issuer's signature verifies.
   * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when it is not a CRL
   */
  addCrl(crl: Uint8Array | string): void {
    const parsed = crlFromBytes(crl);
    this.crls.set(parsed.sha256, parsed);
  }

  /** The verification policy used when a call does not give one. */
  get policy(): ResolvedVerificationPolicy {
    return this.options.policy;
  }

  /** The anchors trusted, with how. */
  listAnchors(): TrustAnchorInfo[] {
    return [...this.anchors.values()].map((a) => a.info);
  }

  /**
   * Validates a certificate at a time: builds a chain to an anchor (from `extraCertificates`,
   * the store's intermediates and, when allowed, AIA caIssuers), checks it (validity,
   * basicConstraints, path length, key usage for `usage`, algorithms) and its revocation under
   * the policy. A bad certificate gives a report with reasons, never a throw.
   * @throws {SignatureError} VDXP_SIGNATURE_MALFORMED when `leaf` is not a certificate
   * @throws {ConfigError} VDXP_CONFIG_INVALID for invalid options
   * @throws the signal's reason when `signal` aborts
   * @example
   * ```ts
   * const report = await trust.verifyCertificate(der, { at: new Date('2024-05-01T00:00:00Z') });
   * ```
   */
  async verifyCertificate(leaf: Uint8Array, options: VerifyCertificateOptions): Promise<ChainReport> {
    const opts = resolveVerifyCertificateOptions(options);
    const cert = readCertificate(leaf);
    opts.signal?.throwIfAborted();
    const extra = readExtraCertificates(opts.extraCertificates);
    return this.checkCertificate(cert, {
      at: opts.at,
      usage: opts.usage,
      extraCertificates: extra.certificates,
      reasons: extra.reasons,
      ...(opts.policy ? { policy: opts.policy } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  /**
   * {@link TrustStore.verifyCertificate} for the library's verifiers, whose inputs are read
   * and checked already (the leaf and the extra certificates parsed, the policy resolved): no
   * second validation of the options, no second read of the certificates.
   * @internal
   */
  async checkCertificate(cert: ParsedCertificate, opts: CertificateCheck): Promise<ChainReport> {
    // Both are parsed already (the caller's schema and the store's): no second parse.
    const policy = opts.policy ?? this.options.policy;
    const reasons: Reason[] = [...(opts.reasons ?? [])];
    const pool: ParsedCertificate[] = [...this.intermediates.values(), ...opts.extraCertificates];
    const built = await buildChain(cert, {
      anchors: this.anchorCertificates,
      pool,
      ...(this.fetcher ? { fetchIssuers: (c: ParsedCertificate) => this.fetchIssuers(c, opts.signal) } : {}),
    });
    opts.signal?.throwIfAborted();
    const at = opts.at.toISOString();
    if (!built.ok) {
      reasons.push(...built.reasons);
      return { verdict: verdictOf(reasons), reasons, chain: built.partial.map((c) => summarizeCertificate(c)), at, revocation: [] };
    }
    const path = built.path;
    reasons.push(...validateChain(path, { at: opts.at, usage: opts.usage, policy }));
    const revocation: RevocationOutcome[] = [];
    const failed = reasons.some((r) => r.severity === 'error');
    for (let i = 0; i < path.length - 1; i++) {
      const subject = path[i] as ParsedCertificate;
      const issuer = path[i + 1] as ParsedCertificate;
      if (failed || policy.revocation === 'off') {
        revocation.push({ certificate: subject.sha256, status: 'not-checked', method: 'none', policy: policy.revocation });
        continue;
      }
      const result = await this.revocation.check(subject, issuer, {
        at: opts.at,
        policy: policy.revocation,
        isLeaf: i === 0,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      opts.signal?.throwIfAborted();
      revocation.push(result.outcome);
      reasons.push(...result.reasons);
    }
    if (policy.revocation === 'off' && path.length > 1) reasons.push(trustReason('REVOCATION_NOT_CHECKED'));
    const anchor = path[path.length - 1] as ParsedCertificate;
    return {
      verdict: verdictOf(reasons),
      reasons,
      chain: path.map((c) => summarizeCertificate(c)),
      anchor: summarizeCertificate(anchor),
      at,
      revocation,
    };
  }

  /** Downloads the certificates named by AIA caIssuers (DER, PEM or a PKCS#7 bundle); failures give an empty list. */
  private async fetchIssuers(cert: ParsedCertificate, signal: AbortSignal | undefined): Promise<ParsedCertificate[]> {
    const fetcher = this.fetcher;
    if (!fetcher) return [];
    const out: ParsedCertificate[] = [];
    for (const url of cert.caIssuersUrls) {
      if (!/^https?:/i.test(url)) continue;
      const known = this.fetched.get(url);
      if (known) {
        out.push(...known);
        continue;
      }
      try {
        const timeout = AbortSignal.timeout(this.options.fetchTimeoutMs);
        const bytes = await fetcher(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        const certs = certificatesInBundle(bytes).map((d) => certificateFromDer(d));
        if (this.fetched.size >= this.options.cache.maxEntries) this.fetched.delete(this.fetched.keys().next().value as string);
        this.fetched.set(url, certs);
        out.push(...certs);
      } catch {
        // An unreachable or unreadable AIA location only means no issuer from there.
      }
    }
    return out;
  }
}

/** Certificates in bytes that are a DER certificate, PEM text, or a PKCS#7 certs-only bundle. */
function certificatesInBundle(bytes: Uint8Array): Uint8Array[] {
  if (bytes[0] !== 0x30) return certificatesFromPem(Buffer.from(bytes).toString('latin1'));
  try {
    certificateFromDer(bytes);
    return [bytes];
  } catch {
    const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(bytes).result });
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new SignatureError('VDXP_SIGNATURE_MALFORMED', 'not a certificate bundle');
    const sd = new pkijs.SignedData({ schema: info.content });
    return (sd.certificates ?? [])
      .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
      .map((c) => new Uint8Array(c.toSchema(false).toBER(false)));
  }
}
