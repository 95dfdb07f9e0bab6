import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { projectRoot } from './helpers/shared-fixtures.js';

describe('the API documentation', () => {
  test('typedoc documents every public symbol with no warning (warnings are errors)', async () => {
    const run = await promisify(execFile)('npx', ['typedoc', '--emit', 'none'], { cwd: projectRoot, encoding: 'utf8', timeout: 240_000 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(run.out).not.toMatch(/\[warning\]|\[error\]/);
    expect(run.code).toBe(0);
  }, 300_000);
});
