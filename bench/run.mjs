// npm run bench [-- NAME ...]: runs the benchmarks (all, or those named), prints them, and
// writes bench/results/latest.json and bench/results/latest.md. Expects a fresh build (the npm
// script builds first).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * @typedef {{ median: number, min: number, max: number, runs: number }} Stats
 * @typedef {{ name: string, unit: string, value: Stats, baseline?: Stats, target?: { max?: number, maxRatio?: number, minRatio?: number }, pass?: boolean }} BenchResult
 */

const BENCHMARKS = {
  'edxml/stream-memory': async (log) =>
    (await import('./edxml/stream-memory.mjs')).default({ sizeMB: Number(process.env.BENCH_STREAM_MB ?? 100), repeats: Number(process.env.BENCH_REPEATS ?? 3), log }),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}

const results = [];
for (const [name, bench] of Object.entries(BENCHMARKS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`# ${name}`);
  for (const r of await bench((line) => console.log(`  ${line}`))) results.push(r);
}

const fmt = (s) => (s ? `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})` : '—');
const rows = results.map((r) => {
  const ratio = r.baseline ? r.value.median / r.baseline.median : undefined;
  const target = r.target?.max !== undefined ? `< ${r.target.max} ${r.unit}` : r.target?.maxRatio !== undefined ? `ratio ≤ ${r.target.maxRatio}` : '—';
  const pass = r.pass === undefined ? '—' : r.pass ? 'pass' : 'FAIL';
  return { ...r, ratio, line: `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline)} ${r.baseline ? r.unit : ''} | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${target} | ${pass} |` };
});
const md = [
  '| benchmark | value: median (min–max) | baseline | ratio | target | result |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => r.line),
  '',
  `Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}.`,
  '',
].join('\n');
await mkdir(join(here, 'results'), { recursive: true });
await writeFile(
  join(here, 'results', 'latest.json'),
  JSON.stringify(rows.map(({ name, value, baseline, unit, ratio, target, pass }) => ({ name, value: value.median, valueStats: value, baseline: baseline?.median, baselineStats: baseline, unit, ratio, target, pass })), null, 2) + '\n',
);
await writeFile(join(here, 'results', 'latest.md'), md);
console.log('\n' + md);
if (results.some((r) => r.pass === false)) process.exitCode = 1;
