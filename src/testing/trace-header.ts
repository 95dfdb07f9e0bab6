/**
 * The hop record the axis adds to every package it delivers: a `TraceHeader` appended to
 * `TraceHeaderList`, by splicing bytes (the rest of the package stays byte for byte).
 * @module
 */
import { timestampToWire, toVietnamTimestamp } from '../edxml/vietnam-time.js';

/** One hop. */
export interface TraceHop {
  /** Written as `OrganId` when given (the 2025 test axis writes none). */
  readonly organId?: string | undefined;
  readonly at: Date;
}

const CLOSE = /<\/([A-Za-z_][\w.-]*:)?TraceHeaderList\s*>/;
const EMPTY = /<([A-Za-z_][\w.-]*:)?TraceHeaderList(\s[^>]*)?\/>/;
const HEADER_END = /<\/([A-Za-z_][\w.-]*:)?MessageHeader\s*>/;

/**
 * Appends a `TraceHeader` (OrganId, Timestamp `yyyy/MM/dd HH:mm:ss` in Vietnam time) to
 * the package's `TraceHeaderList`, using the list's own prefix; creates the list after
 * `MessageHeader` in an edoc that has none. Status packages (no list, no body) are returned
 * unchanged, as their format has no place for hops.
 */
export function appendTraceHeader(bytes: Uint8Array, hop: TraceHop, kind: 'edoc' | 'status'): Uint8Array {
  if (kind === 'status') return bytes;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // latin1 keeps one char per byte, so indexes are byte offsets and the splice is exact
  const head = buf.toString('latin1', 0, Math.min(buf.length, 4 * 1024 * 1024));
  const entry = (p: string) =>
    `<${p}TraceHeader>${hop.organId ? `<${p}OrganId>${escapeText(hop.organId)}</${p}OrganId>` : ''}` +
    `<${p}Timestamp>${timestampToWire(toVietnamTimestamp(hop.at))}</${p}Timestamp></${p}TraceHeader>`;
  const close = CLOSE.exec(head);
  if (close) return splice(buf, close.index, 0, entry(close[1] ?? ''));
  const empty = EMPTY.exec(head);
  if (empty) {
    const p = empty[1] ?? '';
    return splice(buf, empty.index, empty[0].length, `<${p}TraceHeaderList${empty[2] ?? ''}>${entry(p)}</${p}TraceHeaderList>`);
  }
  const end = HEADER_END.exec(head);
  if (end) {
    const p = end[1] ?? '';
    return splice(buf, end.index + end[0].length, 0, `<${p}TraceHeaderList>${entry(p)}</${p}TraceHeaderList>`);
  }
  return bytes;
}

function splice(buf: Buffer, at: number, remove: number, insert: string): Uint8Array {
  const out = Buffer.concat([buf.subarray(0, at), Buffer.from(insert, 'utf8'), buf.subarray(at + remove)]);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
