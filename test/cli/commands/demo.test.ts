import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { builtCli } from '../../helpers/built.js';
import { runCaptured } from '../../helpers/cli-capture.js';

describe('vdxp demo', () => {
  test('runs every step of the story and exits 0', async () => {
    const run = await runCaptured(['demo'], process.cwd());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('package signature valid');
    expect(run.stdout).toMatch(/01 \(Đã đến\)/);
    expect(run.stdout).toMatch(/Demo complete: \d+ steps succeeded/);
  });

  test('refuses arguments with a usage error', async () => {
    const run = await runCaptured(['demo', '--fast'], process.cwd());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^VDXP_CLI_USAGE/);
  });

  test('the built command runs the demo as npm run demo does', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [builtCli(), 'demo'], { encoding: 'utf8' });
    expect(stdout).toMatch(/Demo complete/);
  });
});
