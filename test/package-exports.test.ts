import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { builtCli } from './helpers/built.js';
import { projectRoot } from './helpers/shared-fixtures.js';

describe('the built package', () => {
  beforeAll(() => {
    builtCli();
  });

  test('loads with require() through the exports map', () => {
    const require = createRequire(join(projectRoot, 'package.json'));
    const lib = require('vdxp-connector') as Record<string, unknown>;
    expect(typeof lib.isVdxpError).toBe('function');
    expect(typeof lib.EdocMessageSchema).toBe('object');
    const testing = require('vdxp-connector/testing') as Record<string, unknown>;
    expect(typeof testing).toBe('object');
  });

  test('loads with import() through the exports map', async () => {
    const lib = (await import(pathToFileURL(join(projectRoot, 'dist', 'index.js')).href)) as Record<string, unknown>;
    expect(typeof lib.VdxpError).toBe('function');
    const err = new (lib.VdxpError as new (c: string, m: string) => Error)('VDXP_IO', 'x');
    expect((lib.isVdxpError as (e: unknown) => boolean)(err)).toBe(true);
  });

  test('errors from the ESM and the CJS builds recognise each other', async () => {
    const require = createRequire(join(projectRoot, 'package.json'));
    const cjs = require('vdxp-connector') as { VdxpError: new (c: string, m: string) => Error; isVdxpError: (e: unknown) => boolean };
    const esm = (await import(pathToFileURL(join(projectRoot, 'dist', 'index.js')).href)) as typeof cjs;
    expect(esm.isVdxpError(new cjs.VdxpError('VDXP_IO', 'x'))).toBe(true);
  });

  test('the vdxp bin prints its help and version', () => {
    const cli = builtCli();
    const help = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help).toContain('Usage: vdxp <command>');
    const version = execFileSync(process.execPath, [cli, '--version'], { encoding: 'utf8' }).trim();
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    expect(version).toBe(pkg.version);
  });
});
