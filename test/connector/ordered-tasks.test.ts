import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { BARRIER, runOrdered, type TaskKeys } from '../../src/connector/ordered-tasks.js';

interface Item {
  readonly name: string;
  readonly keys: TaskKeys;
  readonly ms: number;
  readonly fail?: boolean;
}

/** Runs items, recording start and end order and the most tasks seen running at once. */
async function trace(items: Item[], concurrency: number) {
  const events: string[] = [];
  let running = 0;
  let peak = 0;
  const outcomes = await runOrdered(items, {
    concurrency,
    prepare: async (item) => {
      await sleep(items.length - items.indexOf(item)); // prepared in reverse order
      return item;
    },
    keysOf: (item) => item.keys,
    run: async (item) => {
      running++;
      peak = Math.max(peak, running);
      events.push(`start ${item.name}`);
      await sleep(item.ms);
      events.push(`end ${item.name}`);
      running--;
      if (item.fail) throw new Error(`${item.name} failed`);
    },
  });
  const at = (e: string) => events.indexOf(e);
  return { events, peak, outcomes, at };
}

describe('runOrdered', () => {
  test('tasks about the same document run in list order; others overlap', async () => {
    const { at, peak } = await trace(
      [
        { name: 'a1', keys: ['A'], ms: 30 },
        { name: 'b1', keys: ['B'], ms: 5 },
        { name: 'a2', keys: ['A'], ms: 5 },
        { name: 'c1', keys: ['C'], ms: 5 },
      ],
      8,
    );
    expect(at('start a2')).toBeGreaterThan(at('end a1'));
    // b1 and c1 did not wait for the slow a1
    expect(at('end b1')).toBeLessThan(at('end a1'));
    expect(at('end c1')).toBeLessThan(at('end a1'));
    expect(peak).toBeGreaterThanOrEqual(3);
  });

  test('a barrier waits for everything before it and holds back everything after it', async () => {
    const { at } = await trace(
      [
        { name: 'a', keys: ['A'], ms: 20 },
        { name: 'b', keys: ['B'], ms: 5 },
        { name: 'revoke', keys: BARRIER, ms: 5 },
        { name: 'c', keys: ['C'], ms: 1 },
      ],
      8,
    );
    expect(at('start revoke')).toBeGreaterThan(at('end a'));
    expect(at('start revoke')).toBeGreaterThan(at('end b'));
    expect(at('start c')).toBeGreaterThan(at('end revoke'));
  });

  test('never runs more than `concurrency` tasks at once', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ name: `t${i}`, keys: [`K${i}`], ms: 5 }));
    expect((await trace(items, 3)).peak).toBe(3);
    expect((await trace(items, 1)).peak).toBe(1);
  });

  test('a failed task does not stop the others, nor a later task about the same document; outcomes come in list order', async () => {
    const { outcomes, events } = await trace(
      [
        { name: 'a1', keys: ['A'], ms: 5, fail: true },
        { name: 'a2', keys: ['A'], ms: 1 },
        { name: 'b', keys: ['B'], ms: 1 },
      ],
      2,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(events).toContain('end a2');
  });

  test('a failed preparation is that item\'s outcome; the rest run', async () => {
    const ran: string[] = [];
    const outcomes = await runOrdered(['x', 'bad', 'y'], {
      concurrency: 2,
      prepare: async (s) => {
        if (s === 'bad') throw new Error('cannot fetch');
        return s;
      },
      keysOf: () => ['same'],
      run: async (s) => {
        ran.push(s);
      },
    });
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(ran).toEqual(['x', 'y']);
  });
});
