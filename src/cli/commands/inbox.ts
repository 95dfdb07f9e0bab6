/**
 * `vdxp inbox`: lists packages waiting for this system.
 * @internal
 * @module
 */
import { AXIS_FLAGS_HELP, axisClientFrom, parseAxisArgs, printAxisError } from '../axis-flags.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printJson, table } from '../output.js';

const HELP = `Usage: vdxp inbox [--status] [--from-date "dd/MM/yyyy HH:mm:ss"] [--to-date "…"]

Lists the packages the axis holds for your system (getReceivedEdocList): documents, or
with --status the status packages. Fetch one with "vdxp fetch DOCID", then "vdxp ack".

Options:
  --status             list status packages instead of documents
  --from-date, --to-date   only packages created in this window (Vietnam time)

${AXIS_FLAGS_HELP}

Exit codes: 0 listed, 1 refused by the axis, 2 error.
`;

export const inboxCommand: CliCommand = {
  path: ['inbox'],
  summary: 'list packages waiting for this system',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    try {
      const args = parseAxisArgs('inbox', argv, { status: { type: 'boolean' }, 'from-date': { type: 'string' }, 'to-date': { type: 'string' } }, { min: 0, max: 0 });
      json = args.json;
      const messageType = args.values.status ? 'status' : 'edoc';
      const list = await axisClientFrom(args, io).getReceivedEdocList({
        messageType,
        ...(typeof args.values['from-date'] === 'string' ? { fromDate: args.values['from-date'] } : {}),
        ...(typeof args.values['to-date'] === 'string' ? { toDate: args.values['to-date'] } : {}),
        signal: io.stopSignal,
      });
      if (json) printJson(io, { ok: true, messageType, items: list.items });
      else if (list.items.length === 0) io.stdout.write(`no ${messageType} packages waiting\n`);
      else io.stdout.write(table(['DOCID', 'FROM', 'TO', 'STATUS', 'CREATED'], list.items.map((i) => [i.docId, i.from ?? '', i.to ?? '', i.status ?? '', i.createdTime ?? ''])));
      return EXIT.ok;
    } catch (e) {
      return printAxisError(io, e, json, 'run vdxp inbox --help');
    }
  },
};
