/**
 * Retries with exponential back-off and jitter, for the calls that are safe to repeat.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AxisError, AxisNetworkError, AxisProtocolError } from '../errors.js';
import type { ResolvedRetryPolicy } from './options.js';

/**
 * Whether an error of one attempt deserves another, in order:
 * 1. no answer (timeout, refused, reset, dropped): yes, the axis may not have seen it;
 * 2. not an axis answer (a proxy's HTML page, broken JSON) or any answer with HTTP 5xx:
 *    yes, usually transient; well-formed JSON that breaks the schema: no, it will not change;
 * 3. `FAIL` with HTTP 429 or 5xx: yes, the server said it was overloaded or broken;
 * 4. any other `FAIL`: no, the axis decided; asking again gets the same answer;
 * 5. anything else (bad input, an abort by the caller): no.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AxisNetworkError) return true;
  if (error instanceof AxisProtocolError) return error.reason === 'not_json' || error.httpStatus >= 500;
  if (error instanceof AxisError) return error.httpStatus === 429 || error.httpStatus >= 500;
  return false;
}

/**
 * Delay before retry number `retry` (1 for the first retry): `baseDelayMs · 2^(retry-1)`,
 * capped at `maxDelayMs`, then "equal jitter": half of it fixed, half random, so that many
 * clients failing together do not come back together.
 */
export function backoffDelayMs(retry: number, policy: ResolvedRetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(exp / 2 + (exp / 2) * r);
}

/** What {@link withRetry} reports after each failed attempt. */
export interface RetryNotice {
  readonly attempt: number;
  readonly error: unknown;
  /** Wait before the next attempt; undefined when the error is final. */
  readonly delayMs: number | undefined;
}

/**
 * Runs `attempt(n)` (n = 1, 2, …) until it succeeds, the error is not retryable, or the
 * policy's retries are spent; waits between attempts (abortable by `signal`).
 * With `retrySafe: false` the first error is thrown as is.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: {
    policy: ResolvedRetryPolicy;
    retrySafe: boolean;
    random: () => number;
    signal?: AbortSignal | undefined;
    onAttemptError?: (notice: RetryNotice) => void;
  },
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const more = options.retrySafe && n <= options.policy.retries && isRetryable(error) && !options.signal?.aborted;
      if (!more) {
        options.onAttemptError?.({ attempt: n, error, delayMs: undefined });
        throw error;
      }
      const delayMs = backoffDelayMs(n, options.policy, options.random);
      options.onAttemptError?.({ attempt: n, error, delayMs });
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => {
        throw options.signal?.reason ?? error;
      });
    }
  }
}
