import { describe, expect, test } from 'vitest';
import type { ParsedEdxml } from '../../src/edxml/model.js';
import { RecentPackages } from '../../src/connector/recent-packages.js';

const pkg = (n: number) => ({ kind: 'status', n }) as unknown as ParsedEdxml;

describe('RecentPackages', () => {
  test('gives a kept package once, drops the oldest past its size, and keeps nothing over 1 MiB', () => {
    const recent = new RecentPackages(2);
    recent.remember('i1', pkg(1), 100);
    recent.remember('i2', pkg(2), 100);
    recent.remember('i3', pkg(3), 100);
    expect(recent.take('i1')).toBeUndefined();
    expect(recent.take('i2')).toEqual(pkg(2));
    expect(recent.take('i2')).toBeUndefined();
    recent.remember('big', pkg(4), 1024 * 1024 + 1);
    expect(recent.take('big')).toBeUndefined();
    expect(recent.take('i3')).toEqual(pkg(3));
  });
});
