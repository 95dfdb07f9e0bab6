import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createAgentLogger, createRedactor } from '../../src/agent/logger.js';
import { AxisError } from '../../src/errors.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { stream, lines: () => chunks.join('').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>), raw: () => chunks.join('') };
}

const SECRET = 'axis-Secret-9f3c77';
const TOKEN = 'api-token-0f0f0f0f0f0f';

describe('agent logger', () => {
  test('writes one JSON object per line with time, level, msg and the fields', () => {
    const out = capture();
    const log = createAgentLogger({ stream: out.stream, now: () => new Date('2025-03-10T02:00:00Z') });
    log.info('document sent', { documentId: 'D1', attempts: 1 });
    log.child({ part: 'outbox' }).warn('slow', { ms: 1200 });
    expect(out.lines()).toEqual([
      { time: '2025-03-10T02:00:00.000Z', level: 'info', msg: 'document sent', documentId: 'D1', attempts: 1 },
      { time: '2025-03-10T02:00:00.000Z', level: 'warn', msg: 'slow', part: 'outbox', ms: 1200 },
    ]);
  });

  test('drops lines below the configured level', () => {
    const out = capture();
    const log = createAgentLogger({ stream: out.stream, level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(out.lines().map((l) => l.level)).toEqual(['warn', 'error']);
  });

  test('fields cannot overwrite time, level or msg', () => {
    const out = capture();
    createAgentLogger({ stream: out.stream }).info('real', { msg: 'fake', level: 'debug', time: 'never' });
    expect(out.lines()[0]).toMatchObject({ msg: 'real', level: 'info' });
    expect(out.lines()[0]!.time).not.toBe('never');
  });

  test('never writes a configured secret or token, wherever it hides', () => {
    const out = capture();
    const log = createAgentLogger({ stream: out.stream, level: 'debug', secrets: [SECRET, TOKEN, 'pg-pass'] });
    log.info(`connecting with ${SECRET}`, {
      url: 'postgres://vdxp:pg-pass@db/vdxp',
      nested: { deeper: [{ note: `token was ${TOKEN}` }] },
      error: new Error(`refused: ${SECRET}`),
      header: `Bearer ${TOKEN}`,
    });
    log.error('axis refused', { error: new AxisError({ operation: 'sendEdoc', status: 'FAIL', errorCode: '1', errorDesc: `bad ${SECRET}`, httpStatus: 400, attempt: 1 }) });
    const raw = out.raw();
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain('pg-pass');
    expect(raw).toContain('[redacted]');
    expect(out.lines()[1]).toMatchObject({ error: { name: 'AxisError', code: 'VDXP_AXIS_FAIL' } });
  });

  test('redacts fields named like secrets even when the value is not known', () => {
    const redact = createRedactor([]);
    expect(redact({ secret: 'x1', apiToken: 'x2', password: 'x3', Authorization: 'Basic abc', key: 'not-secret-name', nested: { webhookSecret: 'x4' } })).toEqual({
      secret: '[redacted]',
      apiToken: '[redacted]',
      password: '[redacted]',
      Authorization: '[redacted]',
      key: 'not-secret-name',
      nested: { webhookSecret: '[redacted]' },
    });
  });

  test('writes bytes as their length and survives cycles', () => {
    const redact = createRedactor([]);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redact({ data: new Uint8Array(10), cyclic })).toEqual({ data: { bytes: 10 }, cyclic: { a: 1, self: '[…]' } });
  });
});
