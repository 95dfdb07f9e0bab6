import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';
import { runStoreContract } from '../helpers/store-contract.js';

runStoreContract('FileStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vdxp-filestore-'));
  let current: Store = await FileStore.open({ dir });
  return {
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = await FileStore.open({ dir });
      return current;
    },
    async cleanup() {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
