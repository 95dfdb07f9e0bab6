// Keeping a connector's store small: prunePackages removes the bytes of packages the connector
// no longer needs (received ones your system took over, quarantined ones, and, when asked,
// documents you sent), finished before a cut-off, and keeps their records: tracking, reports
// and de-duplication go on working. Run it on a schedule, after your system has archived what
// it received.
// Run: node examples/prune-store.mjs
// (the same from the command line: vdxp store prune --store DIR --days 90 [--dry-run])
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore, buildEdxml, checkStore, isVdxpError } from 'vdxp-connector';
import { sampleEdoc } from 'vdxp-connector/testing';

const DAY = 24 * 60 * 60 * 1000;
const scratch = await mkdtemp(join(tmpdir(), 'vdxp-example-'));
try {
  const dir = join(scratch, 'store');
  let store = await FileStore.open({ dir });
  // Two received documents with a 300 KB scan each, as the connector leaves them once handed
  // over: one 120 days ago, one 10 days ago.
  for (const [id, days] of [['i-old', 120], ['i-recent', 10]]) {
    const scan = new Uint8Array(300_000).fill(0x25);
    const blob = await store.putBlob(buildEdxml(sampleEdoc({ attachments: [{ contentId: 'scan', name: 'scan.pdf', contentType: 'application/pdf', data: scan }] })));
    const at = new Date(Date.now() - days * DAY).toISOString();
    await store.addInbox({ id, axisDocId: `ax-${id}`, messageType: 'edoc', from: '000.00.00.G22', to: '000.00.00.H41', documentId: `D-${id}`, operation: 'new', blob, summary: { code: '1/VPCP' }, receivedAt: at });
    await store.updateInbox(id, { handedOverAt: at });
  }

  // Keep 90 days. A dry run first: what would go, nothing changed.
  const keep = { before: new Date(Date.now() - 90 * DAY).toISOString(), now: new Date() };
  const plan = await store.prunePackages({ ...keep, dryRun: true });
  console.log(`dry run: ${plan.records.inbox} received package(s), ${plan.blobs} package(s), ${plan.bytes} bytes would go`);
  const done = await store.prunePackages(keep);
  console.log(`pruned: ${done.blobs} package(s), ${done.bytes} bytes`);

  // The record stays, and says when its package went; the other package is untouched.
  const old = await store.getInbox('i-old');
  console.log(`i-old: handed over ${old.handedOverAt.slice(0, 10)}, package removed ${old.packagePrunedAt.slice(0, 10)}`);
  try {
    await store.openBlob(old.blob.ref);
  } catch (e) {
    if (!isVdxpError(e)) throw e;
    console.log(`reading it: ${e.code}`);
  }
  await store.close();

  // checkStore reads what is kept and counts what was pruned on purpose (not a problem).
  store = await FileStore.open({ dir });
  const report = await checkStore(store);
  await store.close();
  console.log(`check: ${report.blobs.checked} package(s) read, ${report.pruned} pruned, ${report.ok ? 'all intact' : 'damaged'}`);
} catch (e) {
  console.error(isVdxpError(e) ? `${e.code}: ${e.message}` : e);
  process.exitCode = 1;
} finally {
  await rm(scratch, { recursive: true, force: true });
}
