/**
 * The webhook hand-off: each event is written to the agent's state before anything else
 * happens to it, then POSTed to the system's URL as JSON, signed with HMAC-SHA256 over the
 * raw body (`X-Vdxp-Signature: sha256=<hex>`), and retried with capped, jittered back-off
 * until the system answers 2xx. Delivery is at least once, in order; every event carries a
 * stable `id` (also in `X-Vdxp-Event-Id`) for the receiver to drop repeats, and the time it
 * was sent (`sentAt` in the body, `X-Vdxp-Timestamp` in seconds) for it to refuse replays.
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { syncDir, writeFileDurable } from './durable-fs.js';
import type { AgentLogger } from './logger.js';

/** An event to deliver. */
export interface AgentEventInput {
  /** Stable across repeats of the same fact (receivers de-duplicate on it). */
  readonly id: string;
  /** `document.received`, `status.received`, `request.received`, `document.withdrawn`, `deadline.overdue`, `drop.sent`, `drop.failed`, `error`. */
  readonly type: string;
  readonly data: unknown;
  /** ISO 8601 UTC. @defaultValue now */
  readonly occurredAt?: string;
}

/** An event as queued. */
export interface AgentEvent {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly data: unknown;
}

/** Options of {@link WebhookQueue.open}. */
export interface WebhookQueueOptions {
  readonly url: string;
  readonly secret: string;
  /** Where queued events are kept. */
  readonly dir: string;
  readonly timeoutMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Time `stop()` spends delivering what is queued. */
  readonly flushTimeoutMs: number;
  readonly logger: AgentLogger;
  /** @defaultValue `() => new Date()` */
  readonly now?: () => Date;
  /** Jitter source in [0, 1). @defaultValue Math.random */
  readonly random?: () => number;
}

/** The signature header's value for a body: `sha256=<hex HMAC-SHA256(secret, body)>`. */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

interface Queued {
  readonly file: string;
  readonly key: string;
  readonly event: AgentEvent;
  readonly enqueuedAt: number;
}

/** A durable, ordered queue of events and the loop that delivers them. */
export class WebhookQueue {
  readonly #o: WebhookQueueOptions;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #queue: Queued[] = [];
  readonly #keys = new Set<string>();
  #seq = 0;
  #loop: Promise<void> | undefined;
  #wake: AbortController | undefined;
  #stopping = false;
  #idle = false;
  #deadline = Infinity;
  #abort: AbortController | undefined;
  #delivered = 0;
  #failedAttempts = 0;

  private constructor(options: WebhookQueueOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
  }

  /** Opens the queue, loading the events an earlier run left undelivered. */
  static async open(options: WebhookQueueOptions): Promise<WebhookQueue> {
    const q = new WebhookQueue(options);
    const all = await readdir(options.dir);
    // temporary files of writes a crash interrupted: the event was not queued
    for (const n of all.filter((x) => x.startsWith('.') && x.endsWith('.tmp'))) await rm(join(options.dir, n), { force: true });
    const names = all.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    for (const name of names) {
      const event = JSON.parse(await readFile(join(options.dir, name), 'utf8')) as AgentEvent & { enqueuedAt?: number };
      const key = keyOf(event.id);
      q.#queue.push({ file: name, key, event: { id: event.id, type: event.type, occurredAt: event.occurredAt, data: event.data }, enqueuedAt: event.enqueuedAt ?? 0 });
      q.#keys.add(key);
    }
    return q;
  }

  /** Queues an event durably; an event whose id is already queued is not queued twice. */
  async enqueue(input: AgentEventInput): Promise<void> {
    const key = keyOf(input.id);
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    const now = this.#now();
    const event: AgentEvent = { id: input.id, type: input.type, occurredAt: input.occurredAt ?? now.toISOString(), data: input.data };
    const file = `${String(now.getTime()).padStart(15, '0')}-${String(this.#seq++ % 1_000_000).padStart(6, '0')}-${key}.json`;
    try {
      await writeFileDurable(join(this.#o.dir, file), JSON.stringify({ ...event, enqueuedAt: now.getTime() }));
    } catch (e) {
      this.#keys.delete(key);
      throw e;
    }
    this.#queue.push({ file, key, event, enqueuedAt: now.getTime() });
    // wakes an idle loop; a loop backing off after a failure keeps its pace
    if (this.#idle) this.#wake?.abort();
  }

  /** Starts delivering. */
  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#deadline = Infinity;
    this.#loop = this.#run();
  }

  /** Delivers what is queued for at most `flushTimeoutMs`, then stops; the rest waits on disk. */
  async stop(): Promise<void> {
    if (!this.#loop) return;
    this.#stopping = true;
    this.#deadline = Date.now() + this.#o.flushTimeoutMs;
    this.#wake?.abort();
    const timer = setTimeout(() => this.#abort?.abort(), this.#o.flushTimeoutMs);
    await this.#loop;
    clearTimeout(timer);
    this.#loop = undefined;
  }

  /** Queue depth, the oldest event's age, and counters since start. */
  stats(): { depth: number; oldestEnqueuedAt?: number; delivered: number; failedAttempts: number } {
    const oldest = this.#queue[0]?.enqueuedAt;
    return { depth: this.#queue.length, ...(oldest !== undefined ? { oldestEnqueuedAt: oldest } : {}), delivered: this.#delivered, failedAttempts: this.#failedAttempts };
  }

  async #run(): Promise<void> {
    let failures = 0;
    for (;;) {
      const head = this.#queue[0];
      if (this.#stopping && (!head || Date.now() >= this.#deadline)) return;
      if (!head) {
        this.#idle = true;
        await this.#pause(Infinity);
        this.#idle = false;
        continue;
      }
      const attempt = failures + 1;
      const outcome = await this.#post(head.event, attempt).catch((e: unknown) => `error ${(e as Error).message}`);
      if (outcome === 'ok') {
        failures = 0;
        // a file left behind is delivered again after a restart (at least once; receivers de-duplicate)
        await rm(join(this.#o.dir, head.file), { force: true }).catch((error: unknown) => this.#o.logger.error('cannot remove a delivered event', { file: head.file, error }));
        await syncDir(this.#o.dir).catch(() => undefined);
        this.#queue.shift();
        this.#keys.delete(head.key);
        this.#delivered++;
        continue;
      }
      failures++;
      this.#failedAttempts++;
      const delay = Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** Math.min(failures - 1, 30)) * (0.5 + this.#random() / 2);
      this.#o.logger.warn('webhook delivery failed; will retry', { eventId: head.event.id, type: head.event.type, attempt, retryInMs: Math.round(delay), outcome });
      await this.#pause(delay);
    }
  }

  /** Sleeps `ms` (less when stopping); an enqueue or stop wakes it. */
  async #pause(ms: number): Promise<void> {
    const limit = this.#stopping ? Math.max(0, this.#deadline - Date.now()) : ms;
    this.#wake = new AbortController();
    const wait = Math.min(ms, limit);
    if (wait === Infinity) await new Promise<void>((r) => this.#wake!.signal.addEventListener('abort', () => r(), { once: true }));
    else await sleep(wait, undefined, { signal: this.#wake.signal }).catch(() => undefined);
  }

  /** One attempt: 'ok' for a 2xx, else a short description of what happened. */
  #post(event: AgentEvent, attempt: number): Promise<string> {
    const sentAt = this.#now();
    const body = JSON.stringify({ id: event.id, type: event.type, occurredAt: event.occurredAt, sentAt: sentAt.toISOString(), attempt, data: event.data });
    const url = new URL(this.#o.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    this.#abort = new AbortController();
    const timeout = Math.max(1, Math.min(this.#o.timeoutMs, this.#stopping ? this.#deadline - Date.now() : Infinity));
    return new Promise<string>((resolve) => {
      const req = send(url, {
        method: 'POST',
        agent: false,
        signal: this.#abort!.signal,
        timeout,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'vdxp-agent',
          'x-vdxp-event-id': event.id,
          'x-vdxp-event-type': event.type,
          'x-vdxp-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'x-vdxp-signature': signWebhookBody(body, this.#o.secret),
        },
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code ?? e.message}`));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : `HTTP ${res.statusCode}`));
        res.on('error', () => resolve('error reading the answer'));
      });
      req.end(body);
    });
  }
}

function keyOf(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 24);
}
