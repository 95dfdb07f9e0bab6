import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { projectRoot } from '../helpers/shared-fixtures.js';

describe('the vdxp command registry', () => {
  test("each entry's words and summary are those of the module it loads", async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect({ path: command.path, summary: command.summary }).toEqual({ path: entry.path, summary: entry.summary });
    }
  });

  test('every command module is registered, once', async () => {
    const files = readdirSync(join(projectRoot, 'src', 'cli', 'commands')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    const loaded = await Promise.all(commands.map((e) => e.load()));
    expect(new Set(loaded).size).toBe(files.length);
    expect(commands).toHaveLength(files.length);
  });
});

describe('what the built vdxp loads', () => {
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    cli = join(projectRoot, 'dist', 'cli', 'main.js');
    if (!existsSync(cli)) execFileSync('npx', ['tsup'], { cwd: projectRoot, stdio: 'ignore' });
    dir = await mkdtemp(join(tmpdir(), 'vdxp-cli-imports-'));
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The packages (from node_modules) a run of the built CLI resolved. */
  function packagesLoaded(args: string[]): string[] {
    const log = join(dir, `imports-${args.join('-').replace(/[^a-z0-9-]/gi, '')}.log`);
    const hook = join(projectRoot, 'test', 'fixtures', 'cli', 'log-imports.mjs');
    try {
      execFileSync(process.execPath, ['--import', hook, cli, ...args], { cwd: dir, env: { ...process.env, VDXP_IMPORT_LOG: log }, stdio: 'ignore' });
    } catch {
      // the exit code is the command's business; what it loaded is in the log
    }
    expect(existsSync(log)).toBe(true);
    const packages = readFileSync(log, 'utf8')
      .split('\n')
      .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
      .filter((p): p is string => p !== undefined);
    return [...new Set(packages)].sort();
  }

  test('--help loads no package, validate only zod, and verify the signature stack', async () => {
    await writeFile(join(dir, 'not-a-package.xml'), '<x/>');
    expect(packagesLoaded(['--help'])).toEqual([]);
    expect(packagesLoaded(['validate', 'not-a-package.xml'])).toEqual(['zod']);
    expect(packagesLoaded(['verify', 'not-a-package.xml'])).toEqual(expect.arrayContaining(['asn1js', 'pkijs']));
  });
});
