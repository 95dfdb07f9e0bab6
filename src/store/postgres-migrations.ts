/**
 * The database schema of {@link PostgresStore}, as numbered SQL migrations shipped with the
 * library, and the runner that applies them.
 *
 * The runner takes a transaction-scoped advisory lock (so workers starting together migrate
 * once), creates the schema and `vdxp_schema_migrations` if needed, applies every migration
 * not recorded yet in order, records each with a SHA-256 of its SQL, and commits: all or
 * nothing. Running it again is a no-op. The SQL names no schema: it runs with
 * `search_path` set (for the transaction only) to the store's schema.
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError, StoreError } from '../errors.js';
import type { PostgresPool } from './postgres-pool.js';

/** One numbered migration. */
export interface PostgresMigration {
  /** 1, 2, 3 … applied in this order, never renumbered. */
  readonly version: number;
  /** A short name, recorded with the version. */
  readonly name: string;
  /** The statements (no schema named: `search_path` is the store's schema). */
  readonly sql: string;
}

const INITIAL = `
CREATE TABLE blobs (
  ref text COLLATE "C" PRIMARY KEY,
  size bigint NOT NULL DEFAULT 0,
  sha256 text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE blob_chunks (
  ref text COLLATE "C" NOT NULL REFERENCES blobs (ref) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (ref, seq)
);

CREATE TABLE outbox (
  id text COLLATE "C" PRIMARY KEY,
  version integer NOT NULL,
  document_id text COLLATE "C" NOT NULL,
  message_type text NOT NULL,
  state text NOT NULL,
  inbox_id text COLLATE "C",
  next_attempt_at timestamptz NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  lease_worker text,
  lease_expires_at timestamptz,
  record jsonb NOT NULL
);
CREATE INDEX outbox_claimable ON outbox (next_attempt_at, created_at, id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_inbox ON outbox (inbox_id) WHERE inbox_id IS NOT NULL;
CREATE INDEX outbox_document ON outbox (document_id);
CREATE INDEX outbox_order ON outbox (created_at, id);

CREATE TABLE inbox (
  id text COLLATE "C" PRIMARY KEY,
  version integer NOT NULL,
  axis_doc_id text COLLATE "C" NOT NULL,
  message_type text NOT NULL,
  from_agency text COLLATE "C" NOT NULL,
  to_agency text COLLATE "C" NOT NULL,
  document_id text COLLATE "C" NOT NULL,
  operation text COLLATE "C" NOT NULL,
  received_at text COLLATE "C" NOT NULL,
  handed_over boolean NOT NULL DEFAULT false,
  lease_worker text,
  lease_expires_at timestamptz,
  record jsonb NOT NULL,
  CONSTRAINT inbox_axis_doc_id_key UNIQUE (axis_doc_id),
  CONSTRAINT inbox_document_key UNIQUE (to_agency, from_agency, document_id, operation)
);
CREATE INDEX inbox_waiting ON inbox (received_at, id) WHERE NOT handed_over;
CREATE INDEX inbox_document ON inbox (document_id);
CREATE INDEX inbox_order ON inbox (received_at, id);

CREATE TABLE statuses (
  id text COLLATE "C" PRIMARY KEY,
  direction text NOT NULL,
  document_id text COLLATE "C" NOT NULL,
  counterpart text COLLATE "C" NOT NULL,
  at text COLLATE "C" NOT NULL,
  recorded_at text COLLATE "C" NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX statuses_document ON statuses (document_id, at, recorded_at, id);

CREATE TABLE decisions (
  id text COLLATE "C" PRIMARY KEY,
  version integer NOT NULL,
  state text NOT NULL,
  document_id text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX decisions_order ON decisions (created_at, id);

CREATE TABLE quarantine (
  id text COLLATE "C" PRIMARY KEY,
  axis_doc_id text COLLATE "C" NOT NULL,
  at text COLLATE "C" NOT NULL,
  record jsonb NOT NULL,
  CONSTRAINT quarantine_axis_doc_id_key UNIQUE (axis_doc_id)
);

CREATE TABLE once_marks (
  key text COLLATE "C" PRIMARY KEY,
  at text NOT NULL
);
`;

/** Leases on fetching a listed package, so that workers do not all download it. */
const RECEIVE_CLAIMS = `
CREATE TABLE receive_claims (
  axis_doc_id text COLLATE "C" PRIMARY KEY,
  worker_id text NOT NULL,
  lease_expires_at timestamptz NOT NULL
);
CREATE INDEX receive_claims_expiry ON receive_claims (lease_expires_at);
`;

/** Every migration this version of the library knows, in order. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  { version: 1, name: 'initial', sql: INITIAL },
  { version: 2, name: 'receive claims', sql: RECEIVE_CLAIMS },
];

/** Schema names the store accepts: a lowercase SQL identifier (quoted anyway). */
export const POSTGRES_SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** The advisory-lock class of the migration lock (the second key is the schema's hash). */
const LOCK_CLASS = 0x76647870; // 'vdxp'

/** What {@link migratePostgresSchema} did. */
export interface PostgresMigrationResult {
  /** Versions applied by this call (empty when the schema was current). */
  readonly applied: readonly number[];
  /** The schema's version afterwards. */
  readonly version: number;
}

const checksum = (m: PostgresMigration): string => createHash('sha256').update(m.sql).digest('hex');

/**
 * `"name"`: a schema name checked against {@link POSTGRES_SCHEMA_PATTERN}.
 * @throws {ConfigError} VDXP_CONFIG_INVALID for any other name
 */
export function quoteSchema(schema: string): string {
  if (!POSTGRES_SCHEMA_PATTERN.test(schema)) {
    throw new ConfigError('PostgresStore', [
      { code: 'invalid_format', path: 'schema', message: 'expected a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)' },
    ]);
  }
  return `"${schema}"`;
}

/**
 * Brings `schema` to the newest version in one transaction under an advisory lock.
 * Idempotent; safe to run from several workers at once.
 * @param migrations - what to apply @defaultValue {@link POSTGRES_MIGRATIONS}
 * @throws {ConfigError} VDXP_CONFIG_INVALID for a schema name that is not a plain identifier
 * @throws {StoreError} VDXP_STORE_CONFLICT when the schema is newer than this library;
 *   VDXP_STORE_CORRUPT when a recorded migration differs from the shipped one;
 *   VDXP_STORE_IO when the database fails
 * @example
 * ```ts
 * const { applied } = await migratePostgresSchema(pool, 'vdxp');
 * ```
 */
export async function migratePostgresSchema(
  pool: PostgresPool,
  schema: string,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<PostgresMigrationResult> {
  const q = quoteSchema(schema);
  const client = await connect(pool);
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
      await client.query(`SET LOCAL search_path TO ${q}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS vdxp_schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           checksum text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const done = await client.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM vdxp_schema_migrations ORDER BY version',
      );
      const known = new Map(migrations.map((m) => [m.version, m]));
      const newest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
      for (const row of done.rows) {
        const mine = known.get(row.version);
        if (!mine) {
          throw new StoreError(
            'VDXP_STORE_CONFLICT',
            `schema ${schema} is at migration ${row.version} (${row.name}), newer than this library knows (${newest}): upgrade vdxp-connector`,
          );
        }
        if (mine.name !== row.name || checksum(mine) !== row.checksum) {
          throw new StoreError('VDXP_STORE_CORRUPT', `schema ${schema}: migration ${row.version} recorded there differs from this library's (${mine.name})`);
        }
      }
      const recorded = new Set(done.rows.map((r) => r.version));
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (recorded.has(m.version)) continue;
        await client.query(m.sql);
        await client.query('INSERT INTO vdxp_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, checksum(m)]);
        applied.push(m.version);
      }
      await client.query('COMMIT');
      return { applied, version: newest };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    broken = true;
    throw new StoreError('VDXP_STORE_IO', `could not migrate schema ${schema}: ${describePgError(error)}`, { cause: error });
  } finally {
    client.release(broken);
  }
}

/**
 * The schema's recorded version (0 when it has no migration table).
 * @throws {StoreError} VDXP_STORE_IO when the database fails
 */
export async function postgresSchemaVersion(pool: PostgresPool, schema: string): Promise<number> {
  const q = quoteSchema(schema);
  try {
    const exists = await pool.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${q}.vdxp_schema_migrations`]);
    if (!exists.rows[0]?.t) return 0;
    const res = await pool.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${q}.vdxp_schema_migrations`);
    return res.rows[0]?.v ?? 0;
  } catch (error) {
    throw new StoreError('VDXP_STORE_IO', `could not read the version of schema ${schema}: ${describePgError(error)}`, { cause: error });
  }
}

async function connect(pool: PostgresPool) {
  try {
    return await pool.connect();
  } catch (error) {
    throw new StoreError('VDXP_STORE_IO', `could not connect to PostgreSQL: ${describePgError(error)}`, { cause: error });
  }
}

/** A database error in one line: its SQLSTATE and message (no query text, no values). */
export function describePgError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
