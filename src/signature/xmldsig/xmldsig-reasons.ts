/**
 * The reasons an edXML package signature check reports beyond the trust engine's own: a
 * stable code, a default severity, and the text in English and Vietnamese.
 * @module
 */
import { reasonFromEntry, type Reason, type ReasonEntry } from '../report.js';


/**
 * Every package signature reason: its code, default severity, and text in English and Vietnamese, for
 * applications that list or translate reasons.
 */
export const CATALOGUE = {
  SIGNATURE_ABSENT: ['indeterminate', 'The package carries no signature', 'Gói tin không có chữ ký số'],
  SIGNATURE_NON_STANDARD: [
    'indeterminate',
    'The package signature is not an XML Signature (written in the QCVN namespace) and cannot be verified',
    'Chữ ký của gói tin không theo chuẩn XML Signature (thuộc không gian tên QCVN), không kiểm tra được',
  ],
  SIGNATURE_MALFORMED: ['error', 'The signature is malformed', 'Chữ ký số sai cấu trúc'],
  SIGNATURE_WRAPPING: [
    'error',
    'The signature does not cover exactly the whole package (possible signature wrapping)',
    'Chữ ký số không bao trùm đúng toàn bộ gói tin (nghi ngờ tấn công bọc chữ ký)',
  ],
  DIGEST_MISMATCH: ['error', 'The package was changed after it was signed', 'Nội dung gói tin đã bị thay đổi sau khi ký'],
  TRACE_HEADERS_APPENDED: [
    'info',
    'TraceHeaders added after signing (by the axis, in transit) are not covered by the signature; number added',
    'Thông tin vết (TraceHeader) do trục liên thông thêm sau khi ký không được chữ ký bảo vệ; số lượng',
  ],
  SIGNATURE_INVALID: [
    'error',
    'The signature value does not verify with the certificate in the signature',
    'Giá trị chữ ký không khớp với chứng thư số đi kèm',
  ],
  SIGNER_CERT_MISSING: [
    'indeterminate',
    "The signature carries no usable signer's certificate",
    'Chữ ký số không kèm chứng thư số của người ký',
  ],
  SIGNATURE_OBJECT_IGNORED: [
    'info',
    'The signature carries Object elements; they are not covered by the signature and were ignored',
    'Chữ ký số có phần tử Object không được ký, đã bỏ qua',
  ],
} as const satisfies Record<string, ReasonEntry>;

/** Every reason code specific to package signatures. */
export type XmldsigReasonCode = keyof typeof CATALOGUE;

/**
 * A {@link Reason} from the catalogue, with an optional detail appended to both texts.
 * @example
 * ```ts
 * xmldsigReason('SIGNATURE_WRAPPING', { detail: 'Reference URI="#doc"' });
 * ```
 */
export function xmldsigReason(code: XmldsigReasonCode, options: { detail?: string; severity?: Reason['severity'] } = {}): Reason {
  return reasonFromEntry(code, CATALOGUE[code], options);
}
