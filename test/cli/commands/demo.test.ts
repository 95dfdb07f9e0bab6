import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { builtCli } from '../../helpers/built.js';
import { runCaptured } from '../../helpers/cli-capture.js';

const work = mkdtempSync(join(tmpdir(), 'vdxp-demo-test-'));
const demoFolders = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('vdxp-demo-') && !f.startsWith('vdxp-demo-test-')));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('vdxp demo', () => {
  test('tells the whole story across two axes and three agencies, and exits 0', { timeout: 180_000 }, async () => {
    const before = demoFolders();
    const report = join(work, 'report.html');
    const run = await runCaptured(['demo', '--report', report], work);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    // the routing: the commune's system is on the provincial axis, reached from the national one
    expect(out).toMatch(/national directory now lists \d+ agencies, the province and the commune among them/);
    // the PDF: person then body, legally complete, at the sender and at the commune
    expect(out.match(/legally complete \(Nghị định 30\/2020 Art\. 5, person \+ body\): yes; verdict valid/g)).toHaveLength(2);
    expect(out).toMatch(/Signature1: valid — người có thẩm quyền \(competent person\)/);
    expect(out).toMatch(/Signature2: valid — cơ quan \(issuing body\): Bộ Nội vụ, timestamped/);
    expect(out.match(/valid, accepted — edxml valid; pdf:CV-1520-BNV-CQDP\.pdf valid/g)).toHaveLength(2);
    // the trail and the requests
    for (const code of ['03 Đã tiếp nhận', '04 Phân công', '05 Đang xử lý', '06 Hoàn thành']) expect(out.split(code).length - 1).toBe(2);
    expect(out).toMatch(/000\.00\.00\.H41 UBND tỉnh Nghệ An +full +01 \d\d:\d\d:\d\d · 03 .* · 06 \d\d:\d\d:\d\d/);
    expect(out).toMatch(/000\.01\.31\.H41 UBND xã Hưng Tân +full, withdrawn +01 /);
    expect(out).toMatch(/16 Từ chối \(request refused\) — “Văn bản đã được xử lý xong/);
    expect(out).toMatch(/withdrawn at: 000\.01\.31\.H41\n/);
    expect(out).toMatch(/recipients reporting the full trail \(clerk → leader → specialist\): 100%/);
    expect(out).toMatch(/Demo complete: 16 steps succeeded in [\d.]+ s\./);
    // the HTML report survives the clean-up; the temporary folder does not
    expect(out).toContain(`HTML report with charts written to ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('UBND xã Hưng Tân');
    expect(html.match(/<svg [^>]*class="chart /g)?.length).toBe(4);
    expect([...demoFolders()].filter((f) => !before.has(f))).toEqual([]);
  });

  test('refuses other arguments with a usage error', async () => {
    for (const argv of [['demo', '--fast'], ['demo', '--report'], ['demo', '--report', 'a.html', 'b']]) {
      const run = await runCaptured(argv, work);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^VDXP_CLI_USAGE: vdxp demo takes only --report FILE/);
    }
  });

  test('the built command runs the demo as npm run demo does, writing the report in the current folder', { timeout: 180_000 }, async () => {
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const { stdout } = await promisify(execFile)(process.execPath, [builtCli(), 'demo'], { encoding: 'utf8', cwd });
    expect(stdout).toMatch(/Demo complete: 16 steps succeeded/);
    expect(existsSync(join(cwd, 'vdxp-demo-report.html'))).toBe(true);
  });
});
