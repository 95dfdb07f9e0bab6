/**
 * Progress of long transfers and builds on stderr: `sending  12.5 MB / 100 MB (12%)`,
 * redrawn in place at most every `intervalMs` and erased when done, so that what the command
 * prints afterwards stands alone. Shown only to a person: when stderr is a terminal, not with
 * `--json`, and only past `minBytes` (small files finish before anyone could read it).
 * @internal
 * @module
 */
import { Transform } from 'node:stream';
import type { CliIo } from './command.js';
import { formatBytes } from './output.js';

/** What a progress line is about. */
export interface ProgressOptions {
  /** The verb shown first, e.g. `sending`. */
  readonly label: string;
  /** Bytes expected; without it the line shows bytes only. */
  readonly total?: number;
  /** The command prints JSON: no progress. @defaultValue false */
  readonly json?: boolean;
  /** Shown only for transfers larger than this. @defaultValue 4 MiB */
  readonly minBytes?: number;
  /** Least time between two redraws. @defaultValue 100 */
  readonly intervalMs?: number;
  /** Clock, in milliseconds. @defaultValue performance.now */
  readonly now?: () => number;
}

const CLEAR_LINE = '\r\x1b[K';

/** Counts bytes and redraws one line on a terminal's stderr; does nothing elsewhere. */
export class Progress {
  readonly #io: CliIo;
  readonly #label: string;
  readonly #total: number | undefined;
  readonly #minBytes: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #enabled: boolean;
  #done = 0;
  #drawnAt = -Infinity;
  #drawn = false;
  #finished = false;

  private constructor(io: CliIo, o: ProgressOptions) {
    this.#io = io;
    this.#label = o.label;
    this.#total = o.total;
    this.#minBytes = o.minBytes ?? 4 * 1024 * 1024;
    this.#intervalMs = o.intervalMs ?? 100;
    this.#now = o.now ?? (() => performance.now());
    this.#enabled = io.stderr.isTTY === true && o.json !== true && (o.total === undefined || o.total > this.#minBytes);
  }

  /** A progress line for `io` (inactive when stderr is not a terminal, with --json, or for small totals). */
  static start(io: CliIo, options: ProgressOptions): Progress {
    return new Progress(io, options);
  }

  /** Whether anything will be drawn. */
  get active(): boolean {
    return this.#enabled;
  }

  /** Bytes counted so far. */
  get bytes(): number {
    return this.#done;
  }

  /** Counts `n` more bytes; redraws when the interval has passed. */
  add(n: number): void {
    this.#done += n;
    if (!this.#enabled || this.#finished || this.#done <= this.#minBytes) return;
    const t = this.#now();
    if (t - this.#drawnAt < this.#intervalMs) return;
    this.#drawnAt = t;
    this.#drawn = true;
    this.#io.stderr.write(`${CLEAR_LINE}${this.#line()}`);
  }

  /** Erases the line (when one was drawn). Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#drawn) this.#io.stderr.write(CLEAR_LINE);
  }

  /** A pass-through stream that counts what flows through it. */
  tap(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.add(chunk.length);
        done(null, chunk);
      },
    });
  }

  /** Counts the chunks of an iterable as they are taken. */
  async *count<T extends Uint8Array>(source: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
    for await (const chunk of source) {
      this.add(chunk.length);
      yield chunk;
    }
  }

  #line(): string {
    const total = this.#total;
    if (total === undefined || total <= 0) return `${this.#label}  ${formatBytes(this.#done)}`;
    const percent = Math.min(100, Math.floor((this.#done / total) * 100));
    return `${this.#label}  ${formatBytes(Math.min(this.#done, total))} / ${formatBytes(total)} (${percent}%)`;
  }
}
