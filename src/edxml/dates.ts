/**
 * Reading edXML dates and timestamps leniently into the model's ISO forms.
 *
 * Dates: the wire form `yyyy/MM/dd`, ISO `yyyy-MM-dd`, and the day-first `dd/MM/yyyy` a
 * provincial hub sends (read, and reported). Timestamps: `yyyy/MM/dd HH:mm:ss` (no zone:
 * Vietnam local time), ISO variants with `T`, fractions or a zone (converted to +07:00).
 * @internal
 * @module
 */

/** A date or timestamp read, with a note when its form was not the usual one. */
export interface LenientRead {
  /** `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss+07:00`. */
  readonly value: string;
  /** Set when the input was in an unusual form that was still understood. */
  readonly note?: string;
}

const YEAR_FIRST = /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})$/;
const DAY_FIRST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?$/;
const ZONE = /(Z|[+-]\d{2}:?\d{2})$/;
const VIETNAM_OFFSET_MINUTES = 7 * 60;

/** Reads a date; undefined when it is not one. */
export function readDate(text: string): LenientRead | undefined {
  const s = text.trim();
  const split = /^([^\sT]+)[ T]+(\S+)$/.exec(s);
  if (split) {
    // A timestamp where a date is expected: keep the calendar date it names.
    const ts = readTimestamp(s);
    return ts ? { value: ts.value.slice(0, 10), note: `a timestamp ${JSON.stringify(s)} where a date was expected` } : undefined;
  }
  const parts = dateParts(s);
  if (!parts) return undefined;
  const value = iso(parts.y, parts.m, parts.d);
  if (!value) return undefined;
  return parts.note ? { value, note: parts.note } : { value };
}

/** Reads a timestamp; undefined when it is not one. */
export function readTimestamp(text: string): LenientRead | undefined {
  let s = text.trim();
  let zoneMinutes: number | undefined;
  const z = ZONE.exec(s);
  if (z && /[T ]\d/.test(s)) {
    zoneMinutes = z[1] === 'Z' ? 0 : zoneOffset(z[1]!);
    s = s.slice(0, -z[1]!.length).trimEnd();
  }
  const m = /^([^\sT]+)(?:[ T]+(\S+))?$/.exec(s);
  if (!m) return undefined;
  const parts = dateParts(m[1]!);
  if (!parts) return undefined;
  let note = parts.note;
  let h = 0;
  let mi = 0;
  let sec = 0;
  if (m[2] === undefined) {
    note = note ?? `a date ${JSON.stringify(text.trim())} where a timestamp was expected (read as midnight)`;
  } else {
    const t = TIME.exec(m[2]);
    if (!t) return undefined;
    h = Number(t[1]);
    mi = Number(t[2]);
    sec = t[3] === undefined ? 0 : Number(t[3]);
    if (h > 23 || mi > 59 || sec > 59) return undefined;
  }
  if (!iso(parts.y, parts.m, parts.d)) return undefined;
  let y = parts.y;
  let mo = parts.m;
  let d = parts.d;
  if (zoneMinutes !== undefined && zoneMinutes !== VIETNAM_OFFSET_MINUTES) {
    const utc = Date.UTC(y, mo - 1, d, h, mi, sec) - zoneMinutes * 60_000;
    const local = new Date(utc + VIETNAM_OFFSET_MINUTES * 60_000);
    y = local.getUTCFullYear();
    mo = local.getUTCMonth() + 1;
    d = local.getUTCDate();
    h = local.getUTCHours();
    mi = local.getUTCMinutes();
    sec = local.getUTCSeconds();
  }
  const value = `${iso(y, mo, d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}+07:00`;
  return note ? { value, note } : { value };
}

function dateParts(s: string): { y: number; m: number; d: number; note?: string } | undefined {
  const yf = YEAR_FIRST.exec(s);
  if (yf) {
    const usual = (yf[2] === '/' || yf[2] === '-') && yf[3]!.length === 2 && yf[4]!.length === 2;
    const out = { y: Number(yf[1]), m: Number(yf[3]), d: Number(yf[4]) };
    return usual ? out : { ...out, note: `unusual date form ${JSON.stringify(s)} (expected yyyy/MM/dd)` };
  }
  const df = DAY_FIRST.exec(s);
  if (df) {
    return {
      y: Number(df[4]),
      m: Number(df[3]),
      d: Number(df[1]),
      note: `day-first date ${JSON.stringify(s)} read as dd/MM/yyyy (expected yyyy/MM/dd)`,
    };
  }
  return undefined;
}

function iso(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1) return undefined;
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return undefined;
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

function zoneOffset(z: string): number {
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
