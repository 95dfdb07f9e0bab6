/**
 * Where the elements of `edXMLHeader` sit in the package's bytes, so a signature can be
 * spliced in (and a placeholder cut out) without re-serializing the package: attachments are
 * left byte for byte as they were. Reads with the project's tokenizer and stops at the end of
 * the header, so the attachments after it are not even decoded.
 * @internal
 * @module
 */
import { createUtf8Decoder, XmlTokenizer } from '../../edxml/xml-tokenizer.js';

/** A half-open byte range `[start, end)`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** The header and its child elements, in document order. */
export interface HeaderLayout {
  /** Byte offset just past `<edXML:edXMLHeader …>`. */
  readonly contentStart: number;
  /** Byte offset of `</edXML:edXMLHeader>`. */
  readonly contentEnd: number;
  readonly children: readonly (ByteRange & { readonly local: string; readonly uri: string })[];
  /** The white space that starts the line of the first child (its indentation), or ''. */
  readonly childIndent: string;
}

const STOP = Symbol('stop');

/** Locates `edXML/edXMLEnvelope/edXMLHeader` (first of each, by local name) and its children; undefined when absent. */
export function locateHeader(bytes: Uint8Array): HeaderLayout | undefined {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let raw = '';
  // Maps tokenizer positions (line ends normalised, no BOM) to offsets in `raw`, moving forward only.
  let norm = 0;
  let rawIdx = 0;
  let bytesBefore = bom;
  const toRaw = (position: number): number => {
    while (norm < position) {
      rawIdx += raw.charCodeAt(rawIdx) === 13 && raw.charCodeAt(rawIdx + 1) === 10 ? 2 : 1;
      norm++;
    }
    return rawIdx;
  };
  let measured = 0;
  const toBytes = (rawOffset: number): number => {
    bytesBefore += Buffer.byteLength(raw.slice(measured, rawOffset), 'utf8');
    measured = rawOffset;
    return bytesBefore;
  };

  let envelopeSeen = false;
  let inEnvelope = false;
  let headerSeen = false;
  let inHeader = false;
  let contentStart = -1;
  let contentEnd = -1;
  const children: (ByteRange & { local: string; uri: string })[] = [];
  let openChild: { start: number; local: string; uri: string } | undefined;

  const tokenizer: XmlTokenizer = new XmlTokenizer({
    startElement: (tag) => {
      const depth = tag.depth;
      const after = toRaw(tokenizer.position);
      if (inHeader && depth === 4) {
        const start = raw.lastIndexOf('<', after - 1);
        openChild = { start: toBytes(start), local: tag.local, uri: tag.uri };
        if (tag.selfClosing) {
          children.push({ ...openChild, end: toBytes(after) });
          openChild = undefined;
        }
      } else if (depth === 2 && !envelopeSeen && tag.local === 'edXMLEnvelope') {
        envelopeSeen = true;
        inEnvelope = !tag.selfClosing;
      } else if (depth === 3 && inEnvelope && !headerSeen && tag.local === 'edXMLHeader') {
        headerSeen = true;
        inHeader = !tag.selfClosing;
        contentStart = toBytes(after);
        if (tag.selfClosing) {
          contentEnd = contentStart;
          throw STOP;
        }
      }
    },
    endElement: (_name, depth) => {
      if (depth === 2) inEnvelope = false;
      if (!inHeader) return;
      const after = toRaw(tokenizer.position);
      if (depth === 4 && openChild) {
        children.push({ ...openChild, end: toBytes(after) });
        openChild = undefined;
      } else if (depth === 3) {
        contentEnd = toBytes(raw.lastIndexOf('<', after - 1));
        throw STOP;
      }
    },
    text: () => {},
  });

  const decoder = createUtf8Decoder();
  // Small pieces first, growing: the header is a few kilobytes at the start of the package,
  // and what follows it (an attachment's base64) is better left undecoded.
  let step = 1 << 12;
  try {
    for (let i = 0; i < bytes.length; i += step, step = Math.min(step * 2, 1 << 16)) {
      const piece = decoder.decode(bytes.subarray(i, Math.min(bytes.length, i + step)), i + step >= bytes.length);
      raw += piece;
      tokenizer.write(piece);
    }
    tokenizer.end();
  } catch (e) {
    if (e !== STOP) throw e;
  }
  if (contentStart < 0 || contentEnd < 0) return undefined;
  return { contentStart, contentEnd, children, childIndent: indentBefore(bytes, children[0]?.start ?? contentEnd) };
}

/** The spaces and tabs between the last line end before `offset` and `offset`, when only those. */
function indentBefore(bytes: Uint8Array, offset: number): string {
  let i = offset;
  while (i > 0 && (bytes[i - 1] === 0x20 || bytes[i - 1] === 0x09)) i--;
  if (i > 0 && bytes[i - 1] !== 0x0a) return '';
  return Buffer.from(bytes.subarray(i, offset)).toString('latin1');
}
