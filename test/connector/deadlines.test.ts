import { describe, expect, test } from 'vitest';
import { findLate, findOverdue, resolveDeadlinePolicy } from '../../src/connector/deadlines.js';
import { A, B, ev, receivedDoc, sentDoc, vn } from '../helpers/tracking-fixture.js';

const H = 3_600_000;
const MIN = 60_000;

describe('resolveDeadlinePolicy', () => {
  test('fills the defaults: same working day for 01/03, immediately when urgent, DueDate for 06', () => {
    const p = resolveDeadlinePolicy();
    expect(p.receipt).toBe('same-working-day');
    expect(p.stages['01']).toEqual({ 0: 'same-working-day', 1: 'immediately', 2: 'immediately', 3: 'immediately', 4: 'immediately' });
    expect(p.stages['03']['0']).toBe('same-working-day');
    expect(p.stages['06']).toEqual({ 0: 'due-date', 1: 'due-date', 2: 'due-date', 3: 'due-date', 4: 'due-date' });
    expect(p.immediately).toEqual({ 1: { workingHours: 2 }, 2: { workingHours: 2 }, 3: { workingHours: 1 }, 4: { workingHours: 1 } });
    expect(p.workingDays).toEqual([1, 2, 3, 4, 5]);
  });

  test('keeps overrides and is idempotent', () => {
    const p = resolveDeadlinePolicy({ stages: { '06': { 0: { workingDays: 10 } } }, immediately: { 3: { hours: 1 } } });
    expect(p.stages['06']['0']).toEqual({ workingDays: 10 });
    expect(p.stages['06']['1']).toBe('due-date');
    expect(p.immediately['3']).toEqual({ hours: 1 });
    expect(p.immediately['1']).toEqual({ workingHours: 2 });
    expect(resolveDeadlinePolicy(p)).toEqual(p);
  });

  test.each([
    [{ receipt: 'next-week' }],
    [{ stages: { '04': {} } }],
    [{ stages: { '03': { 5: 'none' } } }],
    [{ stages: { '03': { 0: { workingHours: -1 } } } }],
    [{ immediately: { 1: 'none' } }],
    [{ holidays: ['2025-13-01'] }],
  ])('refuses a bad policy %j with VDXP_CONFIG_INVALID', (policy) => {
    expect(() => resolveDeadlinePolicy(policy as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID', target: 'DeadlinePolicy' }));
  });
});

describe('findOverdue: the same-working-day rule', () => {
  // Friday 2025-08-29 10:00, a silent recipient
  const sent = [sentDoc('D1', '2025-08-29T10:00', [{ organId: A, events: [] }])];

  test('a normal document not acknowledged by the end of the working day is overdue for 01 and 03', () => {
    const items = findOverdue({ sent }, {}, vn('2025-08-29T18:00'));
    expect(items).toEqual([
      { side: 'sent', documentId: 'D1', counterpart: A, stage: '01', dueAt: '2025-08-29T17:00:00+07:00', overdueByMs: H, priority: 0 },
      { side: 'sent', documentId: 'D1', counterpart: A, stage: '03', dueAt: '2025-08-29T17:00:00+07:00', overdueByMs: H, priority: 0 },
    ]);
  });

  test('nothing is overdue before the due time', () => {
    expect(findOverdue({ sent }, {}, vn('2025-08-29T16:59'))).toEqual([]);
  });

  test('a document sent after working hours is due at the end of the next working day', () => {
    const late = [sentDoc('D2', '2025-08-29T17:30', [{ organId: A, events: [] }])];
    expect(findOverdue({ sent: late }, {}, vn('2025-09-01T16:00'))).toEqual([]);
    expect(findOverdue({ sent: late }, {}, vn('2025-09-01T17:30')).map((i) => [i.stage, i.dueAt])).toEqual([
      ['01', '2025-09-01T17:00:00+07:00'],
      ['03', '2025-09-01T17:00:00+07:00'],
    ]);
    // with Monday and Tuesday off it is Wednesday
    const items = findOverdue({ sent: late }, { holidays: ['2025-09-01', '2025-09-02'] }, vn('2025-09-03T18:00'));
    expect(items.map((i) => i.dueAt)).toEqual(['2025-09-03T17:00:00+07:00', '2025-09-03T17:00:00+07:00']);
  });

  test('a status 03 without 01 also shows the document arrived', () => {
    const s = [sentDoc('D3', '2025-08-29T10:00', [{ organId: A, events: [ev('03', '2025-08-29T11:00')] }])];
    expect(findOverdue({ sent: s }, {}, vn('2025-09-05T10:00'))).toEqual([]);
  });

  test('an arrival-only recipient is overdue for 03 only', () => {
    const s = [sentDoc('D4', '2025-08-29T10:00', [{ organId: A, events: [ev('01', '2025-08-29T10:01')] }])];
    expect(findOverdue({ sent: s }, {}, vn('2025-08-29T17:01')).map((i) => [i.stage, i.overdueByMs])).toEqual([['03', MIN]]);
  });

  test('documents not yet sent are never overdue', () => {
    const s = [sentDoc('D5', undefined, [{ organId: A, events: [] }])];
    expect(findOverdue({ sent: s }, {}, vn('2030-01-01T00:00'))).toEqual([]);
  });
});

describe('findOverdue: urgent priorities', () => {
  const at = (priority: number, local = '2025-08-29T16:00') => [sentDoc(`P${priority}`, local, [{ organId: A, events: [] }], { priority })];
  const dueOf = (priority: number, policy = {}, local?: string) =>
    findOverdue({ sent: at(priority, local) }, policy, vn('2026-01-01T00:00')).find((i) => i.stage === '03')?.dueAt;

  test('khẩn and thượng khẩn are due within 2 working hours', () => {
    expect(dueOf(1)).toBe('2025-09-01T09:00:00+07:00');
    expect(dueOf(2)).toBe('2025-09-01T09:00:00+07:00');
  });

  test('hỏa tốc and hỏa tốc hẹn giờ are due within 1 working hour', () => {
    expect(dueOf(3)).toBe('2025-08-29T17:00:00+07:00');
    expect(dueOf(4, {}, '2025-08-29T16:30')).toBe('2025-09-01T08:30:00+07:00');
  });

  test('"immediately" is configurable, also as wall-clock hours', () => {
    expect(dueOf(4, { immediately: { 4: { hours: 1 } } }, '2025-08-29T16:30')).toBe('2025-08-29T17:30:00+07:00');
    expect(dueOf(1, { immediately: { 1: { workingHours: 4 } } })).toBe('2025-09-01T11:00:00+07:00');
  });

  test('per-stage, per-priority rules override the defaults', () => {
    expect(dueOf(0, { stages: { '03': { 0: { workingDays: 2 } } } })).toBe('2025-09-02T16:00:00+07:00');
    expect(dueOf(0, { stages: { '03': { 0: 'immediately' } } })).toBe('2025-09-01T09:00:00+07:00');
    expect(dueOf(3, { stages: { '03': { 3: 'none' } } })).toBeUndefined();
  });

  test('a priority outside 0–4 is read as the nearest one', () => {
    expect(dueOf(9)).toBe(dueOf(4));
  });
});

describe('findOverdue: finishing (06)', () => {
  const doc = (extra = {}) => [sentDoc('F1', '2025-08-25T09:00', [{ organId: A, events: [ev('01', '2025-08-25T09:05'), ev('03', '2025-08-25T10:00')] }], extra)];

  test('without a DueDate there is no deadline for 06 by default', () => {
    expect(findOverdue({ sent: doc() }, {}, vn('2026-01-01T00:00'))).toEqual([]);
  });

  test('a DueDate is due at the end of that day in Vietnam', () => {
    expect(findOverdue({ sent: doc({ dueDate: '2025-08-29' }) }, {}, vn('2025-08-29T23:59'))).toEqual([]);
    const items = findOverdue({ sent: doc({ dueDate: '2025-08-29' }) }, {}, vn('2025-08-30T01:00'));
    expect(items).toMatchObject([{ stage: '06', dueAt: '2025-08-30T00:00:00+07:00', overdueByMs: H }]);
  });

  test('a configured 06 rule applies without DueDate, and the DueDate wins when there is one', () => {
    const policy = { stages: { '06': { 0: { workingDays: 5 } } } };
    expect(findOverdue({ sent: doc() }, policy, vn('2025-09-02T10:00'))).toMatchObject([{ stage: '06', dueAt: '2025-09-01T09:00:00+07:00' }]);
    expect(findOverdue({ sent: doc({ dueDate: '2025-09-10' }) }, policy, vn('2025-09-02T10:00'))).toEqual([]);
  });
});

describe('findOverdue: refused, withdrawn, received side', () => {
  test('a recipient that refused with 02 is not overdue', () => {
    const s = [sentDoc('X1', '2025-08-25T09:00', [{ organId: A, events: [ev('01', '2025-08-25T09:05'), ev('02', '2025-08-25T09:30', { description: 'Sai địa chỉ' })] }], { dueDate: '2025-08-26' })];
    expect(findOverdue({ sent: s }, {}, vn('2026-01-01T00:00'))).toEqual([]);
  });

  test('a recipient that agreed to a take-back (15) is not overdue', () => {
    const s = [sentDoc('X2', '2025-08-25T09:00', [{ organId: B, events: [ev('01', '2025-08-25T09:05'), ev('15', '2025-08-25T11:00')] }])];
    expect(findOverdue({ sent: s }, {}, vn('2026-01-01T00:00'))).toEqual([]);
  });

  test('on the received side it is this system that owes the status', () => {
    const r = [receivedDoc('Y1', A, '2025-08-29T10:00', [ev('01', '2025-08-29T10:00')])];
    expect(findOverdue({ received: r }, {}, vn('2025-08-29T17:30'))).toEqual([
      { side: 'received', documentId: 'Y1', counterpart: A, stage: '03', dueAt: '2025-08-29T17:00:00+07:00', overdueByMs: 30 * MIN, priority: 0 },
    ]);
    const withdrawn = [receivedDoc('Y2', A, '2025-08-29T10:00', [ev('01', '2025-08-29T10:00')], { withdrawn: true })];
    expect(findOverdue({ received: withdrawn }, {}, vn('2025-09-29T17:30'))).toEqual([]);
  });

  test('items are sorted oldest due first', () => {
    const r = [receivedDoc('Y3', A, '2025-08-29T10:00', []), receivedDoc('Y4', B, '2025-08-28T10:00', [])];
    expect(findOverdue({ received: r }, {}, vn('2025-09-01T10:00')).map((i) => `${i.documentId}:${i.stage}`)).toEqual(['Y4:01', 'Y4:03', 'Y3:01', 'Y3:03']);
  });
});

describe('findLate: done after the due time', () => {
  test('a stage reported late is late, not overdue', () => {
    const s = [sentDoc('L1', '2025-08-29T10:00', [{ organId: A, events: [ev('01', '2025-08-29T10:05'), ev('03', '2025-09-01T09:00')] }])];
    expect(findOverdue({ sent: s }, {}, vn('2025-09-02T10:00'))).toEqual([]);
    expect(findLate({ sent: s })).toEqual([
      {
        side: 'sent',
        documentId: 'L1',
        counterpart: A,
        stage: '03',
        dueAt: '2025-08-29T17:00:00+07:00',
        doneAt: '2025-09-01T09:00:00+07:00',
        lateByMs: 64 * H,
        priority: 0,
      },
    ]);
  });

  test('a stage reported on time is neither late nor overdue', () => {
    const s = [sentDoc('L2', '2025-08-29T10:00', [{ organId: A, events: [ev('01', '2025-08-29T10:05'), ev('03', '2025-08-29T16:59')] }])];
    expect(findLate({ sent: s })).toEqual([]);
  });

  test('an urgent document registered after an hour and a half is late by half an hour', () => {
    const r = [receivedDoc('L3', A, '2025-08-28T09:00', [ev('01', '2025-08-28T09:00'), ev('03', '2025-08-28T10:30')], { priority: 3 })];
    expect(findLate({ received: r })).toMatchObject([{ side: 'received', stage: '03', lateByMs: 30 * MIN }]);
  });
});

describe('findOverdue: revoke and update packages', () => {
  test('are operations, not documents: no deadlines of their own', () => {
    const revoke = sentDoc('O1', '2025-08-25T09:00', [{ organId: A, events: [] }], { businessDocType: 1 });
    const update = sentDoc('O1', '2025-08-25T09:00', [{ organId: A, events: [] }], { businessDocType: 2 });
    expect(findOverdue({ sent: [revoke, update] }, {}, vn('2026-01-01T00:00'))).toEqual([]);
  });
});
