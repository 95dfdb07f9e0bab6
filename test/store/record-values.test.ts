import { describe, expect, test } from 'vitest';
import { frozenCopy } from '../../src/store/record-folder.js';
import { applyPatch } from '../../src/store/store-rules.js';

describe('frozenCopy (what a stored record is made of)', () => {
  const record = {
    id: 'o1',
    version: 3,
    recipients: ['000.00.00.H41', '000.00.00.G09'],
    summary: { code: '12/VPCP', subject: 'Trích yếu', nested: { deep: [1, { x: null }] } },
    note: undefined,
    flag: false,
  };

  test('copies plain data deeply, freezes every level and shares nothing with the input', () => {
    const copy = frozenCopy(record);
    expect(copy).toStrictEqual(structuredClone(record));
    expect(Object.keys(copy)).toEqual(Object.keys(record));
    expect(copy).not.toBe(record);
    expect(copy.recipients).not.toBe(record.recipients);
    expect(copy.summary.nested).not.toBe(record.summary.nested);
    for (const part of [copy, copy.recipients, copy.summary, copy.summary.nested, copy.summary.nested.deep, copy.summary.nested.deep[1]]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    record.recipients.push('000.00.00.X');
    expect(copy.recipients).toHaveLength(2);
    expect(Object.isFrozen(record)).toBe(false);
  });

  test('copies what structuredClone copies (a Date), frozen, and keeps an own "__proto__" key as data', () => {
    const at = new Date('2025-03-10T02:00:00Z');
    const withDate = frozenCopy({ id: 'a', at });
    expect(withDate.at).toBeInstanceOf(Date);
    expect(withDate.at).not.toBe(at);
    expect(withDate.at.getTime()).toBe(at.getTime());
    expect(Object.isFrozen(withDate)).toBe(true);

    // an own "__proto__" key (JSON.parse makes one) stays data, never a prototype
    const hostile = JSON.parse('{"id":"c","__proto__":{"polluted":true}}') as { id: string; polluted?: unknown };
    const copy = frozenCopy(hostile);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['id', '__proto__']);
  });

  test('copies circular and very deep values, and refuses what cannot be cloned', () => {
    const loop: { id: string; self?: unknown } = { id: 'loop' };
    loop.self = loop;
    const copied = frozenCopy(loop);
    expect(copied.self).toBe(copied);

    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    expect(frozenCopy(deep)).toStrictEqual(structuredClone(deep));

    expect(() => frozenCopy({ id: 'f', run: () => 1 })).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
  });
});

describe('applyPatch', () => {
  const record = { id: 'o1', version: 2, state: 'pending', lease: { workerId: 'w', expiresAt: 'x' }, attempts: 0 };

  test('replaces given fields, keeps undefined ones, removes null ones, appends new ones, bumps the version', () => {
    const next = applyPatch(record, { state: 'sent', lease: null, attempts: undefined, axisDocId: 'd9' });
    expect(next).toStrictEqual({ id: 'o1', version: 3, state: 'sent', attempts: 0, axisDocId: 'd9' });
    expect(Object.keys(next)).toEqual(['id', 'version', 'state', 'attempts', 'axisDocId']);
    expect(record).toStrictEqual({ id: 'o1', version: 2, state: 'pending', lease: { workerId: 'w', expiresAt: 'x' }, attempts: 0 });
  });

  test('a null for a field the record lacks adds nothing', () => {
    expect(applyPatch(record, { withdrawnAt: null })).toStrictEqual({ ...record, version: 3 });
  });

  test('an own "__proto__" key stays a plain property', () => {
    const hostile = JSON.parse('{"id":"h","version":1,"__proto__":{"polluted":true}}') as { id: string; version: number; polluted?: unknown };
    const next = applyPatch(hostile, { state: 'sent' });
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect((next as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(next)).toEqual(['id', 'version', '__proto__', 'state']);
  });
});
