/**
 * A minimal namespace-aware element tree over {@link XmlTokenizer}, for the parts of a
 * package that are small (headers, manifests, signatures). Long text of chosen elements can
 * be diverted to a sink instead of being kept, so attachments never sit in the tree.
 * @internal
 * @module
 */
import { keepShape } from '../keep-shapes.js';
import { bufferView, isPlainRun, RAW_TEXT_MIN_BYTES, RawText } from './raw-text.js';
import { createUtf8Decoder, XmlTokenizer, type XmlAttribute, type XmlLimits, type XmlStartTag } from './xml-tokenizer.js';

export { RawText } from './raw-text.js';

export interface XmlElement {
  readonly type: 'element';
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  readonly attributes: readonly XmlAttribute[];
  /** Namespace declarations made on this element. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** Namespaces in scope on this element. */
  readonly scope: ReadonlyMap<string, string>;
  readonly children: XmlNode[];
  parent: XmlElement | undefined;
}
export interface XmlText {
  readonly type: 'text';
  value: string;
}
export interface XmlComment {
  readonly type: 'comment';
  readonly value: string;
}
export interface XmlPi {
  readonly type: 'pi';
  readonly target: string;
  readonly data: string;
}
export type XmlNode = XmlElement | XmlText | XmlComment | XmlPi;

/** The document: the root element plus comments and PIs around it (in order). */
export interface XmlDocument {
  readonly root: XmlElement;
  /** Top-level nodes in order (the root included). */
  readonly nodes: readonly XmlNode[];
}

/** Receives the text of a diverted element piece by piece. */
export interface TextSink {
  write(piece: string): void;
  /** A run of plain ASCII text as bytes (no `<`, `&`, `>` or CR); without it the run comes to {@link write}. */
  writeBytes?(bytes: Uint8Array): void;
  end(): void;
}

export interface TreeOptions extends XmlLimits {
  /**
   * Called for each element; return a sink to receive its text instead of the tree.
   * The element then appears in the tree with no text children.
   */
  divertText?: (element: XmlElement) => TextSink | undefined;
}

/** Builds the tree incrementally: feed it with {@link TreeBuilder.write}. */
export class TreeBuilder {
  private readonly tokenizer: XmlTokenizer;
  private readonly top: XmlNode[] = [];
  private current: XmlElement | undefined;
  private root: XmlElement | undefined;
  private diverted: { el: XmlElement; sink: TextSink } | undefined;
  private readonly decoder = createUtf8Decoder();
  /** The last byte decoded was ASCII: the decoder holds no partial character. */
  private decoderClean = true;

  constructor(options: TreeOptions = {}) {
    const divert = options.divertText;
    this.tokenizer = new XmlTokenizer(
      {
        startElement: (tag: XmlStartTag) => {
          const el: XmlElement = {
            type: 'element',
            name: tag.name,
            prefix: tag.prefix,
            local: tag.local,
            uri: tag.uri,
            attributes: tag.attributes,
            namespaces: tag.namespaces,
            scope: tag.scope,
            children: [],
            parent: this.current,
          };
          if (this.current) this.current.children.push(el);
          else {
            this.root = el;
            this.top.push(el);
          }
          this.current = el;
          const sink = divert?.(el);
          if (sink) this.diverted = { el, sink };
        },
        endElement: () => {
          const el = this.current!;
          if (this.diverted?.el === el) {
            this.diverted.sink.end();
            this.diverted = undefined;
          }
          this.current = el.parent;
        },
        text: (piece: string) => {
          const el = this.current;
          if (!el) return;
          if (this.diverted) {
            if (this.diverted.el === el) this.diverted.sink.write(piece);
            return;
          }
          const last = el.children.at(-1);
          if (last instanceof RawText) last.append(piece);
          else if (last?.type === 'text') last.value += piece;
          else el.children.push({ type: 'text', value: piece });
        },
        rawText: (bytes: Uint8Array) => {
          const el = this.current;
          if (!el) return;
          if (this.diverted) {
            if (this.diverted.el !== el) return;
            const sink = this.diverted.sink;
            if (sink.writeBytes) sink.writeBytes(bytes);
            else sink.write(bufferView(bytes).toString('latin1'));
            return;
          }
          const last = el.children.at(-1);
          if (last instanceof RawText) last.append(bytes);
          else if (last?.type === 'text') {
            const node = new RawText(last.value);
            node.append(bytes);
            el.children[el.children.length - 1] = node;
          } else el.children.push(new RawText(bytes));
        },
        comment: (value: string) => {
          if (this.diverted) return;
          const node: XmlComment = { type: 'comment', value };
          (this.current ? this.current.children : this.top).push(node);
        },
        processingInstruction: (target: string, data: string) => {
          if (this.diverted) return;
          const node: XmlPi = { type: 'pi', target, data };
          (this.current ? this.current.children : this.top).push(node);
        },
      },
      options,
    );
  }

  /**
   * Feeds UTF-8 bytes (decoded strictly) or already-decoded text. Long runs of plain text
   * between markup (attachments' base64) are handed over as bytes, never decoded.
   */
  write(chunk: Uint8Array | string): void {
    if (typeof chunk === 'string') {
      this.tokenizer.write(chunk);
      return;
    }
    const bytes = bufferView(chunk);
    let pos = 0;
    while (pos < bytes.length) {
      if (this.decoderClean && this.tokenizer.rawTextReady) {
        const lt = bytes.indexOf(LT, pos);
        const end = lt < 0 ? bytes.length : lt;
        if (end - pos >= RAW_TEXT_MIN_BYTES) {
          const run = bytes.subarray(pos, end);
          if (isPlainRun(run)) {
            this.tokenizer.rawText(run);
            pos = end;
            continue;
          }
        }
      }
      const cut = nextLongTextStart(bytes, pos);
      this.decodeAndFeed(bytes.subarray(pos, cut));
      pos = cut;
    }
  }

  private decodeAndFeed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.decoderClean = bytes[bytes.length - 1]! < 0x80;
    this.tokenizer.write(this.decoder.decode(bytes, false));
  }

  /** Ends the input and returns the document. */
  end(): XmlDocument {
    const rest = this.decoder.decode(new Uint8Array(0), true);
    if (rest) this.tokenizer.write(rest);
    this.tokenizer.end();
    return { root: this.root!, nodes: this.top };
  }
}

const LT = 0x3c;
const GT = 0x3e;

/**
 * Where to stop decoding so that a long text may be taken as bytes: just past the first `>`
 * of a tag followed by at least {@link RAW_TEXT_MIN_BYTES} bytes without `<`; the end of the
 * chunk when there is none. (A `>` inside an attribute value only means the text after it is
 * not taken raw: the tokenizer then is not ready.)
 */
function nextLongTextStart(bytes: Buffer, from: number): number {
  let lt = bytes.indexOf(LT, from);
  while (lt >= 0) {
    const next = bytes.indexOf(LT, lt + 1);
    const gapEnd = next < 0 ? bytes.length : next;
    if (gapEnd - lt > RAW_TEXT_MIN_BYTES) {
      const gt = bytes.indexOf(GT, lt);
      if (gt >= 0 && gt < gapEnd) return gt + 1;
    }
    lt = next;
  }
  return bytes.length;
}

/**
 * Bytes handed to {@link TreeBuilder.write} at a time when a whole document is in memory. Each
 * slice of a long text run is searched five times (for `<`, then the checks of
 * {@link isPlainRun}); a slice this size is still in the CPU's cache for the four searches
 * after the first, which made the searches of a 20 MB package take 1.7 ms instead of 2.35 ms
 * (1 MiB slices). Slices also hand a huge diverted text node over progressively.
 */
export const INPUT_SLICE_BYTES = 256 * 1024;

/** Parses a whole document held in memory. */
export function parseXmlTree(input: Uint8Array | string, options: TreeOptions = {}): XmlDocument {
  const b = new TreeBuilder(options);
  if (typeof input === 'string') b.write(input);
  else for (let i = 0; i < input.length; i += INPUT_SLICE_BYTES) b.write(input.subarray(i, i + INPUT_SLICE_BYTES));
  return b.end();
}

/** Child elements of `el`, optionally only those with this local name. */
export function childElements(el: XmlElement, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.type === 'element' && (local === undefined || c.local === local)) out.push(c);
  return out;
}

/** The first child element with this local name (any namespace). */
export function firstChild(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.type === 'element' && c.local === local) return c;
  return undefined;
}

/** The concatenated text of an element's direct text children. */
export function textOf(el: XmlElement | undefined): string {
  if (!el) return '';
  let s = '';
  for (const c of el.children) if (c.type === 'text') s += c.value;
  return s;
}

/** The value of an attribute by local name (any namespace unless given). */
export function attributeOf(el: XmlElement, local: string, uri?: string): string | undefined {
  for (const a of el.attributes) if (a.local === local && (uri === undefined || a.uri === uri)) return a.value;
  return undefined;
}

/** The slash-separated path of local names from the root to `el`. */
export function pathOf(el: XmlElement): string {
  const parts: string[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) parts.push(e.local);
  return parts.reverse().join('/');
}

keepShape(new TreeBuilder());
