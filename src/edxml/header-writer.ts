/**
 * Writes `edXMLHeader` content in the strict shape: `edXML:` prefix on every element, QCVN
 * table order, wire formats for dates (`yyyy/MM/dd`) and timestamps (`yyyy/MM/dd HH:mm:ss`),
 * empty optionals omitted. Element names are written out as literals: the writer checks each name
 * once and then finds it in a set, which a literal (interned, hash cached) makes cheap.
 * @internal
 * @module
 */
import type { Business, EdocMessage, Organization, ResponseFor, StaffInfo, StatusMessage } from './model.js';
import type { WritableEdocMessage } from './build-options.js';
import { isoDateToWire, timestampToWire } from './vietnam-time.js';
import type { XmlWriter } from './xml-writer.js';


/** `MessageHeader` and `TraceHeaderList` of an edoc. */
export function writeEdocHeader(w: XmlWriter, m: EdocMessage | WritableEdocMessage): void {
  w.start('edXML:MessageHeader');
  writeOrganization(w, 'From', m.from);
  for (const to of m.to) writeOrganization(w, 'To', to);
  w.start('edXML:Code').leaf('edXML:CodeNumber', m.code.codeNumber).leaf('edXML:CodeNotation', m.code.codeNotation).end();
  w.start('edXML:PromulgationInfo')
    .leaf('edXML:Place', m.promulgationInfo.place)
    .leaf('edXML:PromulgationDate', isoDateToWire(m.promulgationInfo.promulgationDate))
    .end();
  w.start('edXML:DocumentType')
    .leaf('edXML:Type', m.documentType.type)
    .leaf('edXML:TypeDetail', m.documentType.typeDetail)
    .leaf('edXML:TypeName', m.documentType.typeName)
    .end();
  w.leaf('edXML:Subject', m.subject).leaf('edXML:Content', m.content);
  const s = m.signerInfo;
  w.group('edXML:SignerInfo', !!s && !!(s.competence || s.position || s.fullName), () => {
    w.leaf('edXML:Competence', s?.competence).leaf('edXML:Position', s?.position).leaf('edXML:FullName', s?.fullName);
  });
  w.leaf('edXML:DueDate', m.dueDate === undefined ? undefined : isoDateToWire(m.dueDate));
  w.group('edXML:ToPlaces', m.toPlaces.length > 0, () => {
    for (const place of m.toPlaces) w.leaf('edXML:Place', place);
  });
  const o = m.otherInfo;
  const hasOther =
    !!o &&
    (o.priority !== undefined || !!o.sphereOfPromulgation || !!o.typerNotation || o.promulgationAmount !== undefined ||
      o.pageAmount !== undefined || o.direction !== undefined || o.appendixes.length > 0);
  w.group('edXML:OtherInfo', hasOther, () => {
    w.leaf('edXML:Priority', o?.priority)
      .leaf('edXML:SphereOfPromulgation', o?.sphereOfPromulgation)
      .leaf('edXML:TyperNotation', o?.typerNotation)
      .leaf('edXML:PromulgationAmount', o?.promulgationAmount)
      .leaf('edXML:PageAmount', o?.pageAmount)
      .leaf('edXML:Direction', o?.direction);
    w.group('edXML:Appendixes', (o?.appendixes.length ?? 0) > 0, () => {
      for (const a of o?.appendixes ?? []) w.leaf('edXML:Appendix', a);
    });
  });
  for (const r of m.responseFor) writeResponseFor(w, r);
  w.leaf('edXML:SteeringType', m.steeringType);
  w.leaf('edXML:DocumentId', m.documentId);
  w.end();

  w.start('edXML:TraceHeaderList');
  for (const t of m.traceHeaders) {
    w.start('edXML:TraceHeader').leaf('edXML:OrganId', t.organId).leaf('edXML:Timestamp', timestampToWire(t.timestamp)).end();
  }
  if (m.business) writeBusiness(w, m.business);
  w.end();
}

/** `MessageHeader` of a status package. */
export function writeStatusHeader(w: XmlWriter, m: StatusMessage): void {
  w.start('edXML:MessageHeader');
  writeOrganization(w, 'From', m.from);
  writeResponseFor(w, m.responseFor);
  if (m.staffInfo) writeStaffInfo(w, m.staffInfo);
  w.leaf('edXML:StatusCode', m.statusCode).leaf('edXML:Description', m.description).leaf('edXML:Timestamp', timestampToWire(m.timestamp));
  w.end();
}

function writeOrganization(w: XmlWriter, element: 'From' | 'To', o: Organization): void {
  w.start(element === 'From' ? 'edXML:From' : 'edXML:To')
    .leaf('edXML:OrganId', o.organId)
    .leaf('edXML:OrganName', o.organName)
    .leaf('edXML:OrganizationInCharge', o.organizationInCharge)
    .leaf('edXML:OrganAdd', o.organAdd)
    .leaf('edXML:Email', o.email)
    .leaf('edXML:Telephone', o.telephone)
    .leaf('edXML:Fax', o.fax)
    .leaf('edXML:Website', o.website)
    .end();
}

function writeResponseFor(w: XmlWriter, r: ResponseFor): void {
  w.start('edXML:ResponseFor')
    .leaf('edXML:OrganId', r.organId)
    .leaf('edXML:Code', r.code)
    .leaf('edXML:PromulgationDate', r.promulgationDate === undefined ? undefined : isoDateToWire(r.promulgationDate))
    .leaf('edXML:DocumentId', r.documentId)
    .end();
}

function writeStaffInfo(w: XmlWriter, s: StaffInfo): void {
  if (!(s.department || s.departmentId || s.staff || s.staffId || s.email || s.mobile)) return;
  w.start('edXML:StaffInfo')
    .leaf('edXML:Department', s.department)
    .leaf('edXML:DepartmentId', s.departmentId)
    .leaf('edXML:Staff', s.staff)
    .leaf('edXML:StaffId', s.staffId)
    .leaf('edXML:Email', s.email)
    .leaf('edXML:Mobile', s.mobile)
    .end();
}

function writeBusiness(w: XmlWriter, b: Business): void {
  w.start('edXML:Bussiness')
    .leaf('edXML:DocumentId', b.documentId)
    .leaf('edXML:BussinessDocType', b.businessDocType)
    .leaf('edXML:BussinessDocReason', b.businessDocReason)
    .leaf('edXML:Paper', b.paper);
  const info = b.businessDocumentInfo;
  w.group('edXML:BussinessDocumentInfo', !!info && (info.documentInfo !== undefined || info.documentReceiver !== undefined || info.receivers.length > 0), () => {
    w.leaf('edXML:DocumentInfo', info?.documentInfo).leaf('edXML:DocumentReceiver', info?.documentReceiver);
    w.group('edXML:ReceiverList', (info?.receivers.length ?? 0) > 0, () => {
      for (const r of info?.receivers ?? []) {
        w.start('edXML:Receiver').leaf('edXML:OrganId', r.organId).leaf('edXML:ReceiverType', r.receiverType).end();
      }
    });
  });
  w.group('edXML:ReplacementInfoList', b.replacementInfo.length > 0, () => {
    for (const r of b.replacementInfo) {
      w.start('edXML:ReplacementInfo').leaf('edXML:DocumentId', r.documentId);
      w.start('edXML:OrganIdList');
      for (const id of r.organIds) w.leaf('edXML:OrganId', id);
      w.end().end();
    }
  });
  for (const s of b.staffInfo) writeStaffInfo(w, s);
  w.end();
}
