/**
 * Answers of {@link LocalAxis}, shaped like the real axis's: `status`, `ErrorCode` (text),
 * `ErrorDesc` (Vietnamese without diacritics, as the axis writes it), plus the operation's
 * fields. Refusals are HTTP 200 with `status: FAIL`, as the Java SDK expects.
 * @module
 */
import type { Readable } from 'node:stream';

/** A JSON answer. */
export interface JsonReply {
  readonly kind: 'json';
  readonly httpStatus: number;
  readonly body: Record<string, unknown>;
}

/** Package bytes (`downloadEdoc`). */
export interface StreamReply {
  readonly kind: 'stream';
  readonly stream: Readable;
  readonly length: number;
  readonly fileName: string;
}

/** A page that is not an axis answer (the non-JSON fault: what a proxy in front would send). */
export interface HtmlReply {
  readonly kind: 'html';
  readonly httpStatus: number;
  readonly html: string;
}

export type AxisReply = JsonReply | StreamReply | HtmlReply;

/** `status: OK` with extra fields. */
export function ok(fields: Record<string, unknown> = {}): JsonReply {
  return { kind: 'json', httpStatus: 200, body: { status: 'OK', ErrorCode: '0', ErrorDesc: 'Thanh cong', ...fields } };
}

/** `status: FAIL`. List operations also carry an empty `data` (the Java SDK crashes without it). */
export function fail(errorCode: string, errorDesc: string, fields: Record<string, unknown> = {}, httpStatus = 200): JsonReply {
  return { kind: 'json', httpStatus, body: { status: 'FAIL', ErrorCode: errorCode, ErrorDesc: errorDesc, ...fields } };
}

/** LocalAxis's own error codes (the real axis publishes no table; clients must keep ErrorDesc). */
export const ERROR_CODE = {
  auth: '401',
  forbidden: '403',
  notFound: '404',
  invalid: '400',
  tooLarge: '413',
  method: '405',
  server: '500',
  upstream: '502',
} as const;

/** The Vietnamese descriptions. */
export const DESC = {
  missingAuth: 'Thieu thong tin xac thuc (XroadVnpt-sign-header-key, XroadVnpt-sign-header, XroadVnpt-hash-header)',
  malformedAuth: 'Thong tin xac thuc khong dung dinh dang (XroadVnpt-sign-header)',
  unknownSystem: (id: string) => `He thong ${id} chua duoc dang ky tren truc`,
  badHmac: 'Chu ky xac thuc khong hop le (XroadVnpt-hash-header)',
  keyMismatch: (detail: string) => `Danh sach tham so ky (XroadVnpt-sign-header-key) khong khop voi header: ${detail}`,
  badTimestamp: 'Thoi gian yeu cau (timestamp) khong dung dinh dang ddMMyyyyTHHmmss+SSSS',
  staleTimestamp: (ts: string) => `Thoi gian yeu cau (timestamp) ${ts} da het han hoac chua den`,
  senderMismatch: (from: string, systemId: string) => `Don vi gui ${from} khong dung voi ma da dang ky: ${systemId}`,
  missingParam: (name: string) => `Thieu tham so ${name}`,
  badParam: (name: string, value: string) => `Gia tri tham so ${name} khong hop le: ${value}`,
  hashMismatch: 'Ma bam tep tin (hash-file) khong khop voi noi dung goi tin',
  invalidPackage: (detail: string) => `Goi tin edXML khong hop le: ${detail}`,
  typeMismatch: (header: string, actual: string) => `Loai goi tin (messagetype ${header}) khong khop voi noi dung goi tin (${actual})`,
  unknownRecipient: (code: string) => `Don vi nhan ${code} chua duoc dang ky tren truc`,
  noRecipient: 'Goi tin khong co don vi nhan',
  docNotFound: (docId: string) => `Khong tim thay goi tin co ma: ${docId}`,
  tooLarge: (max: number) => `Kich thuoc goi tin vuot qua gioi han ${max} byte`,
  unknownOperation: (path: string) => `Khong ho tro dich vu: ${path}`,
  wrongMethod: (method: string, expected: string) => `Phuong thuc ${method} khong duoc ho tro, hay dung ${expected}`,
  badAgencyData: (detail: string) => `Du lieu don vi khong hop le: ${detail}`,
  agencyTaken: (code: string) => `Ma don vi ${code} da duoc dang ky boi he thong khac`,
  agencyNotFound: (code: string) => `Khong tim thay don vi co ma: ${code}`,
  parentNotServed: (pcode: string, systemId: string) => `Don vi cap tren ${pcode} khong thuoc he thong ${systemId}`,
  cannotDeleteSystem: (code: string) => `Khong the xoa ma he thong ${code}`,
  upstreamFailed: (detail: string) => `Khong chuyen duoc goi tin len truc cap tren: ${detail}`,
  injected: 'Loi he thong (gia lap)',
  serverError: 'Loi he thong',
} as const;

/** Human text of a transport ack state. */
export const ACK_DESC: Record<string, string> = {
  initial: 'Chua nhan',
  processing: 'Dang xu ly',
  done: 'Da nhan',
  fail: 'Nhan loi',
};

/** One authenticated request, as handlers see it. */
export interface AxisCall {
  /** The verified caller. */
  readonly systemId: string;
  /** A signed parameter, by name, case-insensitive; never an unsigned header. */
  param(name: string): string | undefined;
  /** The request body (empty for GET). */
  readonly body: Buffer;
  /** The instant the request is handled. */
  readonly now: Date;
}
