import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { LocalAxis } from '../../../src/testing/local-axis.js';
import { eventually } from '../../helpers/agent-processes.js';
import { capturedIo } from '../../helpers/captured-io.js';

const SYSTEM = { systemId: '000.00.00.G09', secret: 'cli-agent-secret-1' };
let axis: LocalAxis;
let dir: string;

beforeAll(async () => {
  axis = await LocalAxis.start({ systems: [SYSTEM] });
  dir = await mkdtemp(join(tmpdir(), 'vdxp-cli-agent-'));
  await writeFile(
    join(dir, 'agent.json'),
    JSON.stringify({
      axis: { endpoint: axis.url, systemId: SYSTEM.systemId },
      agencies: [SYSTEM.systemId],
      store: { type: 'file', path: 'state' },
      folders: { outbox: 'outbox', sent: 'sent', failed: 'failed', inbox: 'inbox' },
      pollIntervalMs: 100,
      api: { port: 0, token: 'cli-agent-token-0123' },
    }),
  );
});

afterAll(async () => {
  await axis.close();
  await rm(dir, { recursive: true, force: true });
});

describe('vdxp agent', () => {
  test('--help explains the configuration and the folders', async () => {
    const io = capturedIo(dir);
    expect(await runCli(['agent', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: vdxp agent --config agent.json');
    expect(io.out()).toContain('NAME.result.json');
  });

  test.each([
    [[], 'VDXP_CLI_USAGE'],
    [['--config'], 'VDXP_CLI_USAGE'],
    [['--config', 'agent.json', '--bogus'], 'VDXP_CLI_USAGE'],
    [['--config', 'missing.json'], 'VDXP_IO'],
  ])('refuses %j with exit 2 and %s', async (args, code) => {
    const io = capturedIo(dir);
    expect(await runCli(['agent', ...args], io)).toBe(2);
    expect(io.err()).toContain(code);
  });

  test('--check takes the secret from VDXP_SECRET and reports the axis answer as JSON', async () => {
    const ok = capturedIo(dir);
    expect(await runCli(['agent', '--config', 'agent.json', '--check', '--json'], { ...ok, env: { VDXP_SECRET: SYSTEM.secret } })).toBe(0);
    expect(JSON.parse(ok.out())).toEqual({ ok: true, endpoint: axis.url, systemId: SYSTEM.systemId, axisAgencies: 1, unknownAgencies: [] });
    const missing = capturedIo(dir);
    expect(await runCli(['agent', '--config', 'agent.json', '--check'], missing)).toBe(2);
    expect(missing.err()).toMatch(/VDXP_CONFIG_INVALID.*axis\.secret.*VDXP_SECRET/);
    const wrong = capturedIo(dir);
    expect(await runCli(['agent', '--config', 'agent.json', '--check', '--json'], { ...wrong, env: { VDXP_SECRET: 'wrong-secret' } })).toBe(2);
    expect(JSON.parse(wrong.out())).toMatchObject({ ok: false, code: 'VDXP_AXIS_FAIL' });
    expect(wrong.out() + wrong.err()).not.toContain('wrong-secret');
  });

  test('runs until the stop signal, then stops cleanly with exit 0', async () => {
    const stop = new AbortController();
    const io = { ...capturedIo(dir), env: { VDXP_SECRET: SYSTEM.secret }, stopSignal: stop.signal };
    const running = runCli(['agent', '--config', 'agent.json'], io);
    await eventually(() => io.out().includes('"msg":"agent started"'), 20_000, 'agent started');
    expect((await readdir(dir)).sort()).toEqual(['agent.json', 'failed', 'inbox', 'outbox', 'sent', 'state']);
    stop.abort();
    expect(await running).toBe(0);
    expect(io.out().trim().split('\n').at(-1)).toContain('"msg":"agent stopped"');
    expect(io.out()).not.toContain(SYSTEM.secret);
  });
});
