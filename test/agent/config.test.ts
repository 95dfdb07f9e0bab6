import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadAgentConfig, resolveAgentConfig, secretsOf, type AgentConfig } from '../../src/agent/config.js';
import { ConfigError, IoError } from '../../src/errors.js';

const SECRET = 'axis-secret-Zq81';

function base(over: Partial<AgentConfig> = {}): AgentConfig {
  return {
    axis: { endpoint: 'http://127.0.0.1:8080', systemId: '000.00.00.G09', secret: SECRET },
    agencies: ['000.00.00.G09'],
    store: { type: 'file', path: 'state' },
    folders: { outbox: 'outbox', sent: 'sent', failed: 'failed', inbox: 'inbox' },
    ...over,
  };
}

function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('agent configuration', () => {
  test('resolves relative paths against the configuration file folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdxp-agent-config-'));
    await writeFile(
      join(dir, 'agent.json'),
      JSON.stringify(base({ signing: { key: 'keys/k.pem', cert: '/etc/c.pem' }, verification: { anchors: ['ca/root.pem'], crls: ['x.crl'], onInvalid: 'refuse' } })),
    );
    const c = await loadAgentConfig(join(dir, 'agent.json'), { env: {} });
    expect(c.baseDir).toBe(dir);
    expect(c.folders).toMatchObject({ outbox: join(dir, 'outbox'), sent: join(dir, 'sent'), failed: join(dir, 'failed'), inbox: join(dir, 'inbox') });
    expect(c.store).toEqual({ type: 'file', path: join(dir, 'state'), fsync: true });
    expect(c.stateDir).toBe(join(dir, 'state'));
    expect(c.signing).toMatchObject({ key: join(dir, 'keys/k.pem'), cert: '/etc/c.pem' });
    expect(c.verification).toMatchObject({ anchors: [join(dir, 'ca/root.pem')], crls: [join(dir, 'x.crl')], onIndeterminate: 'hold' });
  });

  test('fills defaults: loopback API, json-last drops, info logs, agency names from ids', () => {
    const c = resolveAgentConfig(base({ api: { port: 0, token: 't'.repeat(20) } }), { baseDir: '/srv/agent', env: {} });
    expect(c.api).toMatchObject({ host: '127.0.0.1', port: 0, maxBodyBytes: 64 * 1024 * 1024 });
    expect(c.folders).toMatchObject({ complete: 'json-last', scanIntervalMs: 1000 });
    expect(c.log.level).toBe('info');
    expect(c.pollIntervalMs).toBe(5000);
    expect(c.agencies).toEqual([{ organId: '000.00.00.G09', organName: '000.00.00.G09' }]);
  });

  test('takes axis fields from VDXP_ENDPOINT, VDXP_SYSTEM_ID and VDXP_SECRET when absent; the file wins when both are given', () => {
    const env = { VDXP_ENDPOINT: 'http://10.0.0.1:9000', VDXP_SYSTEM_ID: '000.00.00.H41', VDXP_SECRET: 'from-env-secret' };
    const fromEnv = resolveAgentConfig(base({ axis: {} }), { env });
    expect(fromEnv.axis).toEqual({ endpoint: 'http://10.0.0.1:9000', systemId: '000.00.00.H41', secret: 'from-env-secret' });
    const mixed = resolveAgentConfig(base({ axis: { systemId: '000.00.00.G09' } }), { env });
    expect(mixed.axis).toMatchObject({ endpoint: 'http://10.0.0.1:9000', systemId: '000.00.00.G09', secret: 'from-env-secret' });
  });

  test('refuses a configuration without the axis secret, naming the field and the variable', () => {
    const e = refusal(() => resolveAgentConfig(base({ axis: { endpoint: 'http://127.0.0.1:1', systemId: '000.00.00.G09' } }), { env: {} }));
    expect(e.issues).toEqual([expect.objectContaining({ path: 'axis.secret', message: expect.stringContaining('VDXP_SECRET') })]);
  });

  test('refuses an endpoint from the environment that is not a URL', () => {
    const e = refusal(() => resolveAgentConfig(base({ axis: { systemId: 'x', secret: 'y' } }), { env: { VDXP_ENDPOINT: 'ftp://nowhere' } }));
    expect(e.issues.map((i) => i.path)).toEqual(['axis.endpoint']);
  });

  test.each([
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['a bad agency id', { agencies: ['G09'] }, 'agencies.0'],
    ['no agency', { agencies: [] }, 'agencies'],
    ['a short API token', { api: { port: 8090, token: 'short' } }, 'api.token'],
    ['a webhook without secret', { webhook: { url: 'http://127.0.0.1:9000/e' } }, 'webhook.secret'],
    ['a webhook URL that is not http', { webhook: { url: 'file:///etc/passwd', secret: 's'.repeat(20) } }, 'webhook.url'],
    ['a bad log level', { log: { level: 'loud' } }, 'log.level'],
    ['a folder missing', { folders: { outbox: 'o', sent: 's', failed: 'f' } }, 'folders.inbox'],
    ['an unknown store type', { store: { type: 'sqlite', path: 'x' } }, 'store.type'],
    ['verification without onInvalid', { verification: {} }, 'verification.onInvalid'],
  ] as const)('refuses %s, naming the field', (_what, over, path) => {
    const e = refusal(() => resolveAgentConfig({ ...base(), ...over }, { env: {} }));
    expect(e.issues.map((i) => i.path)).toContain(path);
    expect(e.message).toContain('agent.json');
  });

  test('refuses two hand-off folders that are the same folder', () => {
    const e = refusal(() => resolveAgentConfig(base({ folders: { outbox: 'box', sent: 'sent', failed: 'failed', inbox: './box' } }), { env: {} }));
    expect(e.issues).toEqual([expect.objectContaining({ path: 'folders.inbox', message: expect.stringContaining('folders.outbox') })]);
  });

  test('requires stateDir with a postgres store, and keeps the URL password out of errors', () => {
    const url = 'postgres://vdxp:pg-Pa55word@db.local/vdxp';
    const e = refusal(() => resolveAgentConfig(base({ store: { type: 'postgres', url } }), { env: {} }));
    expect(e.issues.map((i) => i.path)).toEqual(['stateDir']);
    const ok = resolveAgentConfig(base({ store: { type: 'postgres', url }, stateDir: '/var/lib/agent' }), { env: {} });
    expect(ok.stateDir).toBe('/var/lib/agent');
    expect(secretsOf(ok, {})).toEqual(expect.arrayContaining([SECRET, 'pg-Pa55word', url]));
    const bad = refusal(() => resolveAgentConfig(base({ store: { type: 'postgres', url: 'mysql://u:pg-Pa55word@x/y' }, stateDir: '/x' }), { env: {} }));
    expect(bad.message).not.toContain('pg-Pa55word');
  });

  test('never echoes a secret or token in a refusal', () => {
    const e = refusal(() => resolveAgentConfig(base({ api: { port: 1, token: 'tok-123' }, axis: { endpoint: 'http://x', systemId: 'y', secret: 42 as unknown as string } }), { env: {} }));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['api.token', 'axis.secret']);
    expect(JSON.stringify(e.issues) + e.message).not.toContain('tok-123');
  });

  test('says when the file is not JSON, and when it cannot be read', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vdxp-agent-config-'));
    await writeFile(join(dir, 'agent.json'), '{ "axis": ');
    await expect(loadAgentConfig(join(dir, 'agent.json'))).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID', issues: [expect.objectContaining({ code: 'not_json' })] });
    await expect(loadAgentConfig(join(dir, 'missing.json'))).rejects.toBeInstanceOf(IoError);
  });
});
