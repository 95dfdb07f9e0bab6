// FileStore: BENCH_STORE_WRITES (10 000) outbox entries added one after the other (each
// durable before the next: FileStore appends it to its journal and fdatasyncs), against raw
// writes of the same bytes (the entry's JSON): open + write + fsync + close + rename,
// one after the other. The writes are split into batches interleaved with the baseline's
// batches. A third case, raw + fsync of the folder, is what a rename needs to be durable
// itself: it is reported as its own row, without a target. Last, a context row: opening the
// store again once its journal is folded (every entry a line of a segment to read, check and
// index), against reading the same files with readFileSync and parsing each line; and closing
// a store whose journal holds BENCH_FOLD_RECORDS (2000) changed records, against writing their
// lines to one file durably.
import { readFileSync } from 'node:fs';
import { open, mkdtemp, readdir, rename, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileStore } from '../../dist/index.js';
import { envNumber, fmtMs, interleave, repeats, stats, timeRow } from '../harness.mjs';

/** @returns {Promise<import('../harness.mjs').BenchResult[]>} */
export default async function fileStore({ log }) {
  const total = Math.round(envNumber('BENCH_STORE_WRITES', 10_000));
  const batches = repeats(5);
  const perBatch = Math.max(1, Math.round(total / batches));
  const dir = await mkdtemp(join(process.env.BENCH_STORE_DIR ?? tmpdir(), 'vdxp-bench-store-'));
  try {
    const store = await FileStore.open({ dir: join(dir, 'store') });
    const blob = await store.putBlob(new TextEncoder().encode('<edXML/>'));
    let n = 0;
    const entry = (id) => ({
      id,
      documentId: `000.00.00.G22,2025/03/10,${id}/VPCP-TTĐT`,
      messageType: 'edoc',
      operation: 'new',
      from: '000.00.00.G22',
      recipients: ['000.00.00.H41', '000.00.00.G09'],
      blob,
      summary: { code: `${id}/VPCP-TTĐT`, subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản', priority: 0, businessDocType: 0 },
      nextAttemptAt: new Date(0).toISOString(),
      createdAt: new Date().toISOString(),
    });
    // The bytes of one entry's JSON (what compaction writes; the journal line adds a
    // checksum and the folder name): the baseline writes the same.
    const bytes = Buffer.from(JSON.stringify((await store.addOutbox(entry('probe'))).record));
    const raw = join(dir, 'raw');
    const rawTmp = join(dir, 'raw-tmp');
    await mkdir(raw);
    await mkdir(rawTmp);
    let r = 0;
    // `data` into raw/`name`: temporary file, write, fsync, close, rename (and the folder's fsync)
    const writeRaw = async (data, name, syncFolder) => {
      const tmp = join(rawTmp, `${name}.tmp`);
      const handle = await open(tmp, 'w');
      await handle.writeFile(data);
      await handle.sync();
      await handle.close();
      await rename(tmp, join(raw, name));
      if (syncFolder) {
        const d = await open(raw, 'r');
        await d.sync();
        await d.close();
      }
    };
    const rawWrite = (syncFolder) => writeRaw(bytes, `r${r++}.json`, syncFolder);
    log(`${total} writes of ${bytes.length} bytes in ${batches} batches per case, in ${dir}`);
    const t = await interleave(
      {
        'FileStore.addOutbox': async () => {
          for (let i = 0; i < perBatch; i++) await store.addOutbox(entry(`o${n++}`));
        },
        'write+fsync+rename': async () => {
          for (let i = 0; i < perBatch; i++) await rawWrite(false);
        },
        '+ fsync folder': async () => {
          for (let i = 0; i < perBatch; i++) await rawWrite(true);
        },
      },
      { repeats: batches, warmup: 0, log },
    );
    await store.close();
    const per = (s) => ({ median: s.median / perBatch, min: s.min / perBatch, max: s.max / perBatch, runs: s.runs });
    // Opening the store again: close() folded the journal, so every entry is now a line of a
    // segment that open reads, checks and indexes (a service restarting on a store with
    // history). The baseline reads the outbox folder's files and parses each record line (the
    // segment's end line, its count and CRC-32, left out: checking it is the store's work).
    const outboxDir = join(dir, 'store', 'outbox');
    const files = await readdir(outboxDir);
    const readRaw = () => {
      let records = 0;
      for (const f of files) {
        for (const line of readFileSync(join(outboxDir, f), 'utf8').split('\n')) {
          if (line === '' || line.startsWith('end ')) continue;
          JSON.parse(line);
          records++;
        }
      }
      return records;
    };
    const records = readRaw();
    const o = await interleave(
      {
        'FileStore.open': async () => {
          await (await FileStore.open({ dir: join(dir, 'store') })).close();
        },
        'readFileSync+JSON.parse': readRaw,
      },
      { repeats: batches, log, label: `open with ${records} records in ${files.length} files` },
    );
    // Closing a store whose journal holds BENCH_FOLD_RECORDS changed records (a service
    // stopping; a background fold does the same work): the fold that writes them, against
    // writing the same records' JSON lines to one file durably (write, fsync, rename, folder
    // fsync), the least that makes them durable outside the journal. A fresh store per
    // repeat, filled (untimed) with the records added 100 at a time.
    const foldRecords = Math.round(envNumber('BENCH_FOLD_RECORDS', 2000));
    const foldMs = [];
    const rawFoldMs = [];
    for (let round = 0; round < batches; round++) {
      const foldDir = join(dir, `fold-${round}`);
      const fresh = await FileStore.open({ dir: foldDir, compactAfterBytes: 1024 * 1024 * 1024 });
      const lines = [];
      for (let i = 0; i < foldRecords; i += 100) {
        const added = await Promise.all(Array.from({ length: Math.min(100, foldRecords - i) }, (_, k) => fresh.addOutbox(entry(`f${round}-${i + k}`))));
        for (const a of added) lines.push(`${JSON.stringify(a.record)}\n`);
      }
      let started = performance.now();
      await fresh.close();
      foldMs.push(performance.now() - started);
      const text = lines.join('');
      started = performance.now();
      await writeRaw(text, `fold-${round}.jsonl`, true);
      rawFoldMs.push(performance.now() - started);
      await rm(foldDir, { recursive: true, force: true });
    }
    const fold = stats(foldMs);
    const rawFold = stats(rawFoldMs);
    log(`close folding ${foldRecords} records: FileStore.close ${fmtMs(fold)}, one file written durably ${fmtMs(rawFold)}`);
    return [
      timeRow(`FileStore ${total} outbox writes (per write) vs write+fsync+rename`, per(t['FileStore.addOutbox']), per(t['write+fsync+rename']), { maxRatio: 1.5 }),
      timeRow(`FileStore ${total} outbox writes (per write) vs write+fsync+rename+fsync folder`, per(t['FileStore.addOutbox']), per(t['+ fsync folder'])),
      timeRow(`FileStore open and close with ${records} outbox records vs readFileSync + JSON.parse of each record`, o['FileStore.open'], o['readFileSync+JSON.parse']),
      timeRow(`FileStore close folding ${foldRecords} changed outbox records vs writing their lines to one file durably`, fold, rawFold),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
