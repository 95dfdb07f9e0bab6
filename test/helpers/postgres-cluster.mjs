// A throw-away PostgreSQL cluster for tests and the chaos run: initdb in a temporary folder,
// pg_ctl start on 127.0.0.1 at a free port, trust authentication for loopback, removed on stop.
// Plain ESM so the chaos orchestrator (node, no TypeScript) and the vitest helper share it.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * The folder holding `initdb` and `pg_ctl`: `VDXP_PG_BIN` when set, else the newest
 * `/usr/lib/postgresql/<version>/bin` (Debian, Ubuntu), else the first `PATH` entry with both.
 * @returns {string | undefined}
 */
export function findPostgresBin() {
  const has = (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const fromEnv = process.env.VDXP_PG_BIN;
  if (fromEnv) return has(fromEnv) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(join(root, v, 'bin'))) return join(root, v, 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && has(dir)) return dir;
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` account. */
function runner() {
  if (process.getuid?.() !== 0) return { wrap: (cmd, args) => [cmd, args], owner: undefined };
  let uid;
  let gid;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error('running as root and there is no "postgres" account to run PostgreSQL as');
  }
  return { wrap: (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]], owner: { uid, gid } };
}

/**
 * Starts a temporary cluster. `stop()` shuts it down (immediate mode) and removes its folder;
 * it also runs when this process exits normally.
 * @param {{ bin?: string }} [options]
 * @returns {Promise<{ url: string, port: number, dir: string, stop: () => void }>}
 */
export async function startPostgresCluster(options = {}) {
  const bin = options.bin ?? findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no initdb/pg_ctl found; set VDXP_PG_BIN)');
  const { wrap, owner } = runner();
  const dir = mkdtempSync(join(tmpdir(), 'vdxp-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const run = (tool, args) => {
    const [cmd, full] = wrap(join(bin, tool), args);
    execFileSync(cmd, full, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const user = owner ? 'postgres' : userInfo().username;
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone
      }
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    process.removeListener('exit', stop);
  };
  process.on('exit', stop);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', user, '-E', 'UTF8', '--locale=C', '--no-sync']);
    let lastError;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const settings = [
        `-p ${port}`,
        '-h 127.0.0.1',
        `-k ${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
        started = true;
        return { url: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/postgres`, port, dir, stop };
      } catch (e) {
        lastError = e; // the port was taken between the probe and the start: try another
      }
    }
    throw lastError;
  } catch (e) {
    stop();
    const detail = e instanceof Error && 'stderr' in e ? String(e.stderr).trim() : String(e);
    throw new Error(`could not start a temporary PostgreSQL cluster: ${detail}`, { cause: e });
  }
}
