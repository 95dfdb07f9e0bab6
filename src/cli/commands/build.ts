/**
 * `vdxp build --json MODEL.json [--attach FILE ...] -o OUT.edxml`: writes an edXML package
 * from a JSON model, streaming attachments from files into a temporary file renamed into
 * place when complete. Nothing is written when the model is invalid.
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { EdxmlError, IoError, VdxpError, isVdxpError } from '../../errors.js';
import { buildEdxmlStream } from '../../edxml/build.js';
import { WrapModeSchema, type StreamAttachment } from '../../edxml/build-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, formatBytes, printError } from '../output.js';
import { Progress } from '../progress.js';

const HELP = `Usage: vdxp build --json MODEL.json [--attach FILE ...] -o OUT.edxml [--wrap MODE] [--any-agency-id]

Writes an edXML package (edoc or status) from a JSON model: the EdocMessage or StatusMessage
model of vdxp-connector ("kind": "edoc" | "status"). Absent DocumentId, sender TraceHeader,
"new" Bussiness block and status Timestamp are filled in. In the model, an attachment may be
{ "name", "file", "contentType"?, "contentId"?, "description"? } with "file" relative to the
JSON file; --attach adds files. Files are streamed: large attachments are fine.

Options:
  --json MODEL.json    the model (required)
  --attach FILE        attach a file (repeatable)
  -o, --output FILE    the package to write (required); written to a temporary name, then renamed
  --wrap MODE          none (default) | like-java-sdk | all: wrap files in a one-entry ZIP
  --any-agency-id      accept agency ids not of the form 000.00.00.G22 (test axes)

Exit codes: 0 written, 1 invalid model (nothing written), 2 unreadable input or error.

Example:
  vdxp build --json cong-van.json --attach cong-van.pdf -o cong-van.edxml
`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

interface FileAttachmentSpec {
  name?: unknown;
  file: string;
  contentType?: unknown;
  contentId?: unknown;
  description?: unknown;
}

export const buildCommand: CliCommand = {
  path: ['build'],
  summary: 'write an edXML package from a JSON model and files',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let args;
    try {
      args = parseArgs({
        args: argv,
        options: {
          json: { type: 'string' },
          attach: { type: 'string', multiple: true },
          output: { type: 'string', short: 'o' },
          wrap: { type: 'string' },
          'any-agency-id': { type: 'boolean' },
        },
        allowPositionals: false,
        strict: true,
      }).values;
    } catch (e) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', (e as Error).message), 'run vdxp build --help');
    }
    if (!args.json || !args.output) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', 'build needs --json MODEL.json and -o OUT.edxml'), 'run vdxp build --help');
    }
    const wrap = WrapModeSchema.safeParse(args.wrap ?? 'none');
    if (!wrap.success) return printError(io, new VdxpError('VDXP_CLI_USAGE', `--wrap must be none, like-java-sdk or all`));
    const modelPath = resolve(io.cwd, args.json);
    const outPath = resolve(io.cwd, args.output);
    try {
      const model = await readModel(modelPath);
      const files = new Map<StreamAttachment, number>();
      const message = await withFileAttachments(model, dirname(modelPath), (args.attach ?? []).map((f) => resolve(io.cwd, f)), files);
      // progress over the attachments' bytes as they are read (they are nearly all of the package)
      const progress = Progress.start(io, { label: 'building', total: [...files.values()].reduce((a, b) => a + b, 0) });
      for (const a of files.keys()) {
        const read = a.source;
        a.source = () => progress.count(read() as AsyncIterable<Uint8Array>);
      }
      const chunks = buildEdxmlStream(message, {
        wrap: wrap.data,
        strictAgencyIds: !args['any-agency-id'],
      });
      let size: number;
      try {
        size = await writeAtomically(outPath, chunks);
      } finally {
        progress.finish();
      }
      io.stdout.write(`wrote ${outPath} (${formatBytes(size)})\n`);
      return EXIT.ok;
    } catch (e) {
      if (isVdxpError(e) && e.code === 'VDXP_INPUT_INVALID') {
        const issues = e instanceof EdxmlError ? e.issues : [];
        io.stderr.write(`VDXP_INPUT_INVALID: the model is invalid; nothing written\n`);
        for (const i of issues) io.stderr.write(`  ${i.path || '(message)'}: ${i.message}\n`);
        if (issues.length === 0) io.stderr.write(`  ${(e as Error).message}\n`);
        return EXIT.invalid;
      }
      return printError(io, e);
    }
  },
};

async function readModel(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new IoError(path, `cannot read the model ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new IoError(path, `the model ${path} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new IoError(path, `the model ${path} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** The model with `{ file }` attachments turned into streamed ones and the `--attach` files appended. */
async function withFileAttachments(model: Record<string, unknown>, base: string, attach: string[], files: Map<StreamAttachment, number>): Promise<never> {
  const given = model.attachments;
  if (given === undefined && attach.length === 0) return model as never;
  const list = Array.isArray(given) ? given : given === undefined ? [] : undefined;
  if (!list) return { ...model } as never; // the writer names the bad field
  const used = list.flatMap((a: unknown) => (a && typeof a === 'object' && typeof (a as { contentId?: unknown }).contentId === 'string' ? [(a as { contentId: string }).contentId] : []));
  const out: unknown[] = [];
  for (const a of list) {
    if (a && typeof a === 'object' && typeof (a as { file?: unknown }).file === 'string') out.push(await fileAttachment(a as FileAttachmentSpec, base, used, files));
    else out.push(a);
  }
  for (const file of attach) out.push(await fileAttachment({ file }, base, used, files));
  return { ...model, attachments: out } as never;
}

async function fileAttachment(spec: FileAttachmentSpec, base: string, used: string[], files: Map<StreamAttachment, number>): Promise<StreamAttachment> {
  const path = resolve(base, spec.file);
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    size = s.size;
  } catch (e) {
    throw new IoError(path, `cannot read the attachment ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const name = typeof spec.name === 'string' ? spec.name : basename(path);
  if (size === 0) {
    throw new EdxmlError('VDXP_INPUT_INVALID', `the attachment ${path} is empty`, { issues: [{ code: 'empty_attachment', path: spec.file, message: `${name} has no bytes` }] });
  }
  const attachment: StreamAttachment = {
    contentId: typeof spec.contentId === 'string' ? spec.contentId : freshContentId(used),
    name,
    contentType: typeof spec.contentType === 'string' ? spec.contentType : (CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream'),
    source: () => createReadStream(path),
  };
  if (typeof spec.description === 'string') attachment.description = spec.description;
  files.set(attachment, size);
  return attachment;
}

function freshContentId(used: string[]): string {
  let n = used.length + 1;
  while (used.includes(`attachment-${n}`)) n++;
  used.push(`attachment-${n}`);
  return `attachment-${n}`;
}

/** Streams to `<out>.<random>.tmp` beside the target, then renames; removes the temporary file on failure. */
async function writeAtomically(outPath: string, chunks: AsyncIterable<Uint8Array>): Promise<number> {
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.tmp`);
  let size = 0;
  const counted = async function* () {
    for await (const c of chunks) {
      size += c.length;
      yield c;
    }
  };
  try {
    await pipeline(Readable.from(counted()), createWriteStream(tmp, { flags: 'wx', flush: true }));
    await rename(tmp, outPath);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    if (isVdxpError(e)) throw e;
    throw new IoError(outPath, `cannot write ${outPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return size;
}
