// parseEdxml over every published sample in ../shared/fixtures/edxml (negative ones left out),
// BENCH_FIXTURE_PASSES times (100 by default: fast-xml-parser takes over a minute per repeat
// for the 1000; the ratio does not depend on it), against fast-xml-parser alone.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { parseEdxml } from '../../dist/index.js';
import { envNumber, interleave, repeats, timeRow } from '../harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fixtures() {
  const dir = join(process.env.VDXP_SHARED ?? resolve(root, '..', 'shared'), 'fixtures', 'edxml');
  if (!existsSync(dir)) return undefined;
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'negative') walk(p);
      } else if (name.endsWith('.edxml')) out.push(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** @returns {Promise<import('../harness.mjs').BenchResult[]>} */
export default async function parseFixtures({ log }) {
  const files = fixtures();
  if (!files) {
    log('../shared/fixtures/edxml not found (set VDXP_SHARED): skipped');
    return [];
  }
  const passes = Math.round(envNumber('BENCH_FIXTURE_PASSES', 100));
  const bytes = files.reduce((n, f) => n + f.length, 0);
  log(`${files.length} files, ${(bytes / 1024).toFixed(0)} KiB per pass, ${passes} passes`);
  for (const f of files) parseEdxml(f); // every sample must read
  const parser = new XMLParser();
  const t = await interleave(
    {
      parseEdxml: () => {
        for (let i = 0; i < passes; i++) for (const f of files) parseEdxml(f);
      },
      'fast-xml-parser': () => {
        for (let i = 0; i < passes; i++) for (const f of files) parser.parse(f);
      },
    },
    { repeats: repeats(3), warmup: 0, log },
  );
  return [timeRow(`edxml parse ${files.length} shared samples × ${passes} vs fast-xml-parser`, t.parseEdxml, t['fast-xml-parser'])];
}
