/**
 * Realistic sample messages for integrators' tests: a Công văn of Văn phòng Chính phủ to two
 * bodies with a small PDF, and status reports about it. Deterministic: fixed dates, no clock.
 * @module
 */
import { makeDocumentId } from '../edxml/document-code.js';
import type { EdocMessage, Organization, StatusMessage } from '../edxml/model.js';

const VPCP: Organization = {
  organId: '000.00.00.G22',
  organName: 'Văn phòng Chính phủ',
  organizationInCharge: 'Văn phòng Chính phủ',
  organAdd: 'Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội',
  email: 'vpcp@chinhphu.vn',
  telephone: '024 3845 8261',
  website: 'vpcp.chinhphu.vn',
};

const NGHE_AN: Organization = {
  organId: '000.00.00.H41',
  organName: 'UBND tỉnh Nghệ An',
  organizationInCharge: 'Ủy ban nhân dân tỉnh Nghệ An',
  organAdd: 'Số 03 đường Trường Thi, thành phố Vinh, tỉnh Nghệ An',
  email: 'ubnd@nghean.gov.vn',
  telephone: '0238 3840 418',
};

const BO_NOI_VU: Organization = {
  organId: '000.00.00.G09',
  organName: 'Bộ Nội vụ',
  organAdd: 'Số 8 Tôn Thất Thuyết, Nam Từ Liêm, Hà Nội',
};

/** A one-page PDF saying "Cong van mau" (sample official letter). */
function samplePdf(): Uint8Array<ArrayBuffer> {
  const text = [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj',
    '4 0 obj << /Length 44 >> stream',
    'BT /F1 18 Tf 72 760 Td (Cong van mau) Tj ET',
    'endstream endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n');
  return new TextEncoder().encode(text);
}

/**
 * A complete, valid edoc: Công văn 7816/VPCP-TTĐT of Văn phòng Chính phủ (000.00.00.G22) to
 * UBND tỉnh Nghệ An and Bộ Nội vụ, dated 2024-05-20, with one small PDF. `overrides` replace
 * top-level fields (shallow). It builds with `buildEdxml` and reads back equal.
 *
 * @example
 * ```ts
 * import { sampleEdoc } from 'vdxp-connector/testing';
 * const bytes = buildEdxml(sampleEdoc({ subject: 'V/v thử nghiệm liên thông' }));
 * ```
 */
export function sampleEdoc(overrides: Partial<EdocMessage> = {}): EdocMessage {
  const code = { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' };
  const promulgationDate = '2024-05-20';
  const base: EdocMessage = {
    kind: 'edoc',
    from: VPCP,
    to: [NGHE_AN, BO_NOI_VU],
    code,
    promulgationInfo: { place: 'Hà Nội', promulgationDate },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
    content: 'Đề nghị các cơ quan hoàn thành kết nối trục liên thông văn bản quốc gia trước ngày 30/6/2024.',
    signerInfo: { competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM', position: 'Phó Chủ nhiệm', fullName: 'Nguyễn Văn Sơn' },
    dueDate: '2024-06-30',
    toPlaces: ['Như trên', 'Lưu: VT, TTĐT'],
    otherInfo: { priority: 1, sphereOfPromulgation: 'Liên thông văn bản quốc gia', promulgationAmount: 3, pageAmount: 1, direction: false, appendixes: [] },
    responseFor: [],
    documentId: makeDocumentId(VPCP.organId, promulgationDate, code),
    traceHeaders: [{ organId: VPCP.organId, timestamp: '2024-05-20T09:30:00+07:00' }],
    business: {
      businessDocType: 0,
      businessDocReason: 'Văn bản điện tử mới',
      paper: 0,
      staffInfo: [{ department: 'Văn thư', staff: 'Trần Thị Đào', email: 'vanthu@chinhphu.vn' }],
      replacementInfo: [],
    },
    attachments: [{ contentId: 'cong-van-7816', name: 'Công văn 7816-VPCP-TTĐT.pdf', contentType: 'application/pdf', data: samplePdf() }],
  };
  return { ...base, ...overrides };
}

/** A plausible Description per status code (02 and 13 carry a reason). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '01': 'Phần mềm quản lý văn bản đã nhận, văn thư chưa xử lý',
  '02': 'Từ chối tiếp nhận: văn bản gửi nhầm đơn vị',
  '03': 'Đã vào sổ văn bản đến',
  '04': 'Lãnh đạo đã phân công xử lý',
  '05': 'Đang xử lý văn bản đến',
  '06': 'Đã xử lý xong',
  '13': 'Đề nghị lấy lại văn bản do sai sót trong nội dung',
  '15': 'Đồng ý thu hồi văn bản',
  '16': 'Không đồng ý thu hồi: văn bản đã được ban hành lại',
};

/**
 * A complete, valid status: UBND tỉnh Nghệ An reports on {@link sampleEdoc}'s document. The
 * default code is `'03'` (đã tiếp nhận); the Description fits the code given in `overrides`
 * unless one is given. For `'13'` (sent by the issuer) the reporter becomes the issuer.
 *
 * @example
 * ```ts
 * const refusal = sampleStatus({ statusCode: '02' }); // Description carries a reason
 * ```
 */
export function sampleStatus(overrides: Partial<StatusMessage> = {}): StatusMessage {
  const edoc = sampleEdoc();
  const statusCode = overrides.statusCode ?? '03';
  const issuerAsks = statusCode === '13';
  const base: StatusMessage = {
    kind: 'status',
    from: issuerAsks ? edoc.from : NGHE_AN,
    responseFor: {
      organId: issuerAsks ? NGHE_AN.organId : edoc.from.organId,
      code: `${edoc.code.codeNumber}/${edoc.code.codeNotation}`,
      promulgationDate: edoc.promulgationInfo.promulgationDate,
      documentId: edoc.documentId,
    },
    staffInfo: { department: 'Văn phòng UBND tỉnh', staff: 'Lê Thị Hồng Nhung', email: 'vanthu@nghean.gov.vn', mobile: '0912345678' },
    statusCode,
    timestamp: '2024-05-20T14:05:00+07:00',
  };
  const description = DESCRIPTIONS[statusCode];
  return { ...base, ...(description === undefined ? {} : { description }), ...overrides };
}
