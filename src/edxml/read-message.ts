/**
 * The one mapping from an edXML element tree to the model, shared by the in-memory and the
 * streaming readers: root and envelope checks, kind, headers, business operation, signature
 * presence, and the attachments' metadata (their bytes are the callers' business).
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';
import { readAttachmentMetas, findAttachmentElements, type AttachmentMeta } from './attachment-meta.js';
import { missing, type FieldReader } from './field-reader.js';
import type { EdocMessage, SignaturePresence, StatusMessage } from './model.js';
import { readEdocHeader, readStatusHeader } from './read-header.js';
import { readTraceHeaderList } from './read-trace.js';
import { firstChild, type XmlDocument, type XmlElement } from './xml-tree.js';

/** The QCVN 102:2016 namespace of edXML. */
export const QCVN_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
/** The W3C XML signature namespace. */
export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

/** A package mapped to the model, attachments still as metadata. */
export type MappedPackage =
  | { readonly kind: 'edoc'; readonly model: Omit<EdocMessage, 'attachments'>; readonly attachments: AttachmentMeta[] }
  | { readonly kind: 'status'; readonly model: StatusMessage };

/**
 * Maps a parsed tree to the model.
 * @throws {EdxmlError} VDXP_EDXML_INVALID naming the XML path of what is missing or wrong
 */
export function readEdxmlTree(doc: XmlDocument, r: FieldReader): MappedPackage {
  const root = doc.root;
  if (root.local !== 'edXML') {
    throw new EdxmlError('VDXP_EDXML_INVALID', `not an edXML package: the root element is <${root.name}>, not <edXML>`, { path: root.local });
  }
  if (root.uri !== QCVN_NAMESPACE) {
    r.warn('namespace', 'edXML', `the root element is not in the QCVN 102:2016 namespace (${JSON.stringify(root.uri)})`);
  }
  const envelope = firstChild(root, 'edXMLEnvelope');
  if (!envelope) missing(root, 'edXMLEnvelope');
  const header = firstChild(envelope, 'edXMLHeader');
  if (!header) missing(envelope, 'edXMLHeader');
  const mh = firstChild(header, 'MessageHeader');
  if (!mh) missing(header, 'MessageHeader');

  if (firstChild(mh, 'StatusCode')) {
    if (findAttachmentElements(root, envelope).length > 0) {
      r.warn('unexpected_attachments', 'edXML/AttachmentEncoded', 'a status package carries attachments; they are ignored');
    }
    return { kind: 'status', model: { kind: 'status', ...readStatusHeader(r, mh) } };
  }
  const head = readEdocHeader(r, mh);
  const trace = readTraceHeaderList(r, firstChild(header, 'TraceHeaderList'));
  const signature = signatureOf(root, envelope, header);
  return {
    kind: 'edoc',
    model: {
      kind: 'edoc',
      ...head,
      traceHeaders: trace.traceHeaders,
      ...(trace.business !== undefined && { business: trace.business }),
      ...(signature !== undefined && { signature }),
    },
    attachments: readAttachmentMetas(root, envelope, r),
  };
}

/** Where a Signature is, and in which namespace (QCVN as the Java library writes it, or XMLDSig). */
function signatureOf(root: XmlElement, envelope: XmlElement, header: XmlElement): SignaturePresence | undefined {
  for (const parent of [header, envelope, root]) {
    const sig = firstChild(parent, 'Signature');
    if (sig) return { namespace: sig.uri === XMLDSIG_NAMESPACE ? 'xmldsig' : 'qcvn' };
  }
  return undefined;
}
