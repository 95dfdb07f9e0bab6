/**
 * The reasons a PDF signature check reports beyond the trust engine's own: a stable code, a
 * default severity, and the text in English and Vietnamese for the clerk's screen.
 * @module
 */
import { reasonFromEntry, type Reason, type ReasonEntry } from '../report.js';


/**
 * Every PDF signature reason: its code, default severity, and text in English and Vietnamese, for
 * applications that list or translate reasons.
 */
export const CATALOGUE = {
  PDF_NOT_SIGNED: ['indeterminate', 'The PDF carries no signature', 'Tệp PDF không có chữ ký số'],
  PDF_XREF_RECONSTRUCTED: [
    'warning',
    'The cross-reference of the PDF is broken; its objects were found by scanning the file',
    'Bảng tham chiếu chéo của tệp PDF bị hỏng; các đối tượng được tìm bằng cách quét tệp',
  ],
  PDF_ENCRYPTED: ['warning', 'The PDF is encrypted; texts of the signature may not be readable', 'Tệp PDF được mã hóa; thông tin của chữ ký có thể không đọc được'],
  SIGNATURE_DICTIONARY_MISSING: ['error', 'The signature field points to no signature dictionary', 'Trường chữ ký không trỏ tới từ điển chữ ký nào'],
  SIGNATURE_DICTIONARY_MALFORMED: ['error', 'The signature dictionary is malformed', 'Từ điển chữ ký sai cấu trúc'],
  BYTE_RANGE_INVALID: [
    'error',
    'The signed byte ranges are invalid (outside the file, overlapping, not starting at 0 or not exactly around the signature value)',
    'Vùng dữ liệu được ký không hợp lệ (ngoài tệp, chồng lấn, không bắt đầu từ 0 hoặc không bao đúng giá trị chữ ký)',
  ],
  BYTE_RANGE_NOT_AT_REVISION_END: [
    'warning',
    'The signed bytes do not end at the end of a revision of the file',
    'Vùng dữ liệu được ký không kết thúc tại cuối một phiên bản của tệp',
  ],
  CONTENTS_TOO_LARGE: ['error', 'The signature value is larger than allowed', 'Giá trị chữ ký vượt quá kích thước cho phép'],
  SUBFILTER_UNSUPPORTED: ['indeterminate', 'The signature format (SubFilter) is not supported', 'Định dạng chữ ký (SubFilter) không được hỗ trợ'],
  SUBFILTER_LEGACY: ['warning', 'The signature uses the legacy format adbe.pkcs7.sha1', 'Chữ ký dùng định dạng cũ adbe.pkcs7.sha1'],
  CMS_MALFORMED: ['error', 'The signature value is not a readable CMS SignedData', 'Giá trị chữ ký không phải cấu trúc CMS SignedData hợp lệ'],
  SIGNED_ATTRIBUTES_INVALID: [
    'error',
    'The signed attributes are missing or invalid (content type, message digest)',
    'Thuộc tính được ký thiếu hoặc không hợp lệ (loại nội dung, giá trị băm)',
  ],
  DIGEST_MISMATCH: ['error', 'The signed bytes of the PDF were changed after signing', 'Nội dung tệp PDF đã bị thay đổi sau khi ký'],
  SIGNATURE_INVALID: [
    'error',
    "The signature value does not verify with the signer's certificate",
    'Giá trị chữ ký không khớp với chứng thư số của người ký',
  ],
  SIGNER_CERT_MISSING: ['indeterminate', "The signature does not carry the signer's certificate", 'Chữ ký số không kèm chứng thư số của người ký'],
  SIGNING_CERT_MISMATCH: [
    'error',
    'The signing-certificate attribute names another certificate than the one that signed',
    'Thuộc tính chứng thư số ký chỉ định chứng thư số khác với chứng thư số đã ký',
  ],
  SIGNING_CERT_ATTRIBUTE_MISSING: [
    'warning',
    'A PAdES (ETSI.CAdES.detached) signature without the signing-certificate-v2 attribute',
    'Chữ ký PAdES (ETSI.CAdES.detached) thiếu thuộc tính signing-certificate-v2',
  ],
  SIGNING_TIME_SKEW_7H: [
    'warning',
    'The claimed signing time is 7 hours off the timestamp (Vietnam local time written as UTC)',
    'Thời gian ký khai báo lệch 7 giờ so với dấu thời gian (giờ Việt Nam bị ghi như giờ UTC)',
  ],
  SIGNING_TIME_MISMATCH: [
    'warning',
    'The claimed signing time differs from the timestamp',
    'Thời gian ký khai báo khác với dấu thời gian',
  ],
  TIME_CLAIMED: [
    'info',
    "No timestamp: the signing time is the signer's claim",
    'Không có dấu thời gian: thời gian ký do người ký tự khai',
  ],
  TIME_NOT_GIVEN: [
    'info',
    'No timestamp and no signing time: validity is judged at the verification time',
    'Không có dấu thời gian và thời gian ký: hiệu lực được xét tại thời điểm kiểm tra',
  ],
  PARTIAL_COVERAGE: [
    'info',
    'The signature covers an earlier revision of the file; later revisions are listed',
    'Chữ ký chỉ bao trùm một phiên bản trước của tệp; các phiên bản sau được liệt kê',
  ],
  MODIFIED_AFTER_SIGNING: [
    'error',
    'The content of the PDF was changed after this signature',
    'Nội dung tệp PDF đã bị thay đổi sau chữ ký này',
  ],
  ANNOTATIONS_AFTER_SIGNING: [
    'warning',
    'Annotations or form fields were added or changed after signing; they may hide or overlay content (shadow attack)',
    'Có chú thích hoặc trường biểu mẫu được thêm hoặc sửa sau khi ký; chúng có thể che hoặc đè lên nội dung (tấn công shadow)',
  ],
  DOCMDP_VIOLATION: [
    'error',
    'Changes after the certification signature exceed what it permits (DocMDP)',
    'Thay đổi sau chữ ký chứng nhận vượt quá mức cho phép (DocMDP)',
  ],
  FORM_FILLED_AFTER_SIGNING: ['info', 'Form fields were filled in after signing', 'Các trường biểu mẫu được điền sau khi ký'],
  SIGNED_AGAIN: ['info', 'Later revisions add signatures', 'Các phiên bản sau bổ sung chữ ký'],
  CERTIFICATION_NOT_FIRST: [
    'warning',
    'A certification (DocMDP) signature that is not the first signature of the document',
    'Chữ ký chứng nhận (DocMDP) không phải là chữ ký đầu tiên của văn bản',
  ],
  PERSON_SIGNATURE_MISSING: [
    'info',
    'No valid signature of a competent person (Decree 30/2020, Art. 5)',
    'Không có chữ ký số hợp lệ của người có thẩm quyền (Nghị định 30/2020, Điều 5)',
  ],
  ORGANIZATION_SIGNATURE_MISSING: [
    'info',
    'No valid signature of the issuing body (Decree 30/2020, Art. 5)',
    'Không có chữ ký số hợp lệ của cơ quan, tổ chức ban hành (Nghị định 30/2020, Điều 5)',
  ],
  PDF_UNREADABLE: ['error', 'The PDF cannot be read', 'Không đọc được tệp PDF'],
} as const satisfies Record<string, ReasonEntry>;

/** Every reason code specific to PDF signatures. */
export type PdfReasonCode = keyof typeof CATALOGUE;

/**
 * A {@link Reason} from the PDF catalogue, with an optional detail appended to both texts and an optional severity.
 * @example
 * ```ts
 * pdfReason('MODIFIED_AFTER_SIGNING', { detail: 'page 1 content' });
 * ```
 */
export function pdfReason(code: PdfReasonCode, options: { detail?: string; severity?: Reason['severity'] } = {}): Reason {
  return reasonFromEntry(code, CATALOGUE[code], options);
}
