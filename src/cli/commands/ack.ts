/**
 * `vdxp ack DOCID done|fail`: the transport ack of a received package.
 * @internal
 * @module
 */
import { VdxpError } from '../../errors.js';
import { AXIS_FLAGS_HELP, axisClientFrom, parseAxisArgs, printAxisError } from '../axis-flags.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printJson } from '../output.js';

const HELP = `Usage: vdxp ack DOCID done|fail|processing

Tells the axis what became of a received package (updateStatus): done (stored), fail (could
not be processed), processing. done and fail take it off the inbox. This is the transport
ack, not a business status (01…06): those are packages sent with "vdxp send".

${AXIS_FLAGS_HELP}

Exit codes: 0 acked, 1 refused by the axis (e.g. unknown DOCID), 2 error.
`;

export const ackCommand: CliCommand = {
  path: ['ack'],
  summary: 'ack a received package: done or fail',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    try {
      const args = parseAxisArgs('ack', argv, {}, { min: 2, max: 2 });
      json = args.json;
      const [docId, status] = args.positionals as [string, string];
      if (status !== 'done' && status !== 'fail' && status !== 'processing') {
        throw new VdxpError('VDXP_CLI_USAGE', 'ack: the status must be done, fail or processing');
      }
      await axisClientFrom(args, io).updateStatus(docId, status, { signal: io.stopSignal });
      if (json) printJson(io, { ok: true, docId, status });
      else io.stdout.write(`acked ${docId}: ${status}\n`);
      return EXIT.ok;
    } catch (e) {
      return printAxisError(io, e, json, 'run vdxp ack --help');
    }
  },
};
