import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { projectRoot } from './helpers/shared-fixtures.js';

describe('package-lock.json', () => {
  test('lists every optional dependency, so that npm ci accepts it on a fresh machine', () => {
    const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        if (!lock.packages[`${key ? `${key}/` : ''}node_modules/${dep}`] && !lock.packages[`node_modules/${dep}`]) missing.push(dep);
      }
    }
    expect(missing, 'run: node .ci/complete-lock.mjs').toEqual([]);
  });
});
