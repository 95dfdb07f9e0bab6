/**
 * Printing for the `vdxp` command: human text or `--json`, and errors as one line
 * `CODE: message` (plus a hint when there is one).
 * @internal
 * @module
 */
import { isVdxpError } from '../errors.js';
import type { CliIo } from './command.js';

/** Exit codes shared by all commands. */
export const EXIT = {
  ok: 0,
  /** Invalid, refused, or a check failed. */
  invalid: 1,
  /** Unreadable input, bad usage, an error. */
  error: 2,
  /** Indeterminate (signature verification). */
  indeterminate: 3,
} as const;

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, jsonReplacer, 2) + '\n');
}

/** Uint8Array/Buffer are never printed as bytes: their length is. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: value.length };
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return { bytes: ((value as { data: unknown[] }).data).length };
  }
  return value;
}

/** Prints an error as `CODE: message` on stderr, with an optional hint; returns the exit code. */
export function printError(io: CliIo, error: unknown, hint?: string): number {
  const code = isVdxpError(error) ? error.code : 'VDXP_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`${code}: ${message}\n`);
  if (hint) io.stderr.write(`hint: ${hint}\n`);
  return EXIT.error;
}

/** Formats a byte count for people: 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}
