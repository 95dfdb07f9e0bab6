/**
 * The last bytes of a stream, addressed by their absolute offsets: keeps at least
 * `capacity` bytes (whole chunks, so slightly more), drops older ones.
 * @internal
 * @module
 */
export class ByteWindow {
  private chunks: Uint8Array[] = [];
  /** Index of the first live chunk in `chunks` (older ones are dropped lazily). */
  private head = 0;
  private kept = 0;
  /** Absolute offset of the first byte kept. */
  private first = 0;

  constructor(private readonly capacity: number) {}

  /** Absolute offset of the first byte still held. */
  get start(): number {
    return this.first;
  }

  /** Absolute offset just past the last byte. */
  get end(): number {
    return this.first + this.kept;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.chunks.length - this.head > 1 && this.kept - this.chunks[this.head]!.length >= this.capacity) {
      const dropped = this.chunks[this.head]!;
      this.chunks[this.head++] = EMPTY;
      this.kept -= dropped.length;
      this.first += dropped.length;
    }
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Bytes from absolute offset `from` to `to` (both within the window). */
  range(from: number, to: number): Uint8Array {
    if (from < this.first || to > this.end || from > to) throw new RangeError('byte range outside the window');
    const parts: Uint8Array[] = [];
    // Walk back from the newest chunk: callers ask for recent bytes.
    let chunkEnd = this.end;
    for (let i = this.chunks.length - 1; i >= this.head && chunkEnd > from; i--) {
      const c = this.chunks[i]!;
      const chunkStart = chunkEnd - c.length;
      if (chunkStart < to) parts.push(c.subarray(Math.max(0, from - chunkStart), Math.min(c.length, to - chunkStart)));
      chunkEnd = chunkStart;
    }
    parts.reverse();
    if (parts.length === 1) return parts[0]!;
    return new Uint8Array(Buffer.concat(parts));
  }

  /** Everything held. */
  bytes(): Uint8Array {
    return this.range(this.first, this.end);
  }
}

const EMPTY = new Uint8Array(0);
