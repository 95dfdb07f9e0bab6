import { describe, expect, test } from 'vitest';
import {
  POSTGRES_MIGRATIONS,
  migratePostgresSchema,
  postgresSchemaVersion,
  type PostgresMigration,
} from '../../src/store/postgres-migrations.js';
import { skipPostgres, usePostgres } from '../helpers/postgres.js';

const newest = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));

describe.skipIf(skipPostgres)('PostgreSQL migrations', () => {
  const server = usePostgres();

  const tablesOf = async (schema: string) =>
    (
      await server.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      )
    ).rows.map((r) => r.table_name);

  test('creates the schema, its tables and records every migration with a checksum', async () => {
    const schema = server.schema();
    expect(await postgresSchemaVersion(server.pool(), schema)).toBe(0);
    const result = await migratePostgresSchema(server.pool(), schema);
    expect(result).toEqual({ applied: POSTGRES_MIGRATIONS.map((m) => m.version), version: newest });
    expect(await tablesOf(schema)).toEqual(
      expect.arrayContaining(['blobs', 'blob_chunks', 'outbox', 'inbox', 'statuses', 'decisions', 'quarantine', 'once_marks', 'vdxp_schema_migrations']),
    );
    const rows = await server.query<{ version: number; name: string; checksum: string }>(
      `SELECT version, name, checksum FROM "${schema}".vdxp_schema_migrations ORDER BY version`,
    );
    expect(rows.rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    for (const r of rows.rows) expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await postgresSchemaVersion(server.pool(), schema)).toBe(newest);
  });

  test('running the migrations again changes nothing', async () => {
    const schema = server.schema();
    const pool = server.pool();
    await migratePostgresSchema(pool, schema);
    const before = await server.query(`SELECT version, applied_at FROM "${schema}".vdxp_schema_migrations ORDER BY version`);
    const tablesBefore = await tablesOf(schema);
    await server.query(`INSERT INTO "${schema}".once_marks (key, at) VALUES ('kept', 'x')`);

    const again = await migratePostgresSchema(pool, schema);

    expect(again).toEqual({ applied: [], version: newest });
    const after = await server.query(`SELECT version, applied_at FROM "${schema}".vdxp_schema_migrations ORDER BY version`);
    expect(after.rows).toEqual(before.rows);
    expect(await tablesOf(schema)).toEqual(tablesBefore);
    expect((await server.query(`SELECT key FROM "${schema}".once_marks`)).rows).toEqual([{ key: 'kept' }]);
  });

  test('workers migrating at the same moment apply each migration once', async () => {
    const schema = server.schema();
    const results = await Promise.all([1, 2, 3, 4].map(() => migratePostgresSchema(server.pool({ max: 1 }), schema)));
    const applied = results.flatMap((r) => r.applied).sort((a, b) => a - b);
    expect(applied).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    expect(results.every((r) => r.version === newest)).toBe(true);
  });

  test('applies only the migrations not recorded yet, in order', async () => {
    const schema = server.schema();
    const pool = server.pool();
    const extra: PostgresMigration[] = [
      ...POSTGRES_MIGRATIONS,
      { version: newest + 1, name: 'add-note', sql: 'ALTER TABLE once_marks ADD COLUMN note text' },
      { version: newest + 2, name: 'fill-note', sql: "CREATE TABLE notes AS SELECT 'n'::text AS note" },
    ];
    await migratePostgresSchema(pool, schema);
    const result = await migratePostgresSchema(pool, schema, extra);
    expect(result).toEqual({ applied: [newest + 1, newest + 2], version: newest + 2 });
    expect(await tablesOf(schema)).toContain('notes');
  });

  test('a failing migration leaves nothing behind: no table, no record', async () => {
    const schema = server.schema();
    const pool = server.pool();
    const broken: PostgresMigration[] = [
      ...POSTGRES_MIGRATIONS,
      { version: newest + 1, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT * FROM no_such_table' },
    ];
    await expect(migratePostgresSchema(pool, schema, broken)).rejects.toMatchObject({ name: 'StoreError', code: 'VDXP_STORE_IO' });
    expect(await tablesOf(schema)).toEqual([]);
    // the pool is still usable and a correct run succeeds afterwards
    expect((await migratePostgresSchema(pool, schema)).applied).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
  });

  test('refuses a schema migrated by a newer library', async () => {
    const schema = server.schema();
    await migratePostgresSchema(server.pool(), schema);
    await server.query(`INSERT INTO "${schema}".vdxp_schema_migrations (version, name, checksum) VALUES ($1, 'future', 'x')`, [newest + 50]);
    await expect(migratePostgresSchema(server.pool(), schema)).rejects.toMatchObject({
      code: 'VDXP_STORE_CONFLICT',
      message: expect.stringContaining('upgrade vdxp-connector'),
    });
  });

  test('refuses a schema whose recorded migration differs from the shipped one', async () => {
    const schema = server.schema();
    await migratePostgresSchema(server.pool(), schema);
    await server.query(`UPDATE "${schema}".vdxp_schema_migrations SET checksum = 'changed' WHERE version = 1`);
    await expect(migratePostgresSchema(server.pool(), schema)).rejects.toMatchObject({ code: 'VDXP_STORE_CORRUPT' });
  });

  test('refuses a schema name that is not a plain identifier', async () => {
    await expect(migratePostgresSchema(server.pool(), 'x"; DROP SCHEMA public; --')).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
    await expect(migratePostgresSchema(server.pool(), 'Upper')).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
  });

  test('reports an unreachable server as VDXP_STORE_IO', async () => {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    try {
      await expect(migratePostgresSchema(pool, 'vdxp')).rejects.toMatchObject({ name: 'StoreError', code: 'VDXP_STORE_IO' });
    } finally {
      await pool.end();
    }
  });
});
