// Streaming a large attachment through the writer and the reader: peak RSS and throughput,
// against an fs copy of the same base64 package (the I/O ceiling). Each side runs in its own
// process so its peak memory is measured alone.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNumber, repeats as repeatsOf, stats } from '../harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, 'stream-worker.mjs');

function run(mode, a, b) {
  const out = execFileSync(process.execPath, [worker, mode, a, b], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1));
}

async function writeRandomFile(path, sizeBytes) {
  const block = randomBytes(1 << 20);
  const out = createWriteStream(path);
  for (let written = 0; written < sizeBytes; written += block.length) {
    block.writeUInt32LE(written >>> 0, 0); // vary each block so nothing compresses or dedups
    if (!out.write(block.subarray(0, Math.min(block.length, sizeBytes - written)))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

async function sha256(path) {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c);
  return h.digest('hex');
}

/**
 * BENCH_STREAM_MB (200) sets the attachment's size, BENCH_REPEATS (3) the runs of each side.
 * @returns {Promise<import('../harness.mjs').BenchResult[]>}
 */
export default async function streamMemory({ log }) {
  const sizeMB = envNumber('BENCH_STREAM_MB', 200);
  const repeats = repeatsOf(3);
  const dir = await mkdtemp(join(tmpdir(), 'vdxp-bench-stream-'));
  try {
    const attachment = join(dir, 'scan.bin');
    await writeRandomFile(attachment, sizeMB * 1024 * 1024);
    const pkg = join(dir, 'package.edxml');
    const runs = { build: [], parse: [], copy: [] };
    for (let i = 0; i < repeats; i++) {
      runs.build.push(run('build', attachment, pkg));
      runs.parse.push(run('parse', pkg, join(dir, `out-${i}`)));
      runs.copy.push(run('copy', pkg, join(dir, `copy-${i}.edxml`)));
      await rm(join(dir, `copy-${i}.edxml`), { force: true });
    }
    if ((await sha256(join(dir, 'out-0', 'attachment-0'))) !== (await sha256(attachment))) {
      throw new Error('the parsed attachment differs from the original');
    }
    const results = [];
    for (const mode of ['build', 'parse']) {
      const rss = runs[mode].map((r) => r.maxRssMB);
      const mbps = runs[mode].map((r) => r.bytes / 1024 / 1024 / (r.ms / 1000));
      const copyMbps = runs.copy.map((r) => r.bytes / 1024 / 1024 / (r.ms / 1000));
      const importMs = stats(runs[mode].map((r) => r.importMs)).median;
      log?.(`${mode}: peak RSS ${stats(rss).median.toFixed(0)} MB, ${stats(mbps).median.toFixed(0)} MB/s (fs copy ${stats(copyMbps).median.toFixed(0)} MB/s); the time includes ${importMs.toFixed(0)} ms of library import`);
      results.push({
        name: `edxml stream-${mode} ${sizeMB} MB attachment: peak RSS`,
        unit: 'MB',
        value: stats(rss),
        baseline: stats(runs.copy.map((r) => r.maxRssMB)),
        target: { max: 128 },
        pass: stats(rss).max < 128,
      });
      results.push({
        name: `edxml stream-${mode} ${sizeMB} MB attachment: throughput`,
        unit: 'MB/s',
        value: stats(mbps),
        baseline: stats(copyMbps),
        target: undefined,
        pass: undefined,
      });
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
