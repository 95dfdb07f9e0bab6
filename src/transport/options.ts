/**
 * Options of {@link AxisClient}, parsed once with zod at the door.
 * @module
 */
import { z } from 'zod';
import type { AxiosAdapter, AxiosInstance } from 'axios';
import { ConfigError, issuesFromZod } from '../errors.js';

declare const __VDXP_VERSION__: string | undefined;
/** The package version (set at build time). */
export const PACKAGE_VERSION = typeof __VDXP_VERSION__ === 'string' ? __VDXP_VERSION__ : '0.0.0-dev';

const isFunction = (v: unknown): boolean => typeof v === 'function';
const isAxiosInstance = (v: unknown): boolean =>
  typeof v === 'function' && typeof (v as { request?: unknown }).request === 'function' && typeof (v as { defaults?: unknown }).defaults === 'object';

/** Retry policy for the calls that are safe to repeat (never `sendEdoc`). */
export const RetryPolicySchema = z.strictObject({
  /** Extra attempts after the first. @defaultValue 3 */
  retries: z.number().int().min(0).max(20).default(3),
  /** Delay before the first retry; doubles each time. @defaultValue 300 */
  baseDelayMs: z.number().int().min(0).default(300),
  /** Cap of one delay. @defaultValue 5000 */
  maxDelayMs: z.number().int().min(0).default(5_000),
});
/** What callers give (defaults may be left out): the input of {@link RetryPolicySchema}. */
export type RetryPolicy = z.input<typeof RetryPolicySchema>;
/** As resolved, with defaults filled in: the output of {@link RetryPolicySchema}. */
export type ResolvedRetryPolicy = z.output<typeof RetryPolicySchema>;

/** Schema of {@link AxisClientOptions}. */
export const AxisClientOptionsSchema = z
  .strictObject({
    /** Base URL; operation paths are appended (`{endpoint}/sendEdoc`). */
    endpoint: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')),
    /** The system id (`systemid`) issued by the axis operator. */
    systemId: z.string().trim().min(1),
    /** The secret issued with the system id: never logged, never in an error. */
    secret: z.string().min(1),
    /** Time allowed for one attempt (until the whole answer is read; for a download, until its headers, then between chunks). @defaultValue 30000 */
    timeoutMs: z.number().int().positive().default(30_000),
    /** @defaultValue `{ retries: 3, baseDelayMs: 300, maxDelayMs: 5000 }` */
    retry: RetryPolicySchema.prefault({}),
    /** `User-Agent` product token. @defaultValue `vdxp-connector/<version>` */
    userAgent: z.string().min(1).default(`vdxp-connector/${PACKAGE_VERSION}`),
    /** Largest JSON answer read (`getEdoc` carries the package in base64). @defaultValue 256 MiB */
    maxResponseBytes: z.number().int().positive().default(256 * 1024 * 1024),
    /** Your own axios instance (proxies, custom TLS agents). Its defaults apply; the client sets method, URL, headers, body, timeout per request. */
    axios: z.custom<AxiosInstance>(isAxiosInstance, 'expected an axios instance').optional(),
    /** An axios adapter, used with the client's own instance. */
    adapter: z.custom<AxiosAdapter>(isFunction, 'expected an axios adapter function').optional(),
    /** Clock for the signed timestamp. @defaultValue `() => new Date()` */
    now: z.custom<() => Date>(isFunction, 'expected a function returning a Date').optional(),
    /** Source of jitter in [0, 1). @defaultValue Math.random */
    random: z.custom<() => number>(isFunction, 'expected a function returning a number').optional(),
  })
  .refine((o) => !(o.axios && o.adapter), { message: 'give either axios or adapter, not both', path: ['adapter'] });

/** What callers give {@link AxisClient}. */
export type AxisClientOptions = z.input<typeof AxisClientOptionsSchema>;
/** The options after defaults. */
export type ResolvedAxisClientOptions = z.output<typeof AxisClientOptionsSchema>;

/**
 * Parses client options.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming each bad field (never echoing values)
 */
export function resolveAxisClientOptions(input: unknown): ResolvedAxisClientOptions {
  const parsed = AxisClientOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError('AxisClient', issuesFromZod(parsed.error.issues));
  return parsed.data;
}
