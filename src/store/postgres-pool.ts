/**
 * The part of `pg` (node-postgres) that {@link PostgresStore} uses, described structurally so
 * the library's types do not depend on `pg`, and the lazy loading of `pg` itself: it is an
 * optional peer dependency, needed only when the store opens its own pool from a URL.
 * @module
 */
import { ConfigError } from '../errors.js';

/** A query's answer, as `pg` gives it. */
export interface PostgresQueryResult<R = Record<string, unknown>> {
  readonly rows: R[];
  readonly rowCount: number | null;
}

/** A connection taken from a pool (`pg.PoolClient`). */
export interface PostgresClient {
  /** Runs one statement with positional parameters ($1, $2, …). */
  query<R = Record<string, unknown>>(sql: string, values?: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  /** Returns it to the pool; an error (or `true`) destroys it instead. */
  release(error?: Error | boolean): void;
}

/** A pool of connections (`pg.Pool`), given by the caller or opened from a URL. */
export interface PostgresPool {
  /** Runs one statement with positional parameters ($1, $2, …). */
  query<R = Record<string, unknown>>(sql: string, values?: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  /** Takes a connection for a transaction; give it back with `release()`. */
  connect(): Promise<PostgresClient>;
  /** Closes every connection of the pool. */
  end(): Promise<void>;
}

interface PgModule {
  Pool: new (config: Record<string, unknown>) => PostgresPool & {
    on(event: 'error', listener: (error: Error) => void): unknown;
  };
}

/**
 * Opens a `pg.Pool` on `url`, loading `pg` on first use.
 * @throws {ConfigError} VDXP_CONFIG_INVALID when `pg` is not installed
 */
export async function openPostgresPool(
  url: string,
  options: { max: number; connectionTimeoutMs: number; applicationName: string },
): Promise<PostgresPool> {
  let pg: PgModule;
  try {
    const loaded = (await import('pg')) as unknown as PgModule & { default?: PgModule };
    pg = loaded.default?.Pool ? loaded.default : loaded;
  } catch (error) {
    throw new ConfigError(
      'PostgresStore',
      [
        {
          code: 'missing_dependency',
          path: 'pg',
          message: 'PostgresStore needs the optional peer dependency "pg": install it (npm install pg), or pass a pool',
        },
      ],
      { cause: error },
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    application_name: options.applicationName,
  });
  // An idle connection lost with the server must not crash the process: the next query
  // on the pool opens a new one, and a query that fails reports through its own promise.
  pool.on('error', () => {});
  return pool;
}
