import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './shared-fixtures.js';

/** The built CLI; builds the package once when `dist/` is missing (npm test builds before vitest). */
export function builtCli(): string {
  const cli = join(projectRoot, 'dist', 'cli', 'main.js');
  if (!existsSync(cli) || !existsSync(join(projectRoot, 'dist', 'index.cjs'))) {
    execFileSync('npx', ['tsup'], { cwd: projectRoot, stdio: 'ignore' });
  }
  return cli;
}

/**
 * The built library's ESM entry (`dist/index.js`), rebuilt when it is missing or does not
 * export `name` yet (a build older than the feature under test).
 */
export function builtLibrary(name: string): string {
  const entry = join(projectRoot, 'dist', 'index.js');
  if (!existsSync(entry) || !readFileSync(entry, 'utf8').includes(name)) {
    execFileSync('npx', ['tsup'], { cwd: projectRoot, stdio: 'ignore' });
  }
  return entry;
}
