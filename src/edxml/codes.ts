/**
 * Code tables of edXML and of the rules on official documents, as typed constants with
 * Vietnamese (`vi`) and English (`en`) labels: processing status codes, business operations,
 * priorities (độ khẩn), secrecy levels (độ mật) and the document types of Nghị định 30/2020.
 * @module
 */

/** A label in both languages. */
export interface Labels {
  /** Vietnamese, as written in the rules. */
  readonly vi: string;
  /** English. */
  readonly en: string;
}

/** A language of {@link Labels}. */
export type Language = keyof Labels;

/**
 * The processing status codes of a status package (spec section 3). `sentBy` says who sends
 * it: `recipient` for the trail of a received document, `sender` for the issuer's take-back
 * request (13). `final` is true when no further status is expected in that exchange: 02 and
 * 06 end a document's trail, 15 and 16 answer a revoke / update / take-back request.
 *
 * @example
 * ```ts
 * STATUS_CODES['03'].vi; // 'Đã tiếp nhận'
 * ```
 */
export const STATUS_CODES = {
  '01': { vi: 'Đã đến', en: 'Arrived', sentBy: 'recipient', final: false },
  '02': { vi: 'Từ chối tiếp nhận', en: 'Refused', sentBy: 'recipient', final: true },
  '03': { vi: 'Đã tiếp nhận', en: 'Accepted and registered', sentBy: 'recipient', final: false },
  '04': { vi: 'Phân công', en: 'Assigned', sentBy: 'recipient', final: false },
  '05': { vi: 'Đang xử lý', en: 'In progress', sentBy: 'recipient', final: false },
  '06': { vi: 'Hoàn thành', en: 'Completed', sentBy: 'recipient', final: true },
  '13': { vi: 'Lấy lại', en: 'Take-back requested', sentBy: 'sender', final: false },
  '15': { vi: 'Đồng ý', en: 'Request agreed', sentBy: 'recipient', final: true },
  '16': { vi: 'Từ chối', en: 'Request refused', sentBy: 'recipient', final: true },
} as const satisfies Record<string, Labels & { sentBy: 'recipient' | 'sender'; final: boolean }>;

/** A status code in use on the axis: `'01'`…`'06'`, `'13'`, `'15'`, `'16'`. */
export type StatusCode = keyof typeof STATUS_CODES;

/**
 * The status codes in their natural order. Iterating {@link STATUS_CODES} itself puts
 * `'13'`, `'15'`, `'16'` first (JavaScript orders integer-like keys before the others).
 */
export const STATUS_CODE_ORDER = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const satisfies readonly StatusCode[];

/**
 * The business operations of an edoc (`TraceHeaderList/Bussiness/BussinessDocType`).
 *
 * @example
 * ```ts
 * BUSINESS_TYPES[1].name; // 'revoke'
 * ```
 */
export const BUSINESS_TYPES = {
  0: { name: 'new', vi: 'Văn bản mới', en: 'New document' },
  1: { name: 'revoke', vi: 'Thu hồi', en: 'Revoke' },
  2: { name: 'update', vi: 'Cập nhật', en: 'Update' },
  3: { name: 'replace', vi: 'Thay thế', en: 'Replace' },
} as const satisfies Record<number, Labels & { name: string }>;

/** The name of a business operation: `'new' | 'revoke' | 'update' | 'replace'`. */
export type BusinessTypeName = (typeof BUSINESS_TYPES)[keyof typeof BUSINESS_TYPES]['name'];

/** Priorities (độ khẩn) of `OtherInfo/Priority`. */
export const PRIORITIES = {
  0: { vi: 'Thường', en: 'Normal' },
  1: { vi: 'Khẩn', en: 'Urgent' },
  2: { vi: 'Thượng khẩn', en: 'Very urgent' },
  3: { vi: 'Hỏa tốc', en: 'Immediate' },
  4: { vi: 'Hỏa tốc hẹn giờ', en: 'Immediate, timed' },
} as const satisfies Record<number, Labels>;

/** A priority value: 0 … 4. */
export type Priority = keyof typeof PRIORITIES;

/**
 * Secrecy levels (độ mật) of state secrets, from the lowest. Documents carrying one must not
 * travel on the axis; the connector refuses them.
 */
export const SECRECY_LEVELS = {
  confidential: { rank: 1, vi: 'Mật', en: 'Confidential' },
  secret: { rank: 2, vi: 'Tối mật', en: 'Secret' },
  topSecret: { rank: 3, vi: 'Tuyệt mật', en: 'Top secret' },
} as const satisfies Record<string, Labels & { rank: number }>;

/** A secrecy level key: `'confidential' | 'secret' | 'topSecret'`. */
export type SecrecyLevel = keyof typeof SECRECY_LEVELS;

/** One kind of administrative document. */
export interface DocumentTypeInfo extends Labels {
  /** Abbreviation of Nghị định 30/2020 Appendix III, used in the notation (`QĐ` in `28/QĐ-TTg`); undefined when it has none. */
  readonly abbreviation?: string;
}

/**
 * The kinds of administrative document (văn bản hành chính) of Nghị định 30/2020/NĐ-CP,
 * Article 7, with the abbreviations of its Appendix III. A Công văn has none: its notation is
 * made of the issuing body's abbreviations only. `DocumentType/Type` on the wire is an integer
 * whose meaning varies between senders; these keys are not that integer.
 */
export const DOCUMENT_TYPES = {
  resolution: { vi: 'Nghị quyết', en: 'Resolution', abbreviation: 'NQ' },
  decision: { vi: 'Quyết định', en: 'Decision', abbreviation: 'QĐ' },
  directive: { vi: 'Chỉ thị', en: 'Directive', abbreviation: 'CT' },
  statute: { vi: 'Quy chế', en: 'Statute', abbreviation: 'QC' },
  regulation: { vi: 'Quy định', en: 'Regulation', abbreviation: 'QyĐ' },
  communique: { vi: 'Thông cáo', en: 'Communiqué', abbreviation: 'TC' },
  notice: { vi: 'Thông báo', en: 'Notice', abbreviation: 'TB' },
  guidance: { vi: 'Hướng dẫn', en: 'Guidance', abbreviation: 'HD' },
  programme: { vi: 'Chương trình', en: 'Programme', abbreviation: 'CTr' },
  plan: { vi: 'Kế hoạch', en: 'Plan', abbreviation: 'KH' },
  scheme: { vi: 'Phương án', en: 'Scheme', abbreviation: 'PA' },
  proposal: { vi: 'Đề án', en: 'Proposal', abbreviation: 'ĐA' },
  project: { vi: 'Dự án', en: 'Project', abbreviation: 'DA' },
  report: { vi: 'Báo cáo', en: 'Report', abbreviation: 'BC' },
  minutes: { vi: 'Biên bản', en: 'Minutes', abbreviation: 'BB' },
  submission: { vi: 'Tờ trình', en: 'Submission', abbreviation: 'TTr' },
  contract: { vi: 'Hợp đồng', en: 'Contract', abbreviation: 'HĐ' },
  officialLetter: { vi: 'Công văn', en: 'Official letter' },
  officialDispatch: { vi: 'Công điện', en: 'Official dispatch', abbreviation: 'CĐ' },
  memorandum: { vi: 'Bản ghi nhớ', en: 'Memorandum of understanding', abbreviation: 'GN' },
  agreement: { vi: 'Bản thỏa thuận', en: 'Agreement', abbreviation: 'TTh' },
  powerOfAttorney: { vi: 'Giấy ủy quyền', en: 'Power of attorney', abbreviation: 'GUQ' },
  invitation: { vi: 'Giấy mời', en: 'Invitation', abbreviation: 'GM' },
  introduction: { vi: 'Giấy giới thiệu', en: 'Letter of introduction', abbreviation: 'GGT' },
  leavePermit: { vi: 'Giấy nghỉ phép', en: 'Leave permit', abbreviation: 'GNP' },
  transmittalSlip: { vi: 'Phiếu gửi', en: 'Transmittal slip', abbreviation: 'PG' },
  forwardingSlip: { vi: 'Phiếu chuyển', en: 'Forwarding slip', abbreviation: 'PC' },
  notificationSlip: { vi: 'Phiếu báo', en: 'Notification slip', abbreviation: 'PB' },
  officialCourtesyLetter: { vi: 'Thư công', en: 'Official courtesy letter' },
} as const satisfies Record<string, DocumentTypeInfo>;

/** A key of {@link DOCUMENT_TYPES}, e.g. `'decision'`. */
export type DocumentTypeKey = keyof typeof DOCUMENT_TYPES;

/** True for the status codes in use (`'01'`…`'06'`, `'13'`, `'15'`, `'16'`). */
export function isKnownStatusCode(code: string): code is StatusCode {
  return Object.hasOwn(STATUS_CODES, code);
}

/**
 * The label of a status code, or undefined for a code not in use.
 *
 * @defaultValue language `'vi'`
 * @example
 * ```ts
 * statusLabel('02');       // 'Từ chối tiếp nhận'
 * statusLabel('02', 'en'); // 'Refused'
 * ```
 */
export function statusLabel(code: string, language: Language = 'vi'): string | undefined {
  return isKnownStatusCode(code) ? STATUS_CODES[code][language] : undefined;
}

/** The label of a business operation (0 … 3), or undefined. @defaultValue language `'vi'` */
export function businessTypeLabel(type: number, language: Language = 'vi'): string | undefined {
  const entry = (BUSINESS_TYPES as Record<number, Labels | undefined>)[type];
  return entry?.[language];
}

/** The label of a priority (0 … 4), or undefined. @defaultValue language `'vi'` */
export function priorityLabel(priority: number, language: Language = 'vi'): string | undefined {
  const entry = (PRIORITIES as Record<number, Labels | undefined>)[priority];
  return entry?.[language];
}

/**
 * The document type whose Appendix III abbreviation this is (`'QĐ'`, `'QyĐ'`, `'CTr'`).
 * Exact after Unicode NFC normalisation (`QC` and `QyĐ` differ only by letters' case).
 *
 * @example
 * ```ts
 * documentTypeByAbbreviation('QĐ'); // { key: 'decision', vi: 'Quyết định', en: 'Decision', abbreviation: 'QĐ' }
 * ```
 */
export function documentTypeByAbbreviation(
  abbreviation: string,
): (DocumentTypeInfo & { key: DocumentTypeKey }) | undefined {
  const wanted = abbreviation.normalize('NFC').trim();
  for (const [key, info] of documentTypeEntries()) {
    if ('abbreviation' in info && info.abbreviation === wanted) return { key, ...info };
  }
  return undefined;
}

/**
 * The document type with this Vietnamese name (`'Công văn'`, `'quyết định'`), ignoring case
 * and surrounding spaces, after NFC normalisation. Useful with `DocumentType/TypeName`.
 */
export function documentTypeByName(name: string): (DocumentTypeInfo & { key: DocumentTypeKey }) | undefined {
  const wanted = name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
  for (const [key, info] of documentTypeEntries()) {
    if (info.vi.toLocaleLowerCase('vi') === wanted) return { key, ...info };
  }
  return undefined;
}

function documentTypeEntries(): [DocumentTypeKey, DocumentTypeInfo][] {
  return Object.entries(DOCUMENT_TYPES) as [DocumentTypeKey, DocumentTypeInfo][];
}
