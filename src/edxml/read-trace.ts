/**
 * Mapping `TraceHeaderList` to the model: the hops (`TraceHeader`) and the business
 * operation (`Bussiness`, sic). The .NET writer's attributes on TraceHeaderList are ignored.
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';
import { compact, type FieldReader, missing } from './field-reader.js';
import type { Business, BusinessDocType, TraceHeader } from './model.js';
import { readStaffInfo } from './read-header.js';
import { childElements, firstChild, pathOf, type XmlElement } from './xml-tree.js';

/** The hops and the business operation of an edoc. */
export function readTraceHeaderList(r: FieldReader, list: XmlElement | undefined): { traceHeaders: TraceHeader[]; business?: Business } {
  if (!list) return { traceHeaders: [] };
  const traceHeaders: TraceHeader[] = [];
  for (const el of childElements(list, 'TraceHeader')) {
    const hop = readTraceHeader(r, el);
    if (hop) traceHeaders.push(hop);
  }
  const bEl = firstChild(list, 'Bussiness') ?? firstChild(list, 'Business');
  const business = bEl ? readBusiness(r, bEl) : undefined;
  return business ? { traceHeaders, business } : { traceHeaders };
}

function readTraceHeader(r: FieldReader, el: XmlElement): TraceHeader | undefined {
  const organEl = firstChild(el, 'OrganId');
  let organId = organEl ? r.value(organEl) : undefined;
  if (organId !== undefined && /^null$/i.test(organId)) {
    r.warn('null_value', pathOf(organEl!), 'TraceHeader OrganId is the text "null"; read as absent');
    organId = undefined;
  }
  if (organId !== undefined) r.checkAgencyId(organId, pathOf(organEl!));
  const timestamp = r.timestamp(el, 'Timestamp');
  if (timestamp === undefined) {
    r.warn('trace_header_dropped', pathOf(el), 'a TraceHeader without a readable Timestamp is left out');
    return undefined;
  }
  return organId === undefined ? { timestamp } : { organId, timestamp };
}

function readBusiness(r: FieldReader, el: XmlElement): Business {
  // The spec spells it "Bussiness"; a correctly spelt element is read too.
  const typeElement = firstChild(el, 'BussinessDocType') || !firstChild(el, 'BusinessDocType') ? 'BussinessDocType' : 'BusinessDocType';
  const businessDocType = r.int(el, typeElement, { required: true, min: 0, max: 3 })!;
  const info = firstChild(el, 'BussinessDocumentInfo') ?? firstChild(el, 'BusinessDocumentInfo');
  const businessDocumentInfo = info ? readDocumentInfo(r, info) : undefined;
  const optional = compact({
    businessDocReason: r.text(el, 'BussinessDocReason') ?? r.text(el, 'BusinessDocReason'),
    documentId: r.text(el, 'DocumentId'),
    paper: flag(r, el, 'Paper'),
  });
  const replacementList = firstChild(el, 'ReplacementInfoList');
  return {
    businessDocType: businessDocType as BusinessDocType,
    ...optional,
    staffInfo: childElements(el, 'StaffInfo').flatMap((s) => readStaffInfo(r, s) ?? []),
    ...(businessDocumentInfo !== undefined && { businessDocumentInfo }),
    replacementInfo: replacementList ? childElements(replacementList, 'ReplacementInfo').map((ri) => readReplacement(r, ri)) : [],
  };
}

function readDocumentInfo(r: FieldReader, el: XmlElement): NonNullable<Business['businessDocumentInfo']> {
  const list = firstChild(el, 'ReceiverList');
  const receivers = list
    ? childElements(list, 'Receiver').map((rc) => {
        const organId = r.agencyId(rc);
        if (organId === undefined) missing(rc, 'OrganId');
        const receiverType = r.int(rc, 'ReceiverType', { required: true, min: 0, max: 1 }) as 0 | 1;
        return { organId, receiverType };
      })
    : [];
  const documentInfo = flag(r, el, 'DocumentInfo');
  const documentReceiver = flag(r, el, 'DocumentReceiver');
  return {
    ...(documentInfo !== undefined && { documentInfo }),
    ...(documentReceiver !== undefined && { documentReceiver }),
    receivers,
  };
}

function readReplacement(r: FieldReader, el: XmlElement): Business['replacementInfo'][number] {
  const documentId = r.required(el, 'DocumentId');
  const ids = firstChild(el, 'OrganIdList');
  const organIds = ids
    ? childElements(ids, 'OrganId').flatMap((o) => {
        const v = r.value(o);
        if (v !== undefined) r.checkAgencyId(v, pathOf(o));
        return v ?? [];
      })
    : [];
  if (organIds.length === 0) {
    throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: ${pathOf(el)}/OrganIdList names no agency`, { path: `${pathOf(el)}/OrganIdList` });
  }
  return { documentId, organIds };
}

/** A 0/1 flag; other values are dropped with a warning. */
function flag(r: FieldReader, el: XmlElement, name: string): 0 | 1 | undefined {
  return r.int(el, name, { min: 0, max: 1 }) as 0 | 1 | undefined;
}
