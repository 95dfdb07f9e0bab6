import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { agencyLevel, isValidAgencyId, parentAgencyId, parseAgencyId } from '../../src/edxml/agency-id.js';

describe('parseAgencyId', () => {
  test('describes a level-1 body with no parent', () => {
    expect(parseAgencyId('000.00.00.G22')).toEqual({
      raw: '000.00.00.G22',
      valid: true,
      level: 1,
      groups: ['000', '00', '00', 'G22'],
      body: 'G22',
    });
  });

  test('gives level 2 and the parent body for 000.00.18.G12', () => {
    const p = parseAgencyId('000.00.18.G12');
    expect(p.level).toBe(2);
    expect(p.parent).toBe('000.00.00.G12');
    expect(p.body).toBe('G12');
  });

  test('gives levels 3 and 4 and zeroes the most specific non-zero group', () => {
    expect(parseAgencyId('000.05.18.H41')).toMatchObject({ level: 3, parent: '000.00.18.H41' });
    expect(parseAgencyId('012.05.18.H41')).toMatchObject({ level: 4, parent: '000.05.18.H41' });
    expect(parseAgencyId('012.00.00.A53')).toMatchObject({ level: 4, parent: '000.00.00.A53' });
  });

  test('accepts any string on read and flags it as not valid', () => {
    expect(parseAgencyId('vxp.saas.03')).toEqual({ raw: 'vxp.saas.03', valid: false });
    expect(parseAgencyId('')).toEqual({ raw: '', valid: false });
    expect(parseAgencyId('28.22.H17')).toEqual({ raw: '28.22.H17', valid: false, body: 'H17' });
    expect(parseAgencyId('01.02.G22')).toMatchObject({ valid: false, body: 'G22' });
    expect(parseAgencyId('001.00.20.TT2')).toEqual({ raw: '001.00.20.TT2', valid: false });
  });

  test('never throws and round-trips raw for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const p = parseAgencyId(s);
        expect(p.raw).toBe(s);
        expect(p.valid).toBe(isValidAgencyId(s));
      }),
    );
  });

  test('walking parents of any strict id reaches a level-1 body in level-1 steps', () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
    const id = fc
      .tuple(digits(3), digits(2), digits(2), fc.constantFrom('G', 'H', 'A', 'B'), digits(2))
      .map(([l, k, j, x, n]) => `${l}.${k}.${j}.${x}${n}`);
    fc.assert(
      fc.property(id, (s) => {
        let cur: string | undefined = s;
        let level = agencyLevel(s)!;
        let steps = 0;
        while (parentAgencyId(cur!) !== undefined) {
          const next: string = parentAgencyId(cur!)!;
          expect(agencyLevel(next)!).toBeLessThan(level);
          expect(next.slice(-3)).toBe(s.slice(-3));
          level = agencyLevel(next)!;
          cur = next;
          steps++;
        }
        expect(agencyLevel(cur!)).toBe(1);
        expect(steps).toBeLessThanOrEqual(3);
      }),
    );
  });
});

describe('isValidAgencyId', () => {
  test('accepts only the strict write form', () => {
    expect(isValidAgencyId('000.00.00.G22')).toBe(true);
    expect(isValidAgencyId('000.00.00.g22')).toBe(false);
    expect(isValidAgencyId('000.00.00.G22 ')).toBe(false);
    expect(isValidAgencyId('0000.00.00.G22')).toBe(false);
    expect(isValidAgencyId('000.00.00.GG2')).toBe(false);
  });
});

describe('agencyLevel and parentAgencyId', () => {
  test('are undefined for identifiers not in the strict form', () => {
    expect(agencyLevel('vxp.saas.03')).toBeUndefined();
    expect(parentAgencyId('28.22.H17')).toBeUndefined();
    expect(parentAgencyId('000.00.00.H41')).toBeUndefined();
  });
});
