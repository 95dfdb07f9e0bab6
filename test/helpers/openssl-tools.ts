import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Throws (never skips) when the `openssl` command is missing: `.ci/run` installs it. */
export function requireOpenssl(): void {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('openssl is required by these tests (install it: .ci/run does)');
}

/** Runs openssl with arguments; returns status and output. */
export function runOpenssl(args: readonly string[], options: { cwd?: string; input?: string | Uint8Array } = {}) {
  const r = spawnSync('openssl', [...args], { cwd: options.cwd, input: options.input, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A free TCP port on 127.0.0.1 (found by binding port 0, then closing). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Waits until openssl says it accepts connections. (Probing the port by connecting would
 * occupy the single-threaded responder with an empty request.)
 */
async function waitForAccept(child: ChildProcess, output: () => string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`openssl exited early with ${child.exitCode}`);
    if (/ACCEPT|waiting for OCSP client connections/.test(output())) return;
    await delay(50);
  }
  throw new Error('openssl did not start listening');
}

/** A running `openssl ocsp` responder. */
export interface OcspResponder {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts `openssl ocsp` as a responder on `port` with the given CA database (`index.txt`
 * content), CA certificate and responder certificate/key (PEM), in a temp dir removed on stop.
 */
export async function startOpensslOcspResponder(input: {
  port: number;
  index: string;
  caPem: string;
  responderPem: string;
  responderKeyPem: string;
}): Promise<OcspResponder> {
  const dir = await mkdtemp(join(tmpdir(), 'vdxp-ocsp-'));
  await writeFile(join(dir, 'index.txt'), input.index);
  await writeFile(join(dir, 'ca.pem'), input.caPem);
  await writeFile(join(dir, 'responder.pem'), input.responderPem);
  await writeFile(join(dir, 'responder.key'), input.responderKeyPem, { mode: 0o600 });
  const child = spawn(
    'openssl',
    ['ocsp', '-index', 'index.txt', '-port', String(input.port), '-rsigner', 'responder.pem', '-rkey', 'responder.key', '-CA', 'ca.pem', '-nmin', '10', '-ignore_err'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForAccept(child, () => stderr);
  } catch (e) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}: ${stderr}`);
  }
  return {
    url: `http://127.0.0.1:${input.port}/`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
