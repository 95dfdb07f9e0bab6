import { describe, expect, test } from 'vitest';
import type { IncomingHttpHeaders } from 'node:http';
import {
  buildXroadHeaders,
  formatHashFile,
  formatXroadTimestamp,
  hashFileMatches,
  hashFileOf,
  parseXroadTimestamp,
  serializeSignHeader,
} from '../../src/transport/xroad-headers.js';
import { verifyXroadHeaders } from '../../src/transport/xroad-header-verifier.js';

// Expected values below were computed outside this code base, in a shell:
//   printf '%s' "$SIGN_HEADER" | openssl dgst -sha256 -hmac "$SECRET" -r
//   printf 'hello\n' | openssl dgst -sha256 -binary | xxd -p -c1 | sed 's/^0//' | tr -d '\n'
//   TZ=Asia/Ho_Chi_Minh date -d '2026-11-21T15:29:10Z' +%d%m%YT%H%M%S
const GOLDEN_1 = {
  secret: 'golden-secret-1',
  signHeader:
    '{"XroadVnpt-systemid":"000.00.00.H41","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-timestamp":"21112026T222910+0792","XroadVnpt-Content-Type":"application/json"}',
  hmac: '07c80030f999339bdf71580cd5ffab744a8067eab8bed470be55e2a70f43a6d4',
};
const GOLDEN_2 = {
  secret: 'khóa-bí-mật',
  signHeader:
    '{"XroadVnpt-systemid":"000.00.00.H41","XroadVnpt-from":"Sở \\"Nội vụ\\" \\\\ HN","XroadVnpt-timestamp":"01012027T000000+0005","XroadVnpt-Content-Type":"application/octet-stream"}',
  hmac: '6ac8deee636f69777d1885865d43fdc36a2c365e23789905666b1ec2434eab69',
};

describe('signed XroadVnpt headers (golden values computed with openssl)', () => {
  test('signs the observed getReceivedEdocList request exactly', () => {
    const { headers, signHeader } = buildXroadHeaders({
      systemId: '000.00.00.H41',
      secret: GOLDEN_1.secret,
      params: [
        ['servicetype', 'eDoc'],
        ['messagetype', 'edoc'],
      ],
      contentType: 'application/json',
      timestamp: new Date('2026-11-21T15:29:10.792Z'),
    });
    expect(signHeader).toBe(GOLDEN_1.signHeader);
    expect(headers).toEqual({
      'XroadVnpt-systemid': '000.00.00.H41',
      'XroadVnpt-servicetype': 'eDoc',
      'XroadVnpt-messagetype': 'edoc',
      'XroadVnpt-timestamp': '21112026T222910+0792',
      'XroadVnpt-Content-Type': 'application/json',
      'Content-Type': 'application/json',
      'XroadVnpt-sign-header-key': 'systemid;servicetype;messagetype;timestamp;Content-Type',
      'XroadVnpt-sign-header': GOLDEN_1.signHeader,
      'XroadVnpt-hash-header': GOLDEN_1.hmac,
      'XroadVnpt-version': '3.0.201608',
    });
  });

  test('escapes " and \\ only, keeps non-ASCII raw, keys the HMAC with the UTF-8 secret', () => {
    const { headers, signHeader } = buildXroadHeaders({
      systemId: '000.00.00.H41',
      secret: GOLDEN_2.secret,
      params: [['from', 'Sở "Nội vụ" \\ HN']],
      contentType: 'application/octet-stream',
      timestamp: new Date('2026-12-31T17:00:00.005Z'),
    });
    expect(signHeader).toBe(GOLDEN_2.signHeader);
    expect(headers['XroadVnpt-hash-header']).toBe(GOLDEN_2.hmac);
    // on the wire: the UTF-8 bytes, one char per byte
    expect(Buffer.from(headers['XroadVnpt-sign-header']!, 'latin1').toString('utf8')).toBe(GOLDEN_2.signHeader);
    expect(Buffer.from(headers['XroadVnpt-from']!, 'latin1').toString('utf8')).toBe('Sở "Nội vụ" \\ HN');
  });

  test('serializes control characters as \\u00XX and U+2028 raw, giving valid JSON', () => {
    const s = serializeSignHeader([['x', 'a\u0001b\u2028c\n']]);
    expect(s).toBe('{"XroadVnpt-x":"a\\u0001b\u2028c\\u000a"}');
    expect(JSON.parse(s)).toEqual({ 'XroadVnpt-x': 'a\u0001b\u2028c\n' });
  });

  test('refuses values an HTTP header cannot carry and repeated names', () => {
    const base = { systemId: 's', secret: 'k', contentType: 'application/json', timestamp: new Date(0) };
    expect(() => buildXroadHeaders({ ...base, params: [['docId', 'a\r\nX-Evil: 1']] })).toThrow(
      expect.objectContaining({ code: 'VDXP_INPUT_INVALID' }),
    );
    expect(() => buildXroadHeaders({ ...base, params: [['SystemId', 'x']] })).toThrow(/given twice/);
    expect(() => buildXroadHeaders({ ...base, params: [['a;b', 'x']] })).toThrow(/HTTP token/);
  });

  test('formats the timestamp as Vietnam local time with 4-digit milliseconds', () => {
    expect(formatXroadTimestamp(new Date('2026-11-21T15:29:10.792Z'))).toBe('21112026T222910+0792');
    expect(formatXroadTimestamp(new Date('2026-12-31T17:00:00.005Z'))).toBe('01012027T000000+0005');
    expect(formatXroadTimestamp(new Date('2026-12-31T17:00:00.005Z'), 0)).toBe('31122026T170000+0005');
    expect(parseXroadTimestamp('21112026T222910+0792')?.toISOString()).toBe('2026-11-21T15:29:10.792Z');
    expect(parseXroadTimestamp('31022026T222910+0792')).toBeUndefined();
    expect(parseXroadTimestamp('2026-11-21')).toBeUndefined();
  });

  test('writes hash-file unpadded per byte like the Java SDK, or standard', () => {
    const bytes = Buffer.from('hello\n');
    expect(hashFileOf(bytes)).toBe('5891b5b522d5df86dff0b110fbd9d21bb4fc7163af34d08286a2e846f6be3');
    expect(hashFileOf(bytes, 'standard')).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect(formatHashFile(Uint8Array.of(0, 1, 0x10))).toBe('0110');
    const digest = Buffer.from('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03', 'hex');
    expect(hashFileMatches('5891B5B522D5DF86DFF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE3', digest)).toBe(true);
    expect(hashFileMatches('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03', digest)).toBe(true);
    expect(hashFileMatches('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be04', digest)).toBe(false);
  });
});

/** Headers as Node's server hands them over: lower-case names. */
function asReceived(headers: Record<string, string>): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('verifyXroadHeaders', () => {
  const now = new Date('2026-11-21T15:29:30.000Z');
  const secrets = new Map([['000.00.00.H41', GOLDEN_1.secret]]);
  const options = { secretFor: (id: string) => secrets.get(id), now };
  const golden = (): Record<string, string> => ({
    'XroadVnpt-systemid': '000.00.00.H41',
    'XroadVnpt-servicetype': 'eDoc',
    'XroadVnpt-messagetype': 'edoc',
    'XroadVnpt-timestamp': '21112026T222910+0792',
    'XroadVnpt-Content-Type': 'application/json',
    'Content-Type': 'application/json',
    'XroadVnpt-sign-header-key': 'systemid;servicetype;messagetype;timestamp;Content-Type',
    'XroadVnpt-sign-header': GOLDEN_1.signHeader,
    'XroadVnpt-hash-header': GOLDEN_1.hmac,
    'XroadVnpt-version': '3.0.201608',
  });

  test('accepts the golden request and exposes its parameters case-insensitively', () => {
    const v = verifyXroadHeaders(asReceived(golden()), options);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.systemId).toBe('000.00.00.H41');
    expect(v.get('MessageType')).toBe('edoc');
    expect(v.timestamp.toISOString()).toBe('2026-11-21T15:29:10.792Z');
  });

  test('accepts an upper-case hash-header and a request signed with non-ASCII values', () => {
    const h = golden();
    h['XroadVnpt-hash-header'] = GOLDEN_1.hmac.toUpperCase();
    expect(verifyXroadHeaders(asReceived(h), options).ok).toBe(true);
    const signed = buildXroadHeaders({
      systemId: '000.00.00.H41', secret: GOLDEN_1.secret, params: [['from', 'Đơn vị']],
      contentType: 'application/octet-stream', timestamp: now,
    });
    const v = verifyXroadHeaders(asReceived(signed.headers), options);
    expect(v.ok && v.get('from')).toBe('Đơn vị');
  });

  test.each([
    ['missing hash-header', (h: Record<string, string>) => delete h['XroadVnpt-hash-header'], 'missing_headers'],
    ['a changed HMAC', (h: Record<string, string>) => (h['XroadVnpt-hash-header'] = '0'.repeat(64)), 'bad_hmac'],
    ['a short HMAC', (h: Record<string, string>) => (h['XroadVnpt-hash-header'] = 'abc'), 'bad_hmac'],
    ['an unknown system', (h: Record<string, string>) => (h['XroadVnpt-sign-header'] = h['XroadVnpt-sign-header']!.replace('H41', 'H42')), 'unknown_system'],
    ['a sign-header that is not JSON', (h: Record<string, string>) => (h['XroadVnpt-sign-header'] = '{x'), 'malformed_sign_header'],
    ['a header differing from its signed value', (h: Record<string, string>) => (h['XroadVnpt-messagetype'] = 'status'), 'key_list_mismatch'],
    ['a listed header that is absent', (h: Record<string, string>) => delete h['XroadVnpt-servicetype'], 'key_list_mismatch'],
    ['a key list naming an unsigned parameter', (h: Record<string, string>) => (h['XroadVnpt-sign-header-key'] += ';docId'), 'key_list_mismatch'],
    ['a key list leaving a signed parameter out', (h: Record<string, string>) => (h['XroadVnpt-sign-header-key'] = 'systemid;servicetype;timestamp;Content-Type'), 'key_list_mismatch'],
  ])('refuses %s', (_title, mutate, reason) => {
    const h = golden();
    mutate(h);
    const v = verifyXroadHeaders(asReceived(h), options);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toBe(reason);
  });

  test('refuses a stale timestamp, unless the window allows it or the check is off', () => {
    const later = new Date(now.getTime() + 2 * 3_600_000);
    const stale = verifyXroadHeaders(asReceived(golden()), { ...options, now: later });
    expect(stale.ok ? 'ok' : stale.reason).toBe('stale_timestamp');
    expect(verifyXroadHeaders(asReceived(golden()), { ...options, now: later, maxSkewMs: 3 * 3_600_000 }).ok).toBe(true);
    expect(verifyXroadHeaders(asReceived(golden()), { ...options, now: later, maxSkewMs: null }).ok).toBe(true);
  });

  test('accepts a timestamp written in another configured zone (a JVM in UTC)', () => {
    // the golden stamp read as UTC is 22:29:10Z, read as Vietnam time 15:29:10Z
    const refused = verifyXroadHeaders(asReceived(golden()), { ...options, now: new Date('2026-11-21T22:29:30Z'), maxSkewMs: 60_000 });
    expect(refused.ok).toBe(false);
    const v = verifyXroadHeaders(asReceived(golden()), { ...options, now: new Date('2026-11-21T22:29:30Z'), maxSkewMs: 60_000, utcOffsetsMinutes: [420, 0] });
    expect(v.ok && v.timestamp.toISOString()).toBe('2026-11-21T22:29:10.792Z');
  });

  test('tolerates the Java SDK leftovers: extra signed parameters such as docId and status', () => {
    const signed = buildXroadHeaders({
      systemId: '000.00.00.H41', secret: GOLDEN_1.secret,
      params: [['from', '000.00.00.H41'], ['servicetype', 'eDoc'], ['messagetype', 'edoc'], ['docId', 'abc'], ['status', 'done'], ['filePath', 'xml']],
      contentType: 'application/octet-stream', timestamp: now,
    });
    const v = verifyXroadHeaders(asReceived(signed.headers), options);
    expect(v.ok && v.params.map(([n]) => n)).toEqual(['systemid', 'from', 'servicetype', 'messagetype', 'docId', 'status', 'filePath', 'timestamp', 'Content-Type']);
  });
});
