/**
 * Refuses, from its first bytes, a package that is not UTF-8 even though it may decode as
 * such (UTF-16 or UTF-32 without a byte order mark puts NUL bytes around the first `<`).
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';

/**
 * @throws {EdxmlError} VDXP_EDXML_ENCODING
 */
export function refuseWideEncodings(head: Uint8Array): void {
  const b = head;
  if (b.length < 2) return;
  const utf16 =
    (b[0] === 0xfe && b[1] === 0xff) ||
    (b[0] === 0xff && b[1] === 0xfe) ||
    (b[0] === 0x3c && b[1] === 0x00) ||
    (b[0] === 0x00 && b[1] === 0x3c) ||
    (b[0] === 0x00 && b[1] === 0x00);
  if (utf16) throw new EdxmlError('VDXP_EDXML_ENCODING', 'UTF-16 or UTF-32 input is refused: packages must be UTF-8');
}
