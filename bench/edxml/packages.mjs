// The packages the edXML benchmarks build and parse: an edoc with 1 × 1 MB, 1 × 20 MB and
// 10 × 2 MB attachments of random bytes (PDF-named, so they travel unwrapped).
import { randomBytes } from 'node:crypto';
import { MiB } from '../harness.mjs';

export const NOW = () => new Date('2026-11-20T03:00:00Z');

export const SHAPES = [
  { label: '1 × 1 MB', count: 1, size: 1 * MiB },
  { label: '1 × 20 MB', count: 1, size: 20 * MiB },
  { label: '10 × 2 MB', count: 10, size: 2 * MiB },
];

/** An edoc message with `count` random attachments of `size` bytes. */
export function messageWith(sampleEdoc, { count, size }) {
  const attachments = Array.from({ length: count }, (_, i) => ({
    contentId: `scan-${i + 1}`,
    name: `ban-scan-${i + 1}.pdf`,
    contentType: 'application/pdf',
    data: randomBytes(size),
  }));
  return { ...sampleEdoc(), attachments };
}

/**
 * The package text cut around its base64: `parts[i]` is the text before attachment i's
 * base64 (and the last one the text after the last), so that a baseline can concatenate
 * the same header with fresh base64.
 */
export function splitAroundBase64(packageText) {
  const parts = [];
  const b64 = [];
  const re = /<edXML:ContentTransferEncoded[^>]*>([A-Za-z0-9+/=]*)</g;
  let last = 0;
  for (let m; (m = re.exec(packageText)); ) {
    const start = m.index + m[0].length - 1 - m[1].length;
    parts.push(packageText.slice(last, start));
    b64.push(m[1]);
    last = start + m[1].length;
  }
  parts.push(packageText.slice(last));
  return { parts, b64 };
}
