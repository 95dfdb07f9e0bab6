/**
 * Runs a list of tasks concurrently without reordering what must stay in order: a task waits
 * for every earlier task that shares one of its keys (the documents it concerns), and a task
 * that is a barrier (a revoke, an update, a replacement, a take-back) waits for everything
 * before it and holds back everything after it. At most `concurrency` tasks run at once.
 * @internal
 * @module
 */

/** A task that must not overlap anything before or after it. */
export const BARRIER = 'barrier' as const;

/** The keys of a task, or {@link BARRIER}. */
export type TaskKeys = readonly string[] | typeof BARRIER;

/** A counting semaphore, first come first served. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async take(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  give(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/**
 * Starts tasks in list order as `keysOf` allows. `prepare` (optional) runs first for every
 * item at once (bounded by `concurrency`), in any order, and gives what `keysOf` and `run`
 * need; `run` then respects the order. A failing task does not stop the others: each
 * outcome is returned in list order.
 */
export async function runOrdered<T, P>(
  items: readonly T[],
  options: {
    readonly concurrency: number;
    readonly prepare: (item: T) => Promise<P>;
    readonly keysOf: (prepared: P, item: T) => TaskKeys;
    readonly run: (prepared: P, item: T) => Promise<void>;
  },
): Promise<PromiseSettledResult<void>[]> {
  const prepareSlots = new Slots(options.concurrency);
  const runSlots = new Slots(options.concurrency);
  const bounded = async <R>(slots: Slots, fn: () => Promise<R>): Promise<R> => {
    await slots.take();
    try {
      return await fn();
    } finally {
      slots.give();
    }
  };
  const prepared = items.map((item) => bounded(prepareSlots, () => options.prepare(item)));
  for (const p of prepared) p.catch(() => undefined);

  const tails = new Map<string, Promise<unknown>>();
  let barrier: Promise<unknown> = Promise.resolve();
  const all: Promise<unknown>[] = [];
  const outcomes: Promise<void>[] = [];
  for (const [i, item] of items.entries()) {
    let ready: P;
    try {
      ready = await prepared[i]!;
    } catch (error) {
      outcomes.push(Promise.reject(error));
      continue;
    }
    const keys = options.keysOf(ready, item);
    const after = keys === BARRIER ? [...all] : [barrier, ...keys.map((k) => tails.get(k) ?? Promise.resolve())];
    const task = Promise.allSettled(after).then(() => bounded(runSlots, () => options.run(ready, item)));
    const settled = task.catch(() => undefined);
    all.push(settled);
    if (keys === BARRIER) barrier = settled;
    else for (const k of keys) tails.set(k, settled);
    outcomes.push(task);
  }
  for (const o of outcomes) o.catch(() => undefined);
  return Promise.allSettled(outcomes);
}
