/**
 * What both readers divert from the element tree: attachment content goes to a sink, never
 * into the tree; content elsewhere is dropped; markup inside content is refused.
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';
import type { ResolvedParseEdxmlOptions } from './parse-options.js';
import { pathOf, type TextSink, type TreeOptions, type XmlElement } from './xml-tree.js';

/** The tokenizer limits of the options, plus a text diversion. */
export function treeOptions(opts: ResolvedParseEdxmlOptions, divertText: NonNullable<TreeOptions['divertText']>): TreeOptions {
  return { maxDepth: opts.maxDepth, maxElements: opts.maxElements, maxAttributes: opts.maxAttributes, divertText };
}

/** A text sink that keeps nothing (content outside an Attachment, or a second one). */
export const DISCARD: TextSink = { write: () => undefined, end: () => undefined };

/**
 * Attachment content is base64 text: an element inside it is refused.
 * @throws {EdxmlError} VDXP_EDXML_INVALID
 */
export function refuseMarkupInContent(el: XmlElement): void {
  if (el.parent?.local === 'ContentTransferEncoded') {
    const path = pathOf(el);
    throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: markup inside attachment content (${path})`, { path });
  }
}
