import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, test } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { Progress } from '../../src/cli/progress.js';

const MB = 1024 * 1024;

/** An io whose stderr is a fake terminal (or not), with what was written kept. */
function fakeIo(isTTY: boolean): CliIo & { err: () => string } {
  const chunks: string[] = [];
  const stderr = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  const stdout = new Writable({ write: (_c, _e, done) => done() });
  return { stdout, stderr, env: {}, cwd: '/', stopSignal: new AbortController().signal, err: () => chunks.join('') };
}

/** A clock moved by hand. */
function clock() {
  let t = 0;
  return { now: () => t, tick: (ms: number) => (t += ms) };
}

describe('Progress', () => {
  test('draws bytes and percent on a terminal, in place, and erases the line when done', () => {
    const io = fakeIo(true);
    const c = clock();
    const p = Progress.start(io, { label: 'sending', total: 100 * MB, now: c.now });
    expect(p.active).toBe(true);
    p.add(25 * MB);
    c.tick(150);
    p.add(25 * MB);
    p.finish();
    p.finish();
    expect(io.err()).toBe('\r\x1b[Ksending  25 MB / 100 MB (25%)\r\x1b[Ksending  50 MB / 100 MB (50%)\r\x1b[K');
  });

  test('redraws at most once per interval', () => {
    const io = fakeIo(true);
    const c = clock();
    const p = Progress.start(io, { label: 'building', total: 100 * MB, now: c.now, intervalMs: 100 });
    for (let i = 0; i < 100; i++) {
      p.add(MB);
      c.tick(10);
    }
    p.finish();
    const lines = io.err().split('\r\x1b[K').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toMatch(/\(9\d%\)$/);
  });

  test('shows bytes only when the total is unknown, once past the threshold', () => {
    const io = fakeIo(true);
    const c = clock();
    const p = Progress.start(io, { label: 'downloading', now: c.now, minBytes: 10 * MB });
    p.add(5 * MB);
    expect(io.err()).toBe('');
    c.tick(200);
    p.add(7 * MB);
    p.finish();
    expect(io.err()).toBe('\r\x1b[Kdownloading  12 MB\r\x1b[K');
  });

  test.each([
    ['stderr is not a terminal', false, {}],
    ['--json is given', true, { json: true }],
    ['the total is small', true, { total: 2 * MB }],
  ])('writes nothing when %s', (_label, isTTY, extra) => {
    const io = fakeIo(isTTY);
    const p = Progress.start(io, { label: 'sending', total: 100 * MB, ...extra });
    expect(p.active).toBe(false);
    p.add(60 * MB);
    p.finish();
    expect(io.err()).toBe('');
    expect(p.bytes).toBe(60 * MB);
  });

  test('counts what flows through a stream tap and an iterable', async () => {
    const io = fakeIo(true);
    const p = Progress.start(io, { label: 'reading', total: 12 * MB, minBytes: MB });
    const chunks = Array.from({ length: 6 }, () => Buffer.alloc(MB));
    await pipeline(Readable.from(chunks), p.tap(), new Writable({ write: (_c, _e, done) => done() }));
    let seen = 0;
    for await (const c of p.count(chunks)) seen += c.length;
    p.finish();
    expect(seen).toBe(6 * MB);
    expect(p.bytes).toBe(12 * MB);
    expect(io.err()).toMatch(/reading {2}2\.0 MB \/ 12 MB \(16%\)/);
    expect(io.err().endsWith('\r\x1b[K')).toBe(true);
  });
});
