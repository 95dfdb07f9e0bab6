/**
 * Lays a checked message out as the strict edXML text around its attachments' base64: the
 * head (declaration to `<AttachmentEncoded>`), per attachment the text before and after the
 * base64, and the tail. `buildEdxml` fills the gaps in memory, `buildEdxmlStream` streams them.
 * @internal
 * @module
 */
import { extname } from 'node:path';
import type { ResolvedBuildEdxmlOptions, StreamAttachment, WrapMode, WritableEdocMessage } from './build-options.js';
import { writeEdocHeader, writeStatusHeader } from './header-writer.js';
import type { Attachment, StatusMessage } from './model.js';
import { XmlWriter } from './xml-writer.js';

/** The QCVN 102:2016 namespace. */
export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** Attachments always sent as they are by the Java library's wrapping rule. */
const JAVA_AS_IS = new Set(['.pdf', '.doc', '.docx', '.zip']);

/** One attachment with the text around its base64. */
export interface LaidOutAttachment {
  readonly attachment: Attachment | StreamAttachment;
  /** `<Attachment>` … `<edXML:ContentTransferEncoded …>` */
  readonly open: string;
  /** `</edXML:ContentTransferEncoded>` … `</Attachment>` */
  readonly close: string;
  /** The name of the ZIP entry when the file travels wrapped. */
  readonly zipEntryName: string | undefined;
}

export interface PackageLayout {
  readonly head: string;
  readonly attachments: readonly LaidOutAttachment[];
  readonly tail: string;
}

/** Lays out a message already prepared and checked. */
export function layOutPackage(m: WritableEdocMessage | StatusMessage, options: ResolvedBuildEdxmlOptions, uuid: () => string): PackageLayout {
  const w = new XmlWriter().declaration();
  w.start('edXML', { xmlns: EDXML_NAMESPACE });
  w.start('edXML:edXMLEnvelope', { 'xmlns:edXML': EDXML_NAMESPACE });
  w.start('edXML:edXMLHeader');
  if (m.kind === 'status') {
    writeStatusHeader(w, m);
    w.end().end().end();
    return { head: w.take(), attachments: [], tail: '' };
  }
  writeEdocHeader(w, m);
  w.end();
  const attachments = m.attachments.map((a) => ({ a, id: a.contentId.replace(/^cid:/i, ''), wrapped: shouldWrap(a.name, options.wrap) }));
  w.start('edXML:edXMLBody');
  if (attachments.length === 0) w.empty('edXML:edXMLManifest', { version: '1.0' });
  else {
    w.start('edXML:edXMLManifest', { version: '1.0' });
    for (const { a, id } of attachments) {
      w.start('edXML:Reference')
        .leaf('edXML:ContentId', `cid:${id}`)
        .leaf('edXML:ContentType', a.contentType)
        .leaf('edXML:Description', a.description)
        .leaf('edXML:AttachmentName', a.name)
        .end();
    }
    w.end();
  }
  w.end().end();
  if (attachments.length === 0) {
    w.end();
    return { head: w.take(), attachments: [], tail: '' };
  }
  w.start('AttachmentEncoded');
  const head = w.take();
  const laidOut = attachments.map(({ a, id, wrapped }): LaidOutAttachment => {
    w.start('Attachment')
      .leaf('ContentId', `cid:${id}`)
      .leaf('AttachmentName', a.name)
      .leaf('Description', a.description)
      .leaf('ContentType', wrapped ? 'application/zip' : a.contentType)
      .startInline('edXML:ContentTransferEncoded', { 'xmlns:edXML': EDXML_NAMESPACE });
    const open = w.take();
    w.closeInline().end();
    return { attachment: a, open, close: w.take(), zipEntryName: wrapped ? `${uuid()}${extname(a.name)}` : undefined };
  });
  w.end().end();
  return { head, attachments: laidOut, tail: w.take() };
}

function shouldWrap(name: string, mode: WrapMode): boolean {
  const ext = extname(name).toLowerCase();
  if (mode === 'none' || ext === '.zip') return false;
  return mode === 'all' || !JAVA_AS_IS.has(ext);
}
