import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { parseEdxml } from '../../../src/edxml/parse.js';
import { sampleEdoc, sampleStatus } from '../../../src/testing/index.js';
import { capturedIo } from '../../helpers/captured-io.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-build-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The sample edoc as JSON, attachments replaced by `{ name, file }` entries. */
function modelJson(attachments: unknown[] = [{ name: 'Công văn 7816.pdf', file: 'files/cong-van.pdf' }], overrides: Record<string, unknown> = {}) {
  const { attachments: _a, documentId: _d, traceHeaders: _t, business: _b, ...rest } = sampleEdoc();
  return JSON.stringify({ ...rest, attachments, ...overrides }, null, 2);
}

async function setUp(json: string) {
  await mkdir(join(dir, 'files'));
  await writeFile(join(dir, 'files', 'cong-van.pdf'), '%PDF-1.4 công văn mẫu\n%%EOF\n');
  await writeFile(join(dir, 'phu-luc.txt'), 'Phụ lục: danh sách đơn vị nhận văn bản\n'.repeat(100));
  await writeFile(join(dir, 'model.json'), json);
}

describe('vdxp build', () => {
  test('shows building progress on a terminal for large attachments, and erases it', async () => {
    await setUp(modelJson());
    await writeFile(join(dir, 'scan.pdf'), Buffer.alloc(6 * 1024 * 1024, 1));
    const io = capturedIo(dir);
    const terminal = { ...io, stderr: Object.assign(io.stderr, { isTTY: true }) };
    expect(await runCli(['build', '--json', 'model.json', '--attach', 'scan.pdf', '-o', 'big.edxml'], terminal)).toBe(0);
    expect(io.err()).toMatch(/building {2}[\d.]+ MB \/ 6\.0 MB \(\d+%\)/);
    expect(io.err().endsWith('\r\x1b[K')).toBe(true);
    expect(io.out()).toMatch(/^wrote .*big\.edxml \(8\.0 MB\)\n$/);
    const quiet = capturedIo(dir);
    expect(await runCli(['build', '--json', 'model.json', '--attach', 'scan.pdf', '-o', 'big2.edxml'], quiet)).toBe(0);
    expect(quiet.err()).toBe('');
  });

  test('writes a package from a JSON model with files relative to it and --attach files', async () => {
    await setUp(modelJson());
    const io = capturedIo(dir);
    const code = await runCli(['build', '--json', 'model.json', '--attach', 'phu-luc.txt', '-o', 'out/../cong-van.edxml'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^wrote .*cong-van\.edxml \(\d/);
    const read = parseEdxml(await readFile(join(dir, 'cong-van.edxml')));
    if (read.kind !== 'edoc') throw new Error('expected an edoc');
    expect(read.warnings).toEqual([]);
    expect(read.documentId).toBe('000.00.00.G22,2024/05/20,7816/VPCP-TTĐT');
    expect(read.attachments.map((a) => [a.contentId, a.name, a.contentType])).toEqual([
      ['attachment-1', 'Công văn 7816.pdf', 'application/pdf'],
      ['attachment-2', 'phu-luc.txt', 'text/plain'],
    ]);
    expect(Buffer.from(read.attachments[1]!.data).equals(await readFile(join(dir, 'phu-luc.txt')))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['cong-van.edxml', 'files', 'model.json', 'phu-luc.txt']);
  });

  test('wraps files like the Java SDK with --wrap like-java-sdk', async () => {
    await setUp(modelJson());
    const io = capturedIo(dir);
    expect(await runCli(['build', '--json', 'model.json', '--attach', 'phu-luc.txt', '--wrap', 'like-java-sdk', '-o', 'w.edxml'], io)).toBe(0);
    const read = parseEdxml(await readFile(join(dir, 'w.edxml')));
    expect(read.kind === 'edoc' && read.attachments.map((a) => a.transfer?.wrapped)).toEqual([false, true]);
  });

  test('builds a status report', async () => {
    const { timestamp: _t, ...status } = sampleStatus({ statusCode: '05' });
    await writeFile(join(dir, 'status.json'), JSON.stringify(status));
    const io = capturedIo(dir);
    const code = await runCli(['build', '--json', 'status.json', '-o', 'status.edxml'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const read = parseEdxml(await readFile(join(dir, 'status.edxml')));
    expect(read.kind === 'status' && [read.statusCode, read.description]).toEqual(['05', 'Đang xử lý văn bản đến']);
  });

  test('refuses an invalid model with exit 1, naming each field, and writes nothing', async () => {
    await setUp(modelJson(undefined, { subject: '', to: [sampleEdoc().to[0], sampleEdoc().to[0]], promulgationInfo: { promulgationDate: '2024-05-20' } }));
    await writeFile(join(dir, 'existing.edxml'), 'old');
    const io = capturedIo(dir);
    const code = await runCli(['build', '--json', 'model.json', '-o', 'existing.edxml'], io);
    expect(code).toBe(1);
    expect(io.err()).toContain('VDXP_INPUT_INVALID: the model is invalid; nothing written');
    expect(io.err()).toContain('subject: Subject is required');
    expect(await readFile(join(dir, 'existing.edxml'), 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['existing.edxml', 'files', 'model.json', 'phu-luc.txt']);
  });

  test('refuses a duplicate recipient with exit 1', async () => {
    await setUp(modelJson(undefined, { to: [sampleEdoc().to[0], sampleEdoc().to[0]] }));
    const io = capturedIo(dir);
    expect(await runCli(['build', '--json', 'model.json', '-o', 'x.edxml'], io)).toBe(1);
    expect(io.err()).toContain('to.1.organId: To[2] repeats OrganId 000.00.00.H41 of To[1]');
    expect((await readdir(dir)).includes('x.edxml')).toBe(false);
  });

  test('refuses an empty attachment file with exit 1', async () => {
    await setUp(modelJson());
    await writeFile(join(dir, 'empty.pdf'), '');
    const io = capturedIo(dir);
    expect(await runCli(['build', '--json', 'model.json', '--attach', 'empty.pdf', '-o', 'x.edxml'], io)).toBe(1);
    expect(io.err()).toContain('empty.pdf has no bytes');
  });

  test('exits 2 when the model or an attachment cannot be read, writing nothing', async () => {
    await setUp(modelJson([{ name: 'x.pdf', file: 'missing.pdf' }]));
    const io = capturedIo(dir);
    expect(await runCli(['build', '--json', 'model.json', '-o', 'x.edxml'], io)).toBe(2);
    expect(io.err()).toMatch(/^VDXP_IO: cannot read the attachment .*missing\.pdf: ENOENT/);

    await writeFile(join(dir, 'bad.json'), '{ "kind": "edoc", ');
    const io2 = capturedIo(dir);
    expect(await runCli(['build', '--json', 'bad.json', '-o', 'x.edxml'], io2)).toBe(2);
    expect(io2.err()).toContain('is not JSON');
    expect((await readdir(dir)).includes('x.edxml')).toBe(false);
  });

  test('exits 2 on bad usage', async () => {
    const io = capturedIo(dir);
    expect(await runCli(['build', '--json', 'model.json'], io)).toBe(2);
    expect(io.err()).toContain('VDXP_CLI_USAGE');
    expect(await runCli(['build', '--json', 'm.json', '-o', 'x', '--wrap', 'sometimes'], capturedIo(dir))).toBe(2);
    expect(await runCli(['build', '--frobnicate'], capturedIo(dir))).toBe(2);
  });
});
