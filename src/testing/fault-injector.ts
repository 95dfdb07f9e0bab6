/**
 * Seeded, deterministic fault injection for {@link LocalAxis}.
 * @module
 */
import type { AxisOperation } from '../errors.js';
import type { ResolvedFaults } from './local-axis-options.js';

/** What to do to one request. */
export interface FaultDecision {
  /** Destroy the socket without answering. */
  readonly drop: boolean;
  /** Do the work, then destroy the socket without answering. */
  readonly dropAfter: boolean;
  /** Answer HTTP 500 `status: FAIL`. */
  readonly error: boolean;
  /** Answer an HTML page instead of JSON. */
  readonly nonJson: boolean;
  /** Wait this long first. */
  readonly latencyMs: number;
}

const NONE: FaultDecision = { drop: false, dropAfter: false, error: false, nonJson: false, latencyMs: 0 };

/**
 * A small seeded generator (a Weyl sequence through the murmur3 finaliser): uniform in
 * [0, 1), the same numbers for the same seed on every platform.
 */
export class SeededRandom {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }
}

/**
 * Decides faults per request from a seed. Each faulted request draws four numbers in a fixed
 * order (drop, error, nonJson, latency), so the same requests in the same order meet the
 * same faults; duplicate deliveries and drops after the work draw from generators of their
 * own so they do not shift the request faults.
 */
export class FaultInjector {
  readonly #faults: ResolvedFaults | undefined;
  readonly #requests: SeededRandom;
  readonly #deliveries: SeededRandom;
  readonly #after: SeededRandom;

  constructor(faults: ResolvedFaults | undefined) {
    this.#faults = faults;
    this.#requests = new SeededRandom(faults?.seed ?? 1);
    this.#deliveries = new SeededRandom((faults?.seed ?? 1) ^ 0x5bd1e995);
    this.#after = new SeededRandom((faults?.seed ?? 1) ^ 0x27d4eb2f);
  }

  /** The faults for one request of this operation. */
  decide(operation: AxisOperation): FaultDecision {
    const f = this.#faults;
    if (!f || (f.operations && !f.operations.includes(operation))) return NONE;
    const [d, e, n, l] = [this.#requests.next(), this.#requests.next(), this.#requests.next(), this.#requests.next()];
    const latencyMs = Array.isArray(f.latencyMs) ? Math.round(f.latencyMs[0] + (f.latencyMs[1] - f.latencyMs[0]) * l) : f.latencyMs;
    const drop = d < f.dropRate;
    const error = !drop && e < f.errorRate;
    const nonJson = !drop && !error && n < f.nonJsonRate;
    // drawn from its own generator, so enabling it does not shift the other faults of a seed
    const dropAfter = !drop && !error && !nonJson && f.dropAfterRate > 0 && this.#after.next() < f.dropAfterRate;
    return { drop, dropAfter, error, nonJson, latencyMs };
  }

  /** True when a delivery should be queued twice. */
  duplicate(): boolean {
    const f = this.#faults;
    return f !== undefined && f.duplicateRate > 0 && this.#deliveries.next() < f.duplicateRate;
  }
}
