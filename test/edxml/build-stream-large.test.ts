import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { buildEdxmlStream } from '../../src/edxml/build.js';
import { sampleEdoc } from '../../src/testing/index.js';

const MiB = 1024 * 1024;

// A full collection before each sample, so RSS shows what is retained, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const SIZE = 120 * MiB + 1; // not a multiple of 3 nor of the chunk size

/** Generates SIZE pseudo-random bytes in 1 MiB chunks, hashing them as they go. */
function generated(hash: ReturnType<typeof createHash>) {
  return async function* () {
    let seed = 0x9e3779b9;
    for (let at = 0; at < SIZE; at += MiB) {
      const chunk = new Uint8Array(Math.min(MiB, SIZE - at));
      const words = new Uint32Array(chunk.buffer, 0, chunk.length >> 2);
      for (let i = 0; i < words.length; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        words[i] = seed >>> 0;
      }
      for (let i = words.length * 4; i < chunk.length; i++) chunk[i] = i & 0xff;
      hash.update(chunk);
      yield chunk;
    }
  };
}

/**
 * A sink that finds the base64 text of the first ContentTransferEncoded in a stream of
 * package bytes and hashes its decoded bytes, holding at most a few characters between chunks.
 */
class DecodingHashSink {
  private state: 'before' | 'inside' | 'after' = 'before';
  private window = '';
  private carry = '';
  private readonly hash = createHash('sha256');
  decoded = 0;
  sawNewlineInBase64 = false;

  write(chunk: Uint8Array): void {
    let text = Buffer.from(chunk).toString('latin1');
    if (this.state === 'before') {
      this.window += text;
      const open = /<edXML:ContentTransferEncoded[^>]*>/.exec(this.window);
      if (!open) {
        this.window = this.window.slice(-200);
        return;
      }
      this.state = 'inside';
      text = this.window.slice(open.index + open[0].length);
      this.window = '';
    }
    if (this.state !== 'inside') return;
    const end = text.indexOf('<');
    const piece = end < 0 ? text : text.slice(0, end);
    if (/\s/.test(piece)) this.sawNewlineInBase64 = true;
    const all = this.carry + piece;
    const whole = all.length - (all.length % 4);
    this.feed(all.slice(0, whole));
    this.carry = all.slice(whole);
    if (end >= 0) {
      this.feed(this.carry);
      this.carry = '';
      this.state = 'after';
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private feed(b64: string): void {
    if (!b64) return;
    const bytes = Buffer.from(b64, 'base64');
    this.decoded += bytes.length;
    this.hash.update(bytes);
  }
}

describe('buildEdxmlStream with a 120 MB attachment', () => {
  test('streams it with flat memory and the decoded base64 hashes like the source', async () => {
    const sourceHash = createHash('sha256');
    const message = {
      ...sampleEdoc(),
      attachments: [{ contentId: 'ho-so-lon', name: 'Hồ sơ lớn.bin', contentType: 'application/octet-stream', source: generated(sourceHash) }],
    };
    const sink = new DecodingHashSink();
    gc();
    const start = process.memoryUsage();
    const baseline = start.rss;
    const liveBaseline = start.heapUsed + start.arrayBuffers;
    let peak = baseline;
    let livePeak = liveBaseline;
    let chunks = 0;
    let largestChunk = 0;
    for await (const chunk of buildEdxmlStream(message, { now: () => new Date('2024-06-01T00:00:00Z') })) {
      sink.write(chunk);
      chunks++;
      largestChunk = Math.max(largestChunk, chunk.length);
      if (chunks % 8 === 0) {
        gc();
        const m = process.memoryUsage();
        peak = Math.max(peak, m.rss);
        livePeak = Math.max(livePeak, m.heapUsed + m.arrayBuffers);
      }
    }
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(sink.decoded).toBe(SIZE);
    expect(sink.sawNewlineInBase64).toBe(false);
    expect(sink.digest()).toBe(sourceHash.digest('hex'));
    expect(largestChunk).toBeLessThan(4 * MiB);
    // what the JavaScript heap and buffers retain stays flat; RSS also holds the allocator's free pages
    expect(livePeak - liveBaseline).toBeLessThan(32 * MiB);
    expect(peak - baseline).toBeLessThan(150 * MiB);
  });
});
