/**
 * Options of {@link PostgresStore.open}, parsed once with zod.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';
import { POSTGRES_SCHEMA_PATTERN } from './postgres-migrations.js';
import type { PostgresPool } from './postgres-pool.js';

const isPool = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as PostgresPool).connect === 'function' && typeof (v as PostgresPool).query === 'function';

/**
 * Where the store lives: a connection `url` (the store opens and closes its own `pg.Pool`)
 * or a `pool` the caller owns (the store never ends it). Exactly one of the two.
 */
export const PostgresStoreOptionsSchema = z
  .strictObject({
    /** `postgres://user:password@host:5432/database` (the password is never logged). */
    url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL').optional(),
    /** A `pg.Pool` (or anything with its `connect`/`query`), owned by the caller. */
    pool: z.custom<PostgresPool>(isPool, 'expected a pg.Pool').optional(),
    /** The schema holding the store's tables (created by the migrations). @defaultValue 'vdxp' */
    schema: z.string().regex(POSTGRES_SCHEMA_PATTERN, 'expected a lowercase SQL identifier (a-z, 0-9, _)').default('vdxp'),
    /** Apply the shipped migrations on open; when false, open fails unless the schema is current. @defaultValue true */
    migrate: z.boolean().default(true),
    /** Connections of the pool opened from `url`. @defaultValue 10 */
    maxConnections: z.number().int().min(1).max(1000).optional(),
    /** How long to wait for a connection from the pool opened from `url`. @defaultValue 10000 */
    connectionTimeoutMs: z.number().int().positive().default(10_000),
    /** Bytes per row of a stored package (blobs are kept as rows of this size). @defaultValue 1 MiB */
    blobChunkBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** `application_name` of the connections opened from `url`. @defaultValue 'vdxp-connector' */
    applicationName: z.string().min(1).max(63).default('vdxp-connector'),
  })
  .superRefine((o, ctx) => {
    if ((o.url === undefined) === (o.pool === undefined)) {
      ctx.addIssue({ code: 'custom', path: o.url === undefined ? ['url'] : ['pool'], message: 'give exactly one of url and pool' });
    }
    if (o.pool !== undefined && o.maxConnections !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['maxConnections'], message: 'maxConnections applies to the pool opened from url; size your own pool yourself' });
    }
  });

/** What callers give {@link PostgresStore.open}. */
export type PostgresStoreOptions = z.input<typeof PostgresStoreOptionsSchema>;
/** {@link PostgresStoreOptions} after defaults. */
export type ResolvedPostgresStoreOptions = z.output<typeof PostgresStoreOptionsSchema>;

/**
 * Parses the options of {@link PostgresStore.open}.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming each bad field (never the URL's password)
 */
export function resolvePostgresStoreOptions(input: unknown): ResolvedPostgresStoreOptions {
  const parsed = PostgresStoreOptionsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError('PostgresStore', issuesFromZod(parsed.error.issues));
  return parsed.data;
}
