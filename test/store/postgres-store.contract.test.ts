import { describe } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { skipPostgres, usePostgres } from '../helpers/postgres.js';
import { runStoreContract } from '../helpers/store-contract.js';

describe.skipIf(skipPostgres)('PostgresStore against a real PostgreSQL server', () => {
  const server = usePostgres();

  // a fresh schema per test; small chunks so the large-blob test spans many rows
  runStoreContract('PostgresStore', async () => {
    const schema = server.schema();
    const open = () => PostgresStore.open({ url: server.url, schema, maxConnections: 4, blobChunkBytes: 100_000 });
    const opened: Store[] = [];
    let current: Store = await open();
    opened.push(current);
    return {
      get store() {
        return current;
      },
      async reopen() {
        await current.close();
        current = await open();
        opened.push(current);
        return current;
      },
      async sibling() {
        const other = await open();
        opened.push(other);
        return other;
      },
      async cleanup() {
        for (const s of opened) await s.close();
        await server.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      },
    };
  });
});
