import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The project root (two levels above test/helpers). */
export const projectRoot = resolve(here, '..', '..');

/**
 * The path of a folder of `../shared/fixtures`, or undefined when `../shared` is absent
 * (tests that use it skip cleanly then). `VDXP_SHARED` overrides the location of `shared/`.
 */
export function sharedFixtures(sub: string): string | undefined {
  const base = process.env.VDXP_SHARED ?? resolve(projectRoot, '..', 'shared');
  const dir = join(base, 'fixtures', sub);
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

/** Every `*.edxml` file below `dir`, except in the folders named in `except`. Sorted, relative names kept for test titles. */
export function listEdxml(dir: string | undefined, options: { except?: string[] } = {}): string[] {
  if (!dir) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (!(options.except ?? []).includes(relative(dir, p))) walk(p);
      } else if (name.endsWith('.edxml')) out.push(p);
    }
  };
  walk(dir);
  return out;
}
