import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sampleEdoc } from '../../../src/testing/index.js';
import { projectRoot } from '../../helpers/shared-fixtures.js';

const cli = join(projectRoot, 'dist', 'cli', 'main.js');
let dir: string;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd: dir }, (error, stdout, stderr) => {
      done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!existsSync(cli)) execFileSync('npx', ['tsup'], { cwd: projectRoot, stdio: 'ignore' });
  dir = await mkdtemp(join(tmpdir(), 'vdxp-cli-'));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the built vdxp command', () => {
  test('builds a package from JSON and validates it, with the documented exit codes', async () => {
    const { attachments: _a, ...model } = sampleEdoc();
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...model, attachments: [{ name: 'Tờ trình.pdf', file: 'to-trinh.pdf' }] }));
    await writeFile(join(dir, 'to-trinh.pdf'), '%PDF-1.4 tờ trình\n%%EOF\n');

    const built = await run(['build', '--json', 'model.json', '-o', 'to-trinh.edxml']);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const valid = await run(['validate', 'to-trinh.edxml', '--json']);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, kind: 'edoc', issues: [] });

    await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...model, subject: '' }));
    const refused = await run(['build', '--json', 'bad.json', '-o', 'bad.edxml']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('subject: Subject is required');
    expect((await readdir(dir)).sort()).toEqual(['bad.json', 'model.json', 'to-trinh.edxml', 'to-trinh.pdf']);

    await writeFile(join(dir, 'junk.edxml'), 'not xml at all');
    expect((await run(['validate', 'junk.edxml'])).code).toBe(2);
  });
});
