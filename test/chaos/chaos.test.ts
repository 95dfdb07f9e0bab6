import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { builtCli } from '../helpers/built.js';
import { skipPostgres, usePostgres } from '../helpers/postgres.js';
import { projectRoot } from '../helpers/shared-fixtures.js';

interface ChaosResult {
  readonly code: number | null;
  readonly lines: string[];
  readonly last: string;
  /** Kills per worker, from the orchestrator's summary. */
  readonly kills: Record<string, number>;
}

/** Runs `node test/chaos/run.mjs` (the `npm run chaos` program) with the given environment. */
function runChaos(env: Record<string, string>): Promise<ChaosResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'test', 'chaos', 'run.mjs')], {
      cwd: projectRoot,
      env: { ...process.env, CHAOS_KEEP: '', CHAOS_DEBUG: '', CHAOS_KILLS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.trim().split('\n');
      const summary = lines.find((l) => l.includes('] kills: ')) ?? '';
      const kills = Object.fromEntries(
        [...summary.matchAll(/([a-z]+-\d+) (\d+)/g)].map((m) => [m[1]!, Number(m[2])]),
      );
      resolve({ code, lines, last: lines.at(-1) ?? '', kills });
    });
  });
}

describe('chaos run: faults, duplicate deliveries and SIGKILLs, nothing lost and nothing twice', () => {
  beforeAll(() => {
    builtCli(); // the run uses dist/ (npm test builds it first)
  });

  test('a sender and a receiver on FileStores deliver every document exactly once', async () => {
    // a small compactAfterBytes: the journal is folded into segments and packs every few
    // documents, so that kills land in folds as well as in journal writes
    const r = await runChaos({ CHAOS_DOCS: '40', CHAOS_STORE: 'file', CHAOS_SEED: '11', CHAOS_TIMEOUT_MS: '90000', CHAOS_COMPACT_BYTES: '16384' });
    expect(r.last, r.lines.slice(-8).join('\n')).toBe('sent 40, delivered 40, lost 0, duplicated 0');
    expect(r.code).toBe(0);
    expect(r.kills['sender-0']).toBeGreaterThan(0);
    expect(r.kills['receiver-0']).toBeGreaterThan(0);
  }, 150_000);

  test('a run that cannot finish in time says what was lost and exits non-zero', async () => {
    const r = await runChaos({ CHAOS_DOCS: '40', CHAOS_STORE: 'file', CHAOS_SEED: '3', CHAOS_TIMEOUT_MS: '2500' });
    expect(r.last).toMatch(/^sent \d+, delivered \d+, lost [1-9]\d*, duplicated \d+$/);
    expect(r.code).toBe(1);
  }, 60_000);

  describe.skipIf(skipPostgres)('two sending and two receiving workers on one PostgresStore each', () => {
    const server = usePostgres();

    test('every document is delivered exactly once while workers die and take over each other\'s leases', async () => {
      const r = await runChaos({ CHAOS_DOCS: '40', CHAOS_STORE: 'postgres', CHAOS_PG_URL: server.url, CHAOS_SEED: '12', CHAOS_TIMEOUT_MS: '120000' });
      expect(r.last, r.lines.slice(-8).join('\n')).toBe('sent 40, delivered 40, lost 0, duplicated 0');
      expect(r.code).toBe(0);
      for (const w of ['sender-0', 'sender-1', 'receiver-0', 'receiver-1']) expect(r.kills[w], w).toBeGreaterThan(0);
      const left = await server.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'chaos\\_%'");
      expect(left.rows).toEqual([]);
    }, 180_000);
  });
});
