/**
 * axios, loaded on the first request rather than when the library is imported: it weighs
 * about 20 MB of memory, which a process that only builds or reads packages never needs.
 * @internal
 * @module
 */
import type { AxiosStatic } from 'axios';

let loading: Promise<AxiosStatic> | undefined;

/** The axios module, imported once. */
export function loadAxios(): Promise<AxiosStatic> {
  loading ??= import('axios').then((m) => m.default);
  return loading;
}

/** Whether an error is an axios error (what `axios.isAxiosError` checks), without loading axios. */
export function isAxiosError(e: unknown): e is import('axios').AxiosError {
  return typeof e === 'object' && e !== null && (e as { isAxiosError?: unknown }).isAxiosError === true;
}
