import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { builtCli } from './helpers/built.js';
import { projectRoot } from './helpers/shared-fixtures.js';

const examples = readdirSync(join(projectRoot, 'examples')).filter((f) => f.endsWith('.mjs')).sort();

describe('the examples run as a user would run them', () => {
  beforeAll(() => {
    builtCli(); // the examples import 'vdxp-connector', which resolves to the build
  });

  test('there are examples', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  test.each(examples)('examples/%s runs and exits 0', async (name) => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(projectRoot, 'examples', name)], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
    expect(stdout.trim().length).toBeGreaterThan(0);
  });
});
