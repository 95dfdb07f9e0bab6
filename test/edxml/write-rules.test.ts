import { describe, expect, test } from 'vitest';
import type { EdocMessage, StatusMessage } from '../../src/edxml/model.js';
import { checkMessageForWrite, NUMBER_RANGES, TEXT_LIMITS } from '../../src/edxml/write-rules.js';
import { sampleEdoc, sampleStatus } from '../../src/testing/index.js';

const now = () => new Date('2024-06-01T00:00:00Z');
const check = (m: EdocMessage | StatusMessage, options = {}) => checkMessageForWrite(m, { now, ...options });
const codes = (m: EdocMessage | StatusMessage, options = {}) => check(m, options).map((i) => `${i.code}@${i.path}`);

describe('checkMessageForWrite', () => {
  test('finds nothing wrong in the samples', () => {
    expect(check(sampleEdoc())).toEqual([]);
    for (const statusCode of ['01', '02', '03', '04', '05', '06', '13', '15', '16']) expect(check(sampleStatus({ statusCode }))).toEqual([]);
  });

  describe('length limits', () => {
    const long = (n: number) => 'Đ'.repeat(n);
    const cases: [string, number, (n: number) => EdocMessage | StatusMessage, string][] = [
      ['OrganName', 200, (n) => sampleEdoc({ from: { ...sampleEdoc().from, organName: long(n) } }), 'from.organName'],
      ['OrganizationInCharge', 500, (n) => sampleEdoc({ to: [{ ...sampleEdoc().to[0]!, organizationInCharge: long(n) }] }), 'to.0.organizationInCharge'],
      ['OrganAdd', 500, (n) => sampleStatus({ from: { ...sampleStatus().from, organAdd: long(n) } }), 'from.organAdd'],
      ['Email', 100, (n) => sampleEdoc({ from: { ...sampleEdoc().from, email: `${'a'.repeat(n - 7)}@gov.vn` } }), 'from.email'],
      ['Telephone', 20, (n) => sampleEdoc({ from: { ...sampleEdoc().from, telephone: '0'.repeat(n) } }), 'from.telephone'],
      ['Fax', 20, (n) => sampleEdoc({ to: [sampleEdoc().to[0]!, { ...sampleEdoc().to[1]!, fax: '0'.repeat(n) }] }), 'to.1.fax'],
      ['CodeNumber', 11, (n) => sampleEdoc({ code: { codeNumber: '1'.repeat(n), codeNotation: 'VPCP-TTĐT' }, documentId: 'x' }), 'code.codeNumber'],
      ['CodeNotation', 30, (n) => sampleEdoc({ code: { codeNumber: '1', codeNotation: long(n) }, documentId: 'x' }), 'code.codeNotation'],
      ['Place', 50, (n) => sampleEdoc({ promulgationInfo: { place: long(n), promulgationDate: '2024-05-20' } }), 'promulgationInfo.place'],
      ['Subject', 500, (n) => sampleEdoc({ subject: long(n) }), 'subject'],
      ['Content', 500, (n) => sampleEdoc({ content: long(n) }), 'content'],
      ['TypeName', 100, (n) => sampleEdoc({ documentType: { type: 1, typeName: long(n) } }), 'documentType.typeName'],
      ['SphereOfPromulgation', 100, (n) => sampleEdoc({ otherInfo: { sphereOfPromulgation: long(n), appendixes: [] } }), 'otherInfo.sphereOfPromulgation'],
      ['TyperNotation', 10, (n) => sampleEdoc({ otherInfo: { typerNotation: long(n), appendixes: [] } }), 'otherInfo.typerNotation'],
      ['ToPlaces/Place', 150, (n) => sampleEdoc({ toPlaces: ['Như trên', long(n)] }), 'toPlaces.1'],
      ['AttachmentName', 500, (n) => sampleEdoc({ attachments: [{ ...sampleEdoc().attachments[0]!, name: `${long(n - 4)}.pdf` }] }), 'attachments.0.name'],
    ];

    test('every limit of the spec is in the table', () => {
      expect(TEXT_LIMITS.map((l) => [l.element, l.max])).toEqual(cases.map(([element, max]) => [element, max]));
    });

    test.each(cases)('%s allows %i characters and refuses one more', (element, max, make, path) => {
      expect(check(make(max))).toEqual([]);
      const issues = check(make(max + 1));
      expect(issues).toEqual([{ code: 'too_long', path, message: expect.stringContaining(`${element} allows at most ${max}`) }]);
    });

    test('counts characters, not bytes: a 200-letter Vietnamese name is allowed', () => {
      expect(check(sampleEdoc({ from: { ...sampleEdoc().from, organName: 'Ủy ban nhân dân '.repeat(20).slice(0, 200) } }))).toEqual([]);
    });
  });

  describe('number ranges', () => {
    test.each(NUMBER_RANGES.map((r) => [r.element] as const))('%s must be within 0..65535', (element) => {
      const key = element === 'PageAmount' ? 'pageAmount' : 'promulgationAmount';
      expect(check(sampleEdoc({ otherInfo: { [key]: 65535, appendixes: [] } }))).toEqual([]);
      expect(codes(sampleEdoc({ otherInfo: { [key]: 65536, appendixes: [] } }))).toEqual([`out_of_range@otherInfo.${key}`]);
      expect(codes(sampleEdoc({ otherInfo: { [key]: -1, appendixes: [] } }))).toEqual([`too_small@otherInfo.${key}`]);
    });
  });

  describe('cardinalities and identifiers', () => {
    test('needs at least one recipient', () => {
      expect(check(sampleEdoc({ to: [] }))).toEqual([{ code: 'too_small', path: 'to', message: 'To needs at least 1 entry' }]);
    });

    test('refuses the same recipient twice, pointing at the repeat', () => {
      const [a, b] = sampleEdoc().to;
      const issues = check(sampleEdoc({ to: [a!, b!, { ...a!, organName: 'UBND Nghệ An (bản sao)' }] }));
      expect(issues).toEqual([{ code: 'duplicate_recipient', path: 'to.2.organId', message: 'To[3] repeats OrganId 000.00.00.H41 of To[1]; each recipient once' }]);
    });

    test('refuses agency ids not of the strict form everywhere they occur', () => {
      const bad = sampleEdoc({
        from: { ...sampleEdoc().from, organId: 'vxp.saas.03' },
        to: [{ ...sampleEdoc().to[0]!, organId: '28.22.H17' }],
        responseFor: [{ organId: 'h41', code: '1/UBND', documentId: 'x' }],
        business: { businessDocType: 3, staffInfo: [], replacementInfo: [{ documentId: 'old', organIds: ['000.00.00.h41'] }] },
      });
      expect(codes(bad)).toEqual([
        'agency_id_format@from.organId',
        'agency_id_format@to.0.organId',
        'agency_id_format@responseFor.0.organId',
        'agency_id_format@business.replacementInfo.0.organIds.0',
      ]);
      expect(check(bad)[0]!.message).toBe('From/OrganId "vxp.saas.03" is not an agency id of the form 000.00.00.G22 (LLL.KK.JJ.Xnn)');
    });

    test('accepts other agency ids when strictAgencyIds is off', () => {
      const m = sampleEdoc({ from: { ...sampleEdoc().from, organId: 'vxp.saas.03' } });
      expect(check(m, { strictAgencyIds: false })).toEqual([]);
    });

    test('checks receivers of an update and the ids of a status', () => {
      const update = sampleEdoc({
        business: { businessDocType: 2, documentId: 'd', staffInfo: [], replacementInfo: [], businessDocumentInfo: { receivers: [{ organId: 'H14', receiverType: 1 }] } },
      });
      expect(codes(update)).toEqual(['agency_id_format@business.businessDocumentInfo.receivers.0.organId']);
      expect(codes(sampleStatus({ responseFor: { ...sampleStatus().responseFor, organId: 'G22' } }))).toEqual(['agency_id_format@responseFor.organId']);
    });
  });

  describe('formats and dates', () => {
    test('refuses a PromulgationDate after today in Vietnam', () => {
      // 2024-06-01T00:00Z is 07:00 on 1 June in Vietnam: 1 June is today, 2 June is the future
      expect(check(sampleEdoc({ promulgationInfo: { promulgationDate: '2024-06-01' } }))).toEqual([]);
      expect(check(sampleEdoc({ promulgationInfo: { promulgationDate: '2024-06-02' } }))).toEqual([
        { code: 'date_in_future', path: 'promulgationInfo.promulgationDate', message: 'PromulgationDate 2024-06-02 is after today (2024-06-01, Vietnam time)' },
      ]);
    });

    test('judges "today" in Vietnam time, not UTC', () => {
      const lateUtc = () => new Date('2024-06-01T18:00:00Z'); // already 2 June in Vietnam
      expect(checkMessageForWrite(sampleEdoc({ promulgationInfo: { promulgationDate: '2024-06-02' } }), { now: lateUtc })).toEqual([]);
    });

    test('refuses dates that are not ISO calendar dates', () => {
      expect(codes(sampleEdoc({ promulgationInfo: { promulgationDate: '20/05/2024' } }))).toEqual(['invalid_format@promulgationInfo.promulgationDate']);
      expect(codes(sampleEdoc({ dueDate: '2024-02-30' }))).toEqual(['invalid_value@dueDate']);
    });

    test('refuses a status code not in use and a malformed timestamp', () => {
      expect(check(sampleStatus({ statusCode: '07' }))).toEqual([
        { code: 'unknown_status_code', path: 'statusCode', message: 'StatusCode "07" is not in use; expected one of 01, 02, 03, 04, 05, 06, 13, 15, 16' },
      ]);
      expect(codes(sampleStatus({ timestamp: '2024/05/20 14:05:00' }))).toEqual(['invalid_format@timestamp']);
    });

    test('needs a Number/Notation code in ResponseFor', () => {
      expect(codes(sampleStatus({ responseFor: { ...sampleStatus().responseFor, code: '7816' } }))).toEqual(['code_format@responseFor.code']);
    });

    test('refuses control characters, naming the field', () => {
      expect(check(sampleEdoc({ toPlaces: ['Lưu\u0000'] }))).toEqual([
        { code: 'invalid_character', path: 'toPlaces.0', message: 'ToPlaces/Place[1] contains U+0000, which XML cannot carry' },
      ]);
    });
  });

  describe('status and business operations', () => {
    test('a refusal (02) needs a Description with the reason', () => {
      const { description: _d, ...rest } = sampleStatus({ statusCode: '02' });
      expect(check(rest)).toEqual([{ code: 'reason_required', path: 'description', message: 'Description is required for status 02 (refused): give the reason' }]);
    });

    test('a revoke needs ResponseFor', () => {
      const revoke = sampleEdoc({ business: { businessDocType: 1, businessDocReason: 'Thu hồi văn bản', staffInfo: [], replacementInfo: [] } });
      expect(codes(revoke)).toEqual(['response_for_required@responseFor']);
      expect(check({ ...revoke, responseFor: [{ organId: '000.00.00.G22', code: '7816/VPCP-TTĐT', documentId: 'id' }] })).toEqual([]);
    });

    test('an update needs Bussiness/DocumentId', () => {
      const update = sampleEdoc({ business: { businessDocType: 2, staffInfo: [], replacementInfo: [] } });
      expect(codes(update)).toEqual(['document_id_required@business.documentId']);
      expect(check({ ...update, business: { ...update.business!, documentId: sampleEdoc().documentId } })).toEqual([]);
    });

    test('a replacement needs ReplacementInfo', () => {
      const replace = sampleEdoc({ business: { businessDocType: 3, staffInfo: [], replacementInfo: [] } });
      expect(codes(replace)).toEqual(['replacement_info_required@business.replacementInfo']);
    });
  });

  describe('attachments', () => {
    const pdf = sampleEdoc().attachments[0]!;

    test('refuses two attachments with one ContentId, with or without cid:', () => {
      expect(codes(sampleEdoc({ attachments: [pdf, { ...pdf, contentId: `cid:${pdf.contentId}`, name: 'khac.pdf' }] }))).toEqual(['duplicate_content_id@attachments.1.contentId']);
    });

    test('refuses an empty file and a name that is a path', () => {
      expect(codes(sampleEdoc({ attachments: [{ ...pdf, data: new Uint8Array(0) }] }))).toEqual(['empty_attachment@attachments.0.data']);
      expect(codes(sampleEdoc({ attachments: [{ ...pdf, name: '../../etc/passwd' }] }))).toEqual(['attachment_name@attachments.0.name']);
      expect(codes(sampleEdoc({ attachments: [{ ...pdf, name: 'C:\\van-ban\\a.pdf' }] }))).toEqual(['attachment_name@attachments.0.name']);
      for (const name of ['.an.pdf', 'a?.pdf', 'bao-cao.pdf.', 'tờ\u202Etrình.pdf']) {
        expect(codes(sampleEdoc({ attachments: [{ ...pdf, name }] })), name).toEqual(['attachment_name@attachments.0.name']);
      }
      expect(check(sampleEdoc({ attachments: [{ ...pdf, name: 'a:b.pdf' }] }))[0]!.message).toContain('e.g. "a_b.pdf"');
    });

    test('checks the shape of a streamed attachment', () => {
      const m = { ...sampleEdoc(), attachments: [{ contentId: 's', name: 'a.pdf', contentType: 'application/pdf', source: 'not a function' }] };
      expect(codes(m as never)).toEqual(['invalid_value@attachments.0.source']);
    });
  });

  test('refuses unknown options with a ConfigError', () => {
    expect(() => checkMessageForWrite(sampleEdoc(), { strict: true } as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
  });
});
