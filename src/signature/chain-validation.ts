/**
 * Checks a built path at a given time: validity periods, basicConstraints and path length,
 * key usage of CAs and of the end certificate for its use, critical extensions, and the
 * algorithm policy (SHA-1 on G1-era CA certificates is flagged, not refused).
 * @module
 */
import type { Reason, ResolvedVerificationPolicy } from './report.js';
import { EXTENSION_OIDS, type ParsedCertificate } from './certificate.js';
import { checkAlgorithmPolicy, describeSignatureAlgorithm, publicKeyOf } from './algorithms.js';
import { trustReason } from './reasons.js';
import { NAME_OIDS, nameAttribute } from './distinguished-name.js';

/** What the end certificate is used for. `ca` checks a CA certificate itself. */
export type CertificateUsage = 'signing' | 'timestamping' | 'ca';

/** id-kp-timeStamping. */
export const EKU_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** Extensions this verifier understands when critical. */
const PROCESSED_CRITICAL = new Set<string>([
  EXTENSION_OIDS.basicConstraints,
  EXTENSION_OIDS.keyUsage,
  EXTENSION_OIDS.extKeyUsage,
  EXTENSION_OIDS.certificatePolicies,
  EXTENSION_OIDS.subjectAltName,
  EXTENSION_OIDS.subjectKeyIdentifier,
  EXTENSION_OIDS.authorityKeyIdentifier,
  EXTENSION_OIDS.crlDistributionPoints,
  EXTENSION_OIDS.authorityInfoAccess,
]);

/** A short label of a certificate for reason details. */
export function labelOf(cert: ParsedCertificate): string {
  return nameAttribute(cert.pkijs.subject, NAME_OIDS.CN) ?? cert.subject;
}

function dedupe(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = `${r.code}\u0000${r.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reasons found on a path (leaf first, anchor last) at time `at`; empty when all is well.
 * Anchors are not checked for their own signature, nor required to carry basicConstraints.
 */
export function validateChain(
  path: readonly ParsedCertificate[],
  options: { at: Date; usage: CertificateUsage; policy: ResolvedVerificationPolicy },
): Reason[] {
  const { at, usage, policy } = options;
  const reasons: Reason[] = [];
  const last = path.length - 1;
  path.forEach((cert, i) => {
    const isLeaf = i === 0;
    const isAnchor = i === last;
    const label = labelOf(cert);
    if (at.getTime() < cert.notBefore.getTime()) {
      reasons.push(trustReason(isLeaf ? 'CERT_NOT_YET_VALID' : 'CA_CERT_NOT_YET_VALID', { detail: `${label} (${cert.notBefore.toISOString()})` }));
    }
    if (at.getTime() > cert.notAfter.getTime()) {
      reasons.push(trustReason(isLeaf ? 'CERT_EXPIRED' : 'CA_CERT_EXPIRED', { detail: `${label} (${cert.notAfter.toISOString()})` }));
    }
    const bc = cert.basicConstraints;
    if (!isLeaf) {
      // An anchor without the extension is accepted (v1 roots); anything issuing below it must be a CA.
      if ((!isAnchor && bc?.ca !== true) || (isAnchor && bc !== undefined && !bc.ca)) {
        reasons.push(trustReason('CA_NOT_CA', { detail: label }));
      }
      if (cert.keyUsage && !cert.keyUsage.has('keyCertSign')) reasons.push(trustReason('CA_KEY_USAGE', { detail: label }));
      const below = path.slice(1, i).filter((c) => !c.selfIssued).length;
      if (bc?.pathLength !== undefined && below > bc.pathLength) {
        reasons.push(trustReason('CHAIN_PATH_LENGTH_EXCEEDED', { detail: `${label} (pathLen ${bc.pathLength})` }));
      }
    } else if (usage === 'ca') {
      if (bc?.ca !== true) reasons.push(trustReason('CERT_NOT_CA', { detail: label }));
      if (cert.keyUsage && !cert.keyUsage.has('keyCertSign')) reasons.push(trustReason('CA_KEY_USAGE', { detail: label }));
    } else {
      if (cert.keyUsage && !cert.keyUsage.has('digitalSignature') && !cert.keyUsage.has('nonRepudiation')) {
        reasons.push(trustReason('CERT_KEY_USAGE', { detail: label }));
      }
      if (usage === 'timestamping') {
        const eku = cert.extKeyUsage;
        if (!eku || !eku.oids.includes(EKU_TIME_STAMPING)) reasons.push(trustReason('TSA_EKU_MISSING', { detail: label }));
        else if (!eku.critical) reasons.push(trustReason('TSA_EKU_NOT_CRITICAL', { detail: label }));
      }
    }
    for (const oid of cert.criticalExtensions) {
      if (!PROCESSED_CRITICAL.has(oid)) reasons.push(trustReason('CERT_UNKNOWN_CRITICAL_EXTENSION', { detail: `${oid} (${label})` }));
    }
    try {
      const key = publicKeyOf(cert.pkijs);
      const digest = isAnchor ? undefined : describeSignatureAlgorithm(cert.pkijs.signatureAlgorithm).digest;
      reasons.push(...checkAlgorithmPolicy(policy, { ...(digest ? { digest } : {}), key }, label));
    } catch {
      reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: label }));
    }
  });
  return dedupe(reasons);
}
