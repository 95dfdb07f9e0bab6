import { describe, expect, test } from 'vitest';
import { approxTextWidth } from '../../src/connector/compliance-charts.js';
import { complianceReportToHtml } from '../../src/connector/compliance-html.js';
import { buildComplianceReport } from '../../src/connector/compliance-report.js';
import { attributeOf, childElements, firstChild, parseXmlTree, type XmlElement } from '../../src/edxml/xml-tree.js';
import { HOSTILE_NAME, HOSTILE_SUBJECT, PERIOD, RECEIVED, SENT, ev, sentDoc } from '../helpers/tracking-fixture.js';

const report = buildComplianceReport({ sent: SENT, received: RECEIVED, ...PERIOD, agency: { organId: '000.00.00.H01', organName: 'UBND tỉnh' } });
const html = complianceReportToHtml(report);

/** The page as an XML tree (the markup is XHTML-compatible once the doctype line is gone). */
function tree(page: string): XmlElement {
  expect(page.startsWith('<!DOCTYPE html>\n')).toBe(true);
  return parseXmlTree(page.slice('<!DOCTYPE html>\n'.length)).root;
}

function all(el: XmlElement, local: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of childElements(el)) {
    if (local === '*' || c.local === local) out.push(c);
    all(c, local, out);
  }
  return out;
}

/** All text below an element, in document order. */
function deepText(el: XmlElement): string {
  return el.children.map((c) => (c.type === 'text' ? c.value : c.type === 'element' ? deepText(c) : '')).join('');
}

const classOf = (el: XmlElement) => (attributeOf(el, 'class') ?? '').split(/\s+/);

describe('complianceReportToHtml: structure', () => {
  const root = tree(html);

  test('is a Vietnamese page with a meaningful title', () => {
    expect(root.local).toBe('html');
    expect(attributeOf(root, 'lang')).toBe('vi');
    const title = deepText(firstChild(firstChild(root, 'head'), 'title')!);
    expect(title).toBe('Báo cáo tình hình gửi, nhận văn bản điện tử — UBND tỉnh — 08/09/2025 – 14/09/2025');
  });

  test('is self-contained: no script, no external resource, a CSP forbidding both', () => {
    expect(all(root, 'script')).toEqual([]);
    for (const tag of ['img', 'iframe', 'object', 'embed', 'image', 'use', 'a', 'form']) expect(all(root, tag)).toEqual([]);
    // the one link: an empty data: icon, so browsers do not ask for /favicon.ico
    expect(all(root, 'link').map((l) => [attributeOf(l, 'rel'), attributeOf(l, 'href')])).toEqual([['icon', 'data:,']]);
    const attributes = [root, ...all(root, '*').filter((el) => el.local !== 'link')].flatMap((el) => el.attributes.map((a) => a.local));
    for (const a of ['src', 'href', 'srcset', 'action', 'formaction', 'background', 'poster', 'data']) expect(attributes).not.toContain(a);
    expect(attributes.filter((a) => a.startsWith('on'))).toEqual([]);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/)/);
    const csp = all(root, 'meta').find((m) => attributeOf(m, 'http-equiv') === 'Content-Security-Policy');
    expect(attributeOf(csp!, 'content')).toContain("default-src 'none'");
    expect(all(root, 'style')).toHaveLength(1);
  });

  test('has the four charts, each an accessible inline SVG', () => {
    const charts = all(root, 'svg').filter((s) => classOf(s).includes('chart'));
    expect(charts.map((c) => attributeOf(c, 'id'))).toEqual(['chart-periods', 'chart-counterparts', 'chart-reporting-classes', 'chart-timings']);
    for (const c of charts) {
      expect(c.uri).toBe('http://www.w3.org/2000/svg');
      expect(attributeOf(c, 'role')).toBe('img');
      const titleId = attributeOf(c, 'aria-labelledby')!;
      const title = firstChild(c, 'title')!;
      expect(attributeOf(title, 'id')).toBe(titleId);
      expect(deepText(title).length).toBeGreaterThan(5);
      expect(attributeOf(firstChild(c, 'desc')!, 'id')).toBe(attributeOf(c, 'aria-describedby'));
      expect(all(c, 'rect').length).toBeGreaterThan(2);
    }
  });

  test('every bar lies inside its chart', () => {
    for (const c of all(root, 'svg')) {
      const [, , w, h] = attributeOf(c, 'viewBox')!.split(' ').map(Number);
      for (const r of all(c, 'rect')) {
        const [x, y, rw, rh] = ['x', 'y', 'width', 'height'].map((a) => Number(attributeOf(r, a)));
        expect(rw).toBeGreaterThanOrEqual(0);
        expect(x! >= 0 && y! >= 0 && x! + rw! <= w! + 0.01 && y! + rh! <= h! + 0.01).toBe(true);
      }
    }
  });

  test('the timings chart leaves room for its labels: long English stage names left, durations right', () => {
    for (const lang of ['vi', 'en'] as const) {
      const chart = all(tree(complianceReportToHtml(report, { lang })), 'svg').find((s) => attributeOf(s, 'id') === 'chart-timings')!;
      const width = Number(attributeOf(chart, 'viewBox')!.split(' ')[2]);
      for (const t of all(chart, 'text')) {
        const x = Number(attributeOf(t, 'x'));
        const size = classOf(t).includes('value') ? 11 : 12;
        const w = approxTextWidth(deepText(t), size);
        const anchor = attributeOf(t, 'text-anchor');
        // 0.6 em a character is wider than the usual faces draw these texts (checked in Chromium by test/browser)
        if (anchor === 'end') expect(x - w, `${lang}: ${deepText(t)}`).toBeGreaterThanOrEqual(0);
        if (anchor === 'start') expect(x + w, `${lang}: ${deepText(t)}`).toBeLessThanOrEqual(width);
      }
    }
  });

  test('bars are proportional: the counterpart chart draws 3 documents three times as long as 1', () => {
    const chart = all(root, 'svg').find((s) => attributeOf(s, 'id') === 'chart-counterparts')!;
    const widthOf = (label: string) => Number(attributeOf(all(chart, 'rect').find((r) => deepText(r) === label)!, 'width'));
    expect(widthOf('000.00.01.H01: Đã gửi 3')).toBeCloseTo(3 * widthOf('000.00.03.H01: Đã gửi 1'), 0);
  });

  test('sections with headings and accessible tables', () => {
    const sections = all(root, 'section');
    expect(sections.map((s) => attributeOf(s, 'id'))).toEqual(['summary', 'periods', 'counterparts', 'reporting', 'timings', 'overdue', 'late', 'refused', 'withdrawn']);
    for (const s of sections) expect(attributeOf(s, 'aria-labelledby')).toBe(attributeOf(firstChild(s, 'h2')!, 'id'));
    const tables = all(root, 'table');
    expect(tables.length).toBe(8);
    for (const t of tables) {
      expect(deepText(firstChild(t, 'caption')!).length).toBeGreaterThan(0);
      for (const th of all(firstChild(t, 'thead')!, 'th')) expect(attributeOf(th, 'scope')).toBe('col');
      for (const tr of all(firstChild(t, 'tbody')!, 'tr')) expect(attributeOf(childElements(tr)[0]!, 'scope')).toBe('row');
    }
    const overdueRows = all(firstChild(sections[5]!, 'table')!, 'tr').slice(1);
    expect(overdueRows).toHaveLength(4);
  });

  test('uses the Vietnamese labels', () => {
    const text = deepText(root);
    for (const label of ['Đã đến', 'Đã tiếp nhận', 'Hoàn thành', 'Quá hạn', 'Từ chối', 'Trễ hạn', 'Đã thu hồi', 'Trích yếu', 'Hỏa tốc', 'Đầy đủ', 'Chỉ báo đã đến', 'Không phản hồi']) {
      expect(text).toContain(label);
    }
    expect(text).toContain('33,3'); // 2 of 6 recipient trails full, Vietnamese decimal comma
    expect(text).toContain('Sai thẩm quyền');
  });
});

describe('complianceReportToHtml: hostile values', () => {
  test('markup in subjects, names and reasons is shown as text, never as markup', () => {
    const root = tree(html);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const text = deepText(root);
    expect(text).toContain(HOSTILE_NAME);
    expect(text).toContain(HOSTILE_SUBJECT);
  });

  test('quotes cannot break out of attributes, and control characters are replaced', () => {
    const doc = sentDoc('Q1', '2025-09-08T09:00', [{ organId: '"><script>x</script>', organName: `a'b"c\u0001\uD800`, events: [ev('01', '2025-09-08T09:01')] }]);
    const page = complianceReportToHtml(buildComplianceReport({ sent: [doc], ...PERIOD }), { title: '</title><script>alert(2)</script>' });
    expect(page).not.toContain('<script>');
    const root = tree(page);
    expect(deepText(firstChild(firstChild(root, 'head'), 'title')!)).toBe('</title><script>alert(2)</script>');
    expect(deepText(root)).toContain(`a'b"c\uFFFD\uFFFD`);
    expect(all(root, 'script')).toEqual([]);
  });
});

describe('complianceReportToHtml: options and edge cases', () => {
  test('English labels with lang="en"', () => {
    const root = tree(complianceReportToHtml(report, { lang: 'en' }));
    expect(attributeOf(root, 'lang')).toBe('en');
    const text = deepText(root);
    expect(text).toContain('Electronic document exchange report');
    expect(text).toContain('01 Arrived');
    expect(text).toContain('33.3%');
    const periods = all(root, 'svg').find((s) => attributeOf(s, 'id') === 'chart-periods')!;
    expect(all(periods, 'text').map(deepText)).toContain('09-08');
  });

  test('an empty period still has its charts, saying there is no data', () => {
    const root = tree(complianceReportToHtml(buildComplianceReport({ ...PERIOD })));
    const charts = all(root, 'svg').filter((s) => classOf(s).includes('chart'));
    expect(charts).toHaveLength(4);
    for (const c of charts) expect(deepText(c)).toContain('Không có dữ liệu');
    expect(all(root, 'table')).toHaveLength(3); // periods, reporting shares, timings
  });

  test('charts show the first 20 counterparts; the table lists them all', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      sentDoc(`N${i}`, '2025-09-09T09:00', [{ organId: `000.00.${String(i).padStart(2, '0')}.H02`, organName: `Xã ${i} ${'dài '.repeat(20)}`, events: [ev('01', '2025-09-09T09:01')] }]),
    );
    const root = tree(complianceReportToHtml(buildComplianceReport({ sent: many, ...PERIOD })));
    const chart = all(root, 'svg').find((s) => attributeOf(s, 'id') === 'chart-counterparts')!;
    expect(all(chart, 'rect').filter((r) => attributeOf(r, 'fill') === '#1f5fad' && deepText(r) !== '')).toHaveLength(20);
    expect(deepText(chart)).toContain('và 10 cơ quan khác');
    expect(deepText(chart)).toContain('…');
    const section = all(root, 'section').find((s) => attributeOf(s, 'id') === 'counterparts')!;
    expect(all(firstChild(section, 'table')!, 'tr')).toHaveLength(31);
  });

  test('refuses unknown options', () => {
    expect(() => complianceReportToHtml(report, { lang: 'fr' } as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
  });
});

describe('complianceReportToHtml: long lists', () => {
  test('item lists stop at maxItemRows and say how many there are', () => {
    const page = complianceReportToHtml(report, { maxItemRows: 2 });
    const root = tree(page);
    const overdue = all(root, 'section').find((s) => attributeOf(s, 'id') === 'overdue')!;
    expect(all(firstChild(overdue, 'table')!, 'tr')).toHaveLength(3);
    expect(deepText(overdue)).toContain('Hiển thị 2/4 mục');
    const refused = all(root, 'section').find((s) => attributeOf(s, 'id') === 'refused')!;
    expect(deepText(refused)).not.toContain('Hiển thị');
  });
});

describe('complianceReportToHtml: period axis', () => {
  test('days as dd/mm in Vietnamese, months as mm/yyyy', () => {
    const labels = (page: string) => all(all(tree(page), 'svg').find((s) => attributeOf(s, 'id') === 'chart-periods')!, 'text').map(deepText);
    expect(labels(html)).toEqual(expect.arrayContaining(['08/09', '11/09']));
    const year = buildComplianceReport({ sent: SENT, received: RECEIVED, from: new Date('2025-01-01T00:00:00+07:00'), to: new Date('2026-01-01T00:00:00+07:00'), now: PERIOD.now });
    expect(labels(complianceReportToHtml(year))).toEqual(expect.arrayContaining(['01/2025', '09/2025', '12/2025']));
  });
});
