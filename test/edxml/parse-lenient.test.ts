import { describe, expect, test } from 'vitest';
import { parseEdxml } from '../../src/edxml/parse.js';
import type { ParsedEdoc, ParsedEdxml, ParsedStatus } from '../../src/edxml/model.js';
import { attachmentXml, edocXml, org, PDF_B64, PDF_BYTES, QCVN, referenceXml, statusXml, XMLDSIG } from '../helpers/edxml-text.js';
import { makeZip } from '../helpers/make-zip.js';

const asEdoc = (m: ParsedEdxml): ParsedEdoc => {
  if (m.kind !== 'edoc') throw new Error('edoc expected');
  return m;
};
const asStatus = (m: ParsedEdxml): ParsedStatus => {
  if (m.kind !== 'status') throw new Error('status expected');
  return m;
};
const warned = (m: ParsedEdxml, code: string) => m.warnings.filter((w) => w.code === code);

describe('parseEdxml reads leniently', () => {
  test('a string and its UTF-8 bytes give the same model', () => {
    const xml = edocXml({ attachments: [{ id: '1', name: 'Quyết định.pdf', b64: PDF_B64 }] });
    expect(parseEdxml(xml)).toEqual(parseEdxml(Buffer.from(xml)));
  });

  test('CRLF line ends and a UTF-8 byte order mark', () => {
    const xml = edocXml({ subject: '<edXML:Subject>Dòng một\ndòng hai</edXML:Subject>' }).replace(/\n/g, '\r\n');
    const m = asEdoc(parseEdxml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)])));
    expect(m.subject).toBe('Dòng một\ndòng hai');
  });

  test('Manifest instead of edXMLManifest, ids in xlink:href, with or without cid:, children in any order', () => {
    const manifest = `<edXML:Manifest xmlns:xlink="http://www.w3.org/1999/xlink">
      <edXML:Reference xlink:href="cid:A1"><edXML:AttachmentName>a.pdf</edXML:AttachmentName><edXML:ContentType>application/pdf</edXML:ContentType></edXML:Reference>
      <edXML:Reference><edXML:ContentType>application/pdf</edXML:ContentType><edXML:ContentId>B2</edXML:ContentId></edXML:Reference>
    </edXML:Manifest>`;
    const enc = `<AttachmentEncoded>
      <Attachment><edXML:ContentTransferEncoded xmlns:edXML="${QCVN}">${PDF_B64}</edXML:ContentTransferEncoded><ContentType>application/pdf</ContentType><ContentId>A1</ContentId></Attachment>
      <Attachment><ContentId>cid:B2</ContentId><Description>Phụ lục</Description><ContentTransferEncoded>${PDF_B64}</ContentTransferEncoded><AttachmentName>b.pdf</AttachmentName></Attachment>
    </AttachmentEncoded>`;
    const m = asEdoc(parseEdxml(edocXml({ manifest, attachmentEncoded: enc })));
    expect(m.attachments.map((a) => [a.contentId, a.name, a.contentType, a.description])).toEqual([
      ['A1', 'a.pdf', 'application/pdf', undefined],
      ['B2', 'b.pdf', 'application/pdf', 'Phụ lục'],
    ]);
    expect(Buffer.from(m.attachments[1]!.data).equals(PDF_BYTES)).toBe(true);
    expect(m.warnings).toEqual([]);
  });

  test('MessageHeader children in any order, unprefixed and in other prefixes of the same namespace', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<q:edXML xmlns:q="${QCVN}"><q:edXMLEnvelope><edXMLHeader xmlns="${QCVN}"><MessageHeader>
  <Subject>Trích yếu</Subject><DocumentId>id-1</DocumentId>
  <DocumentType><TypeName>Công văn</TypeName><Type>1</Type></DocumentType>
  <PromulgationInfo><PromulgationDate>2024-03-05</PromulgationDate></PromulgationInfo>
  <Code><CodeNotation>UBND-VP</CodeNotation><CodeNumber>12</CodeNumber></Code>
  <To><OrganName>Sở Nội vụ</OrganName><OrganId>000.01.32.H41</OrganId></To>
  <From><OrganName>UBND tỉnh Nghệ An</OrganName><OrganId>000.00.00.H41</OrganId></From>
</MessageHeader></edXMLHeader></q:edXMLEnvelope></q:edXML>`;
    const m = asEdoc(parseEdxml(xml));
    expect(m.code).toEqual({ codeNumber: '12', codeNotation: 'UBND-VP' });
    expect(m.promulgationInfo.promulgationDate).toBe('2024-03-05');
    expect(m.to[0]!.organId).toBe('000.01.32.H41');
    expect(m.attachments).toEqual([]);
    expect(m.warnings).toEqual([]);
  });

  test('a Signature in the XMLDSig namespace or in the QCVN namespace', () => {
    const dsig = asEdoc(parseEdxml(edocXml({ signature: `<Signature xmlns="${XMLDSIG}"><SignedInfo/></Signature>` })));
    expect(dsig.signature).toEqual({ namespace: 'xmldsig' });
    const qcvn = asEdoc(parseEdxml(edocXml({ signature: '<Signature><SignedInfo/></Signature>' })));
    expect(qcvn.signature).toEqual({ namespace: 'qcvn' });
    expect(asEdoc(parseEdxml(edocXml())).signature).toBeUndefined();
  });

  test('the .NET writer: TraceHeaderList attributes and an empty DigitalSignature', () => {
    const trace = `<edXML:TraceHeaderList id="t1" version="1.0" mustUnderstand="1" actor="http://schemas.xmlsoap.org/soap/actor/next">
      <edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2024-03-05T08:00:00</edXML:Timestamp></edXML:TraceHeader>
      <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType></edXML:Bussiness>
    </edXML:TraceHeaderList>`;
    const m = asEdoc(parseEdxml(edocXml({ trace, signature: '<edXML:DigitalSignature />' })));
    expect(m.traceHeaders).toEqual([{ organId: '000.00.00.G22', timestamp: '2024-03-05T08:00:00+07:00' }]);
    expect(m.business).toEqual({ businessDocType: 0, staffInfo: [], replacementInfo: [] });
    expect(m.signature).toBeUndefined();
  });

  test.each([
    ['2024/03/05', '2024-03-05', false],
    ['2024-03-05', '2024-03-05', false],
    ['05/03/2024', '2024-03-05', true],
    ['5/3/2024', '2024-03-05', true],
    ['2024/3/5', '2024-03-05', true],
    ['2024-03-05T00:00:00', '2024-03-05', true],
  ])('PromulgationDate %s is read as %s (warning: %s)', (raw, iso, warn) => {
    const promulgation = `<edXML:PromulgationInfo><edXML:PromulgationDate>${raw}</edXML:PromulgationDate></edXML:PromulgationInfo>`;
    const m = asEdoc(parseEdxml(edocXml({ promulgation })));
    expect(m.promulgationInfo.promulgationDate).toBe(iso);
    expect(warned(m, 'date_format').length).toBe(warn ? 1 : 0);
  });

  test.each([
    ['2024/03/05 09:10:11', '2024-03-05T09:10:11+07:00'],
    ['2024-03-05 09:10:11', '2024-03-05T09:10:11+07:00'],
    ['2024-03-05T09:10:11', '2024-03-05T09:10:11+07:00'],
    ['2024-03-05T09:10:11.123', '2024-03-05T09:10:11+07:00'],
    ['2024-03-05T02:10:11Z', '2024-03-05T09:10:11+07:00'],
    ['2024-03-04T20:10:11-06:00', '2024-03-05T09:10:11+07:00'],
    ['2024-03-05T09:10:11+07:00', '2024-03-05T09:10:11+07:00'],
    ['2024-03-05T23:30:00+00:00', '2024-03-06T06:30:00+07:00'],
  ])('status Timestamp %s is read as %s', (raw, iso) => {
    const m = asStatus(parseEdxml(statusXml({ timestamp: raw })));
    expect(m.timestamp).toBe(iso);
    expect(m.warnings).toEqual([]);
  });

  test('unknown status codes are kept and flagged; one-digit codes are padded', () => {
    const unknown = asStatus(parseEdxml(statusXml({ statusCode: '09' })));
    expect(unknown.statusCode).toBe('09');
    expect(warned(unknown, 'unknown_status_code')).toHaveLength(1);
    const short = asStatus(parseEdxml(statusXml({ statusCode: '5' })));
    expect(short.statusCode).toBe('05');
    expect(warned(short, 'status_code_format')).toHaveLength(1);
    expect(warned(short, 'unknown_status_code')).toHaveLength(0);
  });

  test('agency ids not in the strict form are accepted and flagged', () => {
    const m = asEdoc(parseEdxml(edocXml({ from: org('From', 'vxp.saas.03'), to: org('To', '28.22.H17') + org('To', '000.00.00.H41') })));
    expect(m.from.organId).toBe('vxp.saas.03');
    expect(warned(m, 'agency_id_format').map((w) => w.message)).toEqual([
      expect.stringContaining('vxp.saas.03'),
      expect.stringContaining('28.22.H17'),
    ]);
  });

  test('over-length values and out-of-range numbers are warned, not refused', () => {
    const long = 'Trích yếu rất dài '.repeat(40);
    const extra = `<edXML:OtherInfo><edXML:Priority>7</edXML:Priority><edXML:PageAmount>22 trang</edXML:PageAmount><edXML:PromulgationAmount>70000</edXML:PromulgationAmount><edXML:Direction>có</edXML:Direction></edXML:OtherInfo>`;
    const code = '<edXML:Code><edXML:CodeNumber>123456789012</edXML:CodeNumber><edXML:CodeNotation>QĐ-TTg</edXML:CodeNotation></edXML:Code>';
    const m = asEdoc(parseEdxml(edocXml({ subject: `<edXML:Subject>${long}</edXML:Subject>`, extra, code })));
    expect(m.subject).toBe(long.trim());
    expect(warned(m, 'too_long').map((w) => w.path.split('/').at(-1))).toEqual(['CodeNumber', 'Subject']);
    expect(m.otherInfo).toBeUndefined(); // nothing readable was left in it
    expect(warned(m, 'out_of_range').map((w) => w.path.split('/').at(-1))).toEqual(['Priority', 'PromulgationAmount']);
    expect(warned(m, 'number_format')).toHaveLength(1);
    expect(warned(m, 'boolean_format')).toHaveLength(1);
  });

  test('several ResponseFor in an edoc; empty ones are absent', () => {
    const rf = (id: string) =>
      `<edXML:ResponseFor><edXML:OrganId>000.00.00.H41</edXML:OrganId><edXML:Code>${id}/UBND-VP</edXML:Code><edXML:DocumentId>000.00.00.H41,2024/01/02,${id}/UBND-VP</edXML:DocumentId></edXML:ResponseFor>`;
    const m = asEdoc(parseEdxml(edocXml({ extra: rf('1') + '<edXML:ResponseFor />' + rf('2') })));
    expect(m.responseFor.map((r) => r.code)).toEqual(['1/UBND-VP', '2/UBND-VP']);
    expect(m.responseFor[0]!.promulgationDate).toBeUndefined();
  });

  test('an Attachment missing from the manifest is read with a warning', () => {
    const m = asEdoc(parseEdxml(edocXml({ manifest: '', attachmentEncoded: `<AttachmentEncoded>${attachmentXml({ id: 'z', name: 'z.pdf', b64: PDF_B64 })}</AttachmentEncoded>` })));
    expect(m.attachments).toHaveLength(1);
    expect(warned(m, 'attachment_not_in_manifest')).toHaveLength(1);
  });

  test('Attachment/ContentType wins over the manifest, which is reported when it disagrees', () => {
    const a = { id: '1', name: 'so-lieu.xlsx', b64: PDF_B64 };
    const manifest = `<edXML:edXMLManifest>${referenceXml({ ...a, type: 'application/msword' })}</edXML:edXMLManifest>`;
    const enc = `<AttachmentEncoded>${attachmentXml({ ...a, type: 'application/vnd.ms-excel' })}</AttachmentEncoded>`;
    const m = asEdoc(parseEdxml(edocXml({ manifest, attachmentEncoded: enc })));
    expect(m.attachments[0]!.contentType).toBe('application/vnd.ms-excel');
    expect(warned(m, 'content_type_mismatch')).toHaveLength(1);
  });

  test('a one-entry ZIP is unwrapped, its type taken from the entry, the transfer form kept', () => {
    const zip = makeZip([{ name: '3f1e.pdf', data: PDF_BYTES, descriptor: true }]);
    const m = asEdoc(parseEdxml(edocXml({ attachments: [{ id: '1', name: 'Công văn 12.pdf', type: 'application/zip', b64: zip.toString('base64') }] })));
    const a = m.attachments[0]!;
    expect(Buffer.from(a.data).equals(PDF_BYTES)).toBe(true);
    expect(a.contentType).toBe('application/pdf');
    expect(a.transfer).toMatchObject({ contentType: 'application/zip', wrapped: true, size: zip.length });
    expect(m.warnings).toEqual([]);
  });

  test('a file named .zip stays a ZIP; unwrap: false keeps every archive', () => {
    const zip = makeZip([{ name: 'a.pdf', data: PDF_BYTES }, { name: 'b.pdf', data: PDF_BYTES }]);
    const m = asEdoc(parseEdxml(edocXml({ attachments: [{ id: '1', name: 'ho-so.ZIP', type: 'application/zip', b64: zip.toString('base64') }] })));
    expect(m.attachments[0]).toMatchObject({ contentType: 'application/zip', transfer: { wrapped: false } });
    expect(Buffer.from(m.attachments[0]!.data).equals(zip)).toBe(true);
    const one = makeZip([{ name: 'a.pdf', data: PDF_BYTES }]);
    const kept = asEdoc(parseEdxml(edocXml({ attachments: [{ id: '1', name: 'a.pdf', type: 'application/zip', b64: one.toString('base64') }] }), { unwrap: false }));
    expect(kept.attachments[0]).toMatchObject({ contentType: 'application/zip', transfer: { wrapped: false } });
  });

  test('a file declared as ZIP that is not one takes the type of its name, with a warning', () => {
    const m = asEdoc(parseEdxml(edocXml({ attachments: [{ id: '1', name: 'a.pdf', type: 'application/zip', b64: PDF_B64 }] })));
    expect(m.attachments[0]).toMatchObject({ contentType: 'application/pdf', transfer: { contentType: 'application/zip', wrapped: false } });
    expect(warned(m, 'content_type_mismatch')).toHaveLength(1);
  });

  test('base64 split across lines (MIME style) and without its final padding', () => {
    const mime = PDF_B64.replace(/(.{76})/g, '$1\r\n');
    const unpadded = Buffer.from('ab').toString('base64').replace(/=+$/, '');
    const m = asEdoc(parseEdxml(edocXml({ attachments: [{ id: '1', name: 'a.pdf', b64: mime }, { id: '2', name: 'b.txt', type: 'text/plain', b64: unpadded }] })));
    expect(Buffer.from(m.attachments[0]!.data).equals(PDF_BYTES)).toBe(true);
    expect(Buffer.from(m.attachments[1]!.data).toString()).toBe('ab');
  });

  test('an empty attachment is a zero-byte file', () => {
    const m = asEdoc(parseEdxml(edocXml({ attachments: [{ id: '1', name: 'empty.txt', type: 'text/plain', b64: '' }] })));
    expect(m.attachments[0]).toMatchObject({ name: 'empty.txt', transfer: { size: 0, wrapped: false } });
    expect(m.attachments[0]!.data.length).toBe(0);
  });

  test('duplicate recipients, a status carrying attachments and future dates are reported', () => {
    const twice = asEdoc(parseEdxml(edocXml({ to: org('To', '000.00.00.H41') + org('To', '000.00.00.H41') })));
    expect(warned(twice, 'duplicate_recipient')).toHaveLength(1);
    const status = statusXml().replace('</edXML>', `<AttachmentEncoded>${attachmentXml({ id: '1', b64: PDF_B64 })}</AttachmentEncoded></edXML>`);
    expect(warned(parseEdxml(status), 'unexpected_attachments')).toHaveLength(1);
    const future = asEdoc(parseEdxml(edocXml(), { now: new Date('2024-03-01T00:00:00Z') }));
    expect(warned(future, 'future_date')).toHaveLength(1);
    expect(warned(parseEdxml(edocXml(), { now: new Date('2024-03-06T00:00:00Z') }), 'future_date')).toHaveLength(0);
  });

  test('a missing OrganName is stood in for by the OrganId, with a warning', () => {
    const m = asEdoc(parseEdxml(edocXml({ from: org('From', '000.00.00.G22', null) })));
    expect(m.from).toEqual({ organId: '000.00.00.G22', organName: '000.00.00.G22' });
    expect(warned(m, 'missing_organ_name')[0]!.path).toBe('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganName');
  });

  test('refuses unknown options with a ConfigError', () => {
    expect(() => parseEdxml(edocXml(), { maxbytes: 1 } as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
    expect(() => parseEdxml(edocXml(), { maxBytes: -1 })).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
  });
});
