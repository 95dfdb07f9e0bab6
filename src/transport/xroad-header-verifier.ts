/**
 * Server side of the `XroadVnpt-` header scheme: checks a request's signed headers with the
 * same primitives {@link buildXroadHeaders} signs with. Used by `LocalAxis`; usable by anyone
 * who puts a real axis-compatible endpoint behind Node.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import {
  VIETNAM_UTC_OFFSET_MINUTES,
  XROAD_HEADER,
  XROAD_PREFIX,
  computeHashHeader,
  fromWire,
  parseXroadTimestamp,
  type XroadParam,
} from './xroad-headers.js';

/** Options of {@link verifyXroadHeaders}. */
export interface XroadVerifyOptions {
  /** The secret of a system id, or undefined when the system is unknown. Never logged. */
  secretFor: (systemId: string) => string | undefined;
  /** The current instant. */
  now: Date;
  /**
   * How far the signed `timestamp` may be from `now`, either way; `null` disables the check.
   * The Java SDK sets the timestamp once per service object, so a long-lived SDK client
   * needs a wide window.
   * @defaultValue 3_600_000 (one hour)
   */
  maxSkewMs?: number | null;
  /**
   * Zones the timestamp may be written in (minutes east of UTC); it is accepted when it is
   * within the window in any of them. The Java SDK writes the JVM's default zone.
   * @defaultValue [420] (Vietnam)
   */
  utcOffsetsMinutes?: readonly number[];
}

/** Why a request's signature was refused. */
export type XroadRefusal =
  | 'missing_headers'
  | 'malformed_sign_header'
  | 'unknown_system'
  | 'bad_hmac'
  | 'key_list_mismatch'
  | 'bad_timestamp'
  | 'stale_timestamp';

/** Outcome of {@link verifyXroadHeaders}: a refusal is data, not a throw. */
export type XroadVerification =
  | {
      readonly ok: true;
      readonly systemId: string;
      /** Every signed parameter in signed order (names as signed, values decoded). */
      readonly params: readonly XroadParam[];
      /** Parameter lookup by name, case-insensitive (the Java SDK writes `docId` and `docid`). */
      get(name: string): string | undefined;
      readonly timestamp: Date;
    }
  | {
      readonly ok: false;
      readonly reason: XroadRefusal;
      /** English detail without secrets (names of parameters, never values of hashes). */
      readonly detail: string;
      /** The system id claimed, when it could be read. */
      readonly systemId?: string;
    };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Verifies the signed headers of one request:
 * 1. `XroadVnpt-sign-header-key`, `-sign-header` and `-hash-header` are present;
 * 2. the sign-header is a JSON object of strings naming a known `systemid`;
 * 3. the HMAC recomputed over the **transmitted** sign-header bytes equals the hash-header
 *    (compared in constant time, hex case ignored);
 * 4. the key list names exactly the signed parameters, and each `XroadVnpt-<name>` header
 *    carries the signed value;
 * 5. the signed timestamp is readable and within the window.
 *
 * Tolerates what the Java SDK does: leftover parameters of earlier calls (any extra signed
 * parameter is accepted; callers read only the ones they need), names in either case.
 * Unsigned `XroadVnpt-*` headers are ignored, never read.
 * @example
 * ```ts
 * const v = verifyXroadHeaders(req.headers, { secretFor: (id) => secrets.get(id), now: new Date() });
 * if (!v.ok) return refuse(v.reason);
 * const docId = v.get('docId');
 * ```
 */
export function verifyXroadHeaders(headers: IncomingHttpHeaders, options: XroadVerifyOptions): XroadVerification {
  const keyList = header(headers, XROAD_HEADER.signHeaderKey);
  const signHeaderWire = header(headers, XROAD_HEADER.signHeader);
  const hashHeader = header(headers, XROAD_HEADER.hashHeader);
  if (!keyList || !signHeaderWire || !hashHeader) {
    const missing = [
      !keyList && XROAD_HEADER.signHeaderKey,
      !signHeaderWire && XROAD_HEADER.signHeader,
      !hashHeader && XROAD_HEADER.hashHeader,
    ].filter(Boolean);
    return refuse('missing_headers', `missing ${missing.join(', ')}`);
  }

  const signBytes = Buffer.from(signHeaderWire, 'latin1');
  let signed: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(signBytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    signed = parsed as Record<string, unknown>;
  } catch {
    return refuse('malformed_sign_header', 'the sign-header is not a JSON object');
  }
  const entries: XroadParam[] = [];
  for (const [key, value] of Object.entries(signed)) {
    if (typeof value !== 'string' || !key.toLowerCase().startsWith(XROAD_PREFIX.toLowerCase())) {
      return refuse('malformed_sign_header', `sign-header entry ${JSON.stringify(key)} is not an ${XROAD_PREFIX}<name> string`);
    }
    entries.push([key.slice(XROAD_PREFIX.length), value]);
  }
  const lookup = new Map(entries.map(([n, v]) => [n.toLowerCase(), v] as const));
  const systemId = lookup.get('systemid');
  if (!systemId) return refuse('malformed_sign_header', 'the sign-header has no systemid');

  const secret = options.secretFor(systemId);
  if (secret === undefined) return refuse('unknown_system', 'unknown systemid', systemId);
  const expected = Buffer.from(computeHashHeader(secret, signBytes), 'latin1');
  const given = Buffer.from(hashHeader.trim().toLowerCase(), 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse('bad_hmac', 'the hash-header does not match the sign-header', systemId);
  }

  const names = keyList.split(';').map((n) => n.trim()).filter((n) => n.length > 0);
  const listed = new Set(names.map((n) => n.toLowerCase()));
  const signedNames = new Set(entries.map(([n]) => n.toLowerCase()));
  const notSigned = names.filter((n) => !signedNames.has(n.toLowerCase()));
  const notListed = entries.map(([n]) => n).filter((n) => !listed.has(n.toLowerCase()));
  if (notSigned.length > 0 || notListed.length > 0) {
    const parts = [
      notSigned.length > 0 ? `listed but not signed: ${notSigned.join(', ')}` : '',
      notListed.length > 0 ? `signed but not listed: ${notListed.join(', ')}` : '',
    ].filter(Boolean);
    return refuse('key_list_mismatch', parts.join('; '), systemId);
  }
  for (const name of names) {
    const sent = header(headers, XROAD_PREFIX + name);
    if (sent === undefined) return refuse('key_list_mismatch', `header ${XROAD_PREFIX}${name} is missing`, systemId);
    if (fromWire(sent).trim() !== (lookup.get(name.toLowerCase()) ?? '').trim()) {
      return refuse('key_list_mismatch', `header ${XROAD_PREFIX}${name} differs from its signed value`, systemId);
    }
  }

  const stamp = lookup.get('timestamp');
  const offsets = options.utcOffsetsMinutes ?? [VIETNAM_UTC_OFFSET_MINUTES];
  const candidates = stamp === undefined ? [] : offsets.map((o) => parseXroadTimestamp(stamp, o)).filter((d): d is Date => d !== undefined);
  const first = candidates[0];
  if (!first) return refuse('bad_timestamp', 'the timestamp is missing or not ddMMyyyyTHHmmss+SSSS', systemId);
  const maxSkewMs = options.maxSkewMs === undefined ? 3_600_000 : options.maxSkewMs;
  let timestamp = first;
  if (maxSkewMs !== null) {
    const fresh = candidates.find((d) => Math.abs(d.getTime() - options.now.getTime()) <= maxSkewMs);
    if (!fresh) return refuse('stale_timestamp', 'the timestamp is outside the accepted window', systemId);
    timestamp = fresh;
  }

  return {
    ok: true,
    systemId,
    params: entries,
    get: (name: string) => lookup.get(name.toLowerCase()),
    timestamp,
  };
}

function refuse(reason: XroadRefusal, detail: string, systemId?: string): XroadVerification {
  return systemId === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, systemId };
}
