/**
 * MIME types of the files agencies exchange, by file extension, and the reader's rule for
 * an attachment's type: `Attachment/ContentType` is trusted over the manifest's, and a file
 * unwrapped from a ZIP takes the type its name says.
 * @module
 */

const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  rtf: 'application/rtf',
  txt: 'text/plain',
  csv: 'text/csv',
  htm: 'text/html',
  html: 'text/html',
  xml: 'application/xml',
  edxml: 'application/xml',
  json: 'application/json',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  zip: 'application/zip',
  rar: 'application/vnd.rar',
  '7z': 'application/x-7z-compressed',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  p7s: 'application/pkcs7-signature',
  sig: 'application/pkcs7-signature',
};

/** The MIME type a file name's extension stands for, or undefined when unknown. */
export function contentTypeFromName(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot === name.length - 1) return undefined;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
}

/** The extension of a file name in lower case, or '' when none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** True for the MIME types senders use for ZIP archives. */
export function isZipContentType(type: string | undefined): boolean {
  return type !== undefined && /^application\/(x-)?zip(-compressed)?$/i.test(type.trim());
}

/** The bytes start a ZIP archive (`PK\x03\x04`). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** The transfer decision for an attachment, from its first bytes and its declared name. */
export function shouldUnwrap(head: Uint8Array, name: string, unwrap: boolean): boolean {
  return unwrap && looksLikeZip(head) && extensionOf(name) !== 'zip';
}

const OCTET_STREAM = 'application/octet-stream';

/**
 * The MIME type of the file as the sender meant it.
 * - unwrapped: the entry's extension, else the attachment name's, else the declared type when not a ZIP type;
 * - as carried: the declared type, unless it says ZIP while the bytes are not one.
 */
export function fileContentType(input: { declared: string | undefined; name: string; isZip: boolean; entryName?: string }): string {
  const { declared, name, isZip, entryName } = input;
  if (entryName !== undefined) {
    return contentTypeFromName(entryName) ?? contentTypeFromName(name) ?? (declared && !isZipContentType(declared) ? declared : OCTET_STREAM);
  }
  if (declared && !(isZipContentType(declared) && !isZip)) return declared;
  return contentTypeFromName(name) ?? (isZip ? 'application/zip' : OCTET_STREAM);
}
