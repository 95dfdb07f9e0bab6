/**
 * Turning an attachment's transfer bytes into the file the sender meant (in memory): sniff a
 * ZIP, unwrap a one-entry archive unless the name itself ends in `.zip`, settle the content
 * type, hash both forms.
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import type { AttachmentMeta } from './attachment-meta.js';
import { extensionOf, fileContentType, isZipContentType, looksLikeZip, shouldUnwrap } from './content-type.js';
import type { FieldReader } from './field-reader.js';
import type { Attachment } from './model.js';
import { unwrapSingleEntryZip } from './zip-reader.js';

/** The bounds and choices of attachment reading. */
export interface AttachmentReadOptions {
  /** Unwrap one-entry ZIP archives. */
  readonly unwrap: boolean;
  /** Largest file after unwrapping, in bytes. */
  readonly maxAttachmentBytes: number;
}

/**
 * The attachment as the sender meant it, with its transfer form.
 * @throws {EdxmlError} VDXP_EDXML_ATTACHMENT when a wrapped archive is refused
 */
export function finishAttachment(meta: AttachmentMeta, transfer: Uint8Array, options: AttachmentReadOptions, r: FieldReader): Attachment {
  const isZip = looksLikeZip(transfer);
  const wrapped = shouldUnwrap(transfer, meta.name, options.unwrap);
  let data = transfer;
  let entryName: string | undefined;
  if (wrapped) {
    const out = unwrapSingleEntryZip(transfer, { maxEntryBytes: options.maxAttachmentBytes, path: `${meta.path}/ContentTransferEncoded` });
    data = out.data;
    entryName = out.entryName;
  }
  const types = settleTypes(meta, isZip, entryName, r);
  return {
    contentId: meta.contentId,
    name: meta.name,
    ...(meta.description !== undefined && { description: meta.description }),
    contentType: types.contentType,
    // Node's buffers never sit on a SharedArrayBuffer.
    data: data as Uint8Array<ArrayBuffer>,
    transfer: { contentType: types.transferContentType, wrapped, size: transfer.length, sha256: sha256Hex(transfer) },
  };
}

/**
 * The content types of the file and of its transfer form, with warnings where the package
 * contradicts itself. Shared by the in-memory and streaming readers.
 */
export function settleTypes(
  meta: AttachmentMeta,
  isZip: boolean,
  entryName: string | undefined,
  r: FieldReader,
): { contentType: string; transferContentType: string } {
  const contentType = fileContentType({
    declared: meta.declaredContentType,
    name: meta.name,
    isZip,
    ...(entryName !== undefined && { entryName }),
  });
  const transferContentType = meta.declaredContentType ?? (isZip ? 'application/zip' : contentType);
  if (isZipContentType(meta.declaredContentType) && !isZip) {
    r.warn('content_type_mismatch', meta.path, `ContentType says ZIP but the content is not a ZIP archive; read as ${contentType}`);
  }
  const manifest = meta.manifestContentType;
  if (manifest !== undefined && manifest !== contentType && manifest !== transferContentType) {
    r.warn('content_type_mismatch', meta.path, `the manifest says ${manifest}, the attachment is ${contentType}`);
  }
  if (entryName !== undefined) {
    const inner = extensionOf(entryName);
    const outer = extensionOf(meta.name);
    if (inner && outer && inner !== outer) {
      r.warn('wrapped_name_mismatch', meta.path, `the wrapped file is a .${inner} file but the attachment is named .${outer}`);
    }
  }
  return { contentType, transferContentType };
}

/** Lowercase hex SHA-256. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
