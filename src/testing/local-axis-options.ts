/**
 * Configuration of {@link LocalAxis}: the `axis.json` file of `vdxp axis serve` and the
 * options of `LocalAxis.start`, parsed once with zod.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod, type AxisOperation } from '../errors.js';
import { AXIS_OPERATIONS } from '../transport/operations.js';

const isFunction = (v: unknown): boolean => typeof v === 'function';
const code = z.string().trim().min(1).max(100).regex(/^[^\s;"]+$/, 'expected an agency code without spaces');
const rate = z.number().min(0).max(1).default(0);

/** An agency served by a system (the system's own id is an agency too, listed implicitly). */
export const LocalAgencyConfigSchema = z.strictObject({
  code,
  name: z.string().trim().min(1),
  mail: z.string().default(''),
  /** Parent code. @defaultValue the system's id */
  pcode: code.optional(),
  oldCode: z.string().optional(),
  /** QĐ 20 code. @defaultValue the code */
  code102: z.string().optional(),
});
/** What callers give (defaults may be left out): the input of {@link LocalAgencyConfigSchema}. */
export type LocalAgencyConfig = z.input<typeof LocalAgencyConfigSchema>;

/** A system: an id and secret issued by the axis operator, and the agencies it serves. */
export const LocalSystemConfigSchema = z.strictObject({
  systemId: code,
  /** Never logged, never written to `dataDir`. */
  secret: z.string().min(1),
  /** Name of the system's own agency. @defaultValue the system id */
  name: z.string().trim().min(1).optional(),
  mail: z.string().default(''),
  agencies: z.array(LocalAgencyConfigSchema).default([]),
});
/** What callers give (defaults may be left out): the input of {@link LocalSystemConfigSchema}. */
export type LocalSystemConfig = z.input<typeof LocalSystemConfigSchema>;

/** The upper axis this one forwards to (a provincial axis under the national one). */
export const ParentAxisConfigSchema = z.strictObject({
  /** The parent's endpoint. */
  url: z.url({ protocol: /^https?$/ }),
  /** This axis's system id at the parent. */
  systemId: code,
  secret: z.string().min(1),
  /** How often to pull packages the parent routed to this axis. @defaultValue 500 */
  pollIntervalMs: z.number().int().min(10).default(500),
  /** Timeout of one call to the parent. @defaultValue 10000 */
  timeoutMs: z.number().int().positive().default(10_000),
});
/** What callers give (defaults may be left out): the input of {@link ParentAxisConfigSchema}. */
export type ParentAxisConfig = z.input<typeof ParentAxisConfigSchema>;

const operationNames = Object.keys(AXIS_OPERATIONS) as [AxisOperation, ...AxisOperation[]];

/**
 * Seeded, deterministic fault injection: the same seed and the same sequence of requests
 * give the same faults. Rates are probabilities per request in [0, 1].
 */
export const FaultsSchema = z.strictObject({
  /** @defaultValue 1 */
  seed: z.number().int().default(1),
  /** Answer HTTP 500 with `status: FAIL`. */
  errorRate: rate,
  /** Delay before answering: a number, or `[min, max]` drawn per request. @defaultValue 0 */
  latencyMs: z.union([z.number().int().min(0), z.tuple([z.number().int().min(0), z.number().int().min(0)])]).default(0),
  /** Answer an HTML error page (HTTP 200) instead of JSON. */
  nonJsonRate: rate,
  /** Destroy the socket without answering. */
  dropRate: rate,
  /**
   * Do what was asked (a `sendEdoc` is accepted and routed), then destroy the socket without
   * answering: the client cannot know the axis acted (an ambiguous failure).
   */
  dropAfterRate: rate,
  /** A delivered package is queued twice (two receiver ids, same bytes). */
  duplicateRate: rate,
  /** Operations the faults apply to. @defaultValue all */
  operations: z.array(z.enum(operationNames)).optional(),
});
/** What callers give (defaults may be left out): the input of {@link FaultsSchema}. */
export type Faults = z.input<typeof FaultsSchema>;
/** As resolved, with defaults filled in: the output of {@link FaultsSchema}. */
export type ResolvedFaults = z.output<typeof FaultsSchema>;

/** The content of `axis.json`. */
export const AxisConfigSchema = z.strictObject({
  systems: z.array(LocalSystemConfigSchema).min(1),
  parent: ParentAxisConfigSchema.optional(),
  /** OrganId written in the TraceHeader this axis appends. @defaultValue none (like the 2025 test axis) */
  traceOrganId: code.optional(),
  /** Largest request body (a package) accepted. @defaultValue 64 MiB */
  maxBodyBytes: z.number().int().positive().default(64 * 1024 * 1024),
  /** Accepted distance of the signed timestamp from the clock; `null` disables the check. @defaultValue 3600000 */
  timestampSkewMs: z.number().int().min(0).nullable().default(3_600_000),
  /**
   * Zones a client may write its timestamp in (the Java SDK uses the JVM's zone).
   * @defaultValue [420, this machine's offset]
   */
  timestampUtcOffsetsMinutes: z.array(z.number().int().min(-720).max(840)).optional(),
  faults: FaultsSchema.optional(),
});
/** What callers give (defaults may be left out): the input of {@link AxisConfigSchema}. */
export type AxisConfig = z.input<typeof AxisConfigSchema>;

/** Options of `LocalAxis.start`: `axis.json` plus where and how to run. */
export const LocalAxisOptionsSchema = AxisConfigSchema.extend({
  /** @defaultValue 0 (any free port) */
  port: z.number().int().min(0).max(65535).default(0),
  /** @defaultValue '127.0.0.1' (loopback) */
  host: z.string().min(1).default('127.0.0.1'),
  /** Folder where queues and packages are kept across restarts. @defaultValue none (memory) */
  dataDir: z.string().min(1).optional(),
  /** The clock. @defaultValue `() => new Date()` */
  clock: z.custom<() => Date>(isFunction, 'expected a function returning a Date').optional(),
}).superRefine((o, ctx) => {
  const seen = new Set<string>();
  for (const [i, s] of o.systems.entries()) {
    for (const c of [s.systemId, ...s.agencies.map((a) => a.code)]) {
      if (seen.has(c)) ctx.addIssue({ code: 'custom', path: ['systems', i], message: `agency code ${c} is served twice` });
      seen.add(c);
    }
  }
});
/** What callers give (defaults may be left out): the input of {@link LocalAxisOptionsSchema}. */
export type LocalAxisOptions = z.input<typeof LocalAxisOptionsSchema>;
/** As resolved, with defaults filled in: the output of {@link LocalAxisOptionsSchema}. */
export type ResolvedLocalAxisOptions = z.output<typeof LocalAxisOptionsSchema>;

/**
 * Parses `LocalAxis` options (or an `axis.json` with `target: 'axis.json'`).
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming each bad field
 */
export function resolveLocalAxisOptions(input: unknown, target = 'LocalAxis'): ResolvedLocalAxisOptions {
  const parsed = LocalAxisOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(target, issuesFromZod(parsed.error.issues));
  return parsed.data;
}
