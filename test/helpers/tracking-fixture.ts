/**
 * Hand-written tracking records for the deadline and report tests, with the week of
 * Monday 2025-09-08 … Sunday 2025-09-14 (no holiday) as the reporting period. The expected
 * numbers are worked out by hand in test/connector/compliance-report.test.ts.
 */
import type { ReceivedDocumentTracking, RecipientTrail, SentDocumentTracking, TrailEvent } from '../../src/connector/tracking-types.js';

/** An instant given as Vietnam local time `YYYY-MM-DDTHH:mm`. */
export function vn(local: string): Date {
  return new Date(`${local}:00+07:00`);
}

/** A status at Vietnam local time `YYYY-MM-DDTHH:mm`. */
export function ev(code: string, local: string, extra: Partial<TrailEvent> = {}): TrailEvent {
  return { code, at: `${local}:00+07:00`, recordedAt: vn(local).toISOString(), ...extra };
}

export const A = '000.00.01.H01';
export const B = '000.00.02.H01';
export const C = '000.00.03.H01';
export const D = '000.00.04.H01';
export const E = '000.00.05.H01';
export const HOSTILE_NAME = 'Sở <script>alert(1)</script> & "Tài chính"';
export const HOSTILE_SUBJECT = '<img src=x onerror=alert(1)> Về việc "báo cáo", quý III';

export function sentDoc(
  id: string,
  sentAtLocal: string | undefined,
  recipients: RecipientTrail[],
  extra: Partial<SentDocumentTracking> = {},
): SentDocumentTracking {
  return {
    documentId: id,
    outboxId: `out-${id}`,
    code: `${id}/UBND-VP`,
    subject: `Công văn ${id}`,
    priority: 0,
    businessDocType: 0,
    ...(sentAtLocal ? { sentAt: vn(sentAtLocal).toISOString() } : {}),
    state: sentAtLocal ? 'sent' : 'pending',
    recipients,
    ...extra,
  };
}

export function receivedDoc(
  id: string,
  from: string,
  receivedAtLocal: string,
  reported: TrailEvent[],
  extra: Partial<ReceivedDocumentTracking> = {},
): ReceivedDocumentTracking {
  return {
    documentId: id,
    inboxId: `in-${id}`,
    fromOrganId: from,
    code: `${id}/STC-KH`,
    subject: `Văn bản đến ${id}`,
    priority: 0,
    receivedAt: vn(receivedAtLocal).toISOString(),
    reported,
    withdrawn: false,
    ...extra,
  };
}

/** Documents sent; trails S1A … S4B as named in the report test. */
export const SENT: SentDocumentTracking[] = [
  sentDoc('S1', '2025-09-08T09:00', [
    {
      organId: A,
      organName: 'Sở Nội vụ',
      events: [ev('01', '2025-09-08T09:10'), ev('03', '2025-09-08T10:00'), ev('04', '2025-09-08T11:00'), ev('05', '2025-09-08T14:00'), ev('06', '2025-09-09T09:00')],
    },
    { organId: B, organName: 'Sở Y tế', events: [ev('01', '2025-09-08T09:30')] },
  ]),
  sentDoc('S2', '2025-09-09T16:00', [{ organId: A, organName: 'Sở Nội vụ', events: [ev('01', '2025-09-09T16:20'), ev('03', '2025-09-10T08:30')] }], {
    dueDate: '2025-09-12',
    subject: HOSTILE_SUBJECT,
  }),
  sentDoc(
    'S3',
    '2025-09-10T10:00',
    [
      { organId: C, events: [] },
      { organId: A, organName: 'Sở Nội vụ', events: [ev('01', '2025-09-10T10:05'), ev('02', '2025-09-10T10:30', { description: 'Sai thẩm quyền', staff: { staff: 'Nguyễn Văn A' } })] },
    ],
    { priority: 3 },
  ),
  sentDoc('S4', '2025-09-11T09:00', [{ organId: B, organName: 'Sở Y tế', events: [ev('01', '2025-09-11T09:01'), ev('03', '2025-09-11T09:30'), ev('15', '2025-09-11T15:00')] }], {
    dueDate: '2025-09-12',
  }),
  // never sent: not counted
  sentDoc('S5', undefined, [{ organId: C, events: [] }]),
  // sent before the period: not counted
  sentDoc('S6', '2025-09-05T10:00', [{ organId: C, events: [] }]),
];

/** Documents received; R1 … R5 as named in the report test. */
export const RECEIVED: ReceivedDocumentTracking[] = [
  receivedDoc('R1', D, '2025-09-08T14:00', [ev('01', '2025-09-08T14:00'), ev('03', '2025-09-08T15:00'), ev('04', '2025-09-08T15:30'), ev('05', '2025-09-09T10:00'), ev('06', '2025-09-11T16:00')], {
    fromOrganName: HOSTILE_NAME,
  }),
  receivedDoc('R2', D, '2025-09-12T17:30', [ev('01', '2025-09-12T17:30')], { fromOrganName: HOSTILE_NAME }),
  receivedDoc('R3', E, '2025-09-10T08:00', [ev('01', '2025-09-10T08:01'), ev('03', '2025-09-10T11:00')], { priority: 2, fromOrganName: 'Sở Xây dựng' }),
  receivedDoc('R4', E, '2025-09-11T10:00', [ev('01', '2025-09-11T10:00'), ev('15', '2025-09-11T11:00')], { withdrawn: true }),
  receivedDoc('R5', D, '2025-09-11T09:00', [ev('01', '2025-09-11T09:00'), ev('02', '2025-09-11T09:10', { description: 'Văn bản "không" hợp lệ, thiếu chữ ký' })]),
  // after the period: not counted
  receivedDoc('R6', D, '2025-09-15T11:00', []),
];

export const PERIOD = { from: vn('2025-09-08T00:00'), to: vn('2025-09-15T00:00'), now: vn('2025-09-15T10:00') };
