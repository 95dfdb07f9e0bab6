import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
