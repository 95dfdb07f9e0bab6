/**
 * `vdxp report --store DIR`: the compliance report of a period from a connector's FileStore,
 * printed as a summary or JSON and written as HTML and CSV.
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IoError, VdxpError, isVdxpError } from '../../errors.js';
import { vietnamDate } from '../../edxml/vietnam-time.js';
import { complianceReportToCsv } from '../../connector/compliance-csv.js';
import { complianceReportToHtml } from '../../connector/compliance-html.js';
import { buildComplianceReport } from '../../connector/compliance-report.js';
import type { ComplianceReport } from '../../connector/compliance-report-types.js';
import type { DeadlinePolicy } from '../../connector/deadlines.js';
import { receivedTracking, sentTracking } from '../../connector/tracking.js';
import { FileStore } from '../../store/file-store.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printError, printJson, table } from '../output.js';

const HELP = `Usage: vdxp report --store DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--html FILE] [--csv FILE] [--json]

The compliance report a body sends the Government Office on sending and receiving electronic
documents, from a connector's FileStore: documents sent and received per counterpart and per
day/week/month, the share of recipients reporting the full status trail (01, 03, 04/05, 06)
and each counterpart's class (full / partial / arrival-only / silent), time to 01/03/06
(median and p90, wall-clock and working time), overdue, late, refused and withdrawn items.

Options:
  --store DIR          the connector's FileStore folder (required; it must exist)
  --from YYYY-MM-DD    first day of the period, Vietnam time (default: the 1st of --to's month)
  --to YYYY-MM-DD      last day of the period, included (default: today in Vietnam)
  --unit UNIT          day | week | month (default: days up to 31 days, weeks up to 183, months)
  --html FILE          write the HTML page (charts, no script, nothing external)
  --csv FILE           write the CSV table (UTF-8 with BOM, one row per value, "section" column)
  --lang LANG          vi (default) | en, for the HTML page
  --agency ID          the reporting body's agency id, shown on the report
  --agency-name NAME   its name
  --holiday DATE       a public holiday, YYYY-MM-DD (repeatable)
  --deadlines FILE     a deadline policy as JSON (see DeadlinePolicySchema); --holiday adds to it
  --json               print the report as JSON instead of a summary

The store is opened like the connector opens it: stop a connector using it first (or call
connector.complianceReport() in the running process). Files are written to a temporary name,
then renamed.

Examples:
  vdxp report --store /var/lib/vdxp --from 2025-07-01 --to 2025-09-30 --html q3.html --csv q3.csv
  vdxp report --store ./store --json > report.json

Exit codes: 0 report made, 2 bad usage, unreadable store or error.
`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function usage(message: string): VdxpError {
  return new VdxpError('VDXP_CLI_USAGE', `report: ${message}`);
}

/** Vietnam midnight at the start of `isoDate`. */
function startOfDay(isoDate: string, flag: string): Date {
  const d = new Date(`${isoDate}T00:00:00+07:00`);
  if (!DATE.test(isoDate) || !Number.isFinite(d.getTime()) || vietnamDate(d) !== isoDate) throw usage(`${flag} expects a date YYYY-MM-DD, got ${JSON.stringify(isoDate)}`);
  return d;
}

interface ReportArgs {
  readonly storeDir: string;
  readonly from: Date;
  readonly to: Date;
  readonly unit?: 'day' | 'week' | 'month';
  readonly html?: string;
  readonly csv?: string;
  readonly lang: 'vi' | 'en';
  readonly agency?: { organId: string; organName?: string };
  readonly deadlines: DeadlinePolicy;
  readonly json: boolean;
}

async function readArgs(argv: string[], io: CliIo, now: Date): Promise<ReportArgs> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        store: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        unit: { type: 'string' },
        html: { type: 'string' },
        csv: { type: 'string' },
        lang: { type: 'string' },
        agency: { type: 'string' },
        'agency-name': { type: 'string' },
        holiday: { type: 'string', multiple: true },
        deadlines: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw usage((e as Error).message);
  }
  const v = parsed.values;
  if (!v.store) throw usage('--store DIR is required');
  const toDay = v.to ?? vietnamDate(now);
  const to = new Date(startOfDay(toDay, '--to').getTime() + 86_400_000);
  const from = startOfDay(v.from ?? `${toDay.slice(0, 8)}01`, '--from');
  if (from >= to) throw usage('--from must not be after --to');
  if (v.unit !== undefined && v.unit !== 'day' && v.unit !== 'week' && v.unit !== 'month') throw usage('--unit is day, week or month');
  if (v.lang !== undefined && v.lang !== 'vi' && v.lang !== 'en') throw usage('--lang is vi or en');
  if (v['agency-name'] !== undefined && v.agency === undefined) throw usage('--agency-name needs --agency');
  for (const h of v.holiday ?? []) startOfDay(h, '--holiday');

  let deadlines: DeadlinePolicy = {};
  if (v.deadlines !== undefined) {
    const file = resolve(io.cwd, v.deadlines);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new IoError(file, `report: cannot read the deadline policy ${v.deadlines}`, { cause: e });
    }
    try {
      deadlines = JSON.parse(text) as DeadlinePolicy;
    } catch (e) {
      throw usage(`${v.deadlines} is not JSON: ${(e as Error).message}`);
    }
    if (typeof deadlines !== 'object' || deadlines === null || Array.isArray(deadlines)) throw usage(`${v.deadlines} must hold a JSON object`);
  }
  if (v.holiday?.length) deadlines = { ...deadlines, holidays: [...(deadlines.holidays ?? []), ...v.holiday] };

  return {
    storeDir: resolve(io.cwd, v.store),
    from,
    to,
    ...(v.unit ? { unit: v.unit as 'day' | 'week' | 'month' } : {}),
    ...(v.html ? { html: resolve(io.cwd, v.html) } : {}),
    ...(v.csv ? { csv: resolve(io.cwd, v.csv) } : {}),
    lang: (v.lang as 'vi' | 'en' | undefined) ?? 'vi',
    ...(v.agency ? { agency: { organId: v.agency, ...(v['agency-name'] ? { organName: v['agency-name'] } : {}) } } : {}),
    deadlines,
    json: v.json === true,
  };
}

/** Reads the tracking records through the connector's tracking (the store is closed after). */
async function trackingFrom(storeDir: string): Promise<Pick<Parameters<typeof buildComplianceReport>[0], 'sent' | 'received'>> {
  const info = await stat(storeDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new IoError(storeDir, `report: no store folder at ${storeDir}`);
  const store = await FileStore.open({ dir: storeDir });
  try {
    return { sent: await sentTracking({ store }), received: await receivedTracking({ store }) };
  } finally {
    await store.close();
  }
}

/** Writes a file completely under a temporary name, then renames it into place. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new IoError(path, `report: cannot write ${path}`, { cause: e });
  }
}

function printSummary(io: CliIo, report: ComplianceReport, files: readonly string[]): void {
  const pct = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(1)} %`);
  const n = report.totals;
  const lines = [
    `Compliance report ${report.period.firstDay} … ${report.period.lastDay} (by ${report.period.unit})${report.agency ? ` for ${report.agency.organId}` : ''}`,
    `sent ${n.sentDocuments} documents (${n.sentTrails} recipient trails), received ${n.receivedDocuments}`,
    `full status trail: recipients ${pct(report.reporting.sent.fullShare)}, this system ${pct(report.reporting.received.fullShare)}`,
    `overdue ${n.overdue}, late ${n.late}, refused ${n.refused}, withdrawn ${n.withdrawn}`,
  ];
  io.stdout.write(lines.join('\n') + '\n');
  if (report.counterparts.length > 0) {
    io.stdout.write(
      '\n' +
        table(
          ['COUNTERPART', 'SENT', 'RECEIVED', 'CLASS', 'FULL', 'OVERDUE', 'NAME'],
          report.counterparts.map((c) => [c.organId, String(c.sent), String(c.received), c.reportingClass ?? '-', pct(c.reporting.fullShare), String(c.overdue), c.organName ?? '']),
        ),
    );
  }
  for (const f of files) io.stdout.write(`wrote ${f}\n`);
}

export const reportCommand: CliCommand = {
  path: ['report'],
  summary: 'the compliance report of a period (JSON, CSV, HTML with charts) from a FileStore',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = argv.includes('--json');
    try {
      const now = new Date();
      const args = await readArgs(argv, io, now);
      json = args.json;
      const report = buildComplianceReport({
        ...(await trackingFrom(args.storeDir)),
        from: args.from,
        to: args.to,
        now,
        deadlines: args.deadlines,
        ...(args.agency ? { agency: args.agency } : {}),
        ...(args.unit ? { unit: args.unit } : {}),
      });
      const files: string[] = [];
      if (args.html) {
        await writeAtomically(args.html, complianceReportToHtml(report, { lang: args.lang }));
        files.push(args.html);
      }
      if (args.csv) {
        await writeAtomically(args.csv, complianceReportToCsv(report));
        files.push(args.csv);
      }
      if (json) printJson(io, { ok: true, files, report });
      else printSummary(io, report, files);
      return EXIT.ok;
    } catch (e) {
      const hint =
        isVdxpError(e) && e.code === 'VDXP_STORE_LOCKED'
          ? 'a running connector holds the store: stop it, or call connector.complianceReport() in its process'
          : isVdxpError(e) && e.code === 'VDXP_CLI_USAGE'
            ? 'run vdxp report --help'
            : undefined;
      if (json) printJson(io, { ok: false, code: isVdxpError(e) ? e.code : 'VDXP_ERROR', message: e instanceof Error ? e.message : String(e) });
      return printError(io, e, hint);
    }
  },
};
