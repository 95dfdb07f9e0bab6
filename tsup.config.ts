import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const define = { __VDXP_VERSION__: JSON.stringify(pkg.version) };

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    define,
  },
  {
    entry: { main: 'src/cli/main.ts' },
    outDir: 'dist/cli',
    format: ['esm'],
    sourcemap: true,
    clean: false,
    // each command's module in chunks of its own (dist/cli/chunks/), loaded when the command runs
    splitting: true,
    esbuildOptions(options) {
      options.chunkNames = 'chunks/[name]-[hash]';
    },
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define,
  },
]);
