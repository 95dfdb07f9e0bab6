/**
 * Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0, with and without
 * comments, over the project's XML tree ({@link parseXmlTree}).
 *
 * Works on a whole document or on a subtree (a document subset whose apex is an element:
 * namespaces in scope are rendered on the apex; inclusive c14n also carries the ancestors'
 * `xml:*` attributes onto it), and can leave one element out with its subtree (the
 * enveloped-signature transform). Output is handed to a sink in pieces, so a package with a
 * large attachment is hashed without building one more copy of it: long plain runs the reader
 * kept as bytes ({@link RawText}) are their own canonical form and go to the sink as they are;
 * markup is gathered into pieces of some kilobytes.
 *
 * The reader already did what canonical form asks of parsing: line ends normalised, attribute
 * values normalised, character and entity references replaced, CDATA unwrapped, the XML
 * declaration dropped. What is left here: namespace rendering, attribute ordering, escaping,
 * start/end pairs for empty elements, and the nodes around the root.
 * @internal
 * @module
 */
import { RawText, type XmlDocument, type XmlElement, type XmlNode } from '../../edxml/xml-tree.js';
import { XML_NAMESPACE, XMLNS_NAMESPACE } from '../../edxml/xml-tokenizer.js';
import { keepShape } from '../../keep-shapes.js';

/** Canonical XML 1.0, comments dropped. */
export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
/** Canonical XML 1.0 with comments. */
export const C14N_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
/** Exclusive XML Canonicalization 1.0, comments dropped. */
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
/** Exclusive XML Canonicalization 1.0 with comments. */
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';

/** The canonicalization algorithms implemented, by URI. */
export type C14nAlgorithm = typeof C14N | typeof C14N_WITH_COMMENTS | typeof EXC_C14N | typeof EXC_C14N_WITH_COMMENTS;

const ALGORITHMS: readonly string[] = [C14N, C14N_WITH_COMMENTS, EXC_C14N, EXC_C14N_WITH_COMMENTS];

/** True when `uri` names one of the algorithms {@link canonicalize} implements. */
export function isC14nAlgorithm(uri: string): uri is C14nAlgorithm {
  return ALGORITHMS.includes(uri);
}

/** How {@link canonicalize} works: the algorithm, its prefix list, what to leave out. */
export interface C14nOptions {
  /** Algorithm URI. */
  readonly algorithm: C14nAlgorithm;
  /** Exclusive c14n only: prefixes treated as in inclusive c14n (`#default` for the default namespace). */
  readonly inclusivePrefixes?: readonly string[];
  /** Nodes left out, elements with their whole subtree (enveloped-signature transform). */
  readonly exclude?: XmlNode | readonly XmlNode[];
  /** Text nodes rendered with another value (used to undo white space laid out in transit). */
  readonly textOverrides?: ReadonlyMap<XmlNode, string>;
  /**
   * Overrides the algorithm's comment handling; `false` for a same-document reference
   * (`URI=""` selects the document without its comments).
   */
  readonly comments?: boolean;
}

/**
 * Canonicalizes a document or a subtree and returns the canonical text.
 * @example
 * ```ts
 * const text = canonicalize(parseXmlTree(bytes), { algorithm: EXC_C14N, exclude: signatureElement, comments: false });
 * ```
 */
export function canonicalize(target: XmlDocument | XmlElement, options: C14nOptions): string {
  const parts: string[] = [];
  canonicalizeTo(target, options, (s) => parts.push(typeof s === 'string' ? s : Buffer.from(s.buffer, s.byteOffset, s.length).toString('latin1')));
  return parts.join('');
}

/**
 * Canonicalizes a document or a subtree, handing the canonical form to `write` in pieces:
 * strings (to be encoded as UTF-8) and byte runs (ASCII, already canonical).
 */
export function canonicalizeTo(target: XmlDocument | XmlElement, options: C14nOptions, write: (chunk: string | Uint8Array) => void): void {
  const exclusive = options.algorithm === EXC_C14N || options.algorithm === EXC_C14N_WITH_COMMENTS;
  const comments = options.comments ?? options.algorithm.endsWith('#WithComments');
  const inclusivePrefixes = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
  const exclude = new Set<XmlNode>(options.exclude === undefined ? [] : Array.isArray(options.exclude) ? options.exclude : [options.exclude as XmlNode]);
  const out = new Gatherer(write);
  const run = new Canonicalizer(out, exclusive, comments, inclusivePrefixes, exclude, options.textOverrides ?? new Map());
  if ('type' in target) run.element(target, new Map(), true);
  else run.document(target);
  out.flush();
}

/** Small strings gathered into pieces of about {@link GATHER_CHARS}; byte runs passed through in order. */
class Gatherer {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly sink: (chunk: string | Uint8Array) => void) {}

  text(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    if (this.length >= GATHER_CHARS) this.flush();
  }

  bytes(b: Uint8Array): void {
    this.flush();
    this.sink(b);
  }

  flush(): void {
    if (this.length === 0) return;
    const s = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.length = 0;
    this.sink(s);
  }
}

const GATHER_CHARS = 16 * 1024;

class Canonicalizer {
  constructor(
    private readonly out: Gatherer,
    private readonly exclusive: boolean,
    private readonly comments: boolean,
    private readonly inclusivePrefixes: ReadonlySet<string>,
    private readonly exclude: ReadonlySet<XmlNode>,
    private readonly textOverrides: ReadonlyMap<XmlNode, string>,
  ) {}

  document(doc: XmlDocument): void {
    let afterRoot = false;
    for (const node of doc.nodes) {
      if (node.type === 'element') {
        this.element(node, new Map(), false);
        afterRoot = true;
      } else if (node.type === 'pi' || (node.type === 'comment' && this.comments)) {
        if (afterRoot) this.out.text('\n');
        this.leaf(node);
        if (!afterRoot) this.out.text('\n');
      }
    }
  }

  /**
   * Renders an element; `rendered` maps each prefix to the namespace the output currently
   * has for it (what the nearest output ancestors declared).
   */
  element(el: XmlElement, rendered: ReadonlyMap<string, string>, apex: boolean): void {
    if (this.exclude.has(el)) return;
    const decls = this.exclusive ? this.exclusiveDeclarations(el, rendered) : this.inclusiveDeclarations(el, rendered);
    let inner = rendered;
    if (decls.length > 0) {
      const next = new Map(rendered);
      for (const [p, u] of decls) next.set(p, u);
      inner = next;
    }
    decls.sort((a, b) => compareCodePoints(a[0], b[0]));
    let out = '<' + el.name;
    for (const [p, u] of decls) out += (p === '' ? ' xmlns="' : ` xmlns:${p}="`) + escapeAttribute(u) + '"';
    for (const a of this.attributes(el, apex)) out += ` ${a.name}="${escapeAttribute(a.value)}"`;
    this.out.text(out + '>');
    for (const child of el.children) this.child(child, inner);
    this.out.text(`</${el.name}>`);
  }

  private child(node: XmlNode, rendered: ReadonlyMap<string, string>): void {
    if (node.type === 'element') this.element(node, rendered, false);
    else if (node.type === 'text') {
      if (this.exclude.has(node)) return;
      const override = this.textOverrides.get(node);
      if (override === undefined && node instanceof RawText) {
        for (const piece of node.pieces()) {
          if (typeof piece !== 'string') this.out.bytes(piece);
          else if (piece.length > 0) this.out.text(escapeText(piece));
        }
        return;
      }
      const value = override ?? node.value;
      if (value.length > 0) this.out.text(escapeText(value));
    } else if (node.type === 'pi' || this.comments) this.leaf(node);
  }

  private leaf(node: XmlNode): void {
    if (node.type === 'pi') this.out.text(`<?${node.target}${node.data ? ' ' + node.data : ''}?>`);
    else if (node.type === 'comment') this.out.text(`<!--${node.value}-->`);
  }

  /** Canonical XML 1.0: every namespace in scope the output does not already have. */
  private inclusiveDeclarations(el: XmlElement, rendered: ReadonlyMap<string, string>): [string, string][] {
    const out: [string, string][] = [];
    for (const [p, u] of el.scope) {
      if (p === 'xml' || p === '') continue;
      if (rendered.get(p) !== u) out.push([p, u]);
    }
    const def = el.scope.get('') ?? '';
    if (def !== (rendered.get('') ?? '')) out.push(['', def]);
    return out;
  }

  /** Exclusive c14n: namespaces visibly utilized (plus the inclusive prefix list) the output does not already have. */
  private exclusiveDeclarations(el: XmlElement, rendered: ReadonlyMap<string, string>): [string, string][] {
    const wanted = new Set<string>([el.prefix]);
    for (const a of el.attributes) if (a.prefix && a.uri !== XMLNS_NAMESPACE) wanted.add(a.prefix);
    for (const p of this.inclusivePrefixes) if (p === '' || el.scope.has(p)) wanted.add(p);
    const out: [string, string][] = [];
    for (const p of wanted) {
      if (p === 'xml') continue;
      if (p === '') {
        const def = el.scope.get('') ?? '';
        if (def !== (rendered.get('') ?? '')) out.push(['', def]);
        continue;
      }
      const u = el.scope.get(p);
      if (u !== undefined && rendered.get(p) !== u) out.push([p, u]);
    }
    return out;
  }

  /** The element's attributes in canonical order; on an inclusive apex, with inherited `xml:*` ones. */
  private attributes(el: XmlElement, apex: boolean): { name: string; uri: string; local: string; value: string }[] {
    const attrs: { name: string; uri: string; local: string; value: string }[] = [];
    for (const a of el.attributes) if (a.uri !== XMLNS_NAMESPACE) attrs.push(a);
    if (apex && !this.exclusive) {
      const have = new Set(attrs.filter((a) => a.uri === XML_NAMESPACE).map((a) => a.local));
      for (let p = el.parent; p; p = p.parent) {
        for (const a of p.attributes) {
          if (a.uri === XML_NAMESPACE && !have.has(a.local)) {
            have.add(a.local);
            attrs.push(a);
          }
        }
      }
    }
    return attrs.sort((a, b) => compareCodePoints(a.uri, b.uri) || compareCodePoints(a.local, b.local));
  }
}

/** Compares strings by Unicode code point (the order canonical XML asks for), not UTF-16 unit. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF: they sort after U+E000..FFFF.
    const sx = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
    const sy = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
    return sx - sy;
  }
  return a.length - b.length;
}

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;

function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttribute(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

keepShape(new Canonicalizer(keepShape(new Gatherer(() => undefined)), true, false, new Set(), new Set(), new Map()));
