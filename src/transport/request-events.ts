/**
 * Telemetry of {@link AxisClient}: one `diagnostics_channel` message per attempt phase on
 * `vdxp:axis:request`. Free when nobody subscribes. Never carries headers, secrets, HMACs
 * or bodies.
 * @module
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { AxisOperation } from '../errors.js';

/** Name of the channel. */
export const AXIS_REQUEST_CHANNEL = 'vdxp:axis:request';

const channel = diagnosticsChannel.channel(AXIS_REQUEST_CHANNEL);

/** A message on `vdxp:axis:request`. */
export interface AxisRequestEvent {
  /** `start` before sending; `end` when an answer was read; `error` when the attempt failed. */
  readonly phase: 'start' | 'end' | 'error';
  readonly operation: AxisOperation;
  readonly method: 'GET' | 'POST';
  /** Endpoint + path, without any user info. */
  readonly url: string;
  readonly systemId: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** For `end`/`error`: time since `start`. */
  readonly durationMs?: number;
  /** For `end` (and `error` when an answer came): the HTTP status. */
  readonly httpStatus?: number;
  /** For `error`: the error's `code` (`VDXP_AXIS_FAIL`, `VDXP_TRANSPORT_TIMEOUT`, …). */
  readonly errorCode?: string;
  /** For `error`: the axis's `ErrorCode` when it answered FAIL. */
  readonly axisErrorCode?: string;
  /** For `error`: milliseconds until the next attempt, when one follows. */
  readonly retryInMs?: number;
}

/**
 * Publishes an event when someone listens.
 * @example
 * ```ts
 * import diagnosticsChannel from 'node:diagnostics_channel';
 * diagnosticsChannel.subscribe('vdxp:axis:request', (e) => console.log(e));
 * ```
 */
export function publishAxisRequest(event: AxisRequestEvent): void {
  if (channel.hasSubscribers) channel.publish(event);
}

/** Whether anyone listens on `vdxp:axis:request` (callers build events only then). @internal */
export function axisRequestsObserved(): boolean {
  return channel.hasSubscribers;
}
