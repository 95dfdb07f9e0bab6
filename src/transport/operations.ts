/**
 * The table of axis operations (`spec/axis-api.md` section 3): HTTP method, path, content
 * type, and whether a call may be repeated safely.
 * @module
 */
import type { AxisOperation } from '../errors.js';

/** How one operation travels. */
export interface AxisOperationSpec {
  readonly method: 'GET' | 'POST';
  /** Appended to the endpoint. */
  readonly path: `/${AxisOperation}`;
  /** The request's `Content-Type` (also signed as a parameter). */
  readonly contentType: 'application/json' | 'application/octet-stream';
  /**
   * True when repeating the call cannot change the outcome (reads, acks): the client
   * retries these by itself. `sendEdoc` creates a new package each time and is never
   * repeated here; `registerAgency`/`deleteAgency` would answer differently the second time.
   */
  readonly retrySafe: boolean;
}

const json = 'application/json' as const;

/** Every operation of the axis API, keyed by name. */
export const AXIS_OPERATIONS: Readonly<Record<AxisOperation, AxisOperationSpec>> = {
  sendEdoc: { method: 'POST', path: '/sendEdoc', contentType: 'application/octet-stream', retrySafe: false },
  getReceivedEdocList: { method: 'POST', path: '/getReceivedEdocList', contentType: json, retrySafe: true },
  getEdoc: { method: 'POST', path: '/getEdoc', contentType: json, retrySafe: true },
  downloadEdoc: { method: 'GET', path: '/downloadEdoc', contentType: json, retrySafe: true },
  updateStatus: { method: 'POST', path: '/updateStatus', contentType: json, retrySafe: true },
  getSentEdocList: { method: 'POST', path: '/getSentEdocList', contentType: json, retrySafe: true },
  getAgenciesList: { method: 'POST', path: '/getAgenciesList', contentType: json, retrySafe: true },
  getAgenciesListQD20: { method: 'POST', path: '/getAgenciesListQD20', contentType: json, retrySafe: true },
  getSynchronizeUnit: { method: 'POST', path: '/getSynchronizeUnit', contentType: json, retrySafe: true },
  registerAgency: { method: 'POST', path: '/registerAgency', contentType: json, retrySafe: false },
  deleteAgency: { method: 'POST', path: '/deleteAgency', contentType: json, retrySafe: false },
  countReceiveEdoc: { method: 'GET', path: '/countReceiveEdoc', contentType: json, retrySafe: true },
  countReceiveStatus: { method: 'GET', path: '/countReceiveStatus', contentType: json, retrySafe: true },
};
