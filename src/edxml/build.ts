/**
 * The edXML writer: the strict shape of the spec (sections 2.1 and 3), in memory
 * ({@link buildEdxml}) or streamed with base64 produced chunk by chunk
 * ({@link buildEdxmlStream}).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { EdxmlError } from '../errors.js';
import { Base64Encoder, base64Length } from './base64-encoder.js';
import {
  isStreamAttachment,
  resolveBuildEdxmlOptions,
  type BuildEdxmlOptions,
  type ResolvedBuildEdxmlOptions,
  type StreamingEdocMessageInput,
} from './build-options.js';
import type { EdocMessageInput, StatusMessageInput } from './model.js';
import { layOutPackage, type LaidOutAttachment, type PackageLayout } from './package-layout.js';
import { prepareMessage } from './prepare-message.js';
import { zipSingleEntry, zipSingleEntryStream } from './zip-writer.js';

/**
 * Bytes of an in-memory attachment encoded per step by {@link buildEdxml}, each step's base64
 * written into the output at once. The sizes follow where Node keeps the text: from 1,031,913
 * characters on (Node's EXTERN_APEX), outside V8's heap, as an external string made without a
 * second copy; under 128 KiB, in V8's young generation, which is recycled; in between, every
 * string gets mapped pages of its own (a V8 large object), a page fault per 4 KiB on top of the
 * copy. So an attachment of at least {@link EXTERNAL_STEP} bytes is cut into steps of that size
 * with the remainder folded into the last one (each step's text is external), and a smaller one
 * into steps of {@link STREAM_SLICE} bytes. Both are multiples of 3, so each step's base64
 * stands alone.
 */
const EXTERNAL_STEP = 3 * 262_144; // 786,432 bytes: 1,048,576 characters of base64
/**
 * Base64 text gathered before a streamed chunk is handed over, and bytes of an in-memory
 * attachment encoded per streamed step. Small on purpose: every chunk is garbage once written,
 * and chunks of a few tens of kilobytes die young (freed by the cheap young-generation GC)
 * where chunks of a megabyte pile up until a full GC (the 200 MB streaming benchmark peaked
 * at 129 MB RSS with 256 KiB chunks, 105 MB with 64 KiB).
 */
const OUT_CHUNK = 64 * 1024;
const STREAM_SLICE = 3 * 16_384;

/**
 * Writes an edoc or a status package in the strict edXML form: root `edXML` with the QCVN
 * namespace as default, `edXML:` on every element of the envelope, `AttachmentEncoded`
 * outside it, QCVN table order, UTF-8 with declaration, base64 on one line, empty optionals
 * omitted. Text is trimmed and NFC-normalised. Fills when absent: the DocumentId
 * (`<From OrganId>,<yyyy/MM/dd>,<Number>/<Notation>`), the sender's TraceHeader (stamped with
 * `options.now` in Vietnam time), a "new" Bussiness block and a status's Timestamp. The
 * model's `signature`, attachments' `transfer` and the `warnings` of a message returned by
 * `parseEdxml` are ignored (signing is a separate step), so a parsed message can be rewritten.
 *
 * @throws {EdxmlError} VDXP_INPUT_INVALID with `issues`, each naming the field, when the message breaks a write rule (see `checkMessageForWrite`)
 * @throws {ConfigError} VDXP_CONFIG_INVALID for bad options
 * @example
 * ```ts
 * const bytes = buildEdxml({
 *   from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
 *   to: [{ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' }],
 *   code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
 *   promulgationInfo: { place: 'Hà Nội', promulgationDate: '2015-09-30' },
 *   documentType: { type: 1, typeName: 'Công văn' },
 *   subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
 *   attachments: [{ contentId: '1', name: 'cong-van.pdf', contentType: 'application/pdf', data: pdf }],
 * });
 * ```
 */
export function buildEdxml(message: EdocMessageInput | StatusMessageInput, options: BuildEdxmlOptions = {}): Uint8Array {
  const opts = resolveBuildEdxmlOptions(options, 'buildEdxml');
  const layout = layOut(message, opts, 'buildEdxml');
  const bodies = layout.attachments.map((l, i) => transferBytes(l, i, opts));
  let total = Buffer.byteLength(layout.head) + Buffer.byteLength(layout.tail);
  layout.attachments.forEach((l, i) => {
    total += Buffer.byteLength(l.open) + base64Length(bodies[i]!.length) + Buffer.byteLength(l.close);
  });
  const out = Buffer.allocUnsafe(total);
  let pos = out.write(layout.head, 0, 'utf8');
  layout.attachments.forEach((l, i) => {
    const body = bodies[i]!;
    pos += out.write(l.open, pos, 'utf8');
    pos = writeBase64(out, pos, body);
    pos += out.write(l.close, pos, 'utf8');
  });
  pos += out.write(layout.tail, pos, 'utf8');
  if (pos !== total) throw new Error(`buildEdxml: wrote ${pos} of ${total} bytes`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * Like {@link buildEdxml}, but produces the package piece by piece, so that a package with
 * 100 MB attachments can go to a file or a socket with flat memory. Attachments may be
 * {@link StreamAttachment}s read once from their `source`; base64 is produced per chunk
 * (0–2 bytes carried between chunks). The message is checked when this is called: an
 * invalid message throws here, before any byte is produced.
 *
 * @throws {EdxmlError} VDXP_INPUT_INVALID (at call time) when the message breaks a write rule
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT (while iterating) when a source yields no bytes or something other than Uint8Array
 * @example
 * ```ts
 * const chunks = buildEdxmlStream({ ...message, attachments: [{
 *   contentId: '1', name: 'ho-so.pdf', contentType: 'application/pdf',
 *   source: () => createReadStream('ho-so.pdf'),
 * }] });
 * await pipeline(Readable.from(chunks), createWriteStream('out.edxml'));
 * ```
 */
export function buildEdxmlStream(
  message: StreamingEdocMessageInput | StatusMessageInput,
  options: BuildEdxmlOptions = {},
): AsyncIterable<Uint8Array> {
  const opts = resolveBuildEdxmlOptions(options, 'buildEdxmlStream');
  const layout = layOut(message, opts, 'buildEdxmlStream');
  return streamLayout(layout, opts);
}

/** Writes the base64 of `bytes` into `out` at `pos` (room checked by the caller); returns the new position. */
function writeBase64(out: Buffer, pos: number, bytes: Uint8Array): number {
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = src.length;
  const external = n >= EXTERNAL_STEP;
  const step = external ? EXTERNAL_STEP : STREAM_SLICE;
  for (let at = 0; at < n; ) {
    const end = external && n - at < 2 * step ? n : Math.min(n, at + step);
    pos += out.write(src.toString('base64', at, end), pos, 'latin1');
    at = end;
  }
  return pos;
}

function layOut(message: StreamingEdocMessageInput | StatusMessageInput, opts: ResolvedBuildEdxmlOptions, target: string): PackageLayout {
  const prepared = prepareMessage(message, opts, target);
  return layOutPackage(prepared, opts, opts.uuid ?? randomUUID);
}

function transferBytes(l: LaidOutAttachment, index: number, opts: ResolvedBuildEdxmlOptions): Uint8Array {
  const a = l.attachment;
  if (isStreamAttachment(a)) {
    throw new EdxmlError('VDXP_INPUT_INVALID', `buildEdxml: Attachment[${index + 1}] (${a.name}) has a source; use buildEdxmlStream for streamed attachments`, {
      path: `attachments.${index}`,
    });
  }
  return l.zipEntryName === undefined ? a.data : zipSingleEntry(l.zipEntryName, a.data, (opts.now ?? (() => new Date()))());
}

async function* streamLayout(layout: PackageLayout, opts: ResolvedBuildEdxmlOptions): AsyncGenerator<Uint8Array> {
  yield Buffer.from(layout.head, 'utf8');
  for (const [index, l] of layout.attachments.entries()) {
    yield Buffer.from(l.open, 'utf8');
    yield* base64Chunks(fileBytes(l, index, opts), l, index);
    yield Buffer.from(l.close, 'utf8');
  }
  if (layout.tail) yield Buffer.from(layout.tail, 'utf8');
}

/** The transfer bytes of an attachment: the file, or the ZIP around it. */
function fileBytes(l: LaidOutAttachment, index: number, opts: ResolvedBuildEdxmlOptions): { bytes: AsyncIterable<Uint8Array>; fileSize: () => number } {
  const a = l.attachment;
  let size = 0;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    const source: AsyncIterable<unknown> | Iterable<Uint8Array> = isStreamAttachment(a) ? a.source() : slices(a.data);
    for await (const chunk of source) {
      if (!(chunk instanceof Uint8Array)) {
        throw new EdxmlError('VDXP_EDXML_ATTACHMENT', `Attachment[${index + 1}] (${a.name}): the source must yield Uint8Array chunks`, { path: `attachments.${index}.source` });
      }
      size += chunk.length;
      yield chunk;
    }
  };
  const now = (opts.now ?? (() => new Date()))();
  const bytes = l.zipEntryName === undefined ? counted() : zipSingleEntryStream(l.zipEntryName, counted(), now);
  return { bytes, fileSize: () => size };
}

async function* base64Chunks(file: { bytes: AsyncIterable<Uint8Array>; fileSize: () => number }, l: LaidOutAttachment, index: number): AsyncGenerator<Uint8Array> {
  const encoder = new Base64Encoder();
  let pending: Uint8Array[] = [];
  let pendingLength = 0;
  for await (const chunk of file.bytes) {
    const text = encoder.pushBytes(chunk);
    if (text.length === 0) continue;
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength >= OUT_CHUNK) {
      yield joined(pending, pendingLength);
      pending = [];
      pendingLength = 0;
    }
  }
  if (file.fileSize() === 0) {
    throw new EdxmlError('VDXP_EDXML_ATTACHMENT', `Attachment[${index + 1}] (${l.attachment.name}): the source yielded no bytes`, { path: `attachments.${index}.source` });
  }
  const last = Buffer.from(encoder.end(), 'latin1');
  pending.push(last);
  pendingLength += last.length;
  if (pendingLength > 0) yield joined(pending, pendingLength);
}

/** One chunk from the pieces gathered: the piece itself when there is one (the usual case: source chunks of 48 KiB and more). */
function joined(pieces: Uint8Array[], length: number): Uint8Array {
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
}

function* slices(data: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < data.length; at += STREAM_SLICE) yield data.subarray(at, Math.min(data.length, at + STREAM_SLICE));
}
