// What every benchmark shares: environment knobs, statistics, interleaved timing, and the
// shape of a result row. Benchmarks import the BUILT package (dist/), never src/.
import { performance } from 'node:perf_hooks';

/**
 * @typedef {{ median: number, min: number, max: number, runs: number }} Stats
 * @typedef {{ max?: number, maxRatio?: number, minRatio?: number }} Target
 * @typedef {{ name: string, unit: string, value: Stats, baseline?: Stats, baselineName?: string, target?: Target, pass?: boolean, note?: string }} BenchResult
 */

/** A positive number from the environment, or the default. */
export function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

/** Repeats of each timed case; BENCH_REPEATS overrides every benchmark's default. */
export function repeats(fallback) {
  return Math.max(1, Math.round(envNumber('BENCH_REPEATS', fallback)));
}

/** @returns {Stats} */
export function stats(xs) {
  if (xs.length === 0) throw new Error('no measurements');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s.at(-1), runs: s.length };
}

/** Stats times a factor (a budget that is a share of a measured baseline). */
export function scaled(s, factor) {
  return { median: s.median * factor, min: s.min * factor, max: s.max * factor, runs: s.runs };
}

/** Throughput stats (MB/s) from byte count and time stats in ms: min and max swap. */
export function throughput(bytes, ms) {
  const mb = bytes / 1024 / 1024;
  return { median: mb / (ms.median / 1000), min: mb / (ms.max / 1000), max: mb / (ms.min / 1000), runs: ms.runs };
}

/** Operations per second from a count and time stats in ms: min and max swap. */
export function perSecond(count, ms) {
  return { median: count / (ms.median / 1000), min: count / (ms.max / 1000), max: count / (ms.min / 1000), runs: ms.runs };
}

const collect = typeof globalThis.gc === 'function' ? () => globalThis.gc() : () => undefined;

/**
 * Times several cases in the same process, interleaved: each repeat runs every case once, in
 * an order that rotates, so that a noisy neighbour or a GC pause hurts all cases alike. Each
 * timed run is `fn()` called `inner` times (for operations too short to time alone); the
 * recorded time is per call. A warm-up round is not recorded.
 * @param {Record<string, () => unknown>} cases
 * @param {{ repeats: number, inner?: number, warmup?: number, log?: (line: string) => void, label?: string }} o
 * @returns {Promise<Record<string, Stats>>} milliseconds per call
 */
export async function interleave(cases, o) {
  const names = Object.keys(cases);
  const inner = o.inner ?? 1;
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let w = 0; w < (o.warmup ?? 1); w++) for (const n of names) for (let i = 0; i < inner; i++) await cases[n]();
  for (let r = 0; r < o.repeats; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(k + r) % names.length];
      collect();
      const started = performance.now();
      for (let i = 0; i < inner; i++) await cases[n]();
      times[n].push((performance.now() - started) / inner);
    }
  }
  const out = Object.fromEntries(names.map((n) => [n, stats(times[n])]));
  if (o.log) o.log(`${o.label ? `${o.label}: ` : ''}${names.map((n) => `${n} ${fmtMs(out[n])}`).join(', ')}`);
  return out;
}

/** `12.3 ms (11.9–14.0)` */
export function fmtMs(s) {
  const d = s.median < 1 ? 3 : s.median < 10 ? 2 : 1;
  return `${s.median.toFixed(d)} ms (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;
}

/**
 * A row comparing a time with a baseline time (lower is better): ratio = value / baseline.
 * @returns {BenchResult}
 */
export function timeRow(name, value, baseline, { baselineName, maxRatio, note } = {}) {
  const ratio = value.median / baseline.median;
  return {
    name,
    unit: 'ms',
    value,
    baseline,
    ...(baselineName ? { baselineName } : {}),
    ...(maxRatio !== undefined ? { target: { maxRatio }, pass: ratio <= maxRatio } : {}),
    ...(note ? { note } : {}),
  };
}

/** Bytes of `n` MiB. */
export const MiB = 1024 * 1024;
