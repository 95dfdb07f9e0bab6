/**
 * How the demo prints: numbered steps with indented details, Vietnamese terms with English.
 * @internal
 * @module
 */
import { statusLabel } from '../../index.js';

/** Where the demo prints. */
export interface DemoOutput {
  /** A new step, in plain language. */
  step(title: string): void;
  /** A line under the current step. */
  detail(line: string): void;
}

/** `03 Đã tiếp nhận (accepted and registered)`. */
export function codeLabel(code: string): string {
  const vi = statusLabel(code, 'vi');
  const en = statusLabel(code, 'en');
  return vi && en ? `${code} ${vi} (${en.toLowerCase()})` : code;
}

/** `09:31:02` from a `YYYY-MM-DDTHH:mm:ss+07:00` status time (Vietnam local time as written). */
export function clockOf(timestamp: string): string {
  return /T(\d{2}:\d{2}:\d{2})/.exec(timestamp)?.[1] ?? timestamp;
}

/** Milliseconds as `12 ms` or `1.3 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
