/**
 * Trust anchors of the Vietnamese government PKI, pinned by the SHA-256 of their DER
 * certificate (facts from `spec/trust.md` section 2). The project ships these pins, not the
 * certificate files: a user supplies the files downloaded from the CA, and the trust store
 * accepts a file only when its fingerprint is one of these.
 * @module
 */

/** The set a pin belongs to: the official VGCA anchors, or the public national root (opt-in). */
export type PinSet = 'vgca' | 'national';

/** One pinned anchor. */
export interface TrustPin {
  /** Short stable name, e.g. `vgca-g2-root`. */
  readonly id: string;
  /** The certificate's subject common name, as published. */
  readonly name: string;
  /** Lowercase hex SHA-256 of the DER certificate. */
  readonly sha256: string;
  readonly set: PinSet;
  /** `root` for a self-signed anchor, `sub-ca` for a pinned subordinate CA. */
  readonly kind: 'root' | 'sub-ca';
}

/**
 * Every built-in pin. The `national` set is accepted only when the trust store is created with
 * `nationalRoot: true` (it anchors public CAs, not the ones for official documents).
 */
export const TRUST_PINS: readonly TrustPin[] = Object.freeze([
  {
    id: 'vgca-g1-root',
    name: 'Co quan chung thuc so chuyen dung Chinh phu (RootCA)',
    sha256: 'f7bc89054cec7f12730d7b8cd3eb7955b163835087e5eb873edfb584763b3f90',
    set: 'vgca',
    kind: 'root',
  },
  {
    id: 'vgca-g2-root',
    name: 'RootCA chuyên dùng Chính phủ G2',
    sha256: 'f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8',
    set: 'vgca',
    kind: 'root',
  },
  {
    id: 'vgca-g1-cp',
    name: 'Co quan chung thuc so Chinh phu',
    sha256: '75e969c07ba35c29c72bbc1bfb880f20f3891a619b00b77eb02ca6160736a1fe',
    set: 'vgca',
    kind: 'sub-ca',
  },
  {
    id: 'vgca-g2-cpca',
    name: 'CA phục vụ các cơ quan Nhà nước G2',
    sha256: 'd8cab7a4aef92e6bb2509d7c61cee7b44f3731b2d21074963530277b366fae4b',
    set: 'vgca',
    kind: 'sub-ca',
  },
  {
    id: 'national-root',
    name: 'Vietnam National Root CA',
    sha256: 'bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7',
    set: 'national',
    kind: 'root',
  },
] satisfies TrustPin[]);

/**
 * The pin with this fingerprint, if any (any case, colons allowed).
 * @example
 * ```ts
 * findPin('F04BA4B4…FDB8')?.id; // 'vgca-g2-root'
 * ```
 */
export function findPin(sha256: string): TrustPin | undefined {
  const wanted = sha256.replace(/:/g, '').toLowerCase();
  return TRUST_PINS.find((p) => p.sha256 === wanted);
}
