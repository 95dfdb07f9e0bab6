/**
 * Finds a path from a certificate to a trust anchor: issuers are looked up by name among the
 * anchors, the certificates that came with the signature, the store's intermediates, and (when
 * allowed) those downloaded from AIA caIssuers; each link's signature must verify.
 * @module
 */
import type { Reason } from './report.js';
import type { ParsedCertificate } from './certificate.js';
import { publicKeyOf, verifySignature } from './algorithms.js';
import { trustReason } from './reasons.js';

/** Longest path tried (leaf and anchor included). */
export const MAX_CHAIN_LENGTH = 10;

/** Where chain building looks for issuers. */
export interface ChainSources {
  readonly anchors: ReadonlyMap<string, ParsedCertificate>;
  /** Certificates that came with the signature, and the store's intermediates. */
  readonly pool: readonly ParsedCertificate[];
  /** Downloads the issuers named in a certificate's AIA caIssuers (absent when not allowed). */
  readonly fetchIssuers?: (cert: ParsedCertificate) => Promise<ParsedCertificate[]>;
}

/** A path found (leaf first, anchor last), or the furthest partial path with why it stopped. */
export type ChainBuildResult =
  | { readonly ok: true; readonly path: readonly ParsedCertificate[] }
  | { readonly ok: false; readonly partial: readonly ParsedCertificate[]; readonly reasons: readonly Reason[] };

const issuedCache = new WeakMap<ParsedCertificate, Map<string, boolean>>();

/** True when `issuer`'s key verifies `cert`'s signature (memoised per pair). */
export function isSignedBy(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  let byIssuer = issuedCache.get(cert);
  if (!byIssuer) {
    byIssuer = new Map();
    issuedCache.set(cert, byIssuer);
  }
  const known = byIssuer.get(issuer.sha256);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    const c = cert.pkijs;
    if (c.signature.algorithmId !== c.signatureAlgorithm.algorithmId) ok = false;
    else {
      ok = verifySignature({
        data: c.tbsView,
        signature: c.signatureValue.valueBlock.valueHexView,
        algorithm: c.signatureAlgorithm,
        publicKey: publicKeyOf(issuer.pkijs).key,
      });
    }
  } catch {
    ok = false;
  }
  byIssuer.set(issuer.sha256, ok);
  return ok;
}

function candidatesFor(cert: ParsedCertificate, all: readonly ParsedCertificate[], anchors: ReadonlyMap<string, ParsedCertificate>) {
  const seen = new Set<string>();
  const out: ParsedCertificate[] = [];
  for (const c of all) {
    if (c.sha256 === cert.sha256 || seen.has(c.sha256) || c.subjectKey !== cert.issuerKey) continue;
    seen.add(c.sha256);
    out.push(c);
  }
  // Anchors first, then those whose key id matches the authority key id.
  const rank = (c: ParsedCertificate) =>
    (anchors.has(c.sha256) ? 0 : 2) + (cert.authorityKeyId && c.subjectKeyId === cert.authorityKeyId ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b));
}

/**
 * Builds a path from `leaf` to an anchor.
 * A self-signed certificate that is not an anchor ends a path as untrusted.
 */
export async function buildChain(leaf: ParsedCertificate, sources: ChainSources): Promise<ChainBuildResult> {
  const all = [...sources.anchors.values(), ...sources.pool];
  const fetched = new Map<string, ParsedCertificate[]>();

  const extend = async (path: readonly ParsedCertificate[]): Promise<ChainBuildResult> => {
    const cur = path[path.length - 1] as ParsedCertificate;
    if (sources.anchors.has(cur.sha256)) return { ok: true, path };
    if (path.length >= MAX_CHAIN_LENGTH) return { ok: false, partial: path, reasons: [trustReason('CHAIN_TOO_LONG')] };
    const inPath = new Set(path.map((c) => c.sha256));
    let candidates = candidatesFor(cur, all, sources.anchors).filter((c) => !inPath.has(c.sha256));
    const extraReasons: Reason[] = [];
    if (candidates.length === 0 && sources.fetchIssuers && cur.caIssuersUrls.length > 0 && !cur.selfIssued) {
      let got = fetched.get(cur.sha256);
      if (!got) {
        got = await sources.fetchIssuers(cur);
        fetched.set(cur.sha256, got);
      }
      if (got.length === 0) extraReasons.push(trustReason('CHAIN_FETCH_FAILED', { detail: cur.caIssuersUrls.join(' ') }));
      candidates = candidatesFor(cur, got, sources.anchors).filter((c) => !inPath.has(c.sha256));
    }
    let best: ChainBuildResult | undefined;
    let badSignature = false;
    for (const candidate of candidates) {
      if (!isSignedBy(cur, candidate)) {
        badSignature = true;
        continue;
      }
      const result = await extend([...path, candidate]);
      if (result.ok) return result;
      if (!best || (!best.ok && result.partial.length > best.partial.length)) best = result;
    }
    if (best) return best;
    if (cur.selfIssued && isSignedBy(cur, cur)) {
      const code = path.length === 1 ? 'CERT_SELF_SIGNED_UNTRUSTED' : 'CHAIN_UNTRUSTED_ROOT';
      return { ok: false, partial: path, reasons: [...extraReasons, trustReason(code, { detail: cur.subject })] };
    }
    if (badSignature) {
      return { ok: false, partial: path, reasons: [...extraReasons, trustReason('CERT_SIGNATURE_INVALID', { detail: cur.subject })] };
    }
    return { ok: false, partial: path, reasons: [...extraReasons, trustReason('CHAIN_ISSUER_NOT_FOUND', { detail: cur.issuer })] };
  };

  return extend([leaf]);
}
