/** Hand-written edXML packages for reader tests, with parts replaceable one by one. */

export const QCVN = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const XMLDSIG = 'http://www.w3.org/2000/09/xmldsig#';

export interface TestAttachment {
  id: string;
  name?: string;
  type?: string;
  /** base64 text (already encoded) */
  b64: string;
}

export function org(tag: string, id: string, name: string | null = 'Văn phòng Chính phủ'): string {
  return `<edXML:${tag}><edXML:OrganId>${id}</edXML:OrganId>${name === null ? '' : `<edXML:OrganName>${name}</edXML:OrganName>`}</edXML:${tag}>`;
}

export interface EdocParts {
  from?: string;
  to?: string;
  code?: string;
  promulgation?: string;
  documentType?: string;
  subject?: string;
  /** More MessageHeader children, after the required ones. */
  extra?: string;
  documentId?: string;
  trace?: string;
  signature?: string;
  /** Whole manifest element (defaults to one Reference per attachment). */
  manifest?: string;
  attachments?: TestAttachment[];
  /** Replace the whole AttachmentEncoded element. */
  attachmentEncoded?: string;
}

export function referenceXml(a: TestAttachment): string {
  return `<edXML:Reference><edXML:ContentId>cid:${a.id}</edXML:ContentId><edXML:ContentType>${a.type ?? 'application/pdf'}</edXML:ContentType>${
    a.name === undefined ? '' : `<edXML:AttachmentName>${a.name}</edXML:AttachmentName>`
  }</edXML:Reference>`;
}

export function attachmentXml(a: TestAttachment): string {
  return `<Attachment><ContentId>cid:${a.id}</ContentId>${a.name === undefined ? '' : `<AttachmentName>${a.name}</AttachmentName>`}<ContentType>${
    a.type ?? 'application/pdf'
  }</ContentType><edXML:ContentTransferEncoded xmlns:edXML="${QCVN}">${a.b64}</edXML:ContentTransferEncoded></Attachment>`;
}

/** The text before the attachments' content and after, for streamed generation. */
export function edocXml(p: EdocParts = {}): string {
  const atts = p.attachments ?? [];
  const manifest = p.manifest ?? `<edXML:edXMLManifest version="1.0">${atts.map(referenceXml).join('')}</edXML:edXMLManifest>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${QCVN}">
  <edXML:edXMLEnvelope xmlns:edXML="${QCVN}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        ${p.from ?? org('From', '000.00.00.G22')}
        ${p.to ?? org('To', '000.00.00.H41', 'UBND Tỉnh Nghệ An')}
        <edXML:DocumentId>${p.documentId ?? '000.00.00.G22,2024/03/05,28/2018/QĐ-TTg'}</edXML:DocumentId>
        ${p.code ?? '<edXML:Code><edXML:CodeNumber>28</edXML:CodeNumber><edXML:CodeNotation>QĐ-TTg</edXML:CodeNotation></edXML:Code>'}
        ${p.promulgation ?? '<edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>2024/03/05</edXML:PromulgationDate></edXML:PromulgationInfo>'}
        ${p.documentType ?? '<edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeName>Quyết định</edXML:TypeName></edXML:DocumentType>'}
        ${p.subject ?? '<edXML:Subject>Về việc thử nghiệm</edXML:Subject>'}
        ${p.extra ?? ''}
      </edXML:MessageHeader>
      ${p.trace ?? '<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2024/03/05 08:00:00</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList>'}
      ${p.signature ?? ''}
    </edXML:edXMLHeader>
    <edXML:edXMLBody>${manifest}</edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  ${p.attachmentEncoded ?? `<AttachmentEncoded>${atts.map(attachmentXml).join('')}</AttachmentEncoded>`}
</edXML>
`;
}

export interface StatusParts {
  statusCode?: string;
  timestamp?: string;
  responseFor?: string;
  extra?: string;
}

export function statusXml(p: StatusParts = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${QCVN}">
  <edXML:edXMLEnvelope xmlns:edXML="${QCVN}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        ${org('From', '000.00.00.H41', 'UBND Tỉnh Nghệ An')}
        ${p.responseFor ?? '<edXML:ResponseFor><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Code>7816/VPCP-TTĐT</edXML:Code><edXML:PromulgationDate>2015/09/30</edXML:PromulgationDate><edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId></edXML:ResponseFor>'}
        <edXML:StatusCode>${p.statusCode ?? '03'}</edXML:StatusCode>
        <edXML:Timestamp>${p.timestamp ?? '2024/03/05 09:10:11'}</edXML:Timestamp>
        ${p.extra ?? ''}
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
</edXML>
`;
}

export const PDF_BYTES = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
export const PDF_B64 = PDF_BYTES.toString('base64');
