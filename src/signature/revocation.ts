/**
 * Revocation checking: CRLs first (supplied offline, cached, or fetched from the
 * certificate's distribution points), OCSP when enabled and no CRL answered; answers are cached
 * with their validity. The policy decides what "no answer" means, and the outcome is always
 * reported.
 * @module
 */
import type { Reason, RevocationOutcome, RevocationPolicy } from './report.js';
import type { ParsedCertificate } from './certificate.js';
import { crlCovers, crlFromBytes, isCrlIssuedBy, type ParsedCrl } from './crl.js';
import { queryOcsp, type OcspAnswer } from './ocsp.js';
import { trustReason } from './reasons.js';
import { labelOf } from './chain-validation.js';
import type { Fetcher } from './fetcher.js';

/** What a {@link RevocationChecker} needs from its trust store. */
export interface RevocationSources {
  readonly offlineCrls: () => readonly ParsedCrl[];
  /** Present only when network use is allowed. */
  readonly fetcher?: Fetcher;
  readonly now: () => Date;
  readonly ocsp: boolean;
  readonly ocspNonce: boolean;
  readonly fetchTimeoutMs: number;
  readonly cache: { readonly maxEntries: number; readonly ocspMaxAgeMs: number; readonly crlMaxAgeMs: number };
}

/** One certificate's revocation outcome and the reasons it adds to a report. */
export interface RevocationResult {
  readonly outcome: RevocationOutcome;
  readonly reasons: readonly Reason[];
}

interface Cached<T> {
  readonly value: T;
  readonly expires: number;
}

/** A small map that forgets its oldest entries past `max`, and entries past their expiry. */
class ExpiringCache<T> {
  private readonly entries = new Map<string, Cached<T>>();
  constructor(private readonly max: number) {}
  get(key: string, now: number): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires < now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }
  set(key: string, value: T, expires: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires });
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/** Checks revocation of a certificate against its issuer, with caches of CRLs and OCSP answers. */
export class RevocationChecker {
  private readonly crlCache: ExpiringCache<ParsedCrl>;
  private readonly ocspCache: ExpiringCache<OcspAnswer>;

  constructor(private readonly sources: RevocationSources) {
    this.crlCache = new ExpiringCache(sources.cache.maxEntries);
    this.ocspCache = new ExpiringCache(sources.cache.maxEntries);
  }

  private signalFor(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.sources.fetchTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  /** The status of `cert` at `at` under `policy`. Never throws for a missing answer. */
  async check(
    cert: ParsedCertificate,
    issuer: ParsedCertificate,
    options: { at: Date; policy: RevocationPolicy; isLeaf: boolean; signal?: AbortSignal },
  ): Promise<RevocationResult> {
    const { policy } = options;
    if (policy === 'off') {
      return { outcome: { certificate: cert.sha256, status: 'not-checked', method: 'none', policy }, reasons: [] };
    }
    const notes: Reason[] = [];
    const problems: string[] = [];
    const crl = await this.findCrl(cert, issuer, options.at, notes, problems, options.signal);
    if (crl) {
      const revokedAt = crl.crl.revoked.get(cert.serialNumber);
      return this.decide(cert, options, notes, { method: 'crl', source: crl.source, ...(revokedAt ? { revokedAt } : {}) });
    }
    if (this.sources.ocsp && cert.ocspUrls.length > 0) {
      const answer = await this.askOcsp(cert, issuer, notes, problems, options.signal);
      if (answer && answer.answer.status !== 'unknown') {
        return this.decide(cert, options, notes, {
          method: 'ocsp',
          source: answer.source,
          ...(answer.answer.revokedAt ? { revokedAt: answer.answer.revokedAt } : {}),
        });
      }
      if (answer) notes.push(trustReason('REVOCATION_OCSP_UNKNOWN', { detail: labelOf(cert) }));
    }
    if (!this.sources.fetcher && cert.crlUrls.length + (this.sources.ocsp ? cert.ocspUrls.length : 0) > 0) {
      problems.push('network use is not allowed');
    }
    const detail = `${labelOf(cert)}${problems.length ? ` (${problems.join('; ')})` : ''}`;
    notes.push(trustReason('REVOCATION_UNAVAILABLE', { detail, severity: policy === 'hard-fail' ? 'indeterminate' : 'warning' }));
    return { outcome: { certificate: cert.sha256, status: 'unknown', method: 'none', policy }, reasons: notes };
  }

  private decide(
    cert: ParsedCertificate,
    options: { at: Date; policy: RevocationPolicy; isLeaf: boolean },
    notes: Reason[],
    found: { method: 'crl' | 'ocsp'; source: string; revokedAt?: Date },
  ): RevocationResult {
    const base = { certificate: cert.sha256, method: found.method, policy: options.policy, source: found.source };
    if (!found.revokedAt) return { outcome: { ...base, status: 'good' }, reasons: notes };
    const detail = `${labelOf(cert)} (${found.revokedAt.toISOString()})`;
    const before = found.revokedAt.getTime() <= options.at.getTime();
    const code = !before ? 'CERT_REVOKED_LATER' : options.isLeaf ? 'CERT_REVOKED' : 'CA_CERT_REVOKED';
    return {
      outcome: { ...base, status: 'revoked', revokedAt: found.revokedAt.toISOString() },
      reasons: [...notes, trustReason(code, { detail })],
    };
  }

  private async findCrl(
    cert: ParsedCertificate,
    issuer: ParsedCertificate,
    at: Date,
    notes: Reason[],
    problems: string[],
    signal: AbortSignal | undefined,
  ): Promise<{ crl: ParsedCrl; source: string } | undefined> {
    const usable = (crl: ParsedCrl) => crl.complete && crlCovers(crl, at) && isCrlIssuedBy(crl, issuer);
    for (const crl of this.sources.offlineCrls()) {
      if (crl.issuerKey !== issuer.subjectKey) continue;
      if (usable(crl)) return { crl, source: 'offline' };
      if (!isCrlIssuedBy(crl, issuer)) notes.push(trustReason('REVOCATION_CRL_INVALID', { detail: 'offline' }));
    }
    const now = this.sources.now().getTime();
    for (const url of cert.crlUrls) {
      const cached = this.crlCache.get(url, now);
      if (cached && usable(cached)) return { crl: cached, source: 'cache' };
    }
    const fetcher = this.sources.fetcher;
    if (!fetcher) return undefined;
    for (const url of cert.crlUrls) {
      if (!/^https?:/i.test(url)) continue;
      let crl: ParsedCrl;
      try {
        crl = crlFromBytes(await fetcher(url, { signal: this.signalFor(signal) }));
      } catch (e) {
        problems.push(`CRL ${url}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      if (!crl.complete || crl.issuerKey !== issuer.subjectKey || !isCrlIssuedBy(crl, issuer)) {
        notes.push(trustReason('REVOCATION_CRL_INVALID', { detail: url }));
        continue;
      }
      const expires = crl.nextUpdate?.getTime() ?? now + this.sources.cache.crlMaxAgeMs;
      if (expires >= now) this.crlCache.set(url, crl, expires);
      if (crlCovers(crl, at)) return { crl, source: url };
      notes.push(trustReason('REVOCATION_CRL_INVALID', { detail: `${url} (out of date)` }));
    }
    return undefined;
  }

  private async askOcsp(
    cert: ParsedCertificate,
    issuer: ParsedCertificate,
    notes: Reason[],
    problems: string[],
    signal: AbortSignal | undefined,
  ): Promise<{ answer: OcspAnswer; source: string } | undefined> {
    const nowDate = this.sources.now();
    const key = `${issuer.sha256}:${cert.serialNumber}`;
    const cached = this.ocspCache.get(key, nowDate.getTime());
    if (cached) return { answer: cached, source: 'cache' };
    const fetcher = this.sources.fetcher;
    if (!fetcher) return undefined;
    for (const url of cert.ocspUrls) {
      if (!/^https?:/i.test(url)) continue;
      try {
        const answer = await queryOcsp(cert, issuer, {
          url,
          fetcher,
          nonce: this.sources.ocspNonce,
          now: nowDate,
          signal: this.signalFor(signal),
        });
        const expires = answer.nextUpdate?.getTime() ?? nowDate.getTime() + this.sources.cache.ocspMaxAgeMs;
        this.ocspCache.set(key, answer, expires);
        return { answer, source: url };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (e instanceof Error && e.name === 'OcspProblem') notes.push(trustReason('REVOCATION_OCSP_INVALID', { detail: `${url}: ${message}` }));
        else problems.push(`OCSP ${url}: ${message}`);
      }
    }
    return undefined;
  }
}
