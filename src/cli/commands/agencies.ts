/**
 * `vdxp agencies`: the axis directory.
 * @internal
 * @module
 */
import { VdxpError } from '../../errors.js';
import { AXIS_FLAGS_HELP, axisClientFrom, parseAxisArgs, printAxisError } from '../axis-flags.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printJson, table } from '../output.js';

const HELP = `Usage: vdxp agencies [--qd20 [--level N]]

Lists the agencies connected to the axis (getAgenciesList), or with --qd20 the directory
with QĐ 20 codes for one level (getAgenciesListQD20, level 1 by default).

Options:
  --qd20               the QĐ 20 directory
  --level N            its level (1 ministries and provinces, 2 their units, …)

${AXIS_FLAGS_HELP}

Exit codes: 0 listed, 1 refused by the axis, 2 error.
`;

export const agenciesCommand: CliCommand = {
  path: ['agencies'],
  summary: 'list the agencies connected to the axis',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    try {
      const args = parseAxisArgs('agencies', argv, { qd20: { type: 'boolean' }, level: { type: 'string' } }, { min: 0, max: 0 });
      json = args.json;
      const client = axisClientFrom(args, io);
      const level = typeof args.values.level === 'string' ? args.values.level : undefined;
      if (level !== undefined && !args.values.qd20) throw new VdxpError('VDXP_CLI_USAGE', 'agencies: --level goes with --qd20');
      if (level !== undefined && !/^\d+$/.test(level)) throw new VdxpError('VDXP_CLI_USAGE', 'agencies: --level must be a number');
      if (args.values.qd20) {
        const list = await client.getAgenciesListQD20({ level: level ?? '1', signal: io.stopSignal });
        if (json) printJson(io, { ok: true, level: Number(level ?? '1'), items: list.items });
        else io.stdout.write(table(['CODE', 'NAME', 'CODE102', 'MAIL'], list.items.map((a) => [a.code, a.name ?? '', a.code102 ?? '', a.mail ?? ''])));
        return EXIT.ok;
      }
      const list = await client.getAgenciesList({ signal: io.stopSignal });
      if (json) printJson(io, { ok: true, items: list.items });
      else io.stdout.write(table(['CODE', 'NAME', 'ID', 'PID', 'MAIL'], list.items.map((a) => [a.code, a.name ?? '', a.id ?? '', a.pid ?? '', a.mail ?? ''])));
      return EXIT.ok;
    } catch (e) {
      return printAxisError(io, e, json, 'run vdxp agencies --help');
    }
  },
};
