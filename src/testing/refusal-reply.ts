/**
 * How {@link LocalAxis} answers a request whose signed headers were refused.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { XroadVerification } from '../transport/xroad-header-verifier.js';
import { DESC, ERROR_CODE, fail, type JsonReply } from './axis-answer.js';

/** The FAIL answer for a refused signature (HTTP 200, as the axis answers). */
export function refusalReply(v: Extract<XroadVerification, { ok: false }>, headers: IncomingHttpHeaders): JsonReply {
  switch (v.reason) {
    case 'missing_headers':
      return fail(ERROR_CODE.auth, DESC.missingAuth);
    case 'malformed_sign_header':
      return fail(ERROR_CODE.auth, DESC.malformedAuth);
    case 'unknown_system':
      return fail(ERROR_CODE.auth, DESC.unknownSystem(v.systemId ?? ''));
    case 'bad_hmac':
      return fail(ERROR_CODE.auth, DESC.badHmac);
    case 'key_list_mismatch':
      return fail(ERROR_CODE.auth, DESC.keyMismatch(v.detail));
    case 'bad_timestamp':
      return fail(ERROR_CODE.auth, DESC.badTimestamp);
    case 'stale_timestamp': {
      const ts = headers['xroadvnpt-timestamp'];
      return fail(ERROR_CODE.auth, DESC.staleTimestamp(typeof ts === 'string' ? ts : ''));
    }
  }
}
