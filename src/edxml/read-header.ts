/**
 * Mapping the `MessageHeader` of an edoc or a status package to the model, by local names in
 * any order, empty elements treated as absent.
 * @internal
 * @module
 */
import { isKnownStatusCode } from './codes.js';
import { compact, type FieldReader, missing } from './field-reader.js';
import type { EdocMessage, Organization, ResponseFor, StaffInfo, StatusMessage } from './model.js';
import { childElements, firstChild, pathOf, textOf, type XmlElement } from './xml-tree.js';

type EdocHeader = Omit<EdocMessage, 'kind' | 'traceHeaders' | 'business' | 'attachments' | 'signature'>;
type StatusBody = Omit<StatusMessage, 'kind'>;

/** `From`, `To`, `OrganizationInCharge`…: an organisation. */
export function readOrganization(r: FieldReader, el: XmlElement): Organization {
  const organId = r.agencyId(el);
  if (organId === undefined) missing(el, 'OrganId');
  let organName = r.text(el, 'OrganName');
  if (organName === undefined) {
    r.warn('missing_organ_name', `${pathOf(el)}/OrganName`, `${el.local} has no OrganName; its OrganId ${JSON.stringify(organId)} stands in for it`);
    organName = organId;
  }
  return {
    organId,
    organName,
    ...compact({
      organizationInCharge: r.text(el, 'OrganizationInCharge'),
      organAdd: r.text(el, 'OrganAdd'),
      email: r.text(el, 'Email'),
      telephone: r.text(el, 'Telephone'),
      fax: r.text(el, 'Fax'),
      website: r.text(el, 'Website'),
    }),
  };
}

/** `StaffInfo`; undefined when empty. */
export function readStaffInfo(r: FieldReader, el: XmlElement | undefined): StaffInfo | undefined {
  if (!el) return undefined;
  return compact({
    department: r.text(el, 'Department'),
    departmentId: r.text(el, 'DepartmentId'),
    staff: r.text(el, 'Staff'),
    staffId: r.text(el, 'StaffId'),
    email: r.text(el, 'Email'),
    mobile: r.text(el, 'Mobile'),
  });
}

/** `ResponseFor`; undefined when the element is empty (`<ResponseFor />`). */
export function readResponseFor(r: FieldReader, el: XmlElement): ResponseFor | undefined {
  if (childElements(el).every((c) => textOf(c).trim() === '' && childElements(c).length === 0)) return undefined;
  const organId = r.agencyId(el);
  if (organId === undefined) missing(el, 'OrganId');
  const promulgationDate = r.date(el, 'PromulgationDate');
  return {
    organId,
    code: readCodeText(r, el),
    ...(promulgationDate !== undefined && { promulgationDate }),
    documentId: r.required(el, 'DocumentId'),
  };
}

/** `ResponseFor/Code` as `Number/Notation`; also accepts CodeNumber/CodeNotation children. */
function readCodeText(r: FieldReader, el: XmlElement): string {
  const code = firstChild(el, 'Code');
  if (code && firstChild(code, 'CodeNumber')) {
    const n = r.required(code, 'CodeNumber');
    const notation = r.text(code, 'CodeNotation');
    return notation ? `${n}/${notation}` : n;
  }
  return r.required(el, 'Code');
}

/** The MessageHeader of an edoc. */
export function readEdocHeader(r: FieldReader, mh: XmlElement): EdocHeader {
  const fromEl = firstChild(mh, 'From');
  if (!fromEl) missing(mh, 'From');
  const from = readOrganization(r, fromEl);
  const toEls = childElements(mh, 'To');
  if (toEls.length === 0) missing(mh, 'To');
  const to = toEls.map((el) => readOrganization(r, el));
  const seen = new Set<string>();
  to.forEach((o, i) => {
    if (seen.has(o.organId)) r.warn('duplicate_recipient', pathOf(toEls[i]!), `recipient ${JSON.stringify(o.organId)} is listed twice`);
    seen.add(o.organId);
  });
  const codeEl = firstChild(mh, 'Code');
  if (!codeEl) missing(mh, 'Code');
  const pi = firstChild(mh, 'PromulgationInfo');
  if (!pi) missing(mh, 'PromulgationInfo');
  const dt = firstChild(mh, 'DocumentType');
  if (!dt) missing(mh, 'DocumentType');
  const place = r.text(pi, 'Place');
  const typeDetail = r.int(dt, 'TypeDetail');
  const content = r.text(mh, 'Content');
  const dueDate = r.date(mh, 'DueDate');
  const steeringType = r.int(mh, 'SteeringType');
  const signerEl = firstChild(mh, 'SignerInfo');
  const signerInfo = signerEl
    ? compact({ competence: r.text(signerEl, 'Competence'), position: r.text(signerEl, 'Position'), fullName: r.text(signerEl, 'FullName') })
    : undefined;
  const otherInfo = readOtherInfo(r, firstChild(mh, 'OtherInfo'));
  return {
    from,
    to,
    code: { codeNumber: r.required(codeEl, 'CodeNumber'), codeNotation: r.required(codeEl, 'CodeNotation') },
    promulgationInfo: {
      ...(place !== undefined && { place }),
      promulgationDate: r.date(pi, 'PromulgationDate', { required: true, notFuture: true })!,
    },
    documentType: {
      type: r.int(dt, 'Type', { required: true })!,
      ...(typeDetail !== undefined && { typeDetail }),
      typeName: r.required(dt, 'TypeName'),
    },
    subject: r.required(mh, 'Subject'),
    ...(content !== undefined && { content }),
    ...(signerInfo !== undefined && { signerInfo }),
    ...(dueDate !== undefined && { dueDate }),
    toPlaces: placesOf(r, firstChild(mh, 'ToPlaces')),
    ...(otherInfo !== undefined && { otherInfo }),
    responseFor: childElements(mh, 'ResponseFor').flatMap((el) => readResponseFor(r, el) ?? []),
    ...(steeringType !== undefined && { steeringType }),
    documentId: r.required(mh, 'DocumentId'),
  };
}

function placesOf(r: FieldReader, el: XmlElement | undefined): string[] {
  if (!el) return [];
  return childElements(el, 'Place').flatMap((p) => r.value(p, 150) ?? []);
}

function readOtherInfo(r: FieldReader, el: XmlElement | undefined): EdocMessage['otherInfo'] {
  if (!el) return undefined;
  const appendixes = firstChild(el, 'Appendixes');
  return compact({
    priority: r.int(el, 'Priority', { min: 0, max: 4 }),
    sphereOfPromulgation: r.text(el, 'SphereOfPromulgation'),
    typerNotation: r.text(el, 'TyperNotation'),
    promulgationAmount: r.int(el, 'PromulgationAmount', { min: 0, max: 65535 }),
    pageAmount: r.int(el, 'PageAmount', { min: 0, max: 65535 }),
    direction: r.bool(el, 'Direction'),
    appendixes: appendixes ? childElements(appendixes, 'Appendix').flatMap((a) => r.value(a) ?? []) : [],
  });
}

/** The MessageHeader of a status package. */
export function readStatusHeader(r: FieldReader, mh: XmlElement): StatusBody {
  const fromEl = firstChild(mh, 'From');
  if (!fromEl) missing(mh, 'From');
  const rfEls = childElements(mh, 'ResponseFor');
  const responseFor = rfEls[0] ? readResponseFor(r, rfEls[0]) : undefined;
  if (!responseFor) missing(mh, 'ResponseFor');
  if (rfEls.length > 1) r.warn('extra_response_for', pathOf(rfEls[1]!), 'a status reports on one document; only the first ResponseFor is read');
  const staffInfo = readStaffInfo(r, firstChild(mh, 'StaffInfo'));
  const description = r.text(mh, 'Description');
  return {
    from: readOrganization(r, fromEl),
    responseFor,
    ...(staffInfo !== undefined && { staffInfo }),
    statusCode: readStatusCode(r, mh),
    ...(description !== undefined && { description }),
    timestamp: r.timestamp(mh, 'Timestamp', { required: true })!,
  };
}

function readStatusCode(r: FieldReader, mh: XmlElement): string {
  const raw = r.required(mh, 'StatusCode');
  const path = `${pathOf(mh)}/StatusCode`;
  let code = raw;
  if (/^\d$/.test(raw)) {
    code = `0${raw}`;
    r.warn('status_code_format', path, `StatusCode ${JSON.stringify(raw)} read as ${JSON.stringify(code)}`);
  }
  if (!isKnownStatusCode(code)) r.warn('unknown_status_code', path, `StatusCode ${JSON.stringify(code)} is not one of the codes in use; kept as read`);
  return code;
}
