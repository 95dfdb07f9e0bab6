/**
 * `vdxp send FILE`: sends an edXML package to the axis.
 * @internal
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import { IoError, VdxpError } from '../../errors.js';
import { parseEdxml } from '../../edxml/parse.js';
import { AXIS_FLAGS_HELP, axisClientFrom, parseAxisArgs, printAxisError } from '../axis-flags.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printJson } from '../output.js';
import { Progress } from '../progress.js';
import type { EdocBody } from '../../transport/edoc-body.js';

const HELP = `Usage: vdxp send FILE [--type edoc|status] [--from CODE] [--to CODE,CODE] [--hash-form sdk|standard]

Sends an edXML package (sendEdoc). Without --type and --from, the package is read first
(parseEdxml): its kind gives the message type and its From/OrganId the sender, and an
invalid package is refused before anything is sent. With both given, the file is streamed
as it is without being read into memory. Never retried: check "vdxp sent" after a failure.

Options:
  --type edoc|status   the message type
  --from CODE          the sender (your system id or one of its agencies)
  --to CODE,CODE       recipients as a "to" header (the axis normally routes by the package)
  --hash-form FORM     sdk (default, what the Java SDK sends) or standard

${AXIS_FLAGS_HELP}

Exit codes: 0 sent, 1 refused by the axis or invalid package, 2 error.

Example:
  VDXP_ENDPOINT=http://127.0.0.1:8080 VDXP_SYSTEM_ID=000.00.00.G22 VDXP_SECRET=… vdxp send cong-van.edxml
`;

export const sendCommand: CliCommand = {
  path: ['send'],
  summary: 'send an edXML package to the axis',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    try {
      const args = parseAxisArgs('send', argv, { type: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'hash-form': { type: 'string' } }, { min: 1, max: 1 });
      json = args.json;
      const file = resolve(io.cwd, args.positionals[0]!);
      let type = args.values.type as string | undefined;
      let from = args.values.from as string | undefined;
      if (type !== undefined && type !== 'edoc' && type !== 'status') throw new VdxpError('VDXP_CLI_USAGE', '--type must be edoc or status');
      const hashForm = (args.values['hash-form'] as string | undefined) ?? 'sdk';
      if (hashForm !== 'sdk' && hashForm !== 'standard') throw new VdxpError('VDXP_CLI_USAGE', '--hash-form must be sdk or standard');
      const client = axisClientFrom(args, io);
      if (!type || !from) {
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (e) {
          throw new IoError(file, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
        }
        const message = parseEdxml(bytes);
        type ??= message.kind;
        from ??= message.from.organId;
      }
      const to = typeof args.values.to === 'string' ? args.values.to.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const body = await bodyWithProgress(file, io, json);
      let res;
      try {
        res = await client.sendEdoc(body.body, {
          messageType: type as 'edoc' | 'status', from, hashForm, ...(to && to.length > 0 ? { to } : {}), ...body.options, signal: io.stopSignal,
        });
      } finally {
        body.finish();
      }
      if (json) printJson(io, { ok: true, docId: res.docId, messageType: type, from, file });
      else io.stdout.write(`sent ${file} (${type} from ${from}): DocId ${res.docId}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('VDXP_EDXML_')) {
        io.stderr.write(`${e.code}: the package is invalid, nothing sent: ${e.message}\n`);
        return EXIT.invalid;
      }
      return printAxisError(io, e, json, 'run vdxp send --help');
    }
  },
};

/**
 * The file as the body of sendEdoc. For a person watching a large file: hashed in one pass
 * and streamed in another, each with a progress line; otherwise `{ path }`, which the client
 * hashes and streams the same way, silently.
 */
async function bodyWithProgress(file: string, io: CliIo, json: boolean): Promise<{ body: EdocBody; options: { sha256?: string; size?: number }; finish: () => void }> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw new IoError(file, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
  }
  const hashing = Progress.start(io, { label: 'hashing', total: size, json });
  if (!hashing.active) return { body: { path: file }, options: {}, finish: () => undefined };
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(file), hashing.tap(), hash, { signal: io.stopSignal });
  } catch (e) {
    if ((e as { name?: string }).name === 'AbortError') throw e;
    throw new IoError(file, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
  } finally {
    hashing.finish();
  }
  const sending = Progress.start(io, { label: 'sending', total: size, json });
  const stream = createReadStream(file);
  const tap = sending.tap();
  stream.on('error', (e) => tap.destroy(e));
  return { body: stream.pipe(tap), options: { sha256: hash.digest('hex'), size }, finish: () => sending.finish() };
}
