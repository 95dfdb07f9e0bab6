import { describe, expect, test } from 'vitest';
import { buildComplianceReport } from '../../src/connector/compliance-report.js';
import { quantile } from '../../src/connector/timing-stats.js';
import { A, B, C, D, E, HOSTILE_NAME, PERIOD, RECEIVED, SENT, ev, sentDoc, vn } from '../helpers/tracking-fixture.js';

const report = buildComplianceReport({ sent: SENT, received: RECEIVED, ...PERIOD, agency: { organId: '000.00.00.H01', organName: 'UBND tỉnh' } });

describe('quantile (linear interpolation between closest ranks)', () => {
  test('median and p90 of small sets', () => {
    expect(quantile([10, 30, 20, 5, 1], 0.5)).toBe(10);
    expect(quantile([10, 30, 20, 5, 1], 0.9)).toBeCloseTo(26); // position 3.6: 20 + 0.6 × 10
    expect(quantile([1, 2, 3, 10], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 10], 0.9)).toBeCloseTo(7.9); // position 2.7: 3 + 0.7 × 7
    expect(quantile([42], 0.9)).toBe(42);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('buildComplianceReport on the hand-built week of 2025-09-08', () => {
  test('counts documents in the period only (sent when the axis took them, received when stored)', () => {
    expect(report.totals).toEqual({ sentDocuments: 4, sentTrails: 6, receivedDocuments: 5, counterparts: 5, overdue: 4, late: 2, refused: 2, withdrawn: 2 });
    expect(report.generatedAt).toBe('2025-09-15T03:00:00.000Z');
    expect(report.period).toEqual({ from: '2025-09-07T17:00:00.000Z', to: '2025-09-14T17:00:00.000Z', firstDay: '2025-09-08', lastDay: '2025-09-14', unit: 'day' });
    expect(report.agency).toEqual({ organId: '000.00.00.H01', organName: 'UBND tỉnh' });
  });

  test('counts per day', () => {
    expect(report.periods.map((p) => [p.start, p.sent, p.received])).toEqual([
      ['2025-09-08', 1, 1],
      ['2025-09-09', 1, 0],
      ['2025-09-10', 1, 1],
      ['2025-09-11', 1, 2],
      ['2025-09-12', 0, 1],
      ['2025-09-13', 0, 0],
      ['2025-09-14', 0, 0],
    ]);
    expect(report.periods.every((p) => p.start === p.end)).toBe(true);
  });

  test('counterparts, most documents first, with their reporting class', () => {
    expect(report.counterparts.map((c) => [c.organId, c.sent, c.received, c.reportingClass, c.overdue, c.late, c.refused, c.withdrawn])).toEqual([
      [A, 3, 0, 'full', 1, 1, 1, 0], // S1A full, S2A partial, S3A full (refused): 2 of 3 full
      [D, 0, 3, null, 0, 0, 1, 0],
      [B, 2, 0, 'partial', 1, 0, 0, 1], // S1B arrival-only, S4B partial: half reached partial
      [E, 0, 2, null, 0, 1, 0, 1],
      [C, 1, 0, 'silent', 2, 0, 0, 0],
    ]);
    const a = report.counterparts[0]!;
    expect(a.organName).toBe('Sở Nội vụ');
    expect(a.reporting).toEqual({ trails: 3, full: 2, partial: 1, arrivalOnly: 0, silent: 0, fullShare: 2 / 3 });
    expect(a.periods.map((p) => p.sent)).toEqual([1, 1, 1, 0, 0, 0, 0]);
    const d = report.counterparts[1]!;
    expect(d.organName).toBe(HOSTILE_NAME); // the latest name seen (R2)
    expect(d.periods.map((p) => p.received)).toEqual([1, 0, 0, 1, 1, 0, 0]);
    expect(report.counterparts[4]!.organName).toBeUndefined();
  });

  test('share of trails with the full status trail, both directions', () => {
    expect(report.reporting.sent).toEqual({ trails: 6, full: 2, partial: 2, arrivalOnly: 1, silent: 1, fullShare: 2 / 6 });
    expect(report.reporting.received).toEqual({ trails: 5, full: 2, partial: 1, arrivalOnly: 2, silent: 0, fullShare: 2 / 5 });
  });

  test('times to 01, 03, 06 on the sent side (median and p90, wall-clock and working minutes)', () => {
    // 01: 10, 30, 20, 5, 1 min (S3C silent) → median 10, p90 26
    expect(report.timings.sent['01']).toEqual({ count: 5, medianMinutes: 10, p90Minutes: 26, medianWorkingMinutes: 10, p90WorkingMinutes: 26 });
    // 03: S1A 60, S2A Tue 16:00 → Wed 08:30 = 990 (90 working), S4B 30
    // wall [30, 60, 990] → median 60, p90 60 + 0.8 × 930 = 804; working [30, 60, 90] → 60, 84
    expect(report.timings.sent['03']).toEqual({ count: 3, medianMinutes: 60, p90Minutes: 804, medianWorkingMinutes: 60, p90WorkingMinutes: 84 });
    // 06: S1A Mon 09:00 → Tue 09:00 = 1440 wall, 8 h + 1 h = 540 working
    expect(report.timings.sent['06']).toEqual({ count: 1, medianMinutes: 1440, p90Minutes: 1440, medianWorkingMinutes: 540, p90WorkingMinutes: 540 });
  });

  test('times to 01, 03, 06 on the received side', () => {
    // 01: R1 0, R2 0 (stored 17:30, after hours), R3 1, R4 0, R5 0 → median 0, p90 0.6
    expect(report.timings.received['01']).toEqual({ count: 5, medianMinutes: 0, p90Minutes: 0.6, medianWorkingMinutes: 0, p90WorkingMinutes: 0.6 });
    // 03: R1 60, R3 180 → median 120, p90 60 + 0.9 × 120 = 168
    expect(report.timings.received['03']).toEqual({ count: 2, medianMinutes: 120, p90Minutes: 168, medianWorkingMinutes: 120, p90WorkingMinutes: 168 });
    // 06: R1 Mon 14:00 → Thu 16:00 = 74 h wall; 3 + 9 + 9 + 8 = 29 h working
    expect(report.timings.received['06']).toEqual({ count: 1, medianMinutes: 4440, p90Minutes: 4440, medianWorkingMinutes: 1740, p90WorkingMinutes: 1740 });
  });

  test('overdue items at now, oldest due first, with their document', () => {
    expect(report.overdue.map((o) => [o.side, o.documentId, o.counterpart, o.stage, o.dueAt, o.overdueByMs / 60_000])).toEqual([
      ['sent', 'S1', B, '03', '2025-09-08T17:00:00+07:00', 9660], // 7 days less 7 h
      ['sent', 'S3', C, '01', '2025-09-10T11:00:00+07:00', 7140], // hỏa tốc: 1 working hour
      ['sent', 'S3', C, '03', '2025-09-10T11:00:00+07:00', 7140],
      ['sent', 'S2', A, '06', '2025-09-13T00:00:00+07:00', 3480], // DueDate 2025-09-12
    ]);
    expect(report.overdue[0]).toMatchObject({ code: 'S1/UBND-VP', subject: 'Công văn S1', counterpartName: 'Sở Y tế', priority: 0 });
    // R2 arrived Friday 17:30: due Monday 17:00, not yet overdue at Monday 10:00
    expect(report.overdue.some((o) => o.documentId === 'R2')).toBe(false);
  });

  test('late items: done, but after the due time', () => {
    expect(report.late.map((l) => [l.side, l.documentId, l.counterpart, l.stage, l.dueAt, l.doneAt, l.lateByMs / 60_000])).toEqual([
      ['sent', 'S2', A, '03', '2025-09-09T17:00:00+07:00', '2025-09-10T08:30:00+07:00', 930],
      ['received', 'R3', E, '03', '2025-09-10T10:00:00+07:00', '2025-09-10T11:00:00+07:00', 60], // thượng khẩn: 2 working hours
    ]);
  });

  test('refused items with reasons, and withdrawn items', () => {
    expect(report.refused).toEqual([
      { side: 'sent', documentId: 'S3', code: 'S3/UBND-VP', subject: 'Công văn S3', counterpart: A, counterpartName: 'Sở Nội vụ', at: '2025-09-10T10:30:00+07:00', reason: 'Sai thẩm quyền', staff: 'Nguyễn Văn A' },
      { side: 'received', documentId: 'R5', code: 'R5/STC-KH', subject: 'Văn bản đến R5', counterpart: D, at: '2025-09-11T09:10:00+07:00', reason: 'Văn bản "không" hợp lệ, thiếu chữ ký' },
    ]);
    expect(report.withdrawn.map((w) => [w.side, w.documentId, w.counterpart, w.at])).toEqual([
      ['received', 'R4', E, '2025-09-11T11:00:00+07:00'],
      ['sent', 'S4', B, '2025-09-11T15:00:00+07:00'],
    ]);
  });

  test('the report is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  test('the deadline policy given is applied and reported', () => {
    const lenient = buildComplianceReport({ sent: SENT, received: RECEIVED, ...PERIOD, deadlines: { stages: { '03': { 0: { workingDays: 10 }, 2: { workingDays: 10 } } } } });
    expect(lenient.late.map((l) => l.documentId)).toEqual([]);
    expect(lenient.overdue.map((o) => `${o.documentId}:${o.stage}`)).toEqual(['S3:01', 'S3:03', 'S2:06']);
    expect(lenient.deadlines.stages['03']['0']).toEqual({ workingDays: 10 });
    // a holiday on Tuesday 09-09 moves S2's registration deadline to Wednesday: on time
    const holiday = buildComplianceReport({ sent: SENT, received: RECEIVED, ...PERIOD, deadlines: { holidays: ['2025-09-09'] } });
    expect(holiday.late.map((l) => l.documentId)).toEqual(['R3']);
  });
});

describe('buildComplianceReport: periods and input', () => {
  test('a quarter is counted in weeks starting on Monday, a year in months', () => {
    const quarter = buildComplianceReport({ sent: SENT, received: RECEIVED, from: vn('2025-07-01T00:00'), to: vn('2025-10-01T00:00'), now: PERIOD.now });
    expect(quarter.period.unit).toBe('week');
    expect(quarter.periods[0]).toMatchObject({ start: '2025-07-01', end: '2025-07-06' }); // Tuesday → Sunday
    expect(quarter.periods[1]).toMatchObject({ start: '2025-07-07', end: '2025-07-13' });
    expect(quarter.periods.at(-1)).toMatchObject({ start: '2025-09-29', end: '2025-09-30' });
    const week = quarter.periods.find((p) => p.start === '2025-09-08')!;
    expect([week.sent, week.received]).toEqual([4, 5]);
    expect(quarter.periods.find((p) => p.start === '2025-09-01')!.sent).toBe(1); // S6, Friday 09-05
    const year = buildComplianceReport({ sent: SENT, received: RECEIVED, from: vn('2025-01-01T00:00'), to: vn('2026-01-01T00:00'), now: PERIOD.now });
    expect(year.period.unit).toBe('month');
    expect(year.periods).toHaveLength(12);
    expect(year.periods[8]).toMatchObject({ start: '2025-09-01', end: '2025-09-30', sent: 5, received: 6 });
  });

  test('the unit can be chosen', () => {
    const r = buildComplianceReport({ ...PERIOD, unit: 'week' });
    expect(r.periods).toEqual([{ start: '2025-09-08', end: '2025-09-14', sent: 0, received: 0 }]);
    expect(r.reporting.sent.fullShare).toBeNull();
    expect(r.timings.sent['01']).toEqual({ count: 0, medianMinutes: null, p90Minutes: null, medianWorkingMinutes: null, p90WorkingMinutes: null });
  });

  test.each([
    [{ ...PERIOD, to: PERIOD.from }, 'to'],
    [{ ...PERIOD, from: new Date('x') }, 'from'],
    [{ ...PERIOD, extra: 1 }, ''],
    [{ ...PERIOD, unit: 'year' }, 'unit'],
    [{ ...PERIOD, agency: { organId: '' } }, 'agency.organId'],
  ])('refuses bad input with VDXP_CONFIG_INVALID (%#)', (input, path) => {
    let error: unknown;
    try {
      buildComplianceReport(input as never);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'VDXP_CONFIG_INVALID', target: 'buildComplianceReport' });
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(path);
  });

  test('a bad deadline policy is refused', () => {
    expect(() => buildComplianceReport({ ...PERIOD, deadlines: { receipt: 'whenever' } as never })).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
  });
});

describe('buildComplianceReport: revoke and update packages', () => {
  const doc = sentDoc('V1', '2025-09-08T09:00', [
    { organId: A, events: [ev('01', '2025-09-08T09:05'), ev('03', '2025-09-08T09:30')] },
    { organId: B, events: [ev('01', '2025-09-08T09:06')] },
  ]);
  const revoke = sentDoc('V1', '2025-09-09T09:00', [
    { organId: A, events: [ev('15', '2025-09-09T10:00')] },
    { organId: B, events: [ev('16', '2025-09-09T10:00')] },
  ], { businessDocType: 1, outboxId: 'out-V1-revoke' });
  const update = sentDoc('V1', '2025-09-09T11:00', [{ organId: B, events: [] }], { businessDocType: 2, outboxId: 'out-V1-update' });
  const r = buildComplianceReport({ sent: [doc, revoke, update], ...PERIOD });

  test('are not counted as documents, nor classified, nor overdue', () => {
    expect(r.totals).toMatchObject({ sentDocuments: 1, sentTrails: 2 });
    expect(r.reporting.sent).toMatchObject({ trails: 2, partial: 1, arrivalOnly: 1, silent: 0 });
    expect(r.periods.map((p) => p.sent)).toEqual([1, 0, 0, 0, 0, 0, 0]);
  });

  test('a recipient that agreed (15) to a revoke has the document withdrawn: not overdue', () => {
    expect(r.withdrawn.map((w) => [w.documentId, w.counterpart, w.at])).toEqual([['V1', A, '2025-09-09T10:00:00+07:00']]);
    // B refused the revoke (16): it still owes 03 on V1
    expect(r.overdue.map((o) => `${o.documentId}:${o.counterpart}:${o.stage}`)).toEqual([`V1:${B}:03`]);
  });

  test('a trail marked withdrawn by the connector counts as withdrawn', () => {
    const marked = sentDoc('V2', '2025-09-08T09:00', [{ organId: C, events: [ev('01', '2025-09-08T09:05')], withdrawn: true }]);
    const m = buildComplianceReport({ sent: [marked], ...PERIOD });
    expect(m.withdrawn.map((w) => w.counterpart)).toEqual([C]);
    expect(m.overdue).toEqual([]);
  });
});
