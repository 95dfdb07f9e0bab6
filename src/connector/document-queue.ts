/**
 * The bridge between the `document` event and `connector.documents()`: the event handler
 * waits until the iterator's consumer has finished with the document (asked for the next
 * one), so the hand-over is recorded only then.
 * @internal
 * @module
 */
import type { DocumentEvent } from './events.js';

interface Pending {
  readonly event: DocumentEvent;
  readonly done: () => void;
  readonly fail: (e: unknown) => void;
}

/** A queue of documents waiting for one iterator. */
export class DocumentQueue {
  readonly #signal: AbortSignal | undefined;
  readonly #items: Pending[] = [];
  #notify: (() => void) | undefined;
  #closed = false;

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
  }

  /** The `document` handler: resolves when the consumer is done with the document. */
  readonly handler = (event: DocumentEvent): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (this.#closed) return reject(new Error('the documents() iterator has ended'));
      this.#items.push({ event, done: resolve, fail: reject });
      this.#notify?.();
    });

  /** The iterator; `register` runs when iteration begins, `cleanup` when it ends. */
  async *iterate(register: () => void, cleanup: () => void): AsyncGenerator<DocumentEvent> {
    register();
    const signal = this.#signal;
    const onAbort = () => this.#notify?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    let current: Pending | undefined;
    try {
      while (!signal?.aborted) {
        const next = this.#items.shift();
        if (!next) {
          await new Promise<void>((resolve) => (this.#notify = resolve));
          this.#notify = undefined;
          continue;
        }
        current = next;
        yield next.event;
        current = undefined;
        next.done();
      }
    } finally {
      this.#closed = true;
      signal?.removeEventListener('abort', onAbort);
      cleanup();
      const stopped = new Error('the consumer stopped before finishing this document');
      current?.fail(stopped);
      for (const p of this.#items.splice(0)) p.fail(stopped);
    }
  }
}
