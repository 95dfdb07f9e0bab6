/**
 * Binding the manifest's References and the Attachments by ContentId, leniently: the
 * manifest may be `edXMLManifest` or `Manifest`, a Reference may give its id in
 * `@xlink:href="cid:…"`, ids compare without `cid:`. Refused: duplicate ContentIds, a
 * Reference with no Attachment, an Attachment with no id or no content. Warned: an Attachment
 * the manifest does not list, a name that had to be cleaned, disagreeing content types.
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';
import { sanitizeAttachmentName } from './attachment-name.js';
import type { FieldReader } from './field-reader.js';
import { attributeOf, childElements, firstChild, pathOf, textOf, type XmlElement } from './xml-tree.js';

/** What the manifest says about one file. */
export interface ManifestReference {
  readonly contentId: string;
  readonly contentType?: string;
  readonly description?: string;
  readonly name?: string;
  readonly path: string;
}

/** Everything known about an attachment except its bytes. */
export interface AttachmentMeta {
  /** Position among the Attachments (0-based). */
  readonly index: number;
  readonly contentId: string;
  /** Safe file name (cleaned). */
  readonly name: string;
  readonly description?: string;
  /** `Attachment/ContentType`, else the manifest's. */
  readonly declaredContentType?: string;
  /** The manifest Reference's ContentType, when there is one. */
  readonly manifestContentType?: string;
  /** The `Attachment` element. */
  readonly element: XmlElement;
  readonly path: string;
}

/** The manifest element of an envelope (`edXMLBody/edXMLManifest` or `Manifest`). */
export function findManifest(envelope: XmlElement | undefined): XmlElement | undefined {
  const body = firstChild(envelope, 'edXMLBody');
  for (const parent of [body, envelope]) {
    const m = firstChild(parent, 'edXMLManifest') ?? firstChild(parent, 'Manifest');
    if (m) return m;
  }
  return undefined;
}

/** The Attachment elements: `AttachmentEncoded/Attachment` under the root (or, leniently, the envelope or body). */
export function findAttachmentElements(root: XmlElement, envelope: XmlElement | undefined): XmlElement[] {
  const out: XmlElement[] = [];
  for (const parent of [root, envelope, firstChild(envelope, 'edXMLBody')]) {
    if (!parent) continue;
    for (const enc of childElements(parent, 'AttachmentEncoded')) out.push(...childElements(enc, 'Attachment'));
  }
  return out;
}

/** A ContentId without `cid:` and angle brackets; undefined when empty. */
export function normalizeContentId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim().replace(/^</, '').replace(/>$/, '').replace(/^cid:/i, '').trim();
  return s.length > 0 ? s : undefined;
}

/**
 * The manifest's References by ContentId.
 * @throws {EdxmlError} VDXP_EDXML_INVALID on a Reference without id or a duplicate id
 */
export function readManifest(manifest: XmlElement | undefined, r: FieldReader): Map<string, ManifestReference> {
  const refs = new Map<string, ManifestReference>();
  if (!manifest) return refs;
  for (const el of childElements(manifest, 'Reference')) {
    const path = pathOf(el);
    const contentId = normalizeContentId(textOf(firstChild(el, 'ContentId'))) ?? normalizeContentId(attributeOf(el, 'href'));
    if (!contentId) invalid(path, 'a manifest Reference has no ContentId');
    if (refs.has(contentId)) invalid(path, `duplicate ContentId ${JSON.stringify(contentId)} in the manifest`);
    refs.set(contentId, {
      contentId,
      contentType: r.text(el, 'ContentType'),
      description: r.text(el, 'Description'),
      name: r.text(el, 'AttachmentName'),
      path,
    });
  }
  return refs;
}

/**
 * What is known of an Attachment (possibly before its later children are read, when
 * streaming). `quiet`: collect no warnings (a provisional look).
 */
export function attachmentMeta(
  el: XmlElement,
  index: number,
  refs: ReadonlyMap<string, ManifestReference>,
  r: FieldReader,
  quiet = false,
): AttachmentMeta | undefined {
  const path = pathOf(el);
  const contentId = normalizeContentId(textOf(firstChild(el, 'ContentId')));
  if (!contentId) return undefined;
  const ref = refs.get(contentId);
  const own = {
    name: quiet ? textOf(firstChild(el, 'AttachmentName')).trim() || undefined : r.text(el, 'AttachmentName'),
    type: textOf(firstChild(el, 'ContentType')).trim() || undefined,
    description: textOf(firstChild(el, 'Description')).trim() || undefined,
  };
  const rawName = own.name ?? ref?.name;
  const fallback = `attachment-${index + 1}`;
  const name = sanitizeAttachmentName(rawName ?? '', fallback);
  if (!quiet && rawName !== undefined && name !== rawName) {
    r.warn('attachment_name_sanitized', `${path}/AttachmentName`, `AttachmentName is not a plain file name; read as ${JSON.stringify(name)}`);
  }
  if (!quiet && rawName === undefined) r.warn('attachment_name_missing', path, `attachment has no AttachmentName; named ${JSON.stringify(name)}`);
  const description = own.description ?? ref?.description;
  const declaredContentType = own.type ?? ref?.contentType;
  const manifestContentType = ref?.contentType;
  return {
    index,
    contentId,
    name,
    ...(description !== undefined && { description }),
    ...(declaredContentType !== undefined && { declaredContentType }),
    ...(manifestContentType !== undefined && { manifestContentType }),
    element: el,
    path,
  };
}

/**
 * Binds every Attachment to the manifest, with the checks of the spec's section 6.
 * @throws {EdxmlError} VDXP_EDXML_INVALID
 */
export function readAttachmentMetas(root: XmlElement, envelope: XmlElement | undefined, r: FieldReader): AttachmentMeta[] {
  const refs = readManifest(findManifest(envelope), r);
  const metas: AttachmentMeta[] = [];
  const seen = new Set<string>();
  findAttachmentElements(root, envelope).forEach((el, index) => {
    const meta = attachmentMeta(el, index, refs, r);
    if (!meta) invalid(`${pathOf(el)}/ContentId`, 'an Attachment has no ContentId');
    if (seen.has(meta.contentId)) invalid(`${meta.path}/ContentId`, `duplicate ContentId ${JSON.stringify(meta.contentId)}`);
    seen.add(meta.contentId);
    if (!firstChild(el, 'ContentTransferEncoded')) invalid(`${meta.path}/ContentTransferEncoded`, 'an Attachment has no content');
    if (!refs.has(meta.contentId)) {
      r.warn('attachment_not_in_manifest', meta.path, `Attachment ${JSON.stringify(meta.contentId)} is not listed in the manifest`);
    }
    metas.push(meta);
  });
  for (const ref of refs.values()) {
    if (!seen.has(ref.contentId)) invalid(ref.path, `manifest Reference ${JSON.stringify(ref.contentId)} has no Attachment`);
  }
  return metas;
}

function invalid(path: string, message: string): never {
  throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: ${message} (${path})`, { path });
}
