/**
 * Signs an edXML package with an enveloped XML Signature (trust.md section 1): inside
 * `edXMLHeader` right after `TraceHeaderList`, one `Reference URI=""` with the
 * enveloped-signature and exclusive c14n transforms, SHA-256 digest, SignedInfo canonicalized
 * with exclusive c14n, KeyInfo with the signer's certificate and its chain.
 *
 * The Signature is spliced into the package's bytes: nothing else is re-serialized, so
 * attachments are left byte for byte and a large package costs one canonicalization pass.
 * @module
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { EdxmlError, SignatureError } from '../../errors.js';
import { XML_NAMESPACE } from '../../edxml/xml-tokenizer.js';
import { childElements, firstChild, parseXmlTree, textOf, type XmlElement } from '../../edxml/xml-tree.js';
import { certificatesFromPem, toCertificateDer, x509PublicKey } from '../certificate.js';
import { C14N, EXC_C14N, canonicalize, canonicalizeTo, type C14nAlgorithm } from './c14n.js';
import { locateHeader, type ByteRange } from './header-locator.js';
import { resolveSignEdxmlOptions, type SignEdxmlOptions } from './sign-options.js';
import { ENVELOPED_SIGNATURE, XMLDSIG_NAMESPACE, digestMethodNamed, nodeSignOptions } from './signature-methods.js';
import { resolveSigner } from './signer.js';

/**
 * Signs an edXML package and returns the signed bytes.
 *
 * An existing placeholder (a `Signature` in the QCVN namespace, or an XML Signature with an
 * empty SignatureValue) is replaced in place; a real XML Signature is refused unless
 * `replace: true`. Before returning, the signature is checked against the certificate's
 * public key, so a key that does not match the certificate never produces a package.
 *
 * @throws {EdxmlError} VDXP_EDXML_* when the input is not a readable edXML package
 * @throws {SignatureError} VDXP_SIGNATURE_EXISTS when already signed (without `replace`), or
 *   when an XML Signature sits outside `edXMLHeader`;
 *   VDXP_SIGNATURE_KEY_UNUSABLE for an unreadable key or certificate, a key that does not match
 *   the certificate, or a failing external signer; VDXP_SIGNATURE_POLICY for SHA-1 or weak keys
 * @throws {ConfigError} VDXP_CONFIG_INVALID for invalid options
 * @example
 * ```ts
 * const signed = await signEdxml(await readFile('out.edxml'), {
 *   key: await readFile('clerk.key.pem', 'utf8'),
 *   certificate: await readFile('clerk.cert.pem', 'utf8'),
 *   chain: await readFile('vgca-chain.pem', 'utf8'),
 * });
 * ```
 */
export async function signEdxml(input: Uint8Array | string, options: SignEdxmlOptions): Promise<Uint8Array> {
  const o = resolveSignEdxmlOptions(options);
  const signal = o.signal;
  signal?.throwIfAborted();
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const doc = parseXmlTree(bytes);
  const header = firstChild(firstChild(doc.root, 'edXMLEnvelope'), 'edXMLHeader');
  if (doc.root.local !== 'edXML' || !header) {
    throw new EdxmlError('VDXP_EDXML_INVALID', 'not an edXML package: no edXML/edXMLEnvelope/edXMLHeader to put the signature in', { path: doc.root.local });
  }
  const layout = locateHeader(bytes);
  const children = childElements(header);
  if (!layout || layout.children.length !== children.length) {
    throw new EdxmlError('VDXP_EDXML_INVALID', 'the package header could not be located in the bytes', { path: 'edXML/edXMLEnvelope/edXMLHeader' });
  }

  const old = children.map((el, i) => ({ el, range: layout.children[i]! })).filter((c) => c.el.local === 'Signature');
  refuseOtherSignatures(doc.root, header);
  if (!o.replace && old.some((c) => c.el.uri === XMLDSIG_NAMESPACE && textOf(firstChild(c.el, 'SignatureValue')).trim() !== '')) {
    throw new SignatureError('VDXP_SIGNATURE_EXISTS', 'the package is already signed; pass replace: true to replace its signature');
  }

  const certificate = toCertificateDer(o.certificate);
  const chain = typeof o.chain === 'string' ? certificatesFromPem(o.chain) : (o.chain ?? []).map((c) => toCertificateDer(c));
  let certKey;
  try {
    certKey = x509PublicKey(certificate);
  } catch (cause) {
    throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', "the signer's certificate could not be read", { cause });
  }
  const signer = resolveSigner(o.key, { certificateKey: certKey, algorithm: o.algorithm, passphrase: o.passphrase, subtle: o.subtle });

  // Where the Signature goes: in place of a placeholder after TraceHeaderList, else right after it.
  const traceIndex = children.findIndex((c) => c.local === 'TraceHeaderList');
  const inPlace = old.find((c) => children.indexOf(c.el) > traceIndex);
  let insertAt: number;
  let lead = '';
  const nl = bytes.subarray(layout.contentStart, layout.contentEnd).includes(0x0d) ? '\r\n' : '\n';
  if (inPlace) insertAt = inPlace.range.start;
  else {
    const anchor = traceIndex >= 0 ? traceIndex : children.length - 1;
    insertAt = anchor >= 0 ? layout.children[anchor]!.end : layout.contentStart;
    if (layout.childIndent) {
      // New white space before the Signature is signed content: add it to the tree as well.
      lead = nl + layout.childIndent;
      const at = anchor >= 0 ? header.children.indexOf(children[anchor]!) + 1 : 0;
      header.children.splice(at, 0, { type: 'text', value: '\n' + layout.childIndent });
    }
  }

  const c14n: C14nAlgorithm = o.c14n === 'inclusive' ? C14N : EXC_C14N;
  const digestMethod = digestMethodNamed('SHA-256');
  const hash = createHash(digestMethod.node);
  let sinceCheck = 0;
  canonicalizeTo(doc, { algorithm: c14n, exclude: old.map((c) => c.el), comments: false }, (chunk) => {
    if (typeof chunk === 'string') hash.update(chunk, 'utf8');
    else hash.update(chunk);
    sinceCheck += chunk.length;
    if (sinceCheck > 1 << 20) {
      sinceCheck = 0;
      signal?.throwIfAborted();
    }
  });
  signal?.throwIfAborted();

  const pretty = layout.childIndent !== '';
  const ind = (level: number) => (pretty ? nl + layout.childIndent + '  '.repeat(level) : '');
  const signedInfo =
    `<SignedInfo>${ind(2)}<CanonicalizationMethod Algorithm="${c14n}"/>` +
    `${ind(2)}<SignatureMethod Algorithm="${signer.method.uri}"/>` +
    `${ind(2)}<Reference URI="">${ind(3)}<Transforms>` +
    `${ind(4)}<Transform Algorithm="${ENVELOPED_SIGNATURE}"/>${ind(4)}<Transform Algorithm="${c14n}"/>` +
    `${ind(3)}</Transforms>${ind(3)}<DigestMethod Algorithm="${digestMethod.uri}"/>` +
    `${ind(3)}<DigestValue>${hash.digest('base64')}</DigestValue>${ind(2)}</Reference>${ind(1)}</SignedInfo>`;

  const signedInfoBytes = new TextEncoder().encode(canonicalSignedInfo(signedInfo, header, c14n));
  const value = await signer.sign(signedInfoBytes);
  signal?.throwIfAborted();
  if (!cryptoVerify(signer.method.digest.node, signedInfoBytes, nodeSignOptions(signer.method, certKey), value)) {
    throw new SignatureError('VDXP_SIGNATURE_KEY_UNUSABLE', "the signature made does not verify with the certificate's public key (wrong key for this certificate?)");
  }

  const certs = [certificate, ...chain].map((c) => `${ind(3)}<X509Certificate>${Buffer.from(c).toString('base64')}</X509Certificate>`).join('');
  const signature =
    `${lead}<Signature xmlns="${XMLDSIG_NAMESPACE}">${ind(1)}${signedInfo}` +
    `${ind(1)}<SignatureValue>${Buffer.from(value).toString('base64')}</SignatureValue>` +
    `${ind(1)}<KeyInfo>${ind(2)}<X509Data>${certs}${ind(2)}</X509Data>${ind(1)}</KeyInfo>${ind(0)}</Signature>`;
  return splice(bytes, old.map((c) => c.range), insertAt, Buffer.from(signature, 'utf8'));
}

/** A dsig Signature outside the header would make the package carry two signatures. */
function refuseOtherSignatures(root: XmlElement, header: XmlElement): void {
  const walk = (el: XmlElement): void => {
    for (const c of el.children) {
      if (c.type !== 'element') continue;
      if (c.local === 'Signature' && c.uri === XMLDSIG_NAMESPACE && c.parent !== header) {
        throw new SignatureError('VDXP_SIGNATURE_EXISTS', 'the package carries an XML Signature outside edXMLHeader; refusing to add a second one');
      }
      walk(c);
    }
  };
  walk(root);
}

/**
 * SignedInfo canonicalized as a verifier will see it in the package: parsed inside a stand-in
 * for the header that declares the same namespaces and `xml:*` attributes.
 */
function canonicalSignedInfo(signedInfo: string, header: XmlElement, algorithm: C14nAlgorithm): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  let attrs = '';
  for (const [p, u] of header.scope) if (p !== 'xml') attrs += `${p ? ` xmlns:${p}` : ' xmlns'}="${esc(u)}"`;
  const seen = new Set<string>();
  for (let e: XmlElement | undefined = header; e; e = e.parent) {
    for (const a of e.attributes) {
      if (a.uri === XML_NAMESPACE && !seen.has(a.local)) {
        seen.add(a.local);
        attrs += ` xml:${a.local}="${esc(a.value)}"`;
      }
    }
  }
  const wrapper = parseXmlTree(`<w${attrs}><Signature xmlns="${XMLDSIG_NAMESPACE}">${signedInfo}</Signature></w>`);
  const si = firstChild(firstChild(wrapper.root, 'Signature'), 'SignedInfo')!;
  return canonicalize(si, { algorithm });
}

function splice(bytes: Uint8Array, removals: ByteRange[], insertAt: number, insert: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let cursor = 0;
  let inserted = false;
  const copyTo = (pos: number) => {
    if (pos > cursor) parts.push(bytes.subarray(cursor, pos));
    cursor = Math.max(cursor, pos);
  };
  for (const r of [...removals].sort((a, b) => a.start - b.start)) {
    if (!inserted && insertAt <= r.start) {
      copyTo(insertAt);
      parts.push(insert);
      inserted = true;
    }
    copyTo(r.start);
    cursor = r.end;
  }
  if (!inserted) {
    copyTo(insertAt);
    parts.push(insert);
  }
  copyTo(bytes.length);
  return Buffer.concat(parts);
}
