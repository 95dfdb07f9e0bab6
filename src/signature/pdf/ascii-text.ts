/**
 * Vietnamese text as plain ASCII, for appearance streams drawn with a standard font
 * (Helvetica with WinAnsiEncoding cannot show Vietnamese letters): diacritics dropped,
 * `Đ/đ` → `D/d`, anything else outside printable ASCII → `?`.
 * @internal
 * @module
 */

/**
 * Transliterates text to printable ASCII.
 * @example
 * ```ts
 * toAsciiText('Người ký: Nguyễn Văn An'); // 'Nguoi ky: Nguyen Van An'
 * ```
 */
export function toAsciiText(text: string): string {
  return text
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** Escapes text for a literal string inside a content stream. */
export function contentStreamString(ascii: string): string {
  return `(${ascii.replace(/([\\()])/g, '\\$1')})`;
}
