import { describe, expect, test } from 'vitest';
import { classifyCounterpart, classifyTrail } from '../../src/connector/reporting-class.js';
import type { TrailEvent } from '../../src/connector/tracking-types.js';
import { ev } from '../helpers/tracking-fixture.js';

/** A trail of these codes, one minute apart from 09:00. */
function trail(...codes: string[]): TrailEvent[] {
  return codes.map((c, i) => ev(c, `2025-09-08T09:${String(i).padStart(2, '0')}`));
}

describe('classifyTrail', () => {
  test.each([
    [[], 'silent'],
    [['13'], 'silent'],
    [['01'], 'arrival-only'],
    [['01', '01'], 'arrival-only'],
    [['01', '03'], 'partial'],
    [['01', '03', '04'], 'partial'],
    [['01', '03', '05', '05'], 'partial'],
    [['03', '04', '05', '06'], 'partial'],
    [['01', '04', '05', '06'], 'partial'],
    [['01', '03', '06'], 'partial'],
    [['01', '06', '03', '04'], 'partial'],
    [['01', '03', '04', '06'], 'full'],
    [['01', '03', '05', '06'], 'full'],
    [['01', '03', '04', '05', '05', '06'], 'full'],
    [['01', '03', '04', '05', '06', '16'], 'full'],
    [['01', '02'], 'full'],
    [['02'], 'partial'],
    [['01', '03', '15'], 'partial'],
    [['01', '15'], 'arrival-only'],
  ])('%j is %s', (codes, expected) => {
    expect(classifyTrail(trail(...codes))).toBe(expected);
  });

  test('order comes from the timestamps, not from the order statuses were recorded in', () => {
    const outOfOrder = [ev('03', '2025-09-08T10:00'), ev('01', '2025-09-08T09:00'), ev('06', '2025-09-09T10:00'), ev('04', '2025-09-08T11:00')];
    expect(classifyTrail(outOfOrder)).toBe('full');
  });

  test('statuses stamped in the same second keep their recorded order', () => {
    const same = [ev('01', '2025-09-08T09:00'), ev('03', '2025-09-08T09:00'), ev('04', '2025-09-08T09:00'), ev('06', '2025-09-08T09:00')];
    expect(classifyTrail(same)).toBe('full');
    expect(classifyTrail([...same].reverse())).toBe('partial');
  });
});

describe('classifyCounterpart: the class at least half of its documents reached', () => {
  const full = trail('01', '03', '04', '05', '06');
  const partial = trail('01', '03');
  const arrival = trail('01');
  const silent: TrailEvent[] = [];

  test.each([
    ['no document', [], 'silent'],
    ['only silent trails', [silent, silent], 'silent'],
    ['all full', [full, full], 'full'],
    ['mostly full', [full, full, arrival], 'full'],
    ['half full', [full, silent], 'full'],
    ['one full of three', [full, arrival, arrival], 'arrival-only'],
    ['full and partial reach partial', [full, partial, arrival], 'partial'],
    ['a single 01 among silence is not silent', [silent, silent, arrival], 'arrival-only'],
    ['mostly partial', [partial, partial, full, silent], 'partial'],
  ] as const)('%s → %s', (_name, trails, expected) => {
    expect(classifyCounterpart(trails as readonly TrailEvent[][])).toBe(expected);
  });

  test('accepts recipient trails with their events', () => {
    expect(classifyCounterpart([{ events: full }, { events: partial }, { events: full }])).toBe('full');
  });
});
