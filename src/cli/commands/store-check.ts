/**
 * `vdxp store check --store DIR`: opens a connector's FileStore (which checks its own files)
 * and reads every package its records point to against the size and SHA-256 they hold.
 * @internal
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VdxpError } from '../../errors.js';
import { checkStore, type StoreCheckReport } from '../../store/check-store.js';
import type { CliCommand, CliIo } from '../command.js';
import { Progress } from '../progress.js';
import { EXIT, formatBytes, printJson, table } from '../output.js';
import { openStoreFolder, reportStoreFailure } from '../store-command.js';

const HELP = `Usage: vdxp store check --store DIR [--json]

Checks a connector's FileStore: opening it checks the store's own files (journal, record
segments, blob packs: every CRC-32, count and number), then every package the outbox, inbox
and quarantine records point to is read whole and checked against the size and SHA-256 its
record holds. A package nobody reads again is otherwise found damaged only when it is needed:
run this on a schedule, or on a copy of a backup before you rely on it.

Options:
  --store DIR   the FileStore folder (required; it must exist)
  --json        print the report as JSON

The store is opened like the connector opens it (a journal left by a crash is folded into it):
stop a connector using it first, or check a copy. Progress (bytes and percent) is shown on a
terminal for stores over a few megabytes.

Examples:
  vdxp store check --store /var/lib/vdxp
  vdxp store check --store /mnt/backup/vdxp-2025-09-30 --json > check.json

Exit codes: 0 every package intact, 1 the store or a package is damaged or missing
(VDXP_STORE_CORRUPT, VDXP_STORE_NOT_FOUND), 2 bad usage, a store in use, or an error.
`;

function usage(message: string): VdxpError {
  return new VdxpError('VDXP_CLI_USAGE', `store check: ${message}`);
}

function readArgs(argv: string[], io: CliIo): { storeDir: string; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { store: { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: false });
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
  const dir = parsed.values.store;
  if (!dir) throw usage('--store DIR is required');
  return { storeDir: resolve(io.cwd, dir), json: parsed.values.json === true };
}

function printSummary(io: CliIo, dir: string, r: StoreCheckReport): void {
  const n = r.records;
  io.stdout.write(
    `${dir}: outbox ${n.outbox}, inbox ${n.inbox}, quarantine ${n.quarantine}, statuses ${n.statuses}, decisions ${n.decisions}\n` +
      `${r.blobs.checked} packages read (${formatBytes(r.blobs.bytes)}): ${r.ok ? 'all intact' : `${r.problems.length} damaged or missing`}\n` +
      (r.pruned > 0 ? `${r.pruned} records whose package was pruned on purpose (not read)\n` : ''),
  );
  if (!r.ok) {
    io.stdout.write(
      '\n' +
        table(
          ['PACKAGE', 'CODE', 'USED BY', 'FOUND'],
          r.problems.map((p) => [p.ref, p.code, p.usedBy.join(', '), p.message]),
        ),
    );
  }
}

export const storeCheckCommand: CliCommand = {
  path: ['store', 'check'],
  summary: 'check a FileStore: its own files, and every package against the SHA-256 its record holds',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = argv.includes('--json');
    try {
      const args = readArgs(argv, io);
      json = args.json;
      const store = await openStoreFolder(args.storeDir, 'check');
      let report: StoreCheckReport;
      let progress: Progress | undefined;
      try {
        report = await checkStore(store, {
          signal: io.stopSignal,
          onProgress: (p) => {
            progress ??= Progress.start(io, { label: 'checking', total: p.bytes, json });
            progress.add(p.bytesChecked - progress.bytes);
          },
        });
      } finally {
        progress?.finish();
        await store.close();
      }
      if (json) printJson(io, { store: args.storeDir, ...report });
      else printSummary(io, args.storeDir, report);
      return report.ok ? EXIT.ok : EXIT.invalid;
    } catch (e) {
      const code = reportStoreFailure(io, e, json, 'check', {
        locked: 'a running connector holds the store: stop it, or check a copy',
        corrupt: 'the store refused to open: restore it from a backup (check the backup first)',
      });
      return code === 'VDXP_STORE_CORRUPT' ? EXIT.invalid : EXIT.error;
    }
  },
};
