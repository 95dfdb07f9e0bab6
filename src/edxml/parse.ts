/**
 * `parseEdxml`: the lenient, hostile-input-safe reader of edXML packages held in memory.
 * @module
 */
import { EdxmlError } from '../errors.js';
import { Base64Decoder } from './base64-decoder.js';
import { EdocMessageSchema, readerResult, StatusMessageSchema } from './check-model.js';
import { refuseWideEncodings } from './encoding-sniff.js';
import { FieldReader } from './field-reader.js';
import type { ParsedEdxml } from './model.js';
import { resolveParseEdxmlOptions, type ParseEdxmlOptions } from './parse-options.js';
import { DISCARD, refuseMarkupInContent, treeOptions } from './content-diversion.js';
import { finishAttachment } from './read-attachments.js';
import { readEdxmlTree } from './read-message.js';
import { INPUT_SLICE_BYTES, pathOf, TreeBuilder, type TextSink, type XmlElement } from './xml-tree.js';

const SLICE_CHARS = 1 << 20;

/**
 * Reads an edXML package (an official document or a status report) held in memory.
 *
 * Reads leniently (elements by local name in any order, empty elements as absent, dates in
 * the forms senders use, ZIP-wrapped attachments unwrapped, agency ids in any form) and
 * reports what was unusual in `warnings`. Refuses with a typed error, and never writes
 * anything, what the spec's section 6 lists.
 *
 * @param input UTF-8 bytes of the package (a string is taken as already decoded)
 * @returns the model, discriminated by `kind`, with `warnings`; its strings are copies of their
 * own, so keeping a field (a subject, a DocumentId) does not keep the package's text alive
 * @throws {ConfigError} VDXP_CONFIG_INVALID on bad options
 * @throws {EdxmlError} VDXP_EDXML_NOT_XML (content before the declaration, malformed XML),
 * VDXP_EDXML_FORBIDDEN (DOCTYPE, entities), VDXP_EDXML_ENCODING (not UTF-8),
 * VDXP_EDXML_LIMIT (depth, element or attribute counts), VDXP_EDXML_TOO_LARGE (past
 * `maxBytes`), VDXP_EDXML_ATTACHMENT (refused ZIP: bomb, several entries, corrupt),
 * VDXP_EDXML_INVALID (not edXML, bad base64, missing parts, duplicate ContentIds, a Reference
 * without Attachment), each with `path`
 * @example
 * ```ts
 * const msg = parseEdxml(await readFile('goi-tin.edxml'));
 * if (msg.kind === 'edoc') {
 *   console.log(msg.code.codeNumber, msg.code.codeNotation, msg.subject);
 *   for (const a of msg.attachments) await writeFile(join(dir, randomUUID()), a.data); // never a.name as a path
 * } else {
 *   console.log(msg.statusCode, msg.responseFor.documentId);
 * }
 * for (const w of msg.warnings) console.warn(w.code, w.path, w.message);
 * ```
 */
export function parseEdxml(input: Uint8Array | string, options?: ParseEdxmlOptions): ParsedEdxml {
  const opts = resolveParseEdxmlOptions(options);
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > opts.maxBytes) {
    throw new EdxmlError('VDXP_EDXML_TOO_LARGE', `the package is ${size} bytes, more than the ${opts.maxBytes} allowed`);
  }
  if (typeof input !== 'string') refuseWideEncodings(input.subarray(0, 4));

  const payloads = new Map<XmlElement, Payload>();
  const builder = new TreeBuilder(treeOptions(opts, (el) => collectPayload(el, payloads)));
  if (typeof input === 'string') {
    for (let i = 0; i < input.length; i += SLICE_CHARS) builder.write(input.slice(i, i + SLICE_CHARS));
  } else {
    for (let i = 0; i < input.length; i += INPUT_SLICE_BYTES) builder.write(input.subarray(i, i + INPUT_SLICE_BYTES));
  }
  const doc = builder.end();

  const r = new FieldReader(opts.now);
  const mapped = readEdxmlTree(doc, r);
  if (mapped.kind === 'status') {
    return readerResult(StatusMessageSchema, mapped.model, r.warnings);
  }
  const attachments = mapped.attachments.map((meta) => {
    const payload = payloads.get(meta.element);
    if (!payload) throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: an Attachment has no content (${meta.path})`, { path: meta.path });
    return finishAttachment(meta, payload.bytes(), opts, r);
  });
  return readerResult(EdocMessageSchema, Object.assign({}, mapped.model, { attachments }), r.warnings);
}

interface Payload {
  bytes(): Uint8Array;
}

/** Diverts `Attachment/ContentTransferEncoded` into a progressive base64 decoder. */
function collectPayload(el: XmlElement, payloads: Map<XmlElement, Payload>): TextSink | undefined {
  refuseMarkupInContent(el);
  if (el.local !== 'ContentTransferEncoded') return undefined;
  const attachment = el.parent;
  if (!attachment || attachment.local !== 'Attachment' || payloads.has(attachment)) return DISCARD;
  const decoder = new Base64Decoder(pathOf(el));
  const chunks: Uint8Array[] = [];
  let joined: Uint8Array | undefined;
  payloads.set(attachment, {
    bytes: () => (joined ??= join(chunks)),
  });
  return {
    write: (piece) => {
      const b = decoder.write(piece);
      if (b.length > 0) chunks.push(b);
    },
    writeBytes: (bytes) => {
      const b = decoder.writeBytes(bytes);
      if (b.length > 0) chunks.push(b);
    },
    end: () => {
      const b = decoder.end();
      if (b.length > 0) chunks.push(b);
    },
  };
}

function join(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = Buffer.concat(chunks);
  chunks.length = 0;
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
