/**
 * Reads an XML Signature element into what a verifier needs, checking its structure against
 * the XMLDSig schema order (SignedInfo, SignatureValue, KeyInfo?, Object*; SignedInfo =
 * CanonicalizationMethod, SignatureMethod, Reference+; Reference = Transforms?, DigestMethod,
 * DigestValue). Anything else is reported as a problem, never thrown.
 * @internal
 * @module
 */
import { attributeOf, textOf, type XmlElement } from '../../edxml/xml-tree.js';
import { EXC_C14N } from './c14n.js';
import { XMLDSIG_NAMESPACE } from './signature-methods.js';

/** A transform or canonicalization method as written. */
export interface AlgorithmUse {
  readonly algorithm: string;
  /** The exclusive c14n InclusiveNamespaces PrefixList, when given. */
  readonly prefixes?: readonly string[];
  /** Child elements other than InclusiveNamespaces (an XPath expression, …). */
  readonly otherContent: boolean;
}

export interface ReferenceRead {
  /** undefined when the attribute is absent. */
  readonly uri: string | undefined;
  readonly transforms: readonly AlgorithmUse[];
  readonly digestMethod: string;
  /** undefined when not valid base64. */
  readonly digestValue: Uint8Array | undefined;
}

export interface SignatureRead {
  readonly signedInfo: XmlElement;
  readonly canonicalization: AlgorithmUse;
  readonly signatureMethod: string;
  readonly references: readonly ReferenceRead[];
  readonly signatureValue: Uint8Array;
  /** DER of each X509Certificate in KeyInfo, in order. */
  readonly certificates: readonly Uint8Array[];
  readonly objects: number;
}

export type SignatureReadResult = { readonly ok: true; readonly value: SignatureRead } | { readonly ok: false; readonly problems: readonly string[] };

/** Decodes base64 strictly (white space allowed, nothing else); undefined when invalid. */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  const s = text.replace(/[ \t\r\n]/g, '');
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** Reads a `ds:Signature`; problems name what is wrong, in English, without document content. */
export function readXmlSignature(sig: XmlElement): SignatureReadResult {
  const problems: string[] = [];
  /** Child elements; `strict`: each must be an XMLDSig element and text only white space. */
  const kids = (el: XmlElement, strict = false): XmlElement[] => {
    const out: XmlElement[] = [];
    for (const c of el.children) {
      if (c.type === 'element') {
        if (strict && c.uri !== XMLDSIG_NAMESPACE) problems.push(`<${c.name}> in <${el.local}> is not an XML Signature element`);
        out.push(c);
      } else if (strict && c.type === 'text' && c.value.trim() !== '') problems.push(`unexpected text in <${el.local}>`);
    }
    return out;
  };
  const expectOrder = (el: XmlElement, children: XmlElement[], names: readonly string[]): XmlElement[] => {
    const got = children.map((c) => c.local).join(',');
    if (got !== names.join(',')) problems.push(`<${el.local}> must contain ${names.join(', ')} in this order (found ${got || 'nothing'})`);
    return children;
  };
  const algorithmUse = (el: XmlElement | undefined, what: string): AlgorithmUse => {
    const algorithm = el ? attributeOf(el, 'Algorithm', '') : undefined;
    if (algorithm === undefined) problems.push(`${what} has no Algorithm`);
    let prefixes: string[] | undefined;
    let otherContent = false;
    for (const c of el ? kids(el) : []) {
      if (c.local === 'InclusiveNamespaces' && c.uri === EXC_C14N) {
        prefixes = (attributeOf(c, 'PrefixList', '') ?? '').split(/\s+/).filter(Boolean);
      } else otherContent = true;
    }
    return { algorithm: algorithm ?? '', ...(prefixes ? { prefixes } : {}), otherContent };
  };

  const top = kids(sig, true);
  const [signedInfo, signatureValueEl, ...rest] = top;
  if (signedInfo?.local !== 'SignedInfo') return { ok: false, problems: ['no SignedInfo as the first child of Signature', ...problems] };
  if (signatureValueEl?.local !== 'SignatureValue') problems.push('no SignatureValue after SignedInfo');
  let keyInfo: XmlElement | undefined;
  let objects = 0;
  rest.forEach((el, i) => {
    if (el.local === 'KeyInfo' && i === 0) keyInfo = el;
    else if (el.local === 'Object') objects++;
    else problems.push(`unexpected <${el.local}> in Signature`);
  });

  const si = kids(signedInfo, true);
  const c14nEl = si[0]?.local === 'CanonicalizationMethod' ? si[0] : undefined;
  const methodEl = si[1]?.local === 'SignatureMethod' ? si[1] : undefined;
  if (!c14nEl || !methodEl) problems.push('SignedInfo must start with CanonicalizationMethod and SignatureMethod');
  const refEls = si.slice(2);
  if (refEls.length === 0) problems.push('SignedInfo has no Reference');
  const references: ReferenceRead[] = [];
  for (const ref of refEls) {
    if (ref.local !== 'Reference') {
      problems.push(`unexpected <${ref.local}> in SignedInfo`);
      continue;
    }
    const parts = kids(ref, true);
    const hasTransforms = parts[0]?.local === 'Transforms';
    const [digestMethodEl, digestValueEl] = expectOrder(ref, parts, hasTransforms ? ['Transforms', 'DigestMethod', 'DigestValue'] : ['DigestMethod', 'DigestValue']).slice(hasTransforms ? 1 : 0);
    const transforms = hasTransforms
      ? kids(parts[0]!, true).map((t) => {
          if (t.local !== 'Transform') problems.push(`unexpected <${t.local}> in Transforms`);
          return algorithmUse(t, 'a Transform');
        })
      : [];
    references.push({
      uri: attributeOf(ref, 'URI', ''),
      transforms,
      digestMethod: algorithmUse(digestMethodEl, 'DigestMethod').algorithm,
      digestValue: decodeBase64Strict(textOf(digestValueEl)),
    });
  }
  const canonicalization = algorithmUse(c14nEl, 'CanonicalizationMethod');
  const signatureMethod = algorithmUse(methodEl, 'SignatureMethod').algorithm;
  if (references.some((r) => r.digestValue === undefined)) problems.push('a DigestValue is not valid base64');
  const signatureValue = decodeBase64Strict(textOf(signatureValueEl));
  if (signatureValueEl && !signatureValue) problems.push('the SignatureValue is not valid base64');

  const certificates: Uint8Array[] = [];
  for (const data of keyInfo ? kids(keyInfo).filter((k) => k.local === 'X509Data' && k.uri === XMLDSIG_NAMESPACE) : []) {
    for (const c of kids(data)) {
      if (c.local !== 'X509Certificate' || c.uri !== XMLDSIG_NAMESPACE) continue;
      const der = decodeBase64Strict(textOf(c));
      if (der) certificates.push(der);
      else problems.push('an X509Certificate is not valid base64');
    }
  }
  if (problems.length > 0 || !signatureValue) return { ok: false, problems };
  return { ok: true, value: { signedInfo, canonicalization, signatureMethod, references, signatureValue, certificates, objects } };
}
