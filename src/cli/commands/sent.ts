/**
 * `vdxp sent`: sent packages with their send and receive status per recipient.
 * @internal
 * @module
 */
import { AXIS_FLAGS_HELP, axisClientFrom, parseAxisArgs, printAxisError } from '../axis-flags.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printJson, table } from '../output.js';

const HELP = `Usage: vdxp sent [--status] [--doc-id DOCID]

Lists what your system sent (getSentEdocList), one row per recipient, with the send status
and whether the recipient's system took it (receive status).

Options:
  --status             status packages instead of documents
  --doc-id DOCID       only this sent package (the DocId "vdxp send" printed)

${AXIS_FLAGS_HELP}

Exit codes: 0 listed, 1 refused by the axis, 2 error.
`;

export const sentCommand: CliCommand = {
  path: ['sent'],
  summary: 'list sent packages with per-recipient status',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    try {
      const args = parseAxisArgs('sent', argv, { status: { type: 'boolean' }, 'doc-id': { type: 'string' } }, { min: 0, max: 0 });
      json = args.json;
      const messageType = args.values.status ? 'status' : 'edoc';
      const docId = typeof args.values['doc-id'] === 'string' ? args.values['doc-id'] : undefined;
      const list = await axisClientFrom(args, io).getSentEdocList({ messageType, ...(docId ? { docId } : {}), signal: io.stopSignal });
      if (json) printJson(io, { ok: true, messageType, items: list.items });
      else if (list.items.length === 0) io.stdout.write(`no sent ${messageType} packages\n`);
      else {
        io.stdout.write(table(
          ['DOCID', 'TO', 'NOTATION', 'SENT', 'SEND', 'RECEIVE', 'RECEIVER DOCID'],
          list.items.map((r) => [r.senderDocId ?? '', r.toCode ?? '', r.notation ?? '', r.sentTime ?? '', r.sendStatus ?? '', r.receiveStatus ?? '', r.receiverDocId ?? '']),
        ));
      }
      return EXIT.ok;
    } catch (e) {
      return printAxisError(io, e, json, 'run vdxp sent --help');
    }
  },
};
