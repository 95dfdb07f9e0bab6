import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { buildEdxml } from '../../../src/edxml/build.js';
import { sampleEdoc } from '../../../src/testing/index.js';
import { capturedIo } from '../../helpers/captured-io.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-validate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vdxp validate', () => {
  test('exits 0 for a valid package and says so', async () => {
    await writeFile(join(dir, 'ok.edxml'), buildEdxml(sampleEdoc()));
    const io = capturedIo(dir);
    expect(await runCli(['validate', 'ok.edxml'], io)).toBe(0);
    expect(io.out()).toMatch(/ok\.edxml: valid edoc \(0 error\(s\), 0 warning\(s\)\)/);
  });

  test('exits 1 for an invalid package, listing each error with its path', async () => {
    const xml = new TextDecoder().decode(buildEdxml(sampleEdoc())).replace('<edXML:OrganId>000.00.00.H41</edXML:OrganId>', '<edXML:OrganId>H41</edXML:OrganId>');
    await writeFile(join(dir, 'bad.edxml'), xml);
    const io = capturedIo(dir);
    expect(await runCli(['validate', 'bad.edxml'], io)).toBe(1);
    expect(io.out()).toContain('INVALID edoc (1 error(s)');
    expect(io.out()).toContain('error   agency_id_format to.0.organId: To[1]/OrganId "H41" is not an agency id');
    expect(await runCli(['validate', 'bad.edxml', '--any-agency-id'], capturedIo(dir))).toBe(0);
  });

  test('prints the result as JSON with --json', async () => {
    const xml = new TextDecoder().decode(buildEdxml(sampleEdoc())).replace('<edXML:PromulgationDate>2024/05/20</edXML:PromulgationDate>', '<edXML:PromulgationDate>20/05/2024</edXML:PromulgationDate>');
    await writeFile(join(dir, 'w.edxml'), xml);
    const io = capturedIo(dir);
    expect(await runCli(['validate', 'w.edxml', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out());
    expect(json).toMatchObject({ file: join(dir, 'w.edxml'), valid: true, kind: 'edoc' });
    expect(json.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'date_format' })]);
  });

  test('exits 2 for a file that is not XML or cannot be read', async () => {
    await writeFile(join(dir, 'junk.edxml'), '1212<?xml version="1.0" encoding="UTF-8"?><edXML/>');
    const io = capturedIo(dir);
    expect(await runCli(['validate', 'junk.edxml'], io)).toBe(2);
    expect(io.err()).toMatch(/^VDXP_EDXML_NOT_XML: /);
    const io2 = capturedIo(dir);
    expect(await runCli(['validate', 'missing.edxml'], io2)).toBe(2);
    expect(io2.err()).toMatch(/^VDXP_IO: cannot read .*missing\.edxml: ENOENT/);
    expect(await runCli(['validate'], capturedIo(dir))).toBe(2);
  });

  test('exits 1 for a package the reader refuses as invalid edXML', async () => {
    await writeFile(join(dir, 'empty.edxml'), '<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>');
    const io = capturedIo(dir);
    expect(await runCli(['validate', 'empty.edxml', '--json'], io)).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({ valid: false, issues: [{ severity: 'error', code: 'VDXP_EDXML_INVALID' }] });
  });
});
