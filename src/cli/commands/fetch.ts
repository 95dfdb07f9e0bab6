/**
 * `vdxp fetch DOCID [-o FILE]`: saves a received package.
 * @internal
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IoError, VdxpError } from '../../errors.js';
import { AXIS_FLAGS_HELP, axisClientFrom, parseAxisArgs, printAxisError } from '../axis-flags.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, formatBytes, printJson } from '../output.js';
import { Progress } from '../progress.js';

const HELP = `Usage: vdxp fetch DOCID [-o FILE] [--download]

Saves a received package: getEdoc (base64 in JSON), or with --download the streamed
downloadEdoc (better for large packages). The file is written under a temporary name and
renamed when complete. It does not ack: run "vdxp ack DOCID done" once it is stored.

Options:
  -o, --output FILE    where to write (default DOCID.edxml here; "-" for stdout)
  --download           stream with downloadEdoc instead of getEdoc

${AXIS_FLAGS_HELP}

Exit codes: 0 saved, 1 refused by the axis (e.g. unknown DOCID), 2 error.
`;

export const fetchCommand: CliCommand = {
  path: ['fetch'],
  summary: 'save a received package to a file',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    try {
      const args = parseAxisArgs('fetch', argv, { output: { type: 'string', short: 'o' }, download: { type: 'boolean' } }, { min: 1, max: 1 });
      json = args.json;
      const docId = args.positionals[0]!;
      if (!/^[^\s/\\]+$/.test(docId)) throw new VdxpError('VDXP_CLI_USAGE', 'fetch: DOCID must not contain spaces or slashes');
      const client = axisClientFrom(args, io);
      const source = args.values.download
        ? await client.downloadEdoc(docId, { signal: io.stopSignal })
        : Readable.from([Buffer.from((await client.getEdoc(docId, { signal: io.stopSignal })).bytes)]);
      const out = typeof args.values.output === 'string' ? args.values.output : `${docId}.edxml`;
      const hash = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      // a download streams: its size is known only at the end, so the line shows bytes
      const progress = Progress.start(io, { label: 'downloading', json });
      if (out === '-') {
        await pipeline(source, tap, progress.tap(), io.stdout, { end: false }).finally(() => progress.finish());
        return EXIT.ok;
      }
      const path = resolve(io.cwd, out);
      const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
      try {
        await pipeline(source, tap, progress.tap(), createWriteStream(tmp, { flags: 'wx' }));
        await rename(tmp, path);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        if ((e as { code?: string }).code?.startsWith('VDXP_')) throw e;
        throw new IoError(path, `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
      } finally {
        progress.finish();
      }
      const sha256 = hash.digest('hex');
      if (json) printJson(io, { ok: true, docId, file: path, bytes: size, sha256 });
      else io.stdout.write(`saved ${path} (${formatBytes(size)}, sha256 ${sha256})\n`);
      return EXIT.ok;
    } catch (e) {
      return printAxisError(io, e, json, 'run vdxp fetch --help');
    }
  },
};
