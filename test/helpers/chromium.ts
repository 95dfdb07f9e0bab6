/**
 * A tiny Chrome DevTools Protocol client for tests that look at pages in a real browser:
 * Debian's headless `chromium` driven over `--remote-debugging-pipe` (file descriptors 3 and 4,
 * NUL-delimited JSON), so no WebSocket and no npm package is needed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The browser to use: `CHROMIUM` from the environment, else the first of the usual names on PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env['CHROMIUM'], 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const probe = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', c], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim()) return probe.stdout.trim();
  }
  return undefined;
}

/** A problem a page reported: a console error, a log entry of level error, an uncaught exception. */
export interface PageProblem {
  readonly source: 'console' | 'log' | 'exception';
  readonly text: string;
}

type Handler = (params: Record<string, unknown>, sessionId: string | undefined) => void;
interface Waiting {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  method: string;
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  '--mute-audio',
  '--remote-debugging-pipe',
];

/** A running headless Chromium and its protocol pipe. */
export class Chromium {
  readonly #child: ChildProcess;
  readonly #profile: string;
  readonly #toBrowser: Writable;
  readonly #waiting = new Map<number, Waiting>();
  readonly #handlers = new Map<string, Set<Handler>>();
  #nextId = 1;
  #buffer = '';
  #exited: Promise<void>;
  stderr = '';

  private constructor(child: ChildProcess, profile: string) {
    this.#child = child;
    this.#profile = profile;
    this.#toBrowser = child.stdio[3] as Writable;
    const fromBrowser = child.stdio[4] as Readable;
    fromBrowser.setEncoding('utf8');
    fromBrowser.on('data', (chunk: string) => this.#receive(chunk));
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.#exited.then(() => {
      for (const w of this.#waiting.values()) w.reject(new Error(`chromium exited before answering ${w.method}: ${this.stderr.trim().slice(-500)}`));
      this.#waiting.clear();
    });
  }

  /** Starts the browser with a fresh profile folder. */
  static async launch(executable: string): Promise<Chromium> {
    const profile = mkdtempSync(join(tmpdir(), 'vdxp-chromium-'));
    const child = spawn(executable, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const browser = new Chromium(child, profile);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await browser.send('Browser.getVersion');
    return browser;
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.#buffer.slice(0, end)) as { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string };
      this.#buffer = this.#buffer.slice(end + 1);
      if (message.id !== undefined) {
        const w = this.#waiting.get(message.id);
        this.#waiting.delete(message.id);
        if (message.error) w?.reject(new Error(`${w.method}: ${message.error.message}`));
        else w?.resolve(message.result ?? {});
      } else if (message.method) {
        for (const h of this.#handlers.get(message.method) ?? []) h(message.params ?? {}, message.sessionId);
      }
    }
  }

  /** Sends a command (to a page when `sessionId` is given) and waits for its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject, method });
      this.#toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  /** Listens to an event. */
  on(method: string, handler: Handler): void {
    let set = this.#handlers.get(method);
    if (!set) this.#handlers.set(method, (set = new Set()));
    set.add(handler);
  }

  /** Resolves at the next `method` event of `sessionId`. */
  once(method: string, sessionId: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} in ${timeoutMs} ms`)), timeoutMs);
      const handler: Handler = (params, sid) => {
        if (sid !== sessionId) return;
        clearTimeout(timer);
        this.#handlers.get(method)?.delete(handler);
        resolve(params);
      };
      this.on(method, handler);
    });
  }

  /** Opens a page with the given viewport, records its problems, and loads `url`. */
  async open(url: string, viewport = { width: 1100, height: 900 }): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const problems: PageProblem[] = [];
    this.on('Runtime.consoleAPICalled', (p, sid) => {
      if (sid !== sessionId || (p['type'] !== 'error' && p['type'] !== 'assert')) return;
      const args = (p['args'] as { value?: unknown; description?: string }[] | undefined) ?? [];
      problems.push({ source: 'console', text: args.map((a) => String(a.value ?? a.description ?? '')).join(' ') });
    });
    this.on('Log.entryAdded', (p, sid) => {
      const entry = p['entry'] as { level?: string; text?: string; url?: string } | undefined;
      if (sid === sessionId && entry?.level === 'error') problems.push({ source: 'log', text: `${entry.text ?? ''} ${entry.url ?? ''}`.trim() });
    });
    this.on('Runtime.exceptionThrown', (p, sid) => {
      const d = p['exceptionDetails'] as { text?: string; exception?: { description?: string } } | undefined;
      if (sid === sessionId) problems.push({ source: 'exception', text: d?.exception?.description ?? d?.text ?? 'exception' });
    });
    for (const domain of ['Page', 'Runtime', 'Log']) await this.send(`${domain}.enable`, {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
    const loaded = this.once('Page.loadEventFired', sessionId);
    const nav = (await this.send('Page.navigate', { url }, sessionId)) as { errorText?: string };
    if (nav.errorText) throw new Error(`navigation to ${url} failed: ${nav.errorText}`);
    await loaded;
    return new Page(this, sessionId, problems);
  }

  /** Closes the browser and deletes its profile. */
  async close(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      await Promise.race([this.send('Browser.close').catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
      await this.#exited;
      clearTimeout(timer);
    }
    rmSync(this.#profile, { recursive: true, force: true });
  }
}

/** One open page. */
export class Page {
  constructor(
    readonly browser: Chromium,
    readonly sessionId: string,
    /** What the page reported since it was opened. */
    readonly problems: PageProblem[],
  ) {}

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.browser.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, this.sessionId)) as {
      result: { value?: T };
      exceptionDetails?: { text?: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** A PNG of the whole page (beyond the viewport). */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, this.sessionId)) as { data: string };
    return Buffer.from(data, 'base64');
  }
}
