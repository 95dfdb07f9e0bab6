/**
 * Strings of their own for what the library hands out and callers may keep. V8 keeps a
 * substring as a view of the string it was cut from (and a concatenation as a pair of its
 * parts), so a short field cut out of a package's decoded text keeps the whole text alive for
 * as long as the field lives. The copy is a concatenation, which V8 flattens into a new string
 * when it is sliced, then the slice that drops what was added.
 * @internal
 * @module
 */

/** A copy of `s` that refers to no other string. */
export function ownString(s: string): string {
  return s.length === 0 ? s : (' ' + s).slice(1);
}

/** Nesting past which {@link detachStrings} stops (the results it is used on are a few levels deep). */
const DETACH_DEPTH = 32;

/**
 * Replaces, in place, every string of a result (in its objects and arrays; byte arrays and
 * dates are left alone) with {@link ownString} of it. Returns `value`.
 */
export function detachStrings<T>(value: T): T {
  return detach(value, 0) as T;
}

function detach(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return ownString(value);
  if (value === null || typeof value !== 'object' || depth > DETACH_DEPTH || ArrayBuffer.isView(value) || value instanceof Date) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detach(value[i], depth + 1);
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = detach(o[k], depth + 1);
  return o;
}
