/**
 * `vdxp store prune --store DIR --days N`: removes from a connector's FileStore the package
 * bytes of finished records older than N days (`FileStore#prunePackages`), keeping the records.
 * @internal
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VdxpError } from '../../errors.js';
import type { PruneOptions, PruneResult } from '../../store/store.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, formatBytes, printJson } from '../output.js';
import { openStoreFolder, reportStoreFailure } from '../store-command.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const HELP = `Usage: vdxp store prune --store DIR --days N [--received] [--quarantined] [--sent] [--dry-run] [--json]

Removes from a connector's FileStore the bytes of packages it no longer needs, finished more
than N days ago, and keeps their records: tracking, reports and de-duplication go on working,
and each record says when its package was removed (packagePrunedAt). What is finished:
  --received     a received package (document, status or request) handed over to your system
  --quarantined  a package quarantined as unreadable (kept for investigation)
  --sent         a document this system sent (sent, or failed for good). A later revoke,
                 update, replacement or take-back of that document needs its package: it
                 then fails with VDXP_CONNECTOR_PACKAGE_PRUNED. Statuses sent are always kept.
Without any of the three, --received and --quarantined. Your document system keeps the
documents it took over: prune only what it has archived.

Options:
  --store DIR   the FileStore folder (required; it must exist)
  --days N      keep what finished in the last N days (required; a whole number, 1 or more)
  --dry-run     count what would go, change nothing
  --json        print the result as JSON

The records are changed before any byte is deleted: an interrupted run leaves packages that
the next run deletes. Stop a connector using the store first (it holds the store's lock).

Examples:
  vdxp store prune --store /var/lib/vdxp --days 90 --dry-run
  vdxp store prune --store /var/lib/vdxp --days 90
  vdxp store prune --store /var/lib/vdxp --days 365 --sent --received --quarantined --json

Exit codes: 0 done, 2 bad usage, a store in use, or an error.
`;

function usage(message: string): VdxpError {
  return new VdxpError('VDXP_CLI_USAGE', `store prune: ${message}`);
}

interface Args {
  readonly storeDir: string;
  readonly days: number;
  readonly kinds: Pick<PruneOptions, 'received' | 'sent' | 'quarantined'>;
  readonly dryRun: boolean;
  readonly json: boolean;
}

function readArgs(argv: string[], io: CliIo): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        store: { type: 'string' }, days: { type: 'string' }, received: { type: 'boolean' }, sent: { type: 'boolean' },
        quarantined: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  if (!v.store) throw usage('--store DIR is required');
  if (v.days === undefined) throw usage('--days N is required (keep what finished in the last N days)');
  if (!/^[1-9]\d{0,5}$/.test(v.days)) throw usage(`--days must be a whole number of days, 1 or more (got "${v.days.slice(0, 20)}")`);
  const chosen = v.received === true || v.sent === true || v.quarantined === true;
  return {
    storeDir: resolve(io.cwd, v.store),
    days: Number(v.days),
    kinds: chosen ? { received: v.received === true, sent: v.sent === true, quarantined: v.quarantined === true } : { received: true, sent: false, quarantined: true },
    dryRun: v['dry-run'] === true,
    json: v.json === true,
  };
}

function printSummary(io: CliIo, args: Args, before: string, r: PruneResult): void {
  const n = r.records;
  const what = [args.kinds.received && 'received', args.kinds.quarantined && 'quarantined', args.kinds.sent && 'sent'].filter(Boolean).join(', ');
  const verb = args.dryRun ? 'would remove' : 'removed';
  io.stdout.write(
    `${args.storeDir}: ${what} packages finished before ${before}\n` +
      `records whose package goes: inbox ${n.inbox}, quarantine ${n.quarantine}, outbox ${n.outbox}\n` +
      `${verb} ${r.blobs} packages (${formatBytes(r.bytes)})${args.dryRun ? ': a dry run, nothing changed' : ''}\n`,
  );
}

export const storePruneCommand: CliCommand = {
  path: ['store', 'prune'],
  summary: 'remove from a FileStore the package bytes of finished records older than N days (records kept)',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = argv.includes('--json');
    try {
      const args = readArgs(argv, io);
      json = args.json;
      const now = new Date();
      const before = new Date(now.getTime() - args.days * DAY_MS).toISOString();
      const store = await openStoreFolder(args.storeDir, 'prune');
      let result: PruneResult;
      try {
        result = await store.prunePackages({ ...args.kinds, before, now, dryRun: args.dryRun });
      } finally {
        await store.close();
      }
      if (json) printJson(io, { store: args.storeDir, before, dryRun: args.dryRun, ...args.kinds, ...result });
      else printSummary(io, args, before, result);
      return EXIT.ok;
    } catch (e) {
      reportStoreFailure(io, e, json, 'prune', {
        locked: 'a running connector holds the store: stop it first',
        corrupt: 'the store is damaged: run vdxp store check, restore it from a backup',
      });
      return EXIT.error;
    }
  },
};
