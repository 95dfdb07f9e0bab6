import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildComplianceReport, complianceReportToHtml } from '../../src/index.js';
import { Chromium, findChromium, type Page } from '../helpers/chromium.js';
import { projectRoot } from '../helpers/shared-fixtures.js';
import { ev, HOSTILE_NAME, HOSTILE_SUBJECT, PERIOD, RECEIVED, SENT, sentDoc } from '../helpers/tracking-fixture.js';

// The HTML compliance report opened in a real browser (Debian's chromium, installed by .ci/run).
// Without chromium the suite fails under CI=true and is skipped elsewhere, saying why.
const executable = findChromium();
const ci = process.env['CI'] === 'true';
if (!executable && !ci) console.warn('test/browser/compliance-report.test.ts skipped: no chromium on PATH (apt-get install chromium, or set CHROMIUM)');

const CHART_IDS = ['chart-periods', 'chart-counterparts', 'chart-reporting-classes', 'chart-timings'];
const artifacts = join(projectRoot, 'test-artifacts');

interface ChartBox {
  id: string;
  width: number;
  height: number;
  right: number;
  bars: number;
  visibleBars: number;
  text: string;
  /** Labels drawn (partly) outside the chart's box, where the browser clips them. */
  clipped: string[];
}

/** Each chart's box, its bars (rects) and how many of them are drawn with a size. */
const chartsIn = (page: Page) =>
  page.evaluate<ChartBox[]>(`[...document.querySelectorAll('svg.chart')].map((svg) => {
    const r = svg.getBoundingClientRect();
    const bars = [...svg.querySelectorAll('rect')];
    const visible = bars.filter((b) => { const x = b.getBoundingClientRect(); return x.width > 0 && x.height > 0; });
    const clipped = [...svg.querySelectorAll('text')].filter((t) => { const b = t.getBoundingClientRect(); return b.left < r.left - 0.5 || b.right > r.right + 0.5 || b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5; }).map((t) => t.textContent);
    return { id: svg.id, width: r.width, height: r.height, right: r.right, bars: bars.length, visibleBars: visible.length, text: svg.textContent, clipped };
  })`);

/** Badges (reporting classes in the table) that wrap onto more than one line. */
const wrappedBadges = (page: Page) =>
  page.evaluate<string[]>(`[...document.querySelectorAll('.badge')].filter((b) => b.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(b).fontSize)).map((b) => b.textContent)`);

describe.skipIf(!executable && !ci)('the HTML compliance report in headless Chromium', () => {
  let browser: Chromium;
  let dir: string;
  // the shared fixture, plus a counterpart with a long name full of wide letters
  const longName = { organId: '000.00.06.H01', organName: 'Sở Tài nguyên và Môi trường tỉnh Bà Rịa - Vũng Tàu (MMMMMMMMMM)' };
  const sent = [...SENT, sentDoc('S7', '2025-09-12T08:00', [{ ...longName, events: [ev('01', '2025-09-12T08:05'), ev('03', '2025-09-12T09:00')] }])];
  const report = buildComplianceReport({ sent, received: RECEIVED, ...PERIOD, unit: 'day', agency: { organId: '000.00.00.H01', organName: 'UBND tỉnh Thử Nghiệm' } });

  beforeAll(async () => {
    if (!executable) throw new Error('chromium is not installed: .ci/run installs it (apt-get install chromium); CI=true requires it');
    browser = await Chromium.launch(executable);
    dir = mkdtempSync(join(tmpdir(), 'vdxp-browser-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the page for `lang` and opens it from a file, as a person opens a saved report. */
  async function open(lang: 'vi' | 'en', viewport?: { width: number; height: number }): Promise<Page> {
    const file = join(dir, `report-${lang}.html`);
    writeFileSync(file, complianceReportToHtml(report, { lang }));
    return browser.open(pathToFileURL(file).href, viewport);
  }

  test('renders the Vietnamese report without console errors, its four charts drawn, and keeps a screenshot', async () => {
    const page = await open('vi');
    const charts = await chartsIn(page);
    expect(charts.map((c) => c.id)).toEqual(CHART_IDS);
    const bodyRight = await page.evaluate<number>(`document.body.getBoundingClientRect().right`);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(40);
      expect(c.right, `${c.id} stays inside the page`).toBeLessThanOrEqual(bodyRight + 0.5);
      expect(c.visibleBars, `${c.id} draws bars`).toBeGreaterThan(0);
      expect(c.text.trim().length, `${c.id} has labels`).toBeGreaterThan(0);
      expect(c.clipped, `${c.id} labels inside the chart`).toEqual([]);
    }
    expect(await wrappedBadges(page)).toEqual([]);
    // hostile names and subjects are shown as text, never as markup
    const page1 = await page.evaluate<{ scripts: number; images: number; text: string; title: string; lang: string }>(
      `({ scripts: document.querySelectorAll('script').length, images: document.querySelectorAll('img').length, text: document.body.innerText, title: document.title, lang: document.documentElement.lang })`,
    );
    expect(page1).toMatchObject({ scripts: 0, images: 0, lang: 'vi' });
    expect(page1.text).toContain(HOSTILE_NAME);
    expect(page1.text).toContain(HOSTILE_SUBJECT);
    expect(page1.title).toContain('UBND tỉnh Thử Nghiệm');

    const png = await page.screenshot();
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1100); // IHDR width: the viewport
    expect(png.readUInt32BE(20)).toBeGreaterThan(900); // the whole page, taller than the viewport
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'compliance-report.png'), png);
    expect(page.problems).toEqual([]);
  });

  test('renders the English report and a phone-width page without errors, the charts scaled to fit', async () => {
    const en = await open('en');
    const enCharts = await chartsIn(en);
    expect(enCharts.map((c) => c.id)).toEqual(CHART_IDS);
    for (const c of enCharts) expect(c.clipped, `${c.id} labels inside the chart`).toEqual([]);
    expect(await en.evaluate<string>(`document.documentElement.lang`)).toBe('en');
    expect(en.problems).toEqual([]);

    const phone = await open('vi', { width: 400, height: 800 });
    const charts = await chartsIn(phone);
    const bodyRight = await phone.evaluate<number>(`document.body.getBoundingClientRect().right`);
    for (const c of charts) {
      expect(c.right, `${c.id} fits a phone`).toBeLessThanOrEqual(bodyRight + 0.5);
      expect(c.visibleBars, c.id).toBeGreaterThan(0);
      expect(c.clipped, `${c.id} labels inside the chart`).toEqual([]);
    }
    expect(await wrappedBadges(phone)).toEqual([]);
    expect(phone.problems).toEqual([]);
  });

  test('reports a page’s console errors (the check can fail)', async () => {
    // a page whose inline script the report's own CSP would forbid: here it runs and logs an error
    const file = join(dir, 'broken.html');
    writeFileSync(file, '<!DOCTYPE html><html><body><script>console.error("broken chart"); undefinedFunction();</script></body></html>');
    const page = await browser.open(pathToFileURL(file).href);
    expect(page.problems.map((p) => p.source).sort()).toEqual(['console', 'exception']);
    expect(page.problems[0]!.text).toContain('broken chart');
  });
});
