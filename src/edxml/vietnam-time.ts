/**
 * Vietnam time (UTC+7, no daylight saving) for the model and the wire. edXML timestamps
 * carry no zone and are Vietnam local time; the model writes them with the offset.
 * @module
 */

const OFFSET_MS = 7 * 60 * 60 * 1000;

/**
 * The model timestamp of an instant: `YYYY-MM-DDTHH:mm:ss+07:00`, in Vietnam time.
 *
 * @throws {RangeError} for an invalid Date
 * @example
 * ```ts
 * toVietnamTimestamp(new Date('2024-01-31T20:15:00Z')); // '2024-02-01T03:15:00+07:00'
 * ```
 */
export function toVietnamTimestamp(instant: Date): string {
  const t = instant.getTime();
  if (!Number.isFinite(t)) throw new RangeError('toVietnamTimestamp: invalid Date');
  const iso = new Date(t + OFFSET_MS).toISOString(); // the UTC fields now read as Vietnam time
  if (iso.length !== 24) throw new RangeError('toVietnamTimestamp: year outside 0000-9999');
  return `${iso.slice(0, 19)}+07:00`;
}

/**
 * The calendar date `YYYY-MM-DD` of an instant in Vietnam.
 * @example
 * ```ts
 * vietnamDate(new Date('2024-01-31T20:15:00Z')); // '2024-02-01'
 * ```
 */
export function vietnamDate(instant: Date): string {
  return toVietnamTimestamp(instant).slice(0, 10);
}

/** `YYYY-MM-DD` → the wire's `yyyy/MM/dd`. @internal */
export function isoDateToWire(isoDate: string): string {
  return isoDate.replaceAll('-', '/');
}

/** `YYYY-MM-DDTHH:mm:ss+07:00` → the wire's `yyyy/MM/dd HH:mm:ss`. @internal */
export function timestampToWire(timestamp: string): string {
  return `${isoDateToWire(timestamp.slice(0, 10))} ${timestamp.slice(11, 19)}`;
}
