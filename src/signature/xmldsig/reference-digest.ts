/**
 * The digest of a whole-package Reference (`URI=""`), tolerant of one thing only: the
 * TraceHeaders the axis appends to a package in transit (edxml.md 2.3: "the axis appends one
 * per hop"). A package signed by its sender and delivered by the axis carries more hops than
 * were signed, so when the digest of the package as received does not match, the digest is
 * computed again without the last 1, 2, … TraceHeaders (and the white space laid out before
 * each), keeping at least the sender's own. A match then proves everything else is exactly
 * what was signed; the hops not covered are counted and reported, never silently accepted.
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import { childElements, firstChild, type XmlDocument, type XmlElement, type XmlNode, type XmlText } from '../../edxml/xml-tree.js';
import { keepShape } from '../../keep-shapes.js';
import { canonicalizeTo, type C14nAlgorithm } from './c14n.js';

// Node's Hash objects are instances of a class too: one held keeps their hidden class.
keepShape(createHash('sha256'));

export interface ReferenceDigestInput {
  readonly doc: XmlDocument;
  /** The Signature element (enveloped: left out). */
  readonly signature: XmlElement;
  readonly algorithm: C14nAlgorithm;
  readonly inclusivePrefixes?: readonly string[];
  /** Node hash name, e.g. `sha256`. */
  readonly hash: string;
  readonly expected: Uint8Array;
  readonly signal?: AbortSignal;
}

export interface ReferenceDigestResult {
  readonly valid: boolean;
  /** TraceHeaders left out to match (0 when the package matched as received). */
  readonly appendedTraceHeaders: number;
}

/** Most trailing hops tried: a real route has a handful. */
const MAX_APPENDED = 8;

export function checkReferenceDigest(input: ReferenceDigestInput): ReferenceDigestResult {
  if (digestOf(input, [input.signature])) return { valid: true, appendedTraceHeaders: 0 };
  const hops = traceHeaders(input.doc);
  for (let k = 1; k <= Math.min(hops.length - 1, MAX_APPENDED); k++) {
    const dropped = hops.slice(hops.length - k);
    if (digestOf(input, [input.signature, ...dropped])) return { valid: true, appendedTraceHeaders: k };
    // Pretty-printed insertion: the white space laid out before each hop came with it, either
    // as its own text node or appended to the white space that was there (cut at its last newline).
    const layout = dropped.map(precedingWhiteSpace).filter((t): t is XmlText => t !== undefined);
    if (layout.length === 0) continue;
    if (digestOf(input, [input.signature, ...dropped, ...layout])) return { valid: true, appendedTraceHeaders: k };
    const overrides = new Map<XmlNode, string>();
    const wholly: XmlText[] = [];
    for (const t of layout) {
      const cut = t.value.lastIndexOf('\n');
      if (cut > 0) overrides.set(t, t.value.slice(0, cut));
      else wholly.push(t);
    }
    if (overrides.size > 0 && digestOf(input, [input.signature, ...dropped, ...wholly], overrides)) return { valid: true, appendedTraceHeaders: k };
  }
  return { valid: false, appendedTraceHeaders: 0 };
}

function digestOf(input: ReferenceDigestInput, exclude: readonly XmlNode[], textOverrides?: ReadonlyMap<XmlNode, string>): boolean {
  const hash = createHash(input.hash);
  let sinceCheck = 0;
  canonicalizeTo(
    input.doc,
    { algorithm: input.algorithm, exclude, comments: false, ...(textOverrides ? { textOverrides } : {}), ...(input.inclusivePrefixes ? { inclusivePrefixes: input.inclusivePrefixes } : {}) },
    (c) => {
      if (typeof c === 'string') hash.update(c, 'utf8');
      else hash.update(c);
      sinceCheck += c.length;
      if (sinceCheck > 1 << 20) {
        sinceCheck = 0;
        input.signal?.throwIfAborted();
      }
    },
  );
  return Buffer.from(hash.digest()).equals(Buffer.from(input.expected));
}

function traceHeaders(doc: XmlDocument): XmlElement[] {
  const header = firstChild(firstChild(doc.root, 'edXMLEnvelope'), 'edXMLHeader');
  const list = firstChild(header, 'TraceHeaderList');
  return list ? childElements(list, 'TraceHeader') : [];
}

/** The white-space text node right before `el`, if any (pretty-printed insertion). */
function precedingWhiteSpace(el: XmlElement): XmlText | undefined {
  const siblings = el.parent?.children ?? [];
  const i = siblings.indexOf(el);
  const before = i > 0 ? siblings[i - 1] : undefined;
  return before?.type === 'text' && before.value.trim() === '' ? before : undefined;
}
