/**
 * The catalogue of reasons the trust engine reports: a stable code, a default severity and the
 * text in English and Vietnamese for the clerk's screen.
 * @module
 */
import { reasonFromEntry, type Reason, type ReasonEntry } from './report.js';


/**
 * Every trust engine reason: its code, default severity, and text in English and Vietnamese, for
 * applications that list or translate reasons.
 */
export const CATALOGUE = {
  CERT_EXPIRED: ['error', 'The certificate had expired at the time of signing', 'Chứng thư số đã hết hạn tại thời điểm ký'],
  CERT_NOT_YET_VALID: ['error', 'The certificate was not yet valid at the time of signing', 'Chứng thư số chưa có hiệu lực tại thời điểm ký'],
  CA_CERT_EXPIRED: ['error', 'A CA certificate of the chain had expired at the time of signing', 'Chứng thư số của CA trong chuỗi đã hết hạn tại thời điểm ký'],
  CA_CERT_NOT_YET_VALID: ['error', 'A CA certificate of the chain was not yet valid at the time of signing', 'Chứng thư số của CA trong chuỗi chưa có hiệu lực tại thời điểm ký'],
  CERT_SIGNATURE_INVALID: ['error', "The issuing CA's signature on a certificate does not verify", 'Chữ ký của CA trên chứng thư số không hợp lệ'],
  CHAIN_ISSUER_NOT_FOUND: ['indeterminate', 'The certificate of the issuing CA was not found', 'Không tìm thấy chứng thư số của CA cấp'],
  CHAIN_UNTRUSTED_ROOT: ['error', 'The chain ends at a root CA that is not trusted', 'Chuỗi chứng thư số dẫn tới CA gốc không được tin cậy'],
  CERT_SELF_SIGNED_UNTRUSTED: ['error', 'The certificate is self-signed and not a trusted anchor', 'Chứng thư số tự ký, không được tin cậy'],
  CHAIN_TOO_LONG: ['error', 'The certificate chain is too long', 'Chuỗi chứng thư số quá dài'],
  CA_NOT_CA: ['error', 'A certificate in the chain issues certificates but is not a CA (basicConstraints)', 'Chứng thư số trung gian không phải của CA (thiếu basicConstraints CA)'],
  CHAIN_PATH_LENGTH_EXCEEDED: ['error', 'The chain has more CAs than a path length constraint allows', 'Chuỗi chứng thư số vượt giới hạn độ dài (pathLen)'],
  CA_KEY_USAGE: ['error', 'A CA certificate of the chain may not sign certificates (keyUsage)', 'Chứng thư số của CA không được phép ký chứng thư số (keyUsage)'],
  CERT_KEY_USAGE: ['error', 'The certificate may not be used to sign (keyUsage)', 'Chứng thư số không được phép dùng để ký (keyUsage)'],
  CERT_NOT_CA: ['error', 'The certificate is not a CA certificate', 'Chứng thư số không phải của CA'],
  TSA_EKU_MISSING: ['error', 'The certificate is not a time-stamping authority certificate (extendedKeyUsage)', 'Chứng thư số không phải của đơn vị cấp dấu thời gian (extendedKeyUsage)'],
  TSA_EKU_NOT_CRITICAL: ['warning', 'The time-stamping usage of the TSA certificate is not marked critical', 'Mục đích cấp dấu thời gian của chứng thư số TSA không được đánh dấu bắt buộc'],
  CERT_UNKNOWN_CRITICAL_EXTENSION: ['error', 'A certificate carries a critical extension this verifier does not process', 'Chứng thư số có phần mở rộng bắt buộc không được hỗ trợ'],
  CHAIN_EXTRA_CERT_UNREADABLE: ['warning', 'A certificate supplied with the signature cannot be read and was ignored', 'Một chứng thư số đi kèm chữ ký không đọc được và đã bị bỏ qua'],
  CHAIN_FETCH_FAILED: ['info', 'The certificate of the issuing CA could not be downloaded', 'Không tải được chứng thư số của CA cấp'],
  ALGORITHM_LEGACY_SHA1: ['warning', 'SHA-1 is used (accepted for old material only)', 'Sử dụng thuật toán SHA-1 (chỉ chấp nhận với dữ liệu cũ)'],
  ALGORITHM_SHA1_REFUSED: ['error', 'SHA-1 is used and the policy refuses it', 'Sử dụng thuật toán SHA-1, chính sách không chấp nhận'],
  ALGORITHM_NOT_ALLOWED: ['error', 'An algorithm is not allowed by the policy', 'Thuật toán không được chính sách cho phép'],
  ALGORITHM_UNSUPPORTED: ['error', 'An algorithm is not supported', 'Thuật toán không được hỗ trợ'],
  ALGORITHM_WEAK_KEY: ['warning', 'An RSA key is shorter than the policy minimum (accepted for old material)', 'Khóa RSA ngắn hơn mức tối thiểu (chỉ chấp nhận với dữ liệu cũ)'],
  ALGORITHM_KEY_TOO_SMALL: ['error', 'An RSA key is too short', 'Khóa RSA quá ngắn'],
  CERT_REVOKED: ['error', 'The certificate had been revoked at the time of signing', 'Chứng thư số đã bị thu hồi tại thời điểm ký'],
  CA_CERT_REVOKED: ['error', 'A CA certificate of the chain had been revoked at the time of signing', 'Chứng thư số của CA trong chuỗi đã bị thu hồi tại thời điểm ký'],
  CERT_REVOKED_LATER: ['warning', 'The certificate was revoked after the time of signing', 'Chứng thư số bị thu hồi sau thời điểm ký'],
  REVOCATION_UNAVAILABLE: ['indeterminate', 'The revocation status could not be obtained', 'Không xác định được tình trạng thu hồi của chứng thư số'],
  REVOCATION_NOT_CHECKED: ['info', 'Revocation was not checked (policy off)', 'Không kiểm tra tình trạng thu hồi (theo chính sách)'],
  REVOCATION_CRL_INVALID: ['warning', 'A CRL was ignored (bad signature, wrong issuer or out of date)', 'Một danh sách thu hồi (CRL) bị bỏ qua (chữ ký sai, sai CA hoặc hết hạn)'],
  REVOCATION_OCSP_INVALID: ['warning', 'An OCSP response was ignored (bad signature, wrong responder or out of date)', 'Một phản hồi OCSP bị bỏ qua (chữ ký sai, sai đơn vị phản hồi hoặc hết hạn)'],
  REVOCATION_OCSP_UNKNOWN: ['warning', 'The OCSP responder does not know the certificate', 'Máy chủ OCSP không biết chứng thư số này'],
  TIMESTAMP_SIGNATURE_INVALID: ['error', 'The signature of the timestamp does not verify', 'Chữ ký của dấu thời gian không hợp lệ'],
  TIMESTAMP_IMPRINT_MISMATCH: ['error', 'The timestamp was not issued for this data', 'Dấu thời gian không khớp với dữ liệu đã ký'],
  TIMESTAMP_IMPRINT_NOT_CHECKED: ['indeterminate', 'The timestamp was not compared with the data it covers', 'Dấu thời gian chưa được đối chiếu với dữ liệu'],
  TIMESTAMP_SIGNER_NOT_FOUND: ['indeterminate', 'The certificate of the time-stamping authority is missing', 'Không tìm thấy chứng thư số của đơn vị cấp dấu thời gian'],
  TIMESTAMP_CERT_MISMATCH: ['error', 'The timestamp names a different TSA certificate than the one that signed it', 'Dấu thời gian chỉ định chứng thư số TSA khác với chứng thư số đã ký'],
  TIMESTAMP_TSA_UNTRUSTED: ['error', 'The certificate of the time-stamping authority is not valid', 'Chứng thư số của đơn vị cấp dấu thời gian không hợp lệ'],
} as const satisfies Record<string, ReasonEntry>;

/** Every reason code of the trust engine. */
export type TrustReasonCode = keyof typeof CATALOGUE;

/**
 * A {@link Reason} from the catalogue, with an optional detail (a subject, a URL) appended to both texts
 * and an optional severity replacing the default (e.g. revocation under `soft-fail`).
 * @example
 * ```ts
 * trustReason('CERT_EXPIRED', { detail: 'CN=Nguyễn Văn An' });
 * ```
 */
export function trustReason(
  code: TrustReasonCode,
  options: { detail?: string; severity?: Reason['severity'] } = {},
): Reason {
  return reasonFromEntry(code, CATALOGUE[code], options);
}
