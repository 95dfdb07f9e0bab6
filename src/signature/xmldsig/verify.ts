/**
 * Verifies the XML Signature of an edXML package (trust.md sections 3 and 4): finds it in
 * either namespace variant, checks that what is signed is exactly the whole package (one
 * Signature in `edXMLHeader`, one `Reference URI=""`, the enveloped-signature transform and a
 * canonicalization, nothing else), the digest, the signature value, and the signer's
 * certificate through the trust engine. A bad signature is a report, not a throw.
 * @module
 */
import { verify as cryptoVerify } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../../errors.js';
import { firstChild, parseXmlTree, type XmlElement } from '../../edxml/xml-tree.js';
import { checkAlgorithmPolicy, publicKeyOf } from '../algorithms.js';
import { readCertificate, summarizeCertificate, type ParsedCertificate } from '../certificate.js';
import { trustReason } from '../reasons.js';
import { VerificationPolicySchema, verdictOf, type CertificateSummary, type ChainReport, type Reason, type SignatureReport } from '../report.js';
import { isTrustStore, type TrustStore } from '../trust-store.js';
import { C14N, canonicalize, canonicalizeTo, isC14nAlgorithm } from './c14n.js';
import { readXmlSignature, type SignatureRead } from './signature-reader.js';
import { ENVELOPED_SIGNATURE, XMLDSIG_NAMESPACE, digestMethodOf, keyFitsMethod, nodeSignOptions, signatureMethodOf } from './signature-methods.js';
import { checkReferenceDigest } from './reference-digest.js';
import { xmldsigReason } from './xmldsig-reasons.js';
import { ownString } from '../../own-strings.js';

/** One Reference of the signature as found. */
export interface ReferenceReport {
  /** The URI attribute; undefined when absent. */
  readonly uri?: string;
  readonly transforms: readonly string[];
  readonly digestMethod: string;
  /** Whether the digest matched; undefined when it was not computed (the reference was refused). */
  readonly digestValid?: boolean;
}

/** The outcome of a package signature check. */
export interface EdxmlSignatureReport extends SignatureReport {
  /** A Signature element (either namespace) is in the package. */
  readonly present: boolean;
  /** It is an XML Signature (XMLDSig namespace), not the QCVN-namespace variant. */
  readonly standard: boolean;
  readonly references: readonly ReferenceReport[];
  /** The signature covers the whole package (one Reference, URI="", allowed transforms) and its digest matched. */
  readonly coversWholeDocument: boolean;
  /** TraceHeaders added after signing (by the axis in transit), not covered by the signature. */
  readonly appendedTraceHeaders?: number;
  /** The certificates carried in KeyInfo, as found (not trusted by being there). */
  readonly certificates?: readonly CertificateSummary[];
}

/** The policy when none is given (read only, never changed). */
const DEFAULT_POLICY = VerificationPolicySchema.parse({});

/** Zod schema of {@link VerifyEdxmlOptions}. */
export const VerifyEdxmlOptionsSchema = z.strictObject({
  /** The trust store that judges the signer's certificate. */
  trust: z.custom<TrustStore>(isTrustStore, 'a TrustStore'),
  /** The time validity is judged at. @defaultValue now */
  at: z.date().optional(),
  /**
   * Algorithm and revocation policy; passed to the trust store too. When absent the trust
   * store's own policy judges the chain and the defaults judge the signature's algorithms.
   */
  policy: VerificationPolicySchema.optional(),
  signal: z.instanceof(AbortSignal).optional(),
});
/** Options of {@link verifyEdxml}. */
export type VerifyEdxmlOptions = z.input<typeof VerifyEdxmlOptionsSchema>;

/**
 * Verifies the package signature of an edXML package.
 *
 * No signature gives `present: false` and an indeterminate verdict (`SIGNATURE_ABSENT`); the
 * QCVN-namespace variant gives `standard: false` and `SIGNATURE_NON_STANDARD`; a malformed
 * signature, extra references, a partial reference, a second signature or one outside
 * `edXMLHeader` are invalid (`SIGNATURE_MALFORMED`, `SIGNATURE_WRAPPING`).
 *
 * The report can be kept: the strings it quotes from the package are copies of their own, not
 * views of the package's text.
 *
 * @throws {EdxmlError} VDXP_EDXML_* when the package is not readable XML (DOCTYPE, entities, …)
 * @throws {ConfigError} VDXP_CONFIG_INVALID for invalid options
 * @example
 * ```ts
 * const trust = TrustStore.create();
 * trust.addPinnedAnchor(await readFile('vgca-g2-root.pem', 'utf8'));
 * const report = await verifyEdxml(bytes, { trust });
 * if (report.verdict !== 'valid') show(report.reasons.map((r) => r.messageVi));
 * ```
 */
export async function verifyEdxml(input: Uint8Array | string, options: VerifyEdxmlOptions): Promise<EdxmlSignatureReport> {
  const parsed = VerifyEdxmlOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError('verifyEdxml', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  const o = parsed.data;
  const policy = o.policy ?? DEFAULT_POLICY;
  o.signal?.throwIfAborted();
  const doc = parseXmlTree(input);
  const at = o.at ?? new Date();
  const time = { timeUsed: at.toISOString(), timeSource: o.at ? ('given' as const) : ('now' as const) };
  const header = firstChild(firstChild(doc.root, 'edXMLEnvelope'), 'edXMLHeader');
  const { standard, other } = findSignatures(doc.root, header);

  const report = (reasons: Reason[], extra: Partial<EdxmlSignatureReport> = {}): EdxmlSignatureReport => ({
    verdict: verdictOf(reasons),
    reasons,
    present: true,
    standard: true,
    references: [],
    coversWholeDocument: false,
    ...time,
    ...extra,
  });
  if (standard.length === 0) {
    if (other.length > 0) return report([xmldsigReason('SIGNATURE_NON_STANDARD')], { standard: false });
    return report([xmldsigReason('SIGNATURE_ABSENT')], { present: false, standard: false });
  }

  const sig = standard.find((s) => s.parent === header) ?? standard[0]!;
  const reasons: Reason[] = [];
  if (standard.length > 1) reasons.push(xmldsigReason('SIGNATURE_WRAPPING', { detail: `${standard.length} XML signatures in the package` }));
  if (!header || sig.parent !== header) reasons.push(xmldsigReason('SIGNATURE_WRAPPING', { detail: 'the signature is not inside edXMLHeader' }));
  const read = readXmlSignature(sig);
  if (!read.ok) return report([...reasons, ...read.problems.map((p) => xmldsigReason('SIGNATURE_MALFORMED', { detail: p }))]);
  const s = read.value;
  if (s.objects > 0) reasons.push(xmldsigReason('SIGNATURE_OBJECT_IGNORED'));
  const refs = s.references;
  // strings of their own: cut from the package's text, they would keep all of it alive in a kept report
  const references: ReferenceReport[] = refs.map((r) => ({
    ...(r.uri !== undefined ? { uri: ownString(r.uri) } : {}),
    transforms: r.transforms.map((t) => ownString(t.algorithm)),
    digestMethod: ownString(r.digestMethod),
  }));
  // Each KeyInfo certificate read once (an unreadable one is a warning, and never the signer).
  const keyInfo = readKeyInfoCertificates(s.certificates, reasons);
  const certificates = keyInfo.filter((c) => c !== undefined).map((c) => summarizeCertificate(c));
  const base = { references, certificates, algorithms: { digest: references[0]?.digestMethod ?? '', signature: ownString(s.signatureMethod) } };

  // What is signed must be exactly the whole package.
  if (refs.length !== 1) reasons.push(xmldsigReason('SIGNATURE_WRAPPING', { detail: `${refs.length} references; exactly one, covering the whole package, is accepted` }));
  const ref = refs[0]!;
  if (ref.uri !== '') reasons.push(xmldsigReason('SIGNATURE_WRAPPING', { detail: ref.uri === undefined ? 'a Reference without URI' : `Reference URI="${ref.uri.slice(0, 40)}"` }));
  const [first, second, ...more] = ref.transforms;
  const c14nTransform = second?.algorithm ?? C14N;
  if (first?.algorithm !== ENVELOPED_SIGNATURE || first.otherContent) reasons.push(xmldsigReason('SIGNATURE_WRAPPING', { detail: 'the enveloped-signature transform must come first' }));
  if ((second && (!isC14nAlgorithm(second.algorithm) || second.otherContent)) || more.length > 0) {
    const bad = [second, ...more].find((t) => t && (!isC14nAlgorithm(t.algorithm) || t.otherContent)) ?? more[0]!;
    reasons.push(xmldsigReason('SIGNATURE_WRAPPING', { detail: `transform ${bad.algorithm.slice(0, 80)} is not allowed` }));
  }
  if (reasons.some((r) => r.severity === 'error')) return report(reasons, base);

  const digest = digestMethodOf(ref.digestMethod);
  const method = signatureMethodOf(s.signatureMethod);
  if (!digest) reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: `DigestMethod ${ref.digestMethod.slice(0, 80)}` }));
  if (!method) reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: `SignatureMethod ${s.signatureMethod.slice(0, 80)}` }));
  if (!isC14nAlgorithm(s.canonicalization.algorithm) || s.canonicalization.otherContent) {
    reasons.push(trustReason('ALGORITHM_UNSUPPORTED', { detail: `CanonicalizationMethod ${s.canonicalization.algorithm.slice(0, 80)}` }));
  }
  if (!digest || !method || !isC14nAlgorithm(s.canonicalization.algorithm) || !isC14nAlgorithm(c14nTransform)) return report(reasons, base);
  reasons.push(...checkAlgorithmPolicy(policy, { digest: digest.name }, 'Reference DigestMethod'));
  reasons.push(...checkAlgorithmPolicy(policy, { digest: method.digest.name }, 'SignatureMethod'));

  // Digest of the package without the signature (comments never count: URI=""), allowing
  // for the TraceHeaders the axis appends in transit (reported, never covered).
  const digestCheck = checkReferenceDigest({
    doc,
    signature: sig,
    algorithm: c14nTransform,
    ...(second?.prefixes ? { inclusivePrefixes: second.prefixes } : {}),
    hash: digest.node,
    expected: ref.digestValue!,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const digestValid = digestCheck.valid;
  if (!digestValid) reasons.push(xmldsigReason('DIGEST_MISMATCH'));
  if (digestCheck.appendedTraceHeaders > 0) {
    reasons.push(xmldsigReason('TRACE_HEADERS_APPENDED', { detail: String(digestCheck.appendedTraceHeaders) }));
  }
  const refReport = [{ ...references[0]!, digestValid }];
  o.signal?.throwIfAborted();

  // Signature value, with the certificate of KeyInfo whose key verifies it.
  const signedInfo = new TextEncoder().encode(
    canonicalize(s.signedInfo, { algorithm: s.canonicalization.algorithm, ...prefixes(s.canonicalization.prefixes) }),
  );
  const leafIndex = findSigner(s, keyInfo, signedInfo, method);
  const done = { ...base, references: refReport, coversWholeDocument: digestValid && digestCheck.appendedTraceHeaders === 0, appendedTraceHeaders: digestCheck.appendedTraceHeaders };
  if (s.certificates.length === 0) return report([...reasons, xmldsigReason('SIGNER_CERT_MISSING')], done);
  if (leafIndex < 0) return report([...reasons, xmldsigReason('SIGNATURE_INVALID')], done);
  const leaf = keyInfo[leafIndex]!;
  reasons.push(...checkAlgorithmPolicy(policy, { key: publicKeyOf(leaf.pkijs) }, "signer's key"));

  // The certificate, through the trust engine only: a key in the message proves nothing by itself.
  const chain: ChainReport = await o.trust.checkCertificate(leaf, {
    at,
    extraCertificates: keyInfo.filter((c, i): c is ParsedCertificate => c !== undefined && i !== leafIndex),
    ...(o.policy ? { policy: o.policy } : {}),
    usage: 'signing',
    ...(o.signal ? { signal: o.signal } : {}),
  });
  reasons.push(...chain.reasons);
  const signer = chain.chain[0] ?? summarizeCertificate(leaf);
  const revocation = chain.revocation.find((r) => r.certificate === signer.sha256);
  return report(reasons, {
    ...done,
    signer,
    ...(chain.chain[1] ? { issuer: chain.chain[1] } : {}),
    ...(revocation ? { revocation } : {}),
    chain,
  });
}

/** XML Signatures anywhere in the package, and Signature elements of other namespaces in the header. */
function findSignatures(root: XmlElement, header: XmlElement | undefined): { standard: XmlElement[]; other: XmlElement[] } {
  const standard: XmlElement[] = [];
  const other: XmlElement[] = [];
  const walk = (el: XmlElement): void => {
    for (const c of el.children) {
      if (c.type !== 'element') continue;
      if (c.local === 'Signature' && c.uri === XMLDSIG_NAMESPACE) standard.push(c);
      else if (c.local === 'Signature' && (c.parent === header || firstChild(c, 'SignedInfo'))) other.push(c);
      walk(c);
    }
  };
  walk(root);
  return { standard, other };
}

function prefixes(list: readonly string[] | undefined): { inclusivePrefixes?: readonly string[] } {
  return list ? { inclusivePrefixes: list } : {};
}

/** Index of the KeyInfo certificate whose public key verifies the signature, or -1. */
function findSigner(s: SignatureRead, certs: readonly (ParsedCertificate | undefined)[], signedInfo: Uint8Array, method: NonNullable<ReturnType<typeof signatureMethodOf>>): number {
  return certs.findIndex((cert) => {
    if (!cert) return false;
    try {
      const key = publicKeyOf(cert.pkijs).key;
      return keyFitsMethod(key, method) && cryptoVerify(method.digest.node, signedInfo, nodeSignOptions(method, key), s.signatureValue);
    } catch {
      return false;
    }
  });
}

/** The KeyInfo certificates parsed, in order; an unreadable one is undefined, with a warning. */
function readKeyInfoCertificates(ders: readonly Uint8Array[], reasons: Reason[]): (ParsedCertificate | undefined)[] {
  return ders.map((der) => {
    try {
      return readCertificate(der);
    } catch {
      reasons.push(trustReason('CHAIN_EXTRA_CERT_UNREADABLE'));
      return undefined;
    }
  });
}
