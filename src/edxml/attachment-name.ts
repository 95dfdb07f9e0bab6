/**
 * Attachment names are data, never paths: directories, control and bidirectional-override
 * characters, leading dots (`..`) and characters file systems refuse are removed.
 * @module
 */

// C0/C1 controls, DEL, and the invisible direction marks used to disguise extensions.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const RESERVED = /[<>:"|?*]/g;

/**
 * A safe file name for `raw`: the last path segment, cleaned. Never empty: `fallback` is used
 * when nothing is left.
 * @example
 * ```ts
 * sanitizeAttachmentName('../../etc/passwd', 'attachment-1'); // 'passwd'
 * sanitizeAttachmentName('C:\\temp\\Quyết định.pdf', 'x');    // 'Quyết định.pdf'
 * ```
 */
export function sanitizeAttachmentName(raw: string, fallback: string): string {
  let s = raw.replace(CONTROL, '');
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (cut >= 0) s = s.slice(cut + 1);
  s = s.replace(RESERVED, '_').trim();
  s = s.replace(/^\.+/, '').replace(/[. ]+$/, '').trim();
  return s.length > 0 ? s : fallback;
}
