import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEdxml } from '../../src/edxml/parse.js';
import type { ParsedEdoc, ParsedEdxml, ParsedStatus } from '../../src/edxml/model.js';
import { listEdxml, sharedFixtures } from '../helpers/shared-fixtures.js';

const dir = sharedFixtures('edxml');
const read = async (name: string) => parseEdxml(await readFile(join(dir!, name)));
const edoc = async (name: string) => {
  const m = await read(name);
  if (m.kind !== 'edoc') throw new Error(`${name} read as ${m.kind}`);
  return m as ParsedEdoc;
};
const status = async (name: string) => {
  const m = await read(name);
  if (m.kind !== 'status') throw new Error(`${name} read as ${m.kind}`);
  return m as ParsedStatus;
};
const codes = (m: ParsedEdxml) => m.warnings.map((w) => w.code);

describe.skipIf(!dir)('parseEdxml on the published samples', () => {
  const files = listEdxml(dir, { except: ['negative'] });

  test('finds every sample outside negative/', () => {
    expect(files.length).toBeGreaterThanOrEqual(19);
  });

  test.each(files.map((f) => relative(dir!, f)))('reads %s into a valid model', async (name) => {
    const m = await read(name);
    expect(['edoc', 'status']).toContain(m.kind);
    expect(name.includes('status')).toBe(m.kind === 'status');
  });

  test('refuses bytes before the XML declaration', async () => {
    const bytes = await readFile(join(dir!, 'negative/junk-before-declaration.edxml'));
    expect(() => parseEdxml(bytes)).toThrow(expect.objectContaining({ code: 'VDXP_EDXML_NOT_XML' }));
  });

  test('vpcp edoc_new: sender, recipient, number with Đ, dates, new business, QCVN signature, zipped attachment unwrapped', async () => {
    const m = await edoc('vpcp-sdk-example/edoc_new.edxml');
    expect(m.from).toMatchObject({ organId: '000.00.00.A80', organName: 'UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng', email: 'vpcp@gov.vn' });
    expect(m.to).toHaveLength(1);
    expect(m.to[0]).toMatchObject({ organId: '28.22.H17', organName: 'UBND xã Hòa Sơn - UBND huyện Hòa Vang - Thành phố Đà Nẵng' });
    expect(m.code).toEqual({ codeNumber: '74fass22', codeNotation: 'VPCP-TTĐT' });
    expect(m.promulgationInfo).toEqual({ place: 'Hà Nội', promulgationDate: '2019-01-16' });
    expect(m.documentType).toEqual({ type: 1, typeDetail: 0, typeName: 'Công văn' });
    expect(m.subject).toBe('V/v kết nối, liên thông phần mềm quản lý văn bản');
    expect(m.signerInfo).toEqual({ competence: 'TL. BO TRUONG', position: 'Cuc truong cuc ung dung cong nghe thong tin', fullName: 'Nguyen Thanh Phuc' });
    expect(m.dueDate).toBe('2018-09-28');
    expect(m.toPlaces).toEqual(['Cac bo va co quan ngang bo', 'Uy ban nhan dan cac tinh, TP']);
    expect(m.otherInfo).toMatchObject({ priority: 0, promulgationAmount: 2, pageAmount: 22, direction: false, typerNotation: 'TVC' });
    expect(m.steeringType).toBe(1);
    expect(m.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(m.traceHeaders).toEqual([{ organId: '000.00.00.G22', timestamp: '2018-09-28T00:00:00+07:00' }]);
    expect(m.business).toMatchObject({ businessDocType: 0, businessDocReason: 'Văn bản điện tử mới', paper: 0 });
    expect(m.business?.staffInfo[0]).toMatchObject({ staff: 'Nguyễn Thị Ngọc Trâm', department: 'Văn thư văn phòng' });
    expect(m.signature).toEqual({ namespace: 'qcvn' });
    expect(m.attachments).toHaveLength(1);
    const a = m.attachments[0]!;
    expect(a).toMatchObject({ contentId: '209', name: '1896_QD-TTg_m_294779.doc', description: '1896_QD-TTg_m_294779.doc' });
    // The Java library wrapped a .edxml file in a ZIP: the entry's extension names the type.
    expect(a.contentType).toBe('application/xml');
    expect(a.data.length).toBe(388_347);
    expect(Buffer.from(a.data.subarray(0, 5)).toString()).toBe('<?xml');
    expect(a.transfer).toMatchObject({ contentType: 'application/zip', wrapped: true, size: 270_823 });
    expect(codes(m)).toEqual(['agency_id_format', 'wrapped_name_mismatch']);
    expect(m.warnings[0]!.path).toBe('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To/OrganId');
  });

  test('vpcp edoc_revocation: business 1 and the revoked document in ResponseFor', async () => {
    const m = await edoc('vpcp-sdk-example/edoc_revocation.edxml');
    expect(m.business).toMatchObject({ businessDocType: 1, businessDocReason: 'Thu hồi văn bản điện tử' });
    expect(m.responseFor).toEqual([
      { organId: '000.00.00.H14', code: '267/VPCP-TTĐT', promulgationDate: '2018-09-28', documentId: '000.00.04.G14,2012/08/06,267/VPCP-TTĐT' },
    ]);
    expect(m.to.map((o) => o.organId)).toEqual(['000.00.00.H41', '000.00.00.H14', '000.00.00.G17']);
    expect(m.code).toEqual({ codeNumber: '7816', codeNotation: 'VPCP-TTĐT' });
  });

  test('vpcp edoc_update: business 2 with the updated document and receiver changes', async () => {
    const m = await edoc('vpcp-sdk-example/edoc_update.edxml');
    expect(m.business).toMatchObject({
      businessDocType: 2,
      documentId: '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT',
      businessDocumentInfo: {
        documentInfo: 1,
        documentReceiver: 1,
        receivers: [
          { organId: '000.00.00.H41', receiverType: 0 },
          { organId: '000.00.00.H14', receiverType: 1 },
        ],
      },
    });
  });

  test('vpcp edoc_replacement: business 3 with the replaced documents and their agencies', async () => {
    const m = await edoc('vpcp-sdk-example/edoc_replacement.edxml');
    expect(m.business?.businessDocType).toBe(3);
    expect(m.business?.replacementInfo).toEqual([
      { documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT', organIds: ['000.00.00.H41', '000.00.00.H14'] },
      { documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT', organIds: ['000.00.00.H41', '000.00.00.H14'] },
    ]);
    expect(m.to.map((o) => o.organName)).toEqual(['UBND Tỉnh Nghệ An', 'UBND Tỉnh Cao Bằng', 'Sở Thông tin truyền thông Hải Phòng']);
  });

  test.each([
    ['vpcp-sdk-example/status.edxml', '01', '2018-09-28T17:25:11+07:00'],
    ['vpcp-sdk-example/status_inbox_01.edxml', '01', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_rejection_02.edxml', '02', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_acceptance_03.edxml', '03', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_assignment_04.edxml', '04', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_processing_05.edxml', '05', '2015-09-20T11:08:36+07:00'],
    ['bkav-edoc/status_processing_05.edxml', '05', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_finish_06.edxml', '06', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_cancellation_13.edxml', '13', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_change-acceptance_15.edxml', '15', '2015-09-20T11:08:36+07:00'],
    ['vpcp-sdk-example/status_change-rejection_16.edxml', '16', '2015-09-20T11:08:36+07:00'],
  ])('%s reports status %s at %s', async (name, code, timestamp) => {
    const m = await status(name);
    expect(m.statusCode).toBe(code);
    expect(m.timestamp).toBe(timestamp);
    expect(m.responseFor.code).toBe('7816/VPCP-TTĐT');
    expect(m.responseFor.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(m.warnings).toEqual([]);
    // 13 comes from the issuer, reporting on the document it sent to Nghệ An
    if (code === '13') {
      expect(m.from).toMatchObject({ organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' });
      expect(m.responseFor.organId).toBe('000.00.00.H41');
    } else {
      expect(m.from).toMatchObject({ organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An', website: 'www.nghean.vn' });
      expect(m.responseFor.organId).toBe('000.00.00.G22');
    }
  });

  test('status.edxml keeps the officer and the Vietnamese description', async () => {
    const m = await status('vpcp-sdk-example/status.edxml');
    expect(m.staffInfo).toEqual({ department: 'Văn thư văn phòng', staff: 'Nguyễn Thị Ngọc Trâm', email: 'vanthuvanphong@gov.vn', mobile: '84912000001' });
    expect(m.description).toBe('Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý');
    expect(m.responseFor.promulgationDate).toBe('2018-09-28');
  });

  test('status_acceptance_03 trims the white space around StaffInfo values', async () => {
    const m = await status('vpcp-sdk-example/status_acceptance_03.edxml');
    expect(m.staffInfo).toEqual({ department: 'Phong hanh chinh', staff: 'Nguyen thi ngoc tram', mobile: '84912000001', email: 'ngoctram@nghean.vn' });
  });

  test('bkav edoc_new: dd/MM/yyyy date read as 2020-10-30 with a date_format warning, empty elements absent', async () => {
    const m = await edoc('bkav-edoc/edoc_new.edxml');
    expect(m.promulgationInfo).toEqual({ place: 'Tây Ninh', promulgationDate: '2020-10-30' });
    const w = m.warnings.find((x) => x.code === 'date_format');
    expect(w?.path).toBe('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/PromulgationInfo/PromulgationDate');
    expect(m.from).toEqual({ organId: '000.00.11.H53', organName: 'Sở Tính', organizationInCharge: 'Tỉnh Tây Ninh', email: 'stc@tayninh.gov.vn' });
    expect(m.to).toEqual([{ organId: '000.00.01.A53', organName: 'Văn phòng tỉnh ủy', organizationInCharge: 'Tỉnh Tây Ninh', organAdd: 'Tỉnh Tây Ninh', email: 'vptu@tayninh.gov.vn' }]);
    expect(m.code).toEqual({ codeNumber: '2491', codeNotation: 'STC-BCTC' });
    expect(m.documentId).toBe('000.00.11.H53,2020/10/30,2491/STC-BCTC');
    expect(m.signerInfo).toBeUndefined();
    expect(m.dueDate).toBeUndefined();
    expect(m.otherInfo).toEqual({ priority: 0, sphereOfPromulgation: 'Liên thông văn bản', promulgationAmount: 2, pageAmount: 22, direction: false, appendixes: [] });
    expect(m.business?.businessDocType).toBe(0);
  });

  test('bkav edoc_update: update of a document sent to Tây Ninh units', async () => {
    const m = await edoc('bkav-edoc/edoc_update.edxml');
    expect(m.to.map((o) => o.organId)).toEqual(['000.00.00.H53', '000.00.12.H53', '000.00.00.G17']);
    expect(m.business?.businessDocType).toBe(2);
    expect(m.business?.businessDocumentInfo?.receivers).toHaveLength(2);
  });

  test('axis 2019: two hops, UUID DocumentId, empty ResponseFor, PDF zipped with a manifest/attachment type mismatch', async () => {
    const m = await edoc('axis-downloaded/2019-852e179c.edxml');
    expect(m.from).toMatchObject({ organId: '000.00.15.H51', organName: 'Văn phòng Chính phủ' });
    expect(m.to[0]).toMatchObject({ organId: '000.00.15.H51', organName: 'Trung tâm test production 02323232323', telephone: '(04)35123536' });
    expect(m.code).toEqual({ codeNumber: '1223412', codeNotation: 'PRO-TEST-CASE1' });
    expect(m.documentId).toBe('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb');
    expect(m.documentType).toEqual({ type: 1, typeName: 'Thông tư' });
    expect(m.responseFor).toEqual([]);
    expect(m.business).toBeUndefined();
    expect(m.traceHeaders).toEqual([
      { organId: '01.02.G22', timestamp: '2018-06-20T16:35:56+07:00' },
      { organId: '001.00.20.TT2', timestamp: '2019-05-17T18:16:33+07:00' },
    ]);
    expect(m.signerInfo).toMatchObject({ competence: 'Quyền 1', position: 'Bộ trưởng' });
    // written in decomposed Unicode (NFD) by the sender: kept as written
    expect(m.signerInfo?.fullName?.normalize('NFC')).toBe('Trương Minh Tuấn');
    const a = m.attachments[0]!;
    expect(a.name).toBe('GUIDE_INSTALL OPENVPN.SIGNED.PDF');
    expect(a.contentId).toBe('36b8a92e-f054-11e7-842b-005056b672fc');
    expect(a.contentType).toBe('application/pdf');
    expect(a.transfer).toMatchObject({ contentType: 'application/zip', wrapped: true, size: 214 });
    // The sample's zipped "PDF" is a 17-byte placeholder (CRC valid), not a real PDF.
    expect(a.data.length).toBe(17);
    expect(a.transfer!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(codes(m).filter((c) => c === 'agency_id_format')).toHaveLength(2);
  });

  test('axis 2025 (874e0f18): no OrganName, "null" hop, a PDF zipped though declared application/pdf', async () => {
    const m = await edoc('axis-downloaded/2025-874e0f18.edxml');
    expect(m.from.organId).toBe('vxp.saas.03');
    expect(m.from.organName).toBe('vxp.saas.03');
    expect(codes(m)).toEqual(expect.arrayContaining(['missing_organ_name', 'agency_id_format', 'null_value']));
    expect(m.traceHeaders).toEqual([{ timestamp: '2025-10-23T16:28:42+07:00' }, { timestamp: '2025-10-23T16:28:43+07:00' }]);
    expect(m.signature).toBeUndefined();
    const a = m.attachments[0]!;
    expect(a.name).toBe('1761211722949_TestTrucLienThong.pdf');
    expect(a.contentType).toBe('application/pdf');
    expect(Buffer.from(a.data.subarray(0, 8)).toString('latin1')).toBe('%PDF-1.3');
    expect(a.data.length).toBe(11_229);
    expect(a.transfer).toMatchObject({ contentType: 'application/pdf', wrapped: true, size: 10_689 });
  });

  test('axis 2025 (9e272474): plain PDF, priority, direction, appendixes and places', async () => {
    const m = await edoc('axis-downloaded/2025-9e272474.edxml');
    expect(m.from).toMatchObject({ organId: 'vxp.saas.03', organName: 'Đơn vị test vxp 3' });
    expect(m.code).toEqual({ codeNumber: '202545', codeNotation: 'VPCP-TTĐT' });
    expect(m.promulgationInfo).toEqual({ place: 'Thành phố Đà Nẵng', promulgationDate: '2025-10-20' });
    expect(m.documentType).toEqual({ type: 2, typeDetail: 1, typeName: 'Báo cáo' });
    expect(m.otherInfo).toMatchObject({ priority: 1, direction: true, appendixes: ['Phụ lục 1', 'Phụ lục 2'] });
    expect(m.toPlaces).toEqual(['Các phòng ban', 'Ban lãnh đạo']);
    expect(m.steeringType).toBe(2);
    const a = m.attachments[0]!;
    expect(a.transfer).toMatchObject({ contentType: 'application/pdf', wrapped: false, size: 18_839 });
    expect(a.data.length).toBe(18_839);
    expect(Buffer.from(a.data.subarray(0, 5)).toString()).toBe('%PDF-');
  });
});
