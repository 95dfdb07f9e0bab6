// npm run bench [-- NAME ...]: runs the benchmarks (all, or those named), each in its own
// child process (so that one's heap and JIT state do not colour the next), prints them, and
// writes bench/results/latest.json and bench/results/latest.md. Expects a fresh build (the npm
// script builds first). See bench/README.md.
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Name → module (relative to bench/), in the order they run. */
export const BENCHMARKS = {
  'edxml/build': './edxml/build.mjs',
  'edxml/parse': './edxml/parse.mjs',
  'edxml/parse-fixtures': './edxml/parse-fixtures.mjs',
  'edxml/stream-memory': './edxml/stream-memory.mjs',
  'signature/xmldsig': './signature/xmldsig.mjs',
  'signature/pdf': './signature/pdf.mjs',
  'connector/round-trip': './connector/round-trip.mjs',
  'store/file-store': './store/file-store.mjs',
};

if (process.argv[2] === '--child') {
  // One benchmark, in this process; results go back to the parent over IPC.
  const name = process.argv[3];
  const log = (line) => console.log(`  ${line}`);
  const mod = await import(BENCHMARKS[name]);
  const results = await mod.default({ log });
  if (process.send) process.send({ results }, () => process.exit(0));
  else console.log(JSON.stringify(results, null, 2)); // run by hand (e.g. under a profiler)
} else {
  await main();
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  const results = [];
  const failed = [];
  const started = Date.now();
  for (const name of Object.keys(BENCHMARKS)) {
    if (wanted.length && !wanted.includes(name)) continue;
    console.log(`# ${name}`);
    const t0 = Date.now();
    try {
      results.push(...(await runChild(name)));
    } catch (e) {
      console.error(`  ${name} failed: ${e.message}`);
      failed.push(name);
    }
    console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }

  const rows = results.map((r) => {
    const ratio = r.baseline ? r.value.median / r.baseline.median : undefined;
    const pass = r.pass ?? judge(r, ratio);
    return { ...r, ratio, pass };
  });
  const md = [
    '| benchmark | ours: median (min–max) | baseline: median (min–max) | ratio | target | result |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.baseline ? `${fmt(r.baseline)} ${r.unit}` : '—'} | ${r.ratio === undefined ? '—' : r.ratio.toFixed(2)} | ${targetText(r)} | ${r.pass === undefined ? '—' : r.pass ? 'pass' : '**FAIL**'} |`),
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}; ` +
      `${Object.keys(BENCHMARKS).filter((n) => !wanted.length || wanted.includes(n)).length} benchmarks in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
  ].join('\n');
  await mkdir(join(here, 'results'), { recursive: true });
  // every row carries the seven keys; a context row (no target) has target and pass null
  const json = rows.map(({ name, value, baseline, unit, ratio, target, pass, note }) => ({
    name,
    value: value.median,
    baseline: baseline?.median ?? null,
    unit,
    ratio: ratio ?? null,
    target: target ?? null,
    pass: pass ?? null,
    valueStats: value,
    ...(baseline ? { baselineStats: baseline } : {}),
    ...(note ? { note } : {}),
  }));
  await writeFile(join(here, 'results', 'latest.json'), JSON.stringify(json, null, 2) + '\n');
  await writeFile(join(here, 'results', 'latest.md'), md);
  console.log('\n' + md);
  if (failed.length) console.error(`benchmarks that did not finish: ${failed.join(', ')}`);
  if (failed.length || rows.some((r) => r.pass === false)) process.exitCode = 1;
}

function runChild(name) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', name], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let results;
    child.on('message', (m) => {
      results = m.results;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (results) resolve(results);
      else reject(new Error(`exited with ${signal ?? code} before reporting`));
    });
  });
}

function judge(r, ratio) {
  const t = r.target;
  if (!t) return undefined;
  if (t.max !== undefined) return r.value.max < t.max;
  if (t.maxRatio !== undefined) return ratio <= t.maxRatio;
  if (t.minRatio !== undefined) return ratio >= t.minRatio;
  return undefined;
}

function targetText(r) {
  const t = r.target;
  if (!t) return '—';
  if (t.max !== undefined) return `max < ${t.max} ${r.unit}`;
  if (t.maxRatio !== undefined) return `ratio ≤ ${t.maxRatio}`;
  if (t.minRatio !== undefined) return `ratio ≥ ${t.minRatio}`;
  return '—';
}

function fmt(s) {
  const d = s.median >= 100 ? 0 : s.median >= 10 ? 1 : s.median >= 1 ? 2 : 3;
  return `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;
}
