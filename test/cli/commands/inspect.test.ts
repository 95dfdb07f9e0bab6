import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { edocXml, PDF_B64, PDF_BYTES, statusXml } from '../../helpers/edxml-text.js';
import { makeZip } from '../../helpers/make-zip.js';
import { projectRoot, sharedFixtures } from '../../helpers/shared-fixtures.js';

const run = promisify(execFile);

async function cli(argv: string[], cwd: string, terminal = false) {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: terminal });
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await runCli(argv, { stdout, stderr, env: {}, cwd, stopSignal: new AbortController().signal });
  return { code, out, err };
}

let dir: string;
const zip = makeZip([{ name: '0b1c.pdf', data: PDF_BYTES }]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-inspect-'));
  await writeFile(
    join(dir, 'edoc.edxml'),
    edocXml({
      attachments: [
        { id: 'a1', name: 'Quyết định 28.pdf', type: 'application/zip', b64: zip.toString('base64') },
        { id: 'a2', name: 'Phụ lục.pdf', b64: PDF_B64 },
      ],
      extra: '<edXML:OtherInfo><edXML:Priority>3</edXML:Priority></edXML:OtherInfo>',
      trace:
        '<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2024/03/05 08:00:00</edXML:Timestamp></edXML:TraceHeader><edXML:Bussiness><edXML:BussinessDocType>1</edXML:BussinessDocType><edXML:BussinessDocReason>Thu hồi</edXML:BussinessDocReason></edXML:Bussiness></edXML:TraceHeaderList>',
    }),
  );
  await writeFile(join(dir, 'status.edxml'), statusXml({ statusCode: '04' }));
  await writeFile(join(dir, 'odd.edxml'), statusXml({ statusCode: '42' }));
  await writeFile(join(dir, 'doctype.edxml'), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><edXML/>');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vdxp inspect', () => {
  test('summarises an edoc for people: sender, recipient, number, date, type, subject, business, attachments with sizes', async () => {
    const r = await cli(['inspect', 'edoc.edxml'], dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Official document (edoc)');
    expect(r.out).toMatch(/From\s+000\.00\.00\.G22 {2}Văn phòng Chính phủ/);
    expect(r.out).toMatch(/To\s+000\.00\.00\.H41 {2}UBND Tỉnh Nghệ An/);
    expect(r.out).toMatch(/Number\s+28\/QĐ-TTg/);
    expect(r.out).toMatch(/Date\s+2024-03-05, Hà Nội/);
    expect(r.out).toMatch(/Type\s+Quyết định \(type 1\)/);
    expect(r.out).toMatch(/Subject\s+Về việc thử nghiệm/);
    expect(r.out).toMatch(/Priority\s+3 Hỏa tốc/);
    expect(r.out).toMatch(/Business\s+1 Thu hồi \(Revoke\): Thu hồi/);
    expect(r.out).toContain(`Quyết định 28.pdf  application/pdf  ${PDF_BYTES.length} B, unwrapped from a ZIP of ${zip.length} B`);
    expect(r.out).toContain(`Phụ lục.pdf  application/pdf  ${PDF_BYTES.length} B`);
  });

  test('summarises a status with its Vietnamese label', async () => {
    const r = await cli(['inspect', 'status.edxml'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Status\s+04 Phân công \(Assigned\)/);
    expect(r.out).toMatch(/About\s+7816\/VPCP-TTĐT, issued by 000\.00\.00\.G22 on 2015-09-30/);
  });

  test('shows warnings, and an unknown status code as such', async () => {
    const r = await cli(['inspect', 'odd.edxml'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Status\s+42 unknown code/);
    expect(r.out).toContain('Warnings (1):');
    expect(r.out).toContain('unknown_status_code');
  });

  test('--json prints the model with kind, warnings and attachments as metadata without bytes', async () => {
    const r = await cli(['inspect', 'edoc.edxml', '--json'], dir);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.kind).toBe('edoc');
    expect(m.warnings).toEqual([]);
    expect(m.code).toEqual({ codeNumber: '28', codeNotation: 'QĐ-TTg' });
    expect(m.business.businessDocType).toBe(1);
    expect(m.attachments).toHaveLength(2);
    expect(m.attachments[0]).toEqual({
      contentId: 'a1',
      name: 'Quyết định 28.pdf',
      contentType: 'application/pdf',
      size: PDF_BYTES.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      transfer: { contentType: 'application/zip', wrapped: true, size: zip.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(r.out).not.toContain('"data"');
  });

  test('exits 2 with one line CODE: message when the package is refused or unreadable', async () => {
    const refused = await cli(['inspect', 'doctype.edxml'], dir);
    expect(refused.code).toBe(2);
    expect(refused.out).toBe('');
    expect(refused.err.trim().split('\n')).toHaveLength(1);
    expect(refused.err).toMatch(/^VDXP_EDXML_FORBIDDEN: /);
    const missing = await cli(['inspect', 'nope.edxml'], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^VDXP_IO: .*ENOENT/);
    const usage = await cli(['inspect'], dir);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/^VDXP_CLI_USAGE: /);
    const flag = await cli(['inspect', 'edoc.edxml', '--yaml'], dir);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/^VDXP_CLI_USAGE: /);
  });

  test('shows reading progress for a large package on a terminal, none with --json', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 7).toString('base64');
    await writeFile(join(dir, 'big.edxml'), edocXml({ attachments: [{ id: '1', name: 'scan.pdf', b64: big }] }));
    const shown = await cli(['inspect', 'big.edxml'], dir, true);
    expect(shown.code).toBe(0);
    expect(shown.err).toMatch(/reading {2}[\d.]+ MB \/ 8\.0 MB \(\d+%\)/);
    expect(shown.err.endsWith('\r\x1b[K')).toBe(true);
    expect(shown.out).toMatch(/scan\.pdf {2}application\/pdf {2}6\.0 MB/);
    const json = await cli(['inspect', 'big.edxml', '--json'], dir, true);
    expect(json.code).toBe(0);
    expect(json.err).toBe('');
  });

  test('prints its help', async () => {
    const r = await cli(['inspect', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: vdxp inspect FILE [--json]');
  });

  const samples = sharedFixtures('edxml');
  test.skipIf(!samples)('reads the dd/MM/yyyy sample and reports the date warning', async () => {
    const r = await cli(['inspect', join(samples!, 'bkav-edoc/edoc_new.edxml'), '--json'], dir);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.promulgationInfo.promulgationDate).toBe('2020-10-30');
    expect(m.warnings.map((w: { code: string }) => w.code)).toContain('date_format');
    expect(m.attachments[0]).toMatchObject({ size: 388_347, transfer: { wrapped: true, size: 270_823 } });
  });
});

describe('the built vdxp command', () => {
  const main = join(projectRoot, 'dist/cli/main.js');

  beforeAll(async () => {
    if (!existsSync(main)) await run('npx', ['tsup'], { cwd: projectRoot });
  }, 180_000);

  test('inspect runs as a child process: exit 0 with JSON, exit 2 on a refused file', async () => {
    const ok = await run(process.execPath, [main, 'inspect', join(dir, 'status.edxml'), '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'status', statusCode: '04' });
    const bad = await run(process.execPath, [main, 'inspect', join(dir, 'doctype.edxml')]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toMatch(/^VDXP_EDXML_FORBIDDEN: /);
  });
});
