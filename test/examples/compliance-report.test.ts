import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ComplianceReport } from '../../src/connector/compliance-report-types.js';
import { builtLibrary } from '../helpers/built.js';
import { projectRoot } from '../helpers/shared-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'vdxp-example-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  builtLibrary('complianceReportToHtml'); // the example imports 'vdxp-connector', which resolves to the build
});

describe('examples/compliance-report.mjs', () => {
  test('writes the HTML, CSV and JSON report of the example week and prints its figures', () => {
    const stdout = execFileSync(process.execPath, [join(projectRoot, 'examples', 'compliance-report.mjs'), dir], { cwd: projectRoot, encoding: 'utf8' });
    expect(stdout).toContain('sent 2 documents to 5 recipients, received 2');
    expect(stdout).toContain(`wrote ${join(dir, 'report.html')}`);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<title>Báo cáo tình hình gửi, nhận văn bản điện tử — UBND tỉnh Quảng Ninh — 08/09/2025 – 14/09/2025</title>');
    expect(html.match(/<svg [^>]*class="chart /g)).toHaveLength(4);
    expect(readFileSync(join(dir, 'report.csv'), 'utf8').startsWith('\uFEFFsection,')).toBe(true);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ComplianceReport;
    expect(report.totals).toMatchObject({ sentDocuments: 2, sentTrails: 5, receivedDocuments: 2, refused: 1 });
    expect(report.counterparts.map((c) => [c.organId, c.reportingClass])).toEqual([
      ['000.00.31.H22', 'arrival-only'],
      ['000.00.12.H22', 'full'],
      ['000.00.13.H22', 'partial'],
    ]);
    // UBND Hạ Long: 1520 arrived but was never registered (due Monday 17:00); the hỏa tốc 1561 got nothing
    expect(report.overdue.map((o) => `${o.documentId.split(',')[2]}:${o.stage}`)).toEqual(['1520/UBND-VP:03', '1561/UBND-VP:01', '1561/UBND-VP:03']);
    // Sở Tài chính registered 1520 the next morning
    expect(report.late.map((l) => `${l.counterpart}:${l.stage}`)).toEqual(['000.00.13.H22:03']);
  });
});
