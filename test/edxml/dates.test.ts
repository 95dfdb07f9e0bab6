import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { readDate, readTimestamp } from '../../src/edxml/dates.js';

describe('readDate', () => {
  test('reads every calendar date in the wire form, ISO and day-first forms alike', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const [y, m, day] = iso.split('-');
        expect(readDate(`${y}/${m}/${day}`)).toEqual({ value: iso });
        expect(readDate(iso)).toEqual({ value: iso });
        expect(readDate(`${day}/${m}/${y}`)).toEqual({ value: iso, note: expect.stringContaining('day-first') });
      }),
    );
  });

  test('refuses what is not a date', () => {
    for (const s of ['2024/02/30', '31/04/2024', '2024/13/01', 'hôm nay', '', '2024', '20240305', '2024/03/05/01']) {
      expect(readDate(s), s).toBeUndefined();
    }
  });
});

describe('readTimestamp', () => {
  test('reads wire and ISO forms as Vietnam local time', () => {
    expect(readTimestamp('2015/09/20 11:08:36')).toEqual({ value: '2015-09-20T11:08:36+07:00' });
    expect(readTimestamp(' 2015-09-20T11:08:36 ')).toEqual({ value: '2015-09-20T11:08:36+07:00' });
    expect(readTimestamp('2015-09-20T04:08:36.5Z')).toEqual({ value: '2015-09-20T11:08:36+07:00' });
    expect(readTimestamp('2015-12-31T20:00:00+0000')).toEqual({ value: '2016-01-01T03:00:00+07:00' });
    expect(readTimestamp('2015/09/20 11:08')).toEqual({ value: '2015-09-20T11:08:00+07:00' });
  });

  test('reads a date alone as midnight, with a note', () => {
    expect(readTimestamp('2015/09/20')).toEqual({ value: '2015-09-20T00:00:00+07:00', note: expect.any(String) });
    expect(readTimestamp('20/09/2015 08:00:00')).toEqual({ value: '2015-09-20T08:00:00+07:00', note: expect.stringContaining('day-first') });
  });

  test('refuses impossible times', () => {
    for (const s of ['2015/09/20 24:00:00', '2015/09/20 11:60:00', '2015/02/29 10:00:00', 'x 11:00:00', '2015/09/20 11:08:36 extra']) {
      expect(readTimestamp(s), s).toBeUndefined();
    }
  });

  test('round-trips any instant given in any zone to the same moment at +07:00', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -12, max: 14 }),
        (d, zone) => {
          const t = Math.floor(d.getTime() / 1000) * 1000;
          const local = new Date(t + zone * 3_600_000).toISOString().slice(0, 19);
          const z = `${zone < 0 ? '-' : '+'}${String(Math.abs(zone)).padStart(2, '0')}:00`;
          const read = readTimestamp(`${local}${z}`)!;
          expect(Date.parse(read.value)).toBe(t);
          expect(read.value.endsWith('+07:00')).toBe(true);
        },
      ),
    );
  });
});
