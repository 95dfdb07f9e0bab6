/**
 * The SQL plumbing of {@link PostgresStore}: error mapping, transactions, filters and the
 * leased claim (`SELECT … FOR UPDATE SKIP LOCKED`) shared by the outbox and the inbox.
 * @module
 */
import { StoreError, isVdxpError } from '../errors.js';
import { describePgError } from './postgres-migrations.js';
import type { PostgresClient, PostgresPool } from './postgres-pool.js';
import type { Queryable } from './postgres-record-table.js';
import { leaseFor } from './store-rules.js';
import type { ClaimOptions } from './store.js';

/** Database failures become `VDXP_STORE_IO`; the library's own errors and aborts pass through. */
export function wrapPgError(what: string, error: unknown): unknown {
  if (isVdxpError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  return new StoreError('VDXP_STORE_IO', `${what}: ${describePgError(error)}`, { cause: error });
}

/**
 * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back
 * when it throws (a connection that cannot even roll back is destroyed, not reused).
 */
export async function inTransaction<T>(pool: PostgresPool, what: string, fn: (tx: PostgresClient) => Promise<T>): Promise<T> {
  let client: PostgresClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw wrapPgError(what, error);
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw wrapPgError(what, error);
  } finally {
    client.release(broken);
  }
}

/** `a = $1 AND b = $2` from `[sql with ?, value]` pairs; pairs with an undefined value are left out. */
export function sqlFilter(filters: readonly (readonly [string, unknown])[]): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const parts: string[] = [];
  for (const [sql, value] of filters) {
    if (value === undefined) continue;
    values.push(value);
    parts.push(sql.replace('?', `$${values.length}`));
  }
  return { sql: parts.join(' AND '), values };
}

/**
 * Leases up to `limit` rows of `table` that match `due` (SQL where `$1` is `now`) and whose
 * lease is absent or expired, in `order`: rows another transaction holds are skipped, not
 * waited for, so concurrent workers get disjoint sets. The lease and the new version are
 * written to the columns and into the record; the records are returned (in no given order).
 */
export async function claimLeased(
  db: Queryable,
  table: string,
  claim: { readonly due: string; readonly order: string },
  options: ClaimOptions,
): Promise<{ record: unknown }[]> {
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  const lease = leaseFor(options);
  const sql = `
    WITH due AS (
      SELECT id FROM ${table}
      WHERE (${claim.due}) AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
      ORDER BY ${claim.order}
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    )
    UPDATE ${table} t SET version = t.version + 1, lease_worker = $3, lease_expires_at = $4,
      record = t.record || jsonb_build_object('version', t.version + 1, 'lease', jsonb_build_object('workerId', $5::text, 'expiresAt', $6::text))
    FROM due WHERE t.id = due.id
    RETURNING t.record`;
  const res = await db.query<{ record: unknown }>(sql, [options.now.toISOString(), limit, lease.workerId, lease.expiresAt, lease.workerId, lease.expiresAt]);
  return res.rows;
}
