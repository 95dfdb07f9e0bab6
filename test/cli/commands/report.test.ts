import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ComplianceReport } from '../../../src/connector/compliance-report-types.js';
import type { DocumentEvent } from '../../../src/connector/events.js';
import { vietnamDate } from '../../../src/edxml/vietnam-time.js';
import { attributeOf, parseXmlTree, type XmlElement } from '../../../src/edxml/xml-tree.js';
import { runCaptured } from '../../helpers/cli-capture.js';
import { NGHE_AN, NOI_VU, VPCP, letter, startNetwork, until, type Network, type Side } from '../../helpers/connector-setup.js';
import { csvRecords } from '../../helpers/csv-records.js';
import { projectRoot } from '../../helpers/shared-fixtures.js';

const DAY = 86_400_000;
const today = vietnamDate(new Date());
const period = ['--from', vietnamDate(new Date(Date.now() - DAY)), '--to', vietnamDate(new Date(Date.now() + DAY))];
const SUBJECT = '<script>alert(1)</script> V/v kiểm tra báo cáo';
const REASON = 'Thiếu chữ ký số, "sai" thẩm quyền';

let net: Network;
let g22: Side;
let g09: Side;
const out = mkdtempSync(join(tmpdir(), 'vdxp-report-cli-'));

beforeAll(async () => {
  net = await startNetwork([VPCP, NGHE_AN, NOI_VU]);
  const [a, h41, b] = net.sides as [Side, Side, Side];
  g22 = a;
  g09 = b;
  const atH41: DocumentEvent[] = [];
  const atG22: DocumentEvent[] = [];
  h41.connector.on('document', (d) => void atH41.push(d));
  g22.connector.on('document', (d) => void atG22.push(d));

  // VPCP → Nghệ An (reports every step) and Bộ Nội vụ (only the automatic 01)
  await (await g22.connector.send(letter(VPCP, [NGHE_AN, NOI_VU], { subject: SUBJECT }))).delivered;
  await until([h41.connector, g09.connector], () => atH41.length === 1);
  for (const code of ['03', '04', '05', '06']) await (await h41.connector.report(atH41[0]!.inboxId, code, { staff: { staff: 'Cán bộ' } })).delivered;
  // Bộ Nội vụ → VPCP, refused with a reason
  await (await g09.connector.send(letter(NOI_VU, [VPCP]))).delivered;
  await until([g22.connector], () => atG22.length === 1);
  await (await g22.connector.report(atG22[0]!.inboxId, '02', { description: REASON })).delivered;

  await until([g22.connector, g09.connector], async () => {
    const [sent] = await g22.connector.sentTracking();
    const events = sent?.recipients.map((r) => r.events.length);
    return events?.[0] === 5 && events[1] === 1;
  });
  // the report opens the store as the connector does: stop VPCP's connector first
  await g22.connector.stop();
  await g22.store.close();
}, 60_000);

afterAll(async () => {
  await net?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('vdxp report on a FileStore filled through the Connector and a LocalAxis', () => {
  test('--json prints the report: counts, classes, refusal', async () => {
    const run = await runCaptured(['report', '--store', g22.dir, ...period, '--json', '--agency', VPCP.organId, '--agency-name', VPCP.organName], out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { ok, report } = JSON.parse(run.stdout) as { ok: boolean; report: ComplianceReport };
    expect(ok).toBe(true);
    expect(report.agency).toEqual({ organId: VPCP.organId, organName: VPCP.organName });
    expect(report.totals).toMatchObject({ sentDocuments: 1, sentTrails: 2, receivedDocuments: 1, refused: 1, counterparts: 2 });
    const byId = Object.fromEntries(report.counterparts.map((c) => [c.organId, c]));
    expect(byId[NGHE_AN.organId]).toMatchObject({ sent: 1, received: 0, reportingClass: 'full' });
    expect(byId[NOI_VU.organId]).toMatchObject({ sent: 1, received: 1, reportingClass: 'arrival-only' });
    expect(report.reporting.sent).toMatchObject({ trails: 2, full: 1, arrivalOnly: 1, fullShare: 0.5 });
    expect(report.reporting.received).toMatchObject({ trails: 1, full: 1 });
    expect(report.refused).toMatchObject([{ side: 'received', counterpart: NOI_VU.organId, reason: REASON }]);
    expect(report.timings.sent['06'].count).toBe(1);
    expect(report.timings.sent['01'].count).toBe(2);
    expect(report.period.firstDay <= today && today <= report.period.lastDay).toBe(true);
  });

  test('--html and --csv write the page and the table; the summary names the files', async () => {
    const html = join(out, 'report.html');
    const csv = join(out, 'report.csv');
    const run = await runCaptured(['report', '--store', g22.dir, ...period, '--html', 'report.html', '--csv', 'report.csv', '--lang', 'vi'], out);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sent 1 documents (2 recipient trails), received 1');
    expect(run.stdout).toContain('full status trail: recipients 50.0 %, this system 100.0 %');
    expect(run.stdout).toMatch(new RegExp(`${NGHE_AN.organId.replaceAll('.', '\\.')}\\s+1\\s+0\\s+full`));
    expect(run.stdout).toContain(`wrote ${html}\nwrote ${csv}\n`);

    const page = readFileSync(html, 'utf8');
    expect(page).not.toContain('<script>');
    const root = parseXmlTree(page.replace('<!DOCTYPE html>\n', '')).root;
    const svgs: XmlElement[] = [];
    const walk = (el: XmlElement) => {
      for (const c of el.children) if (c.type === 'element') (c.local === 'svg' ? svgs.push(c) : walk(c));
    };
    walk(root);
    expect(svgs.map((s) => attributeOf(s, 'id'))).toEqual(['chart-periods', 'chart-counterparts', 'chart-reporting-classes', 'chart-timings']);
    expect(page).toContain('Thiếu chữ ký số, &quot;sai&quot; thẩm quyền');

    const text = readFileSync(csv, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const refused = csvRecords(text.slice(1)).find((r) => r[0] === 'refused');
    expect(refused?.[11]).toBe(REASON);
    expect(existsSync(join(out, '.report.html.tmp'))).toBe(false);
  });

  test('refuses bad usage with VDXP_CLI_USAGE and exit 2', async () => {
    for (const argv of [['report'], ['report', '--store', g22.dir, '--from', '2025-02-30'], ['report', '--store', g22.dir, '--from', '2025-09-10', '--to', '2025-09-01'], ['report', '--store', g22.dir, '--unit', 'year'], ['report', '--store', g22.dir, 'extra']]) {
      const run = await runCaptured(argv, out);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^VDXP_CLI_USAGE: report: /);
    }
  });

  test('a missing store folder is an error, and is not created', async () => {
    const missing = join(out, 'no-such-store');
    const run = await runCaptured(['report', '--store', missing], out);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('VDXP_IO: report: no store folder at');
    expect(existsSync(missing)).toBe(false);
  });

  test('a store held by a running connector is refused with a hint', async () => {
    const run = await runCaptured(['report', '--store', g09.dir, '--json'], out);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'VDXP_STORE_LOCKED' });
    expect(run.stderr).toMatch(/^VDXP_STORE_LOCKED: /);
    expect(run.stderr).toContain('hint: a running connector holds the store');
  });

  test('holidays and a deadline policy file are applied', async () => {
    const policy = join(out, 'deadlines.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(policy, JSON.stringify({ workingHours: { start: '07:00', end: '16:00' } }));
    const run = await runCaptured(['report', '--store', g22.dir, ...period, '--deadlines', 'deadlines.json', '--holiday', today, '--json'], out);
    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout) as { report: ComplianceReport };
    expect(report.deadlines.workingHours).toEqual({ start: '07:00', end: '16:00' });
    expect(report.deadlines.holidays).toEqual([today]);
    writeFileSync(policy, JSON.stringify({ receipt: 'sometime' }));
    const bad = await runCaptured(['report', '--store', g22.dir, '--deadlines', 'deadlines.json'], out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^VDXP_CONFIG_INVALID: /);
  });

  test('the built command runs as a child process', () => {
    const cli = join(projectRoot, 'dist', 'cli', 'main.js');
    if (!existsSync(cli) || !readFileSync(cli, 'utf8').includes('vdxp report --store DIR')) execFileSync('npx', ['tsup'], { cwd: projectRoot, stdio: 'ignore' });
    const child = spawnSync(process.execPath, [cli, 'report', '--store', g22.dir, ...period, '--json'], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect((JSON.parse(child.stdout) as { report: ComplianceReport }).report.totals.sentDocuments).toBe(1);
    const help = spawnSync(process.execPath, [cli, 'report', '--help'], { encoding: 'utf8' });
    expect(help.stdout).toContain('Usage: vdxp report --store DIR');
  });
});
