/**
 * Writes `edXMLHeader` content in the strict shape: `edXML:` prefix on every element, QCVN
 * table order, wire formats for dates (`yyyy/MM/dd`) and timestamps (`yyyy/MM/dd HH:mm:ss`),
 * empty optionals omitted.
 * @internal
 * @module
 */
import type { Business, EdocMessage, Organization, ResponseFor, StaffInfo, StatusMessage } from './model.js';
import type { WritableEdocMessage } from './build-options.js';
import { isoDateToWire, timestampToWire } from './vietnam-time.js';
import type { XmlWriter } from './xml-writer.js';

const P = 'edXML:';

/** `MessageHeader` and `TraceHeaderList` of an edoc. */
export function writeEdocHeader(w: XmlWriter, m: EdocMessage | WritableEdocMessage): void {
  w.start(`${P}MessageHeader`);
  writeOrganization(w, 'From', m.from);
  for (const to of m.to) writeOrganization(w, 'To', to);
  w.start(`${P}Code`).leaf(`${P}CodeNumber`, m.code.codeNumber).leaf(`${P}CodeNotation`, m.code.codeNotation).end();
  w.start(`${P}PromulgationInfo`)
    .leaf(`${P}Place`, m.promulgationInfo.place)
    .leaf(`${P}PromulgationDate`, isoDateToWire(m.promulgationInfo.promulgationDate))
    .end();
  w.start(`${P}DocumentType`)
    .leaf(`${P}Type`, m.documentType.type)
    .leaf(`${P}TypeDetail`, m.documentType.typeDetail)
    .leaf(`${P}TypeName`, m.documentType.typeName)
    .end();
  w.leaf(`${P}Subject`, m.subject).leaf(`${P}Content`, m.content);
  const s = m.signerInfo;
  w.group(`${P}SignerInfo`, !!s && !!(s.competence || s.position || s.fullName), () => {
    w.leaf(`${P}Competence`, s?.competence).leaf(`${P}Position`, s?.position).leaf(`${P}FullName`, s?.fullName);
  });
  w.leaf(`${P}DueDate`, m.dueDate === undefined ? undefined : isoDateToWire(m.dueDate));
  w.group(`${P}ToPlaces`, m.toPlaces.length > 0, () => {
    for (const place of m.toPlaces) w.leaf(`${P}Place`, place);
  });
  const o = m.otherInfo;
  const hasOther =
    !!o &&
    (o.priority !== undefined || !!o.sphereOfPromulgation || !!o.typerNotation || o.promulgationAmount !== undefined ||
      o.pageAmount !== undefined || o.direction !== undefined || o.appendixes.length > 0);
  w.group(`${P}OtherInfo`, hasOther, () => {
    w.leaf(`${P}Priority`, o?.priority)
      .leaf(`${P}SphereOfPromulgation`, o?.sphereOfPromulgation)
      .leaf(`${P}TyperNotation`, o?.typerNotation)
      .leaf(`${P}PromulgationAmount`, o?.promulgationAmount)
      .leaf(`${P}PageAmount`, o?.pageAmount)
      .leaf(`${P}Direction`, o?.direction);
    w.group(`${P}Appendixes`, (o?.appendixes.length ?? 0) > 0, () => {
      for (const a of o?.appendixes ?? []) w.leaf(`${P}Appendix`, a);
    });
  });
  for (const r of m.responseFor) writeResponseFor(w, r);
  w.leaf(`${P}SteeringType`, m.steeringType);
  w.leaf(`${P}DocumentId`, m.documentId);
  w.end();

  w.start(`${P}TraceHeaderList`);
  for (const t of m.traceHeaders) {
    w.start(`${P}TraceHeader`).leaf(`${P}OrganId`, t.organId).leaf(`${P}Timestamp`, timestampToWire(t.timestamp)).end();
  }
  if (m.business) writeBusiness(w, m.business);
  w.end();
}

/** `MessageHeader` of a status package. */
export function writeStatusHeader(w: XmlWriter, m: StatusMessage): void {
  w.start(`${P}MessageHeader`);
  writeOrganization(w, 'From', m.from);
  writeResponseFor(w, m.responseFor);
  if (m.staffInfo) writeStaffInfo(w, m.staffInfo);
  w.leaf(`${P}StatusCode`, m.statusCode).leaf(`${P}Description`, m.description).leaf(`${P}Timestamp`, timestampToWire(m.timestamp));
  w.end();
}

function writeOrganization(w: XmlWriter, element: 'From' | 'To', o: Organization): void {
  w.start(`${P}${element}`)
    .leaf(`${P}OrganId`, o.organId)
    .leaf(`${P}OrganName`, o.organName)
    .leaf(`${P}OrganizationInCharge`, o.organizationInCharge)
    .leaf(`${P}OrganAdd`, o.organAdd)
    .leaf(`${P}Email`, o.email)
    .leaf(`${P}Telephone`, o.telephone)
    .leaf(`${P}Fax`, o.fax)
    .leaf(`${P}Website`, o.website)
    .end();
}

function writeResponseFor(w: XmlWriter, r: ResponseFor): void {
  w.start(`${P}ResponseFor`)
    .leaf(`${P}OrganId`, r.organId)
    .leaf(`${P}Code`, r.code)
    .leaf(`${P}PromulgationDate`, r.promulgationDate === undefined ? undefined : isoDateToWire(r.promulgationDate))
    .leaf(`${P}DocumentId`, r.documentId)
    .end();
}

function writeStaffInfo(w: XmlWriter, s: StaffInfo): void {
  if (!(s.department || s.departmentId || s.staff || s.staffId || s.email || s.mobile)) return;
  w.start(`${P}StaffInfo`)
    .leaf(`${P}Department`, s.department)
    .leaf(`${P}DepartmentId`, s.departmentId)
    .leaf(`${P}Staff`, s.staff)
    .leaf(`${P}StaffId`, s.staffId)
    .leaf(`${P}Email`, s.email)
    .leaf(`${P}Mobile`, s.mobile)
    .end();
}

function writeBusiness(w: XmlWriter, b: Business): void {
  w.start(`${P}Bussiness`)
    .leaf(`${P}DocumentId`, b.documentId)
    .leaf(`${P}BussinessDocType`, b.businessDocType)
    .leaf(`${P}BussinessDocReason`, b.businessDocReason)
    .leaf(`${P}Paper`, b.paper);
  const info = b.businessDocumentInfo;
  w.group(`${P}BussinessDocumentInfo`, !!info && (info.documentInfo !== undefined || info.documentReceiver !== undefined || info.receivers.length > 0), () => {
    w.leaf(`${P}DocumentInfo`, info?.documentInfo).leaf(`${P}DocumentReceiver`, info?.documentReceiver);
    w.group(`${P}ReceiverList`, (info?.receivers.length ?? 0) > 0, () => {
      for (const r of info?.receivers ?? []) {
        w.start(`${P}Receiver`).leaf(`${P}OrganId`, r.organId).leaf(`${P}ReceiverType`, r.receiverType).end();
      }
    });
  });
  w.group(`${P}ReplacementInfoList`, b.replacementInfo.length > 0, () => {
    for (const r of b.replacementInfo) {
      w.start(`${P}ReplacementInfo`).leaf(`${P}DocumentId`, r.documentId);
      w.start(`${P}OrganIdList`);
      for (const id of r.organIds) w.leaf(`${P}OrganId`, id);
      w.end().end();
    }
  });
  for (const s of b.staffInfo) writeStaffInfo(w, s);
  w.end();
}
