/**
 * `vdxp inspect FILE [--json]`: what a package says, for people or as JSON. The file is
 * streamed through the reader with hashing-only sinks, so its size does not matter.
 * @internal
 * @module
 */
import { createReadStream, fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IoError, VdxpError } from '../../errors.js';
import { businessTypeLabel, priorityLabel, statusLabel, STATUS_CODES, isKnownStatusCode } from '../../edxml/codes.js';
import type { Organization } from '../../edxml/model.js';
import { parseEdxmlStream, type ParsedEdxmlStream, type ParsedStreamedEdoc } from '../../edxml/parse-stream.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, formatBytes, printJson } from '../output.js';
import { Progress } from '../progress.js';

const HELP = `Usage: vdxp inspect FILE [--json]

Reads an edXML package (edoc or status) and prints what it says: sender, recipients,
number/notation, date, type, subject, business operation, status code, attachments with
their sizes, and the reader's warnings. Nothing is written to disk.

Options:
  --json    print the parsed model as JSON (attachments as metadata: size, sha256, transfer)

Exit codes: 0 read, 2 refused or unreadable (one line: CODE: message).

Examples:
  vdxp inspect goi-tin.edxml
  vdxp inspect goi-tin.edxml --json | jq .attachments
`;

/** The `inspect` command. */
export const inspectCommand: CliCommand = {
  path: ['inspect'],
  summary: 'show what an edXML package says (add --json for the model)',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new VdxpError('VDXP_CLI_USAGE', `${(e as Error).message}; usage: vdxp inspect FILE [--json]`);
    }
    const [file, ...extra] = parsed.positionals;
    if (!file || extra.length > 0) throw new VdxpError('VDXP_CLI_USAGE', 'expected one FILE; usage: vdxp inspect FILE [--json]');
    const model = await readPackage(resolve(io.cwd, file), io, parsed.values.json === true);
    if (parsed.values.json) printJson(io, model);
    else io.stdout.write(describe(model));
    return EXIT.ok;
  },
};

async function readPackage(path: string, io: CliIo, json: boolean): Promise<ParsedEdxmlStream> {
  const stream = createReadStream(path);
  let size: number | undefined;
  const opened = new Promise<void>((ok, ko) => {
    stream.once('open', (fd: number) => {
      try {
        size = fstatSync(fd).size;
      } catch {
        // the size only feeds the progress line
      }
      ok();
    });
    stream.once('error', ko);
  });
  try {
    await opened;
  } catch (cause) {
    throw new IoError(path, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
  }
  const progress = Progress.start(io, { label: 'reading', ...(size !== undefined ? { total: size } : {}), json });
  try {
    // The reader hashes and measures each attachment itself: the sinks keep nothing.
    return await parseEdxmlStream(progress.count<Buffer>(stream), { attachmentSink: () => ({ write: () => undefined, end: () => undefined }) });
  } finally {
    progress.finish();
    stream.destroy();
  }
}

function org(o: Organization): string {
  return o.organName && o.organName !== o.organId ? `${o.organId}  ${o.organName}` : o.organId;
}

function rows(pairs: [string, string | undefined][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `  ${k.padEnd(width)}  ${v.replace(/\n/g, `\n  ${' '.repeat(width)}  `)}`)
    .join('\n');
}

/** The human summary of a package. */
export function describe(m: ParsedEdxmlStream): string {
  const out: string[] = [];
  if (m.kind === 'status') {
    const label = isKnownStatusCode(m.statusCode) ? `${statusLabel(m.statusCode)} (${STATUS_CODES[m.statusCode].en})` : 'unknown code';
    out.push('Status report (status)');
    out.push(
      rows([
        ['From', org(m.from)],
        ['Status', `${m.statusCode} ${label}`],
        ['About', `${m.responseFor.code}, issued by ${m.responseFor.organId}${m.responseFor.promulgationDate ? ` on ${m.responseFor.promulgationDate}` : ''}`],
        ['DocumentId', m.responseFor.documentId],
        ['Time', m.timestamp],
        ['Officer', m.staffInfo ? [m.staffInfo.department, m.staffInfo.staff, m.staffInfo.email, m.staffInfo.mobile].filter(Boolean).join(', ') : undefined],
        ['Description', m.description],
      ]),
    );
  } else {
    out.push(...describeEdoc(m));
  }
  if (m.warnings.length > 0) {
    out.push('', `Warnings (${m.warnings.length}):`);
    for (const w of m.warnings) out.push(`  ${w.code}: ${w.message} [${w.path}]`);
  }
  return out.join('\n') + '\n';
}

function describeEdoc(m: ParsedStreamedEdoc): string[] {
  const b = m.business;
  const business = b
    ? `${b.businessDocType} ${businessTypeLabel(b.businessDocType) ?? ''} (${businessTypeLabel(b.businessDocType, 'en') ?? ''})${b.businessDocReason ? `: ${b.businessDocReason}` : ''}`
    : undefined;
  const priority = m.otherInfo?.priority;
  const lines = [
    'Official document (edoc)',
    rows([
      ['From', org(m.from)],
      ...m.to.map((o, i): [string, string] => [i === 0 ? 'To' : '', org(o)]),
      ['Number', `${m.code.codeNumber}/${m.code.codeNotation}`],
      ['Date', `${m.promulgationInfo.promulgationDate}${m.promulgationInfo.place ? `, ${m.promulgationInfo.place}` : ''}`],
      ['Type', `${m.documentType.typeName} (type ${m.documentType.type}${m.documentType.typeDetail !== undefined ? `, detail ${m.documentType.typeDetail}` : ''})`],
      ['Subject', m.subject],
      ['Signer', m.signerInfo ? [m.signerInfo.competence, m.signerInfo.position, m.signerInfo.fullName].filter(Boolean).join(', ') : undefined],
      ['Priority', priority !== undefined ? `${priority} ${priorityLabel(priority) ?? ''}` : undefined],
      ['Due', m.dueDate],
      ['Business', business],
      ...m.responseFor.map((r, i): [string, string] => [i === 0 ? 'Responds to' : '', `${r.code} (${r.documentId})`]),
      ['DocumentId', m.documentId],
      ['Hops', m.traceHeaders.map((t) => `${t.organId ?? '?'} ${t.timestamp}`).join('\n') || undefined],
      ['Signature', m.signature ? `present (${m.signature.namespace} namespace; not verified here)` : 'none'],
    ]),
  ];
  lines.push('', `Attachments (${m.attachments.length}):`);
  for (const a of m.attachments) {
    const carried = a.transfer.wrapped ? `, unwrapped from a ZIP of ${formatBytes(a.transfer.size)}` : '';
    lines.push(`  ${a.name}  ${a.contentType}  ${formatBytes(a.size)}${carried}`);
    lines.push(`    sha256 ${a.sha256}`);
  }
  return lines;
}
