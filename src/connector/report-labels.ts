/**
 * Labels and number/date formats of the HTML compliance report, in Vietnamese and English.
 * @internal
 * @module
 */
import { STATUS_CODES } from '../edxml/codes.js';
import { toVietnamTimestamp } from '../edxml/vietnam-time.js';
import type { PeriodUnit } from './report-periods.js';
import type { ReportingClass } from './tracking-types.js';

/** The report's language. */
export type ReportLanguage = 'vi' | 'en';

const VI = {
  title: 'Báo cáo tình hình gửi, nhận văn bản điện tử',
  agency: 'Cơ quan báo cáo',
  period: 'Kỳ báo cáo',
  generatedAt: 'Lập lúc',
  summary: 'Tổng hợp',
  sent: 'Đã gửi',
  received: 'Đã nhận',
  sentDocuments: 'Văn bản đã gửi',
  sentTrails: 'Lượt gửi (văn bản × nơi nhận)',
  receivedDocuments: 'Văn bản đã nhận',
  counterparts: 'Cơ quan liên thông',
  overdue: 'Quá hạn',
  late: 'Trễ hạn',
  refused: 'Từ chối',
  withdrawn: 'Đã thu hồi',
  fullShareSent: 'Tỷ lệ nơi nhận báo cáo đầy đủ trạng thái',
  fullShareReceived: 'Tỷ lệ văn bản đến được báo cáo đầy đủ trạng thái',
  byPeriod: 'Số văn bản theo kỳ',
  byCounterpart: 'Số văn bản theo cơ quan liên thông',
  reportingClasses: 'Mức độ cập nhật trạng thái xử lý của nơi nhận',
  reportingClass: 'Mức độ cập nhật',
  timings: 'Thời gian đến các trạng thái',
  timingNote: 'Tính từ khi trục nhận văn bản (gửi đi) hoặc khi hệ thống lưu văn bản (nhận về); thời gian hành chính chỉ tính giờ làm việc.',
  overdueItems: 'Văn bản quá hạn cập nhật trạng thái',
  lateItems: 'Trạng thái cập nhật trễ hạn',
  refusedItems: 'Văn bản bị từ chối tiếp nhận (02)',
  withdrawnItems: 'Văn bản đã thu hồi',
  organId: 'Mã định danh',
  organName: 'Tên cơ quan',
  documentCode: 'Số, ký hiệu',
  subject: 'Trích yếu',
  side: 'Chiều',
  sideSent: 'Gửi đi',
  sideReceived: 'Nhận về',
  stage: 'Trạng thái',
  dueAt: 'Hạn',
  doneAt: 'Cập nhật lúc',
  overdueBy: 'Quá hạn',
  lateBy: 'Trễ',
  priority: 'Độ khẩn',
  reason: 'Lý do',
  at: 'Thời điểm',
  staff: 'Người xử lý',
  periodCol: 'Kỳ',
  count: 'Số lượt',
  median: 'Trung vị',
  p90: 'Phân vị 90',
  working: 'giờ hành chính',
  wall: 'thời gian thực',
  noData: 'Không có dữ liệu',
  none: 'Không có',
  total: 'Tổng',
  legend: 'Chú giải',
  moreRows: (n: number) => `và ${n} cơ quan khác (xem bảng)`,
  moreItems: (shown: number, total: number) => `Hiển thị ${shown}/${total} mục; danh sách đầy đủ có trong tệp CSV và JSON.`,
  unit: { day: 'ngày', week: 'tuần', month: 'tháng' } satisfies Record<PeriodUnit, string>,
  classes: { full: 'Đầy đủ', partial: 'Chưa đầy đủ', 'arrival-only': 'Chỉ báo đã đến', silent: 'Không phản hồi' } satisfies Record<ReportingClass, string>,
  duration: { min: 'phút', hour: 'giờ', day: 'ngày' },
};

type ReportLabels = typeof VI;

const EN: ReportLabels = {
  title: 'Electronic document exchange report',
  agency: 'Reporting body',
  period: 'Period',
  generatedAt: 'Generated',
  summary: 'Summary',
  sent: 'Sent',
  received: 'Received',
  sentDocuments: 'Documents sent',
  sentTrails: 'Deliveries (documents × recipients)',
  receivedDocuments: 'Documents received',
  counterparts: 'Counterparts',
  overdue: 'Overdue',
  late: 'Late',
  refused: 'Refused',
  withdrawn: 'Withdrawn',
  fullShareSent: 'Recipients reporting the full status trail',
  fullShareReceived: 'Received documents with the full status trail reported',
  byPeriod: 'Documents per period',
  byCounterpart: 'Documents per counterpart',
  reportingClasses: 'How recipients report processing status',
  reportingClass: 'Reporting class',
  timings: 'Time to status',
  timingNote: 'From the axis accepting the document (sent) or this system storing it (received); working time counts working hours only.',
  overdueItems: 'Overdue status updates',
  lateItems: 'Statuses reported late',
  refusedItems: 'Documents refused (02)',
  withdrawnItems: 'Withdrawn documents',
  organId: 'Agency id',
  organName: 'Agency',
  documentCode: 'Number/notation',
  subject: 'Subject',
  side: 'Direction',
  sideSent: 'Sent',
  sideReceived: 'Received',
  stage: 'Status',
  dueAt: 'Due',
  doneAt: 'Reported',
  overdueBy: 'Overdue by',
  lateBy: 'Late by',
  priority: 'Priority',
  reason: 'Reason',
  at: 'When',
  staff: 'Officer',
  periodCol: 'Period',
  count: 'Count',
  median: 'Median',
  p90: '90th percentile',
  working: 'working time',
  wall: 'wall-clock',
  noData: 'No data',
  none: 'None',
  total: 'Total',
  legend: 'Legend',
  moreRows: (n: number) => `and ${n} more (see the table)`,
  moreItems: (shown: number, total: number) => `Showing ${shown} of ${total}; the CSV and JSON list them all.`,
  unit: { day: 'day', week: 'week', month: 'month' },
  classes: { full: 'Full', partial: 'Partial', 'arrival-only': 'Arrival only', silent: 'Silent' },
  duration: { min: 'min', hour: 'h', day: 'd' },
};

/** Labels and formats in one language. */
export interface ReportText {
  readonly lang: ReportLanguage;
  readonly t: ReportLabels;
  /** A status code's label, `01 Đã đến`. */
  status(code: string): string;
  number(n: number): string;
  percent(share: number | null): string;
  /** Minutes as `2 giờ 5 phút` / `2 h 5 min`; `–` for null. */
  minutes(m: number | null): string;
  /** A `YYYY-MM-DD` date as `31/12/2025` (vi) or `2025-12-31` (en). */
  date(iso: string): string;
  /** An instant (any ISO 8601 text) in Vietnam time, `31/12/2025 17:00`; unreadable text as given. */
  dateTime(text: string): string;
}

/** The labels and formats of a language. */
export function reportText(lang: ReportLanguage): ReportText {
  const t = lang === 'vi' ? VI : EN;
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const date = (iso: string) => (lang === 'vi' && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso);
  return {
    lang,
    t,
    status: (code) => {
      const entry = (STATUS_CODES as Record<string, { vi: string; en: string } | undefined>)[code];
      return entry ? `${code} ${entry[lang]}` : code;
    },
    number: (n) => num.format(n),
    percent: (share) => (share === null ? '–' : pct.format(share)),
    minutes: (m) => {
      if (m === null) return '–';
      const u = t.duration;
      if (m < 60) return `${num.format(m)} ${u.min}`;
      const total = Math.round(m);
      if (total < 24 * 60) return `${Math.floor(total / 60)} ${u.hour} ${total % 60} ${u.min}`;
      return `${Math.floor(total / 1440)} ${u.day} ${Math.floor((total % 1440) / 60)} ${u.hour}`;
    },
    date,
    dateTime: (text) => {
      const ms = Date.parse(text);
      if (!Number.isFinite(ms)) return text;
      const local = toVietnamTimestamp(new Date(ms));
      return `${date(local.slice(0, 10))} ${local.slice(11, 16)}`;
    },
  };
}
