// Checking a connector's FileStore: opening it checks the store's own files, and checkStore
// reads every package its records point to against the SHA-256 each record holds. A package
// nobody reads again (last year's archive) is otherwise found damaged only when it is needed.
// Run: node examples/check-store.mjs [STORE_DIR]
// (the same from the command line: vdxp store check --store STORE_DIR)
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore, buildEdxml, checkStore, isVdxpError } from 'vdxp-connector';
import { sampleEdoc } from 'vdxp-connector/testing';

const scratch = await mkdtemp(join(tmpdir(), 'vdxp-example-'));
try {
  let dir = process.argv[2];
  if (!dir) {
    // A store to check: one package queued in the outbox, as Connector.send leaves it.
    dir = join(scratch, 'store');
    const store = await FileStore.open({ dir });
    const blob = await store.putBlob(buildEdxml(sampleEdoc({ attachments: [{ contentId: 'scan', name: 'scan.pdf', contentType: 'application/pdf', data: new Uint8Array(200_000).fill(0x25) }] })));
    const at = new Date().toISOString();
    await store.addOutbox({ id: 'o1', documentId: 'D1', messageType: 'edoc', operation: 'new', from: '000.00.00.G22', recipients: ['000.00.00.H41'], blob, summary: { code: '1/VPCP' }, nextAttemptAt: at, createdAt: at });
    await store.close();
  }

  const check = async () => {
    // A store is opened by one process at a time: stop the connector using it, or check a copy.
    const store = await FileStore.open({ dir });
    try {
      return await checkStore(store, { onProgress: (p) => process.stdout.write(`  ${p.checked}/${p.blobs} packages, ${p.bytesChecked} of ${p.bytes} bytes\n`) });
    } finally {
      await store.close();
    }
  };

  const report = await check();
  console.log(`outbox ${report.records.outbox}, inbox ${report.records.inbox}: ${report.blobs.checked} packages, ${report.ok ? 'all intact' : 'damaged'}`);

  if (!process.argv[2]) {
    // One bit of the package flipped on disk: the check names it and the record that uses it.
    const name = (await readdir(join(dir, 'blobs'))).find((n) => n.endsWith('.blob'));
    const bytes = await readFile(join(dir, 'blobs', name));
    bytes[1000] ^= 1;
    await writeFile(join(dir, 'blobs', name), bytes);
    const damaged = await check();
    for (const p of damaged.problems) console.log(`${p.ref} ${p.code} (${p.usedBy.join(', ')}): ${p.message}`);
  }
} catch (e) {
  // A store whose own files are damaged refuses to open: VDXP_STORE_CORRUPT, restore a backup.
  console.error(isVdxpError(e) ? `${e.code}: ${e.message}` : e);
  process.exitCode = 1;
} finally {
  await rm(scratch, { recursive: true, force: true });
}
