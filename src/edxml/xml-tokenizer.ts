/**
 * A small, strict, streaming XML tokenizer for hostile input.
 *
 * It is the front door of every XML the library reads (edXML packages, signatures), so it
 * refuses what an axis package never needs: DOCTYPE and entity declarations (XXE, entity
 * expansion), content before the XML declaration, encodings other than UTF-8, undefined
 * entities, unbound namespace prefixes, and documents past the configured limits.
 *
 * Text is handed over in pieces as it arrives, so a 100 MB base64 text node is never held
 * whole by the tokenizer. Line ends are normalised (`\r\n` and `\r` become `\n`) and
 * attribute values normalised, as the XML specification requires.
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** An attribute as written, with its resolved namespace. */
export interface XmlAttribute {
  /** Qualified name as written, e.g. `xlink:href` or `xmlns:edXML`. */
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI ('' for none). Namespace declarations have {@link XMLNS_NAMESPACE}. */
  readonly uri: string;
  /** Normalised value, entities decoded. */
  readonly value: string;
}

export interface XmlStartTag {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  /** All attributes in document order, namespace declarations included. */
  readonly attributes: readonly XmlAttribute[];
  /** Namespace declarations made on this element: prefix ('' for default) → URI. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** Namespaces in scope on this element (after its own declarations). */
  readonly scope: ReadonlyMap<string, string>;
  readonly selfClosing: boolean;
  readonly depth: number;
}

export interface XmlHandler {
  startElement(tag: XmlStartTag): void;
  endElement(name: string, depth: number): void;
  /** A piece of character data (text or CDATA), decoded. Called many times for long text. */
  text(piece: string, depth: number): void;
  /**
   * A run of plain text handed over as bytes (see {@link XmlTokenizer.rawText}); without this
   * method it arrives through {@link text} as a string.
   */
  rawText?(bytes: Uint8Array, depth: number): void;
  comment?(value: string, depth: number): void;
  processingInstruction?(target: string, data: string, depth: number): void;
}

export interface XmlLimits {
  /** Deepest element nesting. @defaultValue 64 */
  maxDepth?: number;
  /** Most elements in a document. @defaultValue 200000 */
  maxElements?: number;
  /** Most attributes on one element. @defaultValue 64 */
  maxAttributes?: number;
  /** Longest tag, comment or processing instruction, in characters. @defaultValue 65536 */
  maxMarkupLength?: number;
}

const DEFAULT_LIMITS: Required<XmlLimits> = {
  maxDepth: 64,
  maxElements: 200_000,
  maxAttributes: 64,
  maxMarkupLength: 65_536,
};

const NAME_RE = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?$/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

type Mode = 'prolog' | 'content' | 'cdata' | 'epilog';

/**
 * Push tokenizer: call {@link write} with decoded text pieces, then {@link end}.
 * @throws {EdxmlError} VDXP_EDXML_NOT_XML, VDXP_EDXML_FORBIDDEN, VDXP_EDXML_LIMIT, VDXP_EDXML_ENCODING
 */
export class XmlTokenizer {
  private buf = '';
  private offset = 0; // characters consumed before buf
  private mode: Mode = 'prolog';
  private started = false;
  private sawDeclarationSlot = true; // still at the very start
  private readonly stack: { name: string; scope: ReadonlyMap<string, string> }[] = [];
  private elements = 0;
  private readonly limits: Required<XmlLimits>;
  private pendingCr = false;

  constructor(
    private readonly handler: XmlHandler,
    limits: XmlLimits = {},
  ) {
    // one literal (not `{ ...DEFAULT_LIMITS, ...limits }`, which Node 20 gives a new hidden class each time)
    this.limits = {
      maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth,
      maxElements: limits.maxElements ?? DEFAULT_LIMITS.maxElements,
      maxAttributes: limits.maxAttributes ?? DEFAULT_LIMITS.maxAttributes,
      maxMarkupLength: limits.maxMarkupLength ?? DEFAULT_LIMITS.maxMarkupLength,
    };
  }

  /** Feeds the next piece of the document. */
  write(piece: string): void {
    if (piece.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
    }
    this.buf += normalizeNewlines(piece, this);
    this.pump(false);
  }

  /** Declares the end of input; throws when the document is incomplete. */
  end(): void {
    if (this.pendingCr) {
      this.pendingCr = false;
      this.buf += '\n';
    }
    this.pump(true);
    if (this.mode === 'cdata') this.fail('VDXP_EDXML_NOT_XML', 'unterminated CDATA section');
    if (this.stack.length > 0) {
      this.fail('VDXP_EDXML_NOT_XML', `the document ends inside <${this.stack.at(-1)!.name}> (truncated?)`);
    }
    if (this.elements === 0) this.fail('VDXP_EDXML_NOT_XML', 'no root element: not an XML document');
    if (this.buf.trim().length > 0) this.fail('VDXP_EDXML_NOT_XML', 'unexpected content after the root element');
  }

  /**
   * True when the document is inside the root element, between markup, with nothing held
   * back (no partial tag, entity or CR): text may then be given as bytes with {@link rawText}.
   */
  get rawTextReady(): boolean {
    return this.mode === 'content' && this.buf.length === 0 && !this.pendingCr;
  }

  /**
   * Takes a run of character data as bytes, when {@link rawTextReady}: the caller vouches that
   * the run is ASCII without `<`, `&` or CR (so it reads the same as characters), and that the
   * UTF-8 decoder feeding {@link write} holds no partial character.
   */
  rawText(bytes: Uint8Array): void {
    if (!this.rawTextReady) throw new Error('XmlTokenizer: raw text outside character data');
    if (bytes.length === 0) return;
    this.offset += bytes.length;
    if (this.handler.rawText) this.handler.rawText(bytes, this.stack.length);
    else this.handler.text(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'), this.stack.length);
  }

  /**
   * Characters consumed so far, counted after line-end normalisation and without a leading
   * BOM. Read inside `startElement` or `endElement` it is the offset just past that tag.
   */
  get position(): number {
    return this.offset;
  }

  /** @internal used by normalizeNewlines */
  setPendingCr(v: boolean): void {
    this.pendingCr = v;
  }
  /** @internal */
  hasPendingCr(): boolean {
    return this.pendingCr;
  }

  private fail(code: 'VDXP_EDXML_NOT_XML' | 'VDXP_EDXML_FORBIDDEN' | 'VDXP_EDXML_LIMIT' | 'VDXP_EDXML_ENCODING', message: string): never {
    const path = this.stack.map((e) => e.name).join('/');
    throw new EdxmlError(code, `${message} (at character ${this.offset})`, { path });
  }

  private consume(n: number): void {
    this.buf = this.buf.slice(n);
    this.offset += n;
  }

  private pump(final: boolean): void {
    for (;;) {
      if (this.buf.length === 0) return;
      if (this.mode === 'cdata') {
        const end = this.buf.indexOf(']]>');
        if (end < 0) {
          const keep = final ? 0 : 2;
          const n = Math.max(0, this.buf.length - keep);
          if (n > 0) this.handler.text(this.buf.slice(0, n), this.stack.length);
          this.consume(n);
          return;
        }
        if (end > 0) this.handler.text(this.buf.slice(0, end), this.stack.length);
        this.consume(end + 3);
        this.mode = 'content';
        continue;
      }
      const lt = this.buf.indexOf('<');
      if (lt !== 0) {
        // Character data up to the next '<' (or all we have).
        const upto = lt < 0 ? this.buf.length : lt;
        if (this.sawDeclarationSlot && this.mode === 'prolog') {
          const head = this.buf.slice(0, upto);
          if (head.trim().length === 0) {
            // Leading white space before a root without declaration; a declaration after it is refused.
            this.sawDeclarationSlot = false;
            this.consume(upto);
            if (lt < 0) return;
            continue;
          }
          this.fail(
            'VDXP_EDXML_NOT_XML',
            `content before the XML declaration or root element (${JSON.stringify(head.slice(0, 16))}): not an XML document`,
          );
        }
        let chunk = this.buf.slice(0, upto);
        if (lt < 0 && !final) {
          // Keep a possibly incomplete entity reference for the next piece.
          const amp = chunk.lastIndexOf('&');
          if (amp >= 0 && chunk.indexOf(';', amp) < 0) {
            if (chunk.length - amp > 32) this.fail('VDXP_EDXML_NOT_XML', 'unterminated entity reference');
            chunk = chunk.slice(0, amp);
          }
        }
        if (chunk.length > 0) this.emitText(chunk);
        this.consume(chunk.length);
        if (lt < 0) return;
        continue;
      }
      // Markup at buf[0].
      if (!this.markup(final)) return;
    }
  }

  private emitText(raw: string): void {
    if (this.mode !== 'content') {
      if (raw.trim().length > 0) {
        this.fail('VDXP_EDXML_NOT_XML', 'text outside the root element');
      }
      return;
    }
    this.handler.text(raw.indexOf('&') >= 0 ? this.decodeEntities(raw) : raw, this.stack.length);
  }

  /** Handles the markup at the start of buf; false when more input is needed. */
  private markup(final: boolean): boolean {
    const b = this.buf;
    const needMore = (): boolean => {
      if (final) this.fail('VDXP_EDXML_NOT_XML', 'the document ends inside markup (truncated?)');
      if (b.length > this.limits.maxMarkupLength) {
        this.fail('VDXP_EDXML_LIMIT', `markup longer than ${this.limits.maxMarkupLength} characters`);
      }
      return false;
    };
    if (b.length < 2) return needMore();
    const c1 = b[1];
    if (c1 === '?') {
      const end = b.indexOf('?>');
      if (end < 0) return needMore();
      const body = b.slice(2, end);
      const target = /^[^\s?]+/.exec(body)?.[0] ?? '';
      if (target.toLowerCase() === 'xml') {
        if (target !== 'xml' || !this.sawDeclarationSlot) {
          this.fail('VDXP_EDXML_NOT_XML', 'the XML declaration must come first (content before the declaration)');
        }
        this.checkDeclaration(body.slice(3));
      } else {
        if (!NAME_RE.test(target)) this.fail('VDXP_EDXML_NOT_XML', 'malformed processing instruction');
        this.handler.processingInstruction?.(target, body.slice(target.length).replace(/^\s+/, ''), this.stack.length);
      }
      this.sawDeclarationSlot = false;
      this.consume(end + 2);
      return true;
    }
    this.sawDeclarationSlot = false;
    if (c1 === '!') {
      if (b.length < 9 && !final && ('<!--'.startsWith(b.slice(0, 4)) || '<![CDATA['.startsWith(b) || '<!DOCTYPE'.startsWith(b))) {
        return needMore();
      }
      if (b.startsWith('<!--')) {
        const end = b.indexOf('-->', 4);
        if (end < 0) return needMore();
        const value = b.slice(4, end);
        if (value.includes('--')) this.fail('VDXP_EDXML_NOT_XML', "'--' inside a comment");
        this.handler.comment?.(value, this.stack.length);
        this.consume(end + 3);
        return true;
      }
      if (b.startsWith('<![CDATA[')) {
        if (this.mode !== 'content') this.fail('VDXP_EDXML_NOT_XML', 'CDATA outside the root element');
        this.consume(9);
        this.mode = 'cdata';
        return true;
      }
      if (/^<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(b)) {
        this.fail('VDXP_EDXML_FORBIDDEN', 'DOCTYPE and entity declarations are refused (XXE / entity expansion)');
      }
      this.fail('VDXP_EDXML_NOT_XML', 'malformed markup declaration');
    }
    const end = findTagEnd(b);
    if (end < 0) return needMore();
    const tag = b.slice(0, end + 1);
    this.consume(end + 1);
    if (c1 === '/') this.endTag(tag);
    else this.startTag(tag);
    return true;
  }

  private checkDeclaration(attrs: string): void {
    const enc = /encoding\s*=\s*(["'])([^"']*)\1/.exec(attrs)?.[2];
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) {
      this.fail('VDXP_EDXML_ENCODING', `encoding ${JSON.stringify(enc)} is refused: packages must be UTF-8`);
    }
    const ver = /version\s*=\s*(["'])([^"']*)\1/.exec(attrs)?.[2];
    if (ver !== undefined && !/^1\.[0-9]+$/.test(ver)) this.fail('VDXP_EDXML_NOT_XML', `XML version ${ver} is not supported`);
  }

  private startTag(tag: string): void {
    if (this.mode === 'epilog') this.fail('VDXP_EDXML_NOT_XML', 'a second root element');
    const selfClosing = tag.endsWith('/>');
    const inner = tag.slice(1, selfClosing ? -2 : -1);
    const name = inner.slice(0, nameEnd(inner));
    if (!isName(name)) this.fail('VDXP_EDXML_NOT_XML', `malformed element name ${JSON.stringify(name.slice(0, 40))}`);
    const depth = this.stack.length + 1;
    if (depth > this.limits.maxDepth) this.fail('VDXP_EDXML_LIMIT', `elements nested deeper than ${this.limits.maxDepth}`);
    if (++this.elements > this.limits.maxElements) this.fail('VDXP_EDXML_LIMIT', `more than ${this.limits.maxElements} elements`);

    const raw = inner.length === name.length ? NO_ATTRIBUTES : parseAttributes(inner.slice(name.length), (m) => this.fail('VDXP_EDXML_NOT_XML', `${m} in <${name}>`));
    if (raw.length > this.limits.maxAttributes) this.fail('VDXP_EDXML_LIMIT', `more than ${this.limits.maxAttributes} attributes on <${name}>`);
    const parentScope = this.stack.at(-1)?.scope ?? ROOT_SCOPE;
    let namespaces: Map<string, string> | undefined;
    const values: string[] = [];
    const seen = raw.length > 1 ? new Set<string>() : undefined;
    for (const [qn, v] of raw) {
      if (seen) {
        if (seen.has(qn)) this.fail('VDXP_EDXML_NOT_XML', `duplicate attribute ${qn} on <${name}>`);
        seen.add(qn);
      }
      const value = this.normalizeAttribute(v);
      values.push(value);
      if (qn === 'xmlns') (namespaces ??= new Map()).set('', value);
      else if (qn.startsWith('xmlns:')) {
        const p = qn.slice(6);
        if (value === '') this.fail('VDXP_EDXML_NOT_XML', `empty namespace for prefix ${p}`);
        (namespaces ??= new Map()).set(p, value);
      }
    }
    let scope = parentScope;
    if (namespaces) {
      const merged = new Map(parentScope);
      for (const [p, u] of namespaces) merged.set(p, u);
      scope = merged;
    }
    const [prefix, local] = splitName(name);
    const uri = this.resolve(prefix, scope, true, name);
    const attributes: XmlAttribute[] = raw.map(([qn], i) => {
      const [ap, al] = splitName(qn);
      let auri = '';
      if (qn === 'xmlns' || ap === 'xmlns') auri = XMLNS_NAMESPACE;
      else if (ap) auri = this.resolve(ap, scope, false, qn);
      return { name: qn, prefix: qn === 'xmlns' ? '' : ap, local: qn === 'xmlns' ? 'xmlns' : al, uri: auri, value: values[i]! };
    });
    if (attributes.length > 1) {
      const seenExpanded = new Set<string>();
      for (const a of attributes) {
        if (!a.uri || a.uri === XMLNS_NAMESPACE) continue;
        const key = `${a.uri}|${a.local}`;
        if (seenExpanded.has(key)) this.fail('VDXP_EDXML_NOT_XML', `duplicate attribute ${a.name} on <${name}>`);
        seenExpanded.add(key);
      }
    }
    this.mode = 'content';
    this.handler.startElement({ name, prefix, local, uri, attributes, namespaces: namespaces ?? NO_NAMESPACES, scope, selfClosing, depth });
    if (selfClosing) {
      this.handler.endElement(name, depth);
      if (depth === 1) this.mode = 'epilog';
    } else {
      this.stack.push({ name, scope });
    }
  }

  private endTag(tag: string): void {
    const top = this.stack.at(-1);
    // `</name>` exactly as opened: no slice to compare (the usual case).
    const name = top && tag.length === top.name.length + 3 && tag.startsWith(top.name, 2) ? top.name : tag.slice(2, -1).trim();
    const open = this.stack.pop();
    if (!open) this.fail('VDXP_EDXML_NOT_XML', `closing tag </${name}> without an opening tag`);
    if (open.name !== name) this.fail('VDXP_EDXML_NOT_XML', `closing tag </${name}> does not match <${open.name}>`);
    this.handler.endElement(name, this.stack.length + 1);
    if (this.stack.length === 0) this.mode = 'epilog';
  }

  private resolve(prefix: string, scope: ReadonlyMap<string, string>, element: boolean, qn: string): string {
    if (prefix === 'xml') return XML_NAMESPACE;
    if (!prefix) return element ? (scope.get('') ?? '') : '';
    const uri = scope.get(prefix);
    if (uri === undefined) this.fail('VDXP_EDXML_NOT_XML', `namespace prefix of ${qn} is not declared`);
    return uri;
  }

  private normalizeAttribute(v: string): string {
    if (v.includes('<')) this.fail('VDXP_EDXML_NOT_XML', "'<' inside an attribute value");
    const spaced = v.replace(/[\t\n]/g, ' ');
    return spaced.indexOf('&') >= 0 ? this.decodeEntities(spaced) : spaced;
  }

  private decodeEntities(s: string): string {
    return s.replace(/&([^;&\s]{0,32});?/g, (m, ent: string) => {
      if (!m.endsWith(';')) this.fail('VDXP_EDXML_NOT_XML', `malformed entity reference ${JSON.stringify(m.slice(0, 12))}`);
      if (ent.startsWith('#')) {
        const cp = ent[1] === 'x' || ent[1] === 'X' ? Number.parseInt(ent.slice(2), 16) : Number.parseInt(ent.slice(1), 10);
        const ok = /^#(x[0-9a-fA-F]+|[0-9]+)$/.test(ent) && isXmlChar(cp);
        if (!ok) this.fail('VDXP_EDXML_NOT_XML', `invalid character reference &${ent};`);
        return String.fromCodePoint(cp);
      }
      const v = PREDEFINED[ent];
      if (v === undefined) {
        this.fail('VDXP_EDXML_FORBIDDEN', `undefined entity &${ent}; (entities are not allowed)`);
      }
      return v;
    });
  }
}

const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NAMESPACE]]);
const NO_NAMESPACES: ReadonlyMap<string, string> = new Map();

/** Names already found well-formed (documents repeat a few dozen names many times). */
const knownNames = new Set<string>();

function isName(name: string): boolean {
  if (knownNames.has(name)) return true;
  if (!NAME_RE.test(name)) return false;
  if (knownNames.size < 4096) knownNames.add(name);
  return true;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const NO_ATTRIBUTES: readonly [string, string][] = [];
const SPACE = /\s/;

/** Where the name at the start of a tag's inside ends: at white space (as `\s` means it), `/` or `>`. */
function nameEnd(inner: string): number {
  let i = 0;
  for (; i < inner.length; i++) {
    const c = inner.charCodeAt(i);
    if (c === 0x2f || c === 0x3e || (c <= 0x20 ? SPACE.test(inner[i]!) : c > 0x7f && SPACE.test(inner[i]!))) break;
  }
  return i;
}

function splitName(qn: string): [string, string] {
  const i = qn.indexOf(':');
  return i < 0 ? ['', qn] : [qn.slice(0, i), qn.slice(i + 1)];
}

/** Index of the '>' closing the tag at s[0], skipping quoted values; -1 when not yet there. */
function findTagEnd(s: string): number {
  let from = 1;
  for (;;) {
    const gt = s.indexOf('>', from);
    if (gt < 0) return -1;
    // a quote before that '>' opens a value, which may hold '>': skip the value and look again
    let q = from;
    while (q < gt) {
      const c = s.charCodeAt(q);
      if (c === 0x22 || c === 0x27) break;
      q++;
    }
    if (q === gt) return gt;
    const close = s.indexOf(s[q]!, q + 1);
    if (close < 0) return -1;
    from = close + 1;
  }
}

function parseAttributes(s: string, fail: (m: string) => never): [string, string][] {
  const out: [string, string][] = [];
  const re = /\s+([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  let pos = 0;
  for (;;) {
    if (pos >= s.length || /^\s*$/.test(s.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) fail(`malformed attributes ${JSON.stringify(s.slice(pos, pos + 30).trim())}`);
    const name = m[1]!;
    if (!isName(name)) fail(`malformed attribute name ${JSON.stringify(name.slice(0, 30))}`);
    out.push([name, m[2] ?? m[3] ?? '']);
    pos = re.lastIndex;
  }
  return out;
}

/** Normalises line ends in a piece, carrying a trailing CR into the next piece. */
function normalizeNewlines(piece: string, t: XmlTokenizer): string {
  let s = piece;
  if (t.hasPendingCr()) {
    t.setPendingCr(false);
    s = '\r' + s;
  }
  if (s.indexOf('\r') < 0) return s;
  if (s.endsWith('\r')) {
    t.setPendingCr(true);
    s = s.slice(0, -1);
  }
  return s.replace(/\r\n?/g, '\n');
}

/**
 * Decodes UTF-8 bytes strictly, refusing invalid sequences and UTF-16 byte order marks.
 * @throws {EdxmlError} VDXP_EDXML_ENCODING
 */
export function createUtf8Decoder(): { decode(bytes: Uint8Array, final: boolean): string } {
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let first = true;
  return {
    decode(bytes, final) {
      if (first && bytes.length >= 2) {
        first = false;
        if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
          throw new EdxmlError('VDXP_EDXML_ENCODING', 'UTF-16 input is refused: packages must be UTF-8');
        }
      }
      try {
        return dec.decode(bytes, { stream: !final });
      } catch (cause) {
        throw new EdxmlError('VDXP_EDXML_ENCODING', 'invalid UTF-8: packages must be UTF-8', { cause });
      }
    },
  };
}
