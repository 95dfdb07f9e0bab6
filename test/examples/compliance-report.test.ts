import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../examples/compliance-report.js';
import { projectRoot } from '../helpers/shared-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'vdxp-example-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/compliance-report', () => {
  test('writes the HTML, CSV and JSON report of the example week', () => {
    const files = main(join(dir, 'in-process'));
    const html = readFileSync(files.html, 'utf8');
    expect(html).toContain('<title>Báo cáo tình hình gửi, nhận văn bản điện tử — UBND tỉnh Quảng Ninh — 08/09/2025 – 14/09/2025</title>');
    expect(html.match(/<svg [^>]*class="chart /g)).toHaveLength(4);
    expect(readFileSync(files.csv, 'utf8').startsWith('\uFEFFsection,')).toBe(true);
    const report = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(report.totals).toMatchObject({ sentDocuments: 2, sentTrails: 5, receivedDocuments: 2, refused: 1 });
    // the hỏa tốc document's silent recipient is overdue for 01 and 03; Sở Tài chính registered late
    expect(report.overdue.map((o: { counterpart: string; stage: string }) => `${o.counterpart}:${o.stage}`)).toEqual([
      '000.00.31.H22:03', // 1520/UBND-VP: arrived, never registered (due Monday 17:00)
      '000.00.31.H22:01',
      '000.00.31.H22:03',
    ]);
    expect(report.late.map((l: { counterpart: string; stage: string }) => `${l.counterpart}:${l.stage}`)).toEqual(['000.00.13.H22:03']);
  });

  test('runs with node once bundled (public API only)', () => {
    const bundle = join(dir, 'compliance-report.mjs');
    execFileSync('npx', ['esbuild', 'examples/compliance-report.ts', '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`, '--log-level=error'], { cwd: projectRoot });
    const out = execFileSync('node', [bundle, join(dir, 'bundled')], { encoding: 'utf8' });
    expect(out).toContain('sent 2 documents to 5 recipients, received 2');
    expect(out).toContain(`wrote ${join(dir, 'bundled', 'report.html')}`);
    expect(readFileSync(join(dir, 'bundled', 'report.html'), 'utf8')).toContain('id="chart-timings"');
  });
});
