import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createAgentLogger } from '../../src/agent/logger.js';
import { WebhookQueue, signWebhookBody, type WebhookQueueOptions } from '../../src/agent/webhook.js';

const SECRET = 'webhook-secret-3e9a01';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A receiver answering with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[] = [200], port = 0): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses[Math.min(n++, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, got };
}

function verify(r: Received): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(r.raw).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-vdxp-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function queue(url: string, dir?: string, over: Partial<WebhookQueueOptions> = {}): Promise<{ q: WebhookQueue; dir: string }> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'vdxp-webhook-')));
  if (!dir) cleanup.push(() => rm(d, { recursive: true, force: true }));
  const q = await WebhookQueue.open({
    url,
    secret: SECRET,
    dir: d,
    timeoutMs: 2_000,
    baseDelayMs: 20,
    maxDelayMs: 100,
    flushTimeoutMs: 300,
    logger: createAgentLogger({ level: 'error', stream: process.stderr }),
    ...over,
  });
  return { q, dir: d };
}

describe('webhook', () => {
  test('POSTs each event signed with HMAC-SHA256 over the raw body, with id and timestamp headers', async () => {
    const r = await receiver();
    cleanup.push(() => new Promise((res) => r.server.close(() => res())));
    const { q } = await queue(r.url);
    q.start();
    cleanup.push(() => q.stop());
    await q.enqueue({ id: 'document.received:i1', type: 'document.received', data: { documentId: 'D1', subject: 'Trích yếu có dấu' } });
    await until(() => r.got.length === 1);
    const got = r.got[0]!;
    expect(verify(got)).toBe(true);
    expect(got.headers['x-vdxp-signature']).toBe(signWebhookBody(got.raw, SECRET));
    const body = JSON.parse(got.raw) as { id: string; type: string; sentAt: string; attempt: number; data: unknown };
    expect(body).toMatchObject({ id: 'document.received:i1', type: 'document.received', attempt: 1, data: { documentId: 'D1', subject: 'Trích yếu có dấu' } });
    expect(got.headers['x-vdxp-event-id']).toBe('document.received:i1');
    expect(got.headers['x-vdxp-event-type']).toBe('document.received');
    expect(Number(got.headers['x-vdxp-timestamp'])).toBe(Math.floor(Date.parse(body.sentAt) / 1000));
    expect(Math.abs(Date.now() / 1000 - Number(got.headers['x-vdxp-timestamp']))).toBeLessThan(60);
    // a tampered body does not verify
    expect(verify({ ...got, raw: got.raw.replace('D1', 'D2') })).toBe(false);
  });

  test('retries with back-off until the receiver answers 2xx, keeping the event id', async () => {
    const r = await receiver([500, 503, 404, 204]);
    cleanup.push(() => new Promise((res) => r.server.close(() => res())));
    const { q, dir } = await queue(r.url);
    q.start();
    cleanup.push(() => q.stop());
    await q.enqueue({ id: 'e1', type: 'status.received', data: { code: '03' } });
    await until(() => r.got.length === 4);
    await until(() => q.stats().depth === 0);
    const bodies = r.got.map((g) => JSON.parse(g.raw) as { id: string; attempt: number });
    expect(bodies.map((b) => b.id)).toEqual(['e1', 'e1', 'e1', 'e1']);
    expect(bodies.map((b) => b.attempt)).toEqual([1, 2, 3, 4]);
    expect(r.got.every(verify)).toBe(true);
    expect(q.stats()).toMatchObject({ delivered: 1, failedAttempts: 3 });
    expect(await readdir(dir)).toEqual([]);
  });

  test('delivers in order, and an id queued twice once', async () => {
    const r = await receiver();
    cleanup.push(() => new Promise((res) => r.server.close(() => res())));
    const { q } = await queue(r.url);
    for (const id of ['a', 'b', 'a', 'c']) await q.enqueue({ id, type: 't', data: {} });
    expect(q.stats().depth).toBe(3);
    q.start();
    cleanup.push(() => q.stop());
    await until(() => r.got.length === 3);
    expect(r.got.map((g) => (JSON.parse(g.raw) as { id: string }).id)).toEqual(['a', 'b', 'c']);
  });

  test('keeps undelivered events on disk across a restart and delivers them once the receiver is up', async () => {
    // a port nothing listens on: take one, then close it
    const probe = await receiver();
    const port = (probe.server.address() as AddressInfo).port;
    await new Promise<void>((res) => probe.server.close(() => res()));
    const url = `http://127.0.0.1:${port}/events`;
    const first = await queue(url);
    first.q.start();
    await first.q.enqueue({ id: 'drop.sent.1', type: 'drop.sent', data: { name: 'doc1' } });
    await first.q.enqueue({ id: 'drop.sent.2', type: 'drop.sent', data: { name: 'doc2' } });
    await until(() => first.q.stats().failedAttempts >= 1);
    await first.q.stop();
    expect((await readdir(first.dir)).filter((n) => n.endsWith('.json'))).toHaveLength(2);

    const r = await receiver([200], port);
    cleanup.push(() => new Promise((res) => r.server.close(() => res())));
    const second = await queue(url, first.dir);
    expect(second.q.stats().depth).toBe(2);
    second.q.start();
    cleanup.push(() => second.q.stop());
    await until(() => r.got.length === 2);
    expect(r.got.map((g) => (JSON.parse(g.raw) as { data: { name: string } }).data.name)).toEqual(['doc1', 'doc2']);
    expect(r.got.every(verify)).toBe(true);
    await until(() => second.q.stats().depth === 0);
    expect(await readdir(first.dir)).toEqual([]);
  });

  test('stop() delivers what is queued within the flush time', async () => {
    const r = await receiver();
    cleanup.push(() => new Promise((res) => r.server.close(() => res())));
    const { q } = await queue(r.url, undefined, { flushTimeoutMs: 5_000 });
    q.start();
    await q.enqueue({ id: 'last', type: 't', data: {} });
    await q.stop();
    expect(r.got).toHaveLength(1);
  });
});
