import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { StateLock } from '../../src/agent/state-lock.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('StateLock', () => {
  test('refuses a state folder a live agent holds, and takes it over once that process is gone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdxp-state-lock-'));
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((r) => other.on('exit', r));
    try {
      await writeFile(join(dir, 'agent.lock'), JSON.stringify({ pid: other.pid, host: hostname(), startedAt: '2025-03-10T00:00:00.000Z' }));
      await expect(StateLock.acquire(dir)).rejects.toMatchObject({ code: 'VDXP_STORE_LOCKED', message: expect.stringContaining(`pid ${other.pid}`) });
    } finally {
      other.kill('SIGKILL');
      await exited;
    }
    const lock = await StateLock.acquire(dir);
    expect(JSON.parse(await readFile(join(dir, 'agent.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
    await expect(readFile(join(dir, 'agent.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    await lock.release();
  });

  test('refuses a lock held on another host, and takes over an unreadable one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdxp-state-lock-'));
    await writeFile(join(dir, 'agent.lock'), JSON.stringify({ pid: 1, host: 'elsewhere.example', startedAt: '2025-03-10T00:00:00.000Z' }));
    await expect(StateLock.acquire(dir)).rejects.toMatchObject({ code: 'VDXP_STORE_LOCKED', message: expect.stringContaining('elsewhere.example') });
    await writeFile(join(dir, 'agent.lock'), '{"pid": 12');
    const lock = await StateLock.acquire(dir);
    await lock.release();
  });
});
