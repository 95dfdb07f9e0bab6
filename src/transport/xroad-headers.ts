/**
 * The signed `XroadVnpt-` header scheme of the axis (`spec/axis-api.md` section 2), one
 * implementation shared by {@link AxisClient} (signing) and `LocalAxis` (verifying, see
 * `xroad-header-verifier.ts`), so the two cannot drift apart.
 *
 * Wire encoding of header values: HTTP carries header values as bytes. A value is sent as
 * its UTF-8 bytes (non-ASCII raw, as the spec asks); in Node that means a "binary" string
 * whose characters are those bytes, which is what {@link buildXroadHeaders} returns.
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import { InputError } from '../errors.js';

/** Prefix of every parameter header. */
export const XROAD_PREFIX = 'XroadVnpt-';
/** Value of `XroadVnpt-version`, as the Java SDK 2.0.x sends it. */
export const XROAD_VERSION = '3.0.201608';
/** Vietnam is UTC+7 all year (no daylight saving). */
export const VIETNAM_UTC_OFFSET_MINUTES = 420;

/** Header names of the scheme's own fields. */
export const XROAD_HEADER = {
  signHeaderKey: 'XroadVnpt-sign-header-key',
  signHeader: 'XroadVnpt-sign-header',
  hashHeader: 'XroadVnpt-hash-header',
  version: 'XroadVnpt-version',
} as const;

/** One signed parameter: its bare name (`systemid`, `docId`, `Content-Type`) and value. */
export type XroadParam = readonly [name: string, value: string];

/** How `hash-file` is written: `sdk` = hex of each byte without zero padding (what the Java SDK sends), `standard` = 64 lowercase hex digits. */
export type HashFileForm = 'sdk' | 'standard';

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
// C0 controls and DEL cannot travel in an HTTP header value.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Formats the `timestamp` parameter: `ddMMyyyy'T'HHmmss+SSSS`, where `SSSS` is the
 * milliseconds zero-padded to 4 digits (not a zone), e.g. `21112026T222910+0792`.
 *
 * The Java SDK formats in the JVM's default zone; the axis is in Vietnam, so this library
 * writes **Vietnam local time (UTC+7)** whatever the machine's zone is.
 *
 * @param date - the instant to format
 * @param utcOffsetMinutes - zone of the local time written
 * @defaultValue utcOffsetMinutes = 420 (UTC+7)
 * @example
 * ```ts
 * formatXroadTimestamp(new Date('2026-11-21T15:29:10.792Z')); // '21112026T222910+0792'
 * ```
 */
export function formatXroadTimestamp(date: Date, utcOffsetMinutes = VIETNAM_UTC_OFFSET_MINUTES): string {
  const t = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return (
    p2(t.getUTCDate()) +
    p2(t.getUTCMonth() + 1) +
    String(t.getUTCFullYear()).padStart(4, '0') +
    'T' +
    p2(t.getUTCHours()) +
    p2(t.getUTCMinutes()) +
    p2(t.getUTCSeconds()) +
    '+' +
    String(t.getUTCMilliseconds()).padStart(4, '0')
  );
}

/**
 * Reads a `timestamp` parameter written by {@link formatXroadTimestamp} (or the Java SDK)
 * as local time of the given zone. Returns undefined when it is not in that format or not a
 * real date.
 * @defaultValue utcOffsetMinutes = 420 (UTC+7)
 */
export function parseXroadTimestamp(text: string, utcOffsetMinutes = VIETNAM_UTC_OFFSET_MINUTES): Date | undefined {
  const m = /^(\d{2})(\d{2})(\d{4})T(\d{2})(\d{2})(\d{2})\+(\d{3,4})$/.exec(text.trim());
  if (!m) return undefined;
  const [d, mo, y, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || ms > 999) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(utc);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined;
  return new Date(utc - utcOffsetMinutes * 60_000);
}

/**
 * The compact JSON of the `XroadVnpt-sign-header` header: `{"XroadVnpt-<name>":"<value>",…}`
 * in the order given, no spaces.
 *
 * Escaping (a deliberate choice, written here rather than via `JSON.stringify`): only `"`
 * and `\` are escaped with a backslash, and C0 control characters as `\u00XX`; everything
 * else, including non-ASCII and U+2028/U+2029, is written raw. `JSON.stringify` would agree
 * on these strings except that it writes `\n`, `\t`, … short forms; Java writers disagree
 * with each other (org.json escapes `</` and U+2028, Gson escapes `<`, `>`, `&`, `=`, `'`,
 * Jackson escapes only controls). Control characters never reach the wire anyway (HTTP
 * header values cannot carry them, so {@link buildXroadHeaders} refuses them), and a server
 * verifies the HMAC over the transmitted string, so any writer's escaping verifies.
 *
 * @example
 * ```ts
 * serializeSignHeader([['systemid', '000.00.00.H41'], ['from', 'a"b']]);
 * // '{"XroadVnpt-systemid":"000.00.00.H41","XroadVnpt-from":"a\\"b"}'
 * ```
 */
export function serializeSignHeader(params: readonly XroadParam[]): string {
  return '{' + params.map(([name, value]) => `${jsonString(XROAD_PREFIX + name)}:${jsonString(value)}`).join(',') + '}';
}

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/**
 * `XroadVnpt-hash-header`: lowercase hex HMAC-SHA256 with key = UTF-8 bytes of the secret
 * and message = the sign-header (a string is taken as UTF-8; bytes are used as they are).
 * @example
 * ```ts
 * computeHashHeader('secret', '{"XroadVnpt-systemid":"x"}'); // 64 hex digits
 * ```
 */
export function computeHashHeader(secret: string, signHeader: string | Uint8Array): string {
  const hmac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  hmac.update(typeof signHeader === 'string' ? Buffer.from(signHeader, 'utf8') : signHeader);
  return hmac.digest('hex');
}

/**
 * Writes a SHA-256 digest as `hash-file`. `sdk` (the default, what the Java SDK sends and
 * what the axis is known to accept): each byte as hex **without** zero padding (`0x0a` → `a`),
 * so the text may be shorter than 64. `standard`: 64 lowercase hex digits.
 * @defaultValue form = 'sdk'
 * @example
 * ```ts
 * formatHashFile(Uint8Array.of(0x0a, 0xff), 'sdk'); // 'aff'
 * formatHashFile(Uint8Array.of(0x0a, 0xff), 'standard'); // '0aff'
 * ```
 */
export function formatHashFile(digest: Uint8Array, form: HashFileForm = 'sdk'): string {
  if (form === 'standard') return Buffer.from(digest).toString('hex');
  let out = '';
  for (const b of digest) out += b.toString(16);
  return out;
}

/** SHA-256 of bytes, as `hash-file` in the given form. @defaultValue form = 'sdk' */
export function hashFileOf(bytes: Uint8Array, form: HashFileForm = 'sdk'): string {
  return formatHashFile(createHash('sha256').update(bytes).digest(), form);
}

/** True when `hashFile` is the digest in either form (case-insensitive). */
export function hashFileMatches(hashFile: string, digest: Uint8Array): boolean {
  const h = hashFile.trim().toLowerCase();
  return h === formatHashFile(digest, 'sdk') || h === formatHashFile(digest, 'standard');
}

/** Input of {@link buildXroadHeaders}. */
export interface XroadSignInput {
  systemId: string;
  /** Never logged, never returned. */
  secret: string;
  /** The call's own parameters, in order (`servicetype`, `messagetype`, `docId`, …). */
  params: readonly XroadParam[];
  /** The request's real content type; also signed as the `Content-Type` parameter. */
  contentType: string;
  /** The instant written as `timestamp`. */
  timestamp: Date;
  /** @defaultValue 420 (UTC+7) */
  utcOffsetMinutes?: number;
}

/** What {@link buildXroadHeaders} returns. */
export interface XroadSignedHeaders {
  /** HTTP headers to send, values in wire form (UTF-8 bytes as a binary string). */
  headers: Record<string, string>;
  /** The full ordered parameter list that was signed. */
  params: XroadParam[];
  /** The sign-header JSON as a JS string (before wire encoding). */
  signHeader: string;
}

/**
 * Signs one request: the ordered parameter list is `systemid`, the call's own parameters,
 * `timestamp`, `Content-Type` (the order of the observed Java SDK request), sent as
 * `XroadVnpt-<name>` headers plus `Content-Type`, `XroadVnpt-sign-header-key`,
 * `XroadVnpt-sign-header`, `XroadVnpt-hash-header` and `XroadVnpt-version`.
 *
 * @throws {InputError} VDXP_INPUT_INVALID when a name is not an HTTP token or contains `;`,
 *   a name repeats, or a value holds a control character (cannot travel in a header).
 * @example
 * ```ts
 * const { headers } = buildXroadHeaders({
 *   systemId: '000.00.00.H41', secret, contentType: 'application/json', timestamp: new Date(),
 *   params: [['servicetype', 'eDoc'], ['messagetype', 'edoc']],
 * });
 * ```
 */
export function buildXroadHeaders(input: XroadSignInput): XroadSignedHeaders {
  const params: XroadParam[] = [
    ['systemid', input.systemId],
    ...input.params,
    ['timestamp', formatXroadTimestamp(input.timestamp, input.utcOffsetMinutes)],
    ['Content-Type', input.contentType],
  ];
  const seen = new Set<string>();
  const issues = [];
  for (const [name, value] of params) {
    if (!TOKEN.test(name)) issues.push({ code: 'bad_name', path: name, message: 'parameter name is not an HTTP token' });
    if (seen.has(name.toLowerCase())) issues.push({ code: 'duplicate', path: name, message: 'parameter given twice' });
    seen.add(name.toLowerCase());
    if (CONTROL.test(value)) issues.push({ code: 'control_character', path: name, message: 'value holds a control character, which an HTTP header cannot carry' });
  }
  if (issues.length > 0) throw new InputError('signed axis headers', issues);

  const signHeader = serializeSignHeader(params);
  const headers: Record<string, string> = {};
  for (const [name, value] of params) headers[XROAD_PREFIX + name] = toWire(value);
  headers['Content-Type'] = toWire(input.contentType);
  headers[XROAD_HEADER.signHeaderKey] = params.map(([n]) => n).join(';');
  headers[XROAD_HEADER.signHeader] = toWire(signHeader);
  headers[XROAD_HEADER.hashHeader] = computeHashHeader(input.secret, signHeader);
  headers[XROAD_HEADER.version] = XROAD_VERSION;
  return { headers, params, signHeader };
}

/** A JS string as the binary string of its UTF-8 bytes (what Node writes byte for byte). */
export function toWire(value: string): string {
  return /^[\u0000-\u007f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/** The inverse of {@link toWire}: a header value as Node received it, decoded as UTF-8. */
export function fromWire(value: string): string {
  return /^[\u0000-\u007f]*$/.test(value) ? value : Buffer.from(value, 'latin1').toString('utf8');
}
