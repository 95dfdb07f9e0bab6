/**
 * Separate processes for the agent's end-to-end tests: a LocalAxis (`vdxp axis serve`) and
 * agents (`vdxp agent`), run from the built CLI, with their output collected line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtCli } from './built.js';

/** A child process of the built CLI. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** stdout lines so far. */
  readonly lines: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Resolves with the first line (past or future) matching; rejects after `ms`. */
  waitForLine(match: (line: string) => boolean, ms?: number): Promise<string>;
}

/** Runs `node dist/cli/main.js …args`. */
export function spawnCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliProcess {
  const child = spawn(process.execPath, [builtCli(), ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    lines,
    stderr,
    exited,
    waitForLine(match, ms = 20_000) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line within ${ms} ms; stderr: ${stderr.join('').slice(-500)}`)), ms);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before a matching line; stderr: ${stderr.join('').slice(-500)}`));
        });
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}

/** A system registered with the axis process. */
export interface AxisSystem {
  readonly systemId: string;
  readonly secret: string;
  readonly name: string;
}

/** Starts `vdxp axis serve` on a free port; resolves with its URL. */
export async function startAxisProcess(dir: string, systems: readonly AxisSystem[]): Promise<{ url: string; proc: CliProcess }> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'axis.json'), JSON.stringify({ systems }));
  const proc = spawnCli(['axis', 'serve', '--config', 'axis.json', '--port', '0', '--data', 'axis-data'], { cwd: dir });
  const line = await proc.waitForLine((l) => l.startsWith('LocalAxis listening on '));
  const url = /listening on (\S+)/.exec(line)![1]!;
  return { url, proc };
}

/** Settings of one agent. */
export interface AgentSetup {
  readonly axisUrl: string;
  readonly system: AxisSystem;
  readonly apiToken?: string;
  readonly webhook?: { url: string; secret: string };
  readonly extra?: Record<string, unknown>;
}

/** Writes `<dir>/agent.json` with relative folders; returns its path. */
export async function writeAgentConfig(dir: string, s: AgentSetup): Promise<string> {
  await mkdir(dir, { recursive: true });
  const config = {
    axis: { endpoint: s.axisUrl, systemId: s.system.systemId, secret: s.system.secret, timeoutMs: 5_000 },
    agencies: [{ organId: s.system.systemId, organName: s.system.name }],
    store: { type: 'file', path: 'state' },
    folders: { outbox: 'outbox', sent: 'sent', failed: 'failed', inbox: 'inbox', scanIntervalMs: 100 },
    pollIntervalMs: 200,
    retry: { maxAttempts: 50, baseDelayMs: 100, maxDelayMs: 1_000 },
    log: { level: 'debug' },
    ...(s.apiToken ? { api: { port: 0, token: s.apiToken } } : {}),
    ...(s.webhook ? { webhook: { ...s.webhook, baseDelayMs: 50, maxDelayMs: 500, flushTimeoutMs: 2_000 } } : {}),
    ...s.extra,
  };
  const file = join(dir, 'agent.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

/** Starts `vdxp agent --config …`; resolves once it logged `agent started`, with its API URL. */
export async function startAgentProcess(dir: string, env?: NodeJS.ProcessEnv): Promise<{ proc: CliProcess; apiUrl: string | undefined }> {
  const proc = spawnCli(['agent', '--config', 'agent.json'], { cwd: dir, ...(env ? { env } : {}) });
  const line = await proc.waitForLine((l) => l.includes('"msg":"agent started"'));
  const apiUrl = (JSON.parse(line) as { api?: string }).api;
  return { proc, apiUrl };
}

/** Polls `check` until it holds; rejects after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
