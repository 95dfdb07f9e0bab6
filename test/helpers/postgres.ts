import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from './postgres-cluster.mjs';

/**
 * Where the PostgreSQL tests get a server: `VDXP_TEST_PG_URL` (what `.ci/run` exports), else
 * a temporary cluster this test file starts from the installed PostgreSQL, else none.
 */
export const postgresSource: { kind: 'url'; url: string } | { kind: 'cluster'; bin: string } | { kind: 'none' } =
  process.env.VDXP_TEST_PG_URL
    ? { kind: 'url', url: process.env.VDXP_TEST_PG_URL }
    : ((bin) => (bin ? { kind: 'cluster', bin } : { kind: 'none' }))(findPostgresBin());

const inCi = !!process.env.CI && !['false', '0'].includes(process.env.CI);

/**
 * True when the PostgreSQL tests skip: no server and no PostgreSQL installed, outside CI.
 * Under `CI=true` they run and fail with {@link NO_POSTGRES} instead.
 */
export const skipPostgres = postgresSource.kind === 'none' && !inCi;

export const NO_POSTGRES =
  'PostgreSQL tests need a server: set VDXP_TEST_PG_URL (bash .ci/run does) or install PostgreSQL ' +
  '(initdb and pg_ctl in /usr/lib/postgresql/*/bin, on PATH, or in VDXP_PG_BIN)';

/** A PostgreSQL server for one test file, with fresh schemas and tracked pools. */
export interface TestPostgres {
  /** The server's URL (available from `beforeAll` on). */
  readonly url: string;
  /** A schema name nobody used yet; dropped (cascade) after the file. */
  schema(): string;
  /** A pool on the server, ended after the file (or earlier by the test). */
  pool(options?: pg.PoolConfig): pg.Pool;
  /** Runs one statement on a helper pool (for assertions on tables). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * Registers `beforeAll`/`afterAll` in the calling file or `describe` and gives the server.
 *
 * @example
 * ```ts
 * describe.skipIf(skipPostgres)('PostgresStore', () => {
 *   const server = usePostgres();
 *   test('…', async () => { const store = await PostgresStore.open({ url: server.url, schema: server.schema() }); });
 * });
 * ```
 */
export function usePostgres(): TestPostgres {
  let url: string | undefined;
  let cluster: PostgresCluster | undefined;
  let admin: pg.Pool | undefined;
  const schemas: string[] = [];
  const pools = new Set<pg.Pool>();

  beforeAll(async () => {
    if (postgresSource.kind === 'none') throw new Error(NO_POSTGRES);
    if (postgresSource.kind === 'url') {
      url = postgresSource.url;
    } else {
      cluster = await startPostgresCluster({ bin: postgresSource.bin });
      url = cluster.url;
    }
  });

  afterAll(async () => {
    try {
      for (const p of pools) if (!p.ended) await p.end();
      if (url && schemas.length > 0) {
        admin ??= new pg.Pool({ connectionString: url, max: 2 });
        for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      }
      await admin?.end();
    } finally {
      cluster?.stop();
    }
  });

  const server: TestPostgres = {
    get url() {
      if (!url) throw new Error('the PostgreSQL server is not ready: use it inside tests or hooks');
      return url;
    },
    schema() {
      const name = `t_${randomBytes(6).toString('hex')}`;
      schemas.push(name);
      return name;
    },
    pool(options) {
      const p = new pg.Pool({ connectionString: server.url, max: 4, ...options });
      p.on('error', () => {}); // an idle client lost with the server: the test sees it on its next query
      pools.add(p);
      return p;
    },
    query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]) {
      admin ??= new pg.Pool({ connectionString: server.url, max: 2 });
      return admin.query<R>(sql, values);
    },
  };
  return server;
}
