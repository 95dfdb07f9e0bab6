/**
 * Escaping for the HTML report: every value from a document is hostile.
 * @internal
 * @module
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text safe in HTML (and XML) content and in quoted attribute values: `& < > " '` escaped,
 * and characters XML does not allow (C0 controls but tab and line breaks, lone surrogates,
 * U+FFFE/U+FFFF) replaced by U+FFFD, so the page also parses as XML.
 */
export function escapeHtml(value: string | number): string {
  return String(value)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
