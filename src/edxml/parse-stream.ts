/**
 * `parseEdxmlStream`: the edXML reader for packages too large to hold in memory. The package
 * streams in; attachments stream out to the caller's sinks as the files the sender meant
 * (unwrapped), with backpressure; memory stays flat whatever the attachments' size.
 * @module
 */
import { ConfigError, EdxmlError } from '../errors.js';
import { attachmentMeta, findManifest, readManifest } from './attachment-meta.js';
import { AttachmentPipeline, type AttachmentSink, type AttachmentSinkInfo } from './attachment-pipeline.js';
import { readerResult, StatusMessageSchema, StreamedEdocSchema } from './check-model.js';
import { refuseWideEncodings } from './encoding-sniff.js';
import { FieldReader } from './field-reader.js';
import type { AttachmentInfo, EdocMessage, EdxmlWarning, ParsedStatus } from './model.js';
import { resolveParseEdxmlOptions, type ParseEdxmlOptions, type ResolvedParseEdxmlOptions } from './parse-options.js';
import { DISCARD, refuseMarkupInContent, treeOptions } from './content-diversion.js';
import { settleTypes } from './read-attachments.js';
import { readEdxmlTree } from './read-message.js';
import { firstChild, pathOf, TreeBuilder, type TextSink, type XmlElement } from './xml-tree.js';

export type { AttachmentSink, AttachmentSinkInfo } from './attachment-pipeline.js';

/** Options of {@link parseEdxmlStream}: the reader's options plus where attachments go. */
export type ParseEdxmlStreamOptions = ParseEdxmlOptions & {
  /** Opens the destination of one attachment; called when its first bytes are known. */
  attachmentSink: (info: AttachmentSinkInfo) => AttachmentSink;
};

/** A streamed edoc: the model with its attachments as metadata (sizes and hashes). */
export type ParsedStreamedEdoc = Omit<EdocMessage, 'attachments'> & {
  attachments: AttachmentInfo[];
  readonly warnings: EdxmlWarning[];
};

/** What {@link parseEdxmlStream} returns. */
export type ParsedEdxmlStream = ParsedStreamedEdoc | ParsedStatus;

/** Input is handed to the tokenizer in slices this big, so queued attachment bytes stay small. */
const SLICE_BYTES = 64 * 1024;

/**
 * Reads an edXML package from a stream of bytes, sending each attachment to a sink as it is
 * decoded (and unwrapped from its ZIP) instead of keeping it. Each sink call is awaited
 * before more input is read, so a slow disk slows the read instead of filling memory.
 *
 * Pure: opens no file. When the package is refused, every sink already opened gets
 * `abort(error)` (even after `end()`); the caller deletes what it wrote.
 * Known limit: an Attachment's ContentId must come before its content (it always does in
 * practice); `parseEdxml` reads any order. As with `parseEdxml`, the model's strings are
 * copies of their own, not views of the package's text.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID on bad options
 * @throws {EdxmlError} the same codes as {@link parseEdxml}
 * @example
 * ```ts
 * const msg = await parseEdxmlStream(createReadStream('big.edxml'), {
 *   attachmentSink: ({ index }) => {
 *     const out = createWriteStream(join(dir, `file-${index}`));
 *     return {
 *       write: (chunk) => new Promise((ok, ko) => out.write(chunk, (e) => (e ? ko(e) : ok()))),
 *       end: () => new Promise((ok) => out.end(ok)),
 *       abort: () => rm(join(dir, `file-${index}`), { force: true }),
 *     };
 *   },
 * });
 * ```
 */
export async function parseEdxmlStream(source: AsyncIterable<Uint8Array | string>, options: ParseEdxmlStreamOptions): Promise<ParsedEdxmlStream> {
  const { attachmentSink, ...rest } = options ?? ({} as ParseEdxmlStreamOptions);
  if (typeof attachmentSink !== 'function') {
    throw new ConfigError('parseEdxmlStream', [{ code: 'required', path: 'attachmentSink', message: 'a function opening a sink per attachment is required' }]);
  }
  const opts = resolveParseEdxmlOptions(rest, 'parseEdxmlStream');
  const pipelines = new Map<XmlElement, AttachmentPipeline>();
  const active: AttachmentPipeline[] = [];
  const builder = new TreeBuilder(
    treeOptions(opts, (el) => {
      const p = startPipeline(el, pipelines, opts, attachmentSink);
      if (p instanceof AttachmentPipeline) {
        active.push(p);
        return p.textSink;
      }
      return p;
    }),
  );
  const drain = async () => {
    for (const p of active) await p.pump();
    for (let i = active.length - 1; i >= 0; i--) if (active[i]!.finished) active.splice(i, 1);
  };

  try {
    let total = 0;
    let first = true;
    for await (const piece of source) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      total += chunk.length;
      if (total > opts.maxBytes) throw new EdxmlError('VDXP_EDXML_TOO_LARGE', `the package is more than the ${opts.maxBytes} bytes allowed`);
      if (first && chunk.length > 0) {
        refuseWideEncodings(chunk.subarray(0, 4));
        first = false;
      }
      for (let i = 0; i < chunk.length; i += SLICE_BYTES) {
        builder.write(chunk.subarray(i, i + SLICE_BYTES));
        await drain();
      }
    }
    const doc = builder.end();
    await drain();

    const r = new FieldReader(opts.now);
    const mapped = readEdxmlTree(doc, r);
    if (mapped.kind === 'status') {
      return readerResult(StatusMessageSchema, mapped.model, r.warnings);
    }
    const attachments = mapped.attachments.map((meta): AttachmentInfo => {
      const res = pipelines.get(meta.element)?.result;
      if (!res) throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: an Attachment has no content (${meta.path})`, { path: meta.path });
      settleTypes(meta, res.isZip, res.entryName, r); // warnings only: the sink was told the type already
      return {
        contentId: meta.contentId,
        name: meta.name,
        ...(meta.description !== undefined && { description: meta.description }),
        contentType: res.contentType,
        size: res.size,
        sha256: res.sha256,
        transfer: {
          contentType: meta.declaredContentType ?? (res.isZip ? 'application/zip' : res.contentType),
          wrapped: res.wrapped,
          size: res.transferSize,
          sha256: res.transferSha256,
        },
      };
    });
    return readerResult(StreamedEdocSchema, Object.assign({}, mapped.model, { attachments }), r.warnings);
  } catch (error) {
    for (const p of pipelines.values()) await p.abort(error);
    throw error;
  }
}

/**
 * At the start of an `Attachment/ContentTransferEncoded`: a pipeline bound to what is known of
 * the attachment so far (its earlier children and the manifest).
 */
function startPipeline(
  el: XmlElement,
  pipelines: Map<XmlElement, AttachmentPipeline>,
  opts: ResolvedParseEdxmlOptions,
  openSink: (info: AttachmentSinkInfo) => AttachmentSink,
): AttachmentPipeline | TextSink | undefined {
  refuseMarkupInContent(el);
  if (el.local !== 'ContentTransferEncoded') return undefined;
  const attachment = el.parent;
  if (!attachment || attachment.local !== 'Attachment' || pipelines.has(attachment)) return DISCARD;
  let root = attachment;
  while (root.parent) root = root.parent;
  const envelope = firstChild(root, 'edXMLEnvelope');
  const header = firstChild(firstChild(envelope, 'edXMLHeader'), 'MessageHeader');
  if (firstChild(header, 'StatusCode')) return DISCARD; // a status package: attachments are ignored
  const quiet = new FieldReader();
  const meta = attachmentMeta(attachment, pipelines.size, readManifest(findManifest(envelope), quiet), quiet, true);
  if (!meta) {
    const path = `${pathOf(attachment)}/ContentId`;
    throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: an Attachment's ContentId must come before its content in a streamed read (${path})`, { path });
  }
  const pipeline = new AttachmentPipeline({
    contentId: meta.contentId,
    name: meta.name,
    declaredContentType: meta.declaredContentType,
    index: meta.index,
    path: pathOf(el),
    unwrap: opts.unwrap,
    maxAttachmentBytes: opts.maxAttachmentBytes,
    openSink,
  });
  pipelines.set(attachment, pipeline);
  return pipeline;
}
