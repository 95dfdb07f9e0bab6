/**
 * `vdxp validate FILE [--json]`: judges an edXML package by the strict write rules.
 * @internal
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IoError, VdxpError } from '../../errors.js';
import { validateEdxml, type ValidationResult } from '../../edxml/validate.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printError, printJson } from '../output.js';

const HELP = `Usage: vdxp validate FILE [--json] [--any-agency-id]

Reads an edXML package leniently and checks it against the strict rules the connector writes
by (cardinalities, agency ids, dates, status codes, length limits of the axis). Prints each
error and warning with its path; with --json, { file, valid, kind, issues: [{ severity, code,
path, message }] }.

Options:
  --json             print the result as JSON
  --any-agency-id    accept agency ids not of the form 000.00.00.G22 (test axes)

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 unreadable (cannot be read, not XML,
forbidden content such as a DOCTYPE, not UTF-8, past a size or nesting limit).
`;

/** Refusals that mean the file is not a readable XML package at all. */
const UNREADABLE = new Set(['VDXP_EDXML_NOT_XML', 'VDXP_EDXML_FORBIDDEN', 'VDXP_EDXML_ENCODING', 'VDXP_EDXML_TOO_LARGE', 'VDXP_EDXML_LIMIT']);

export const validateCommand: CliCommand = {
  path: ['validate'],
  summary: 'check an edXML package against the strict write rules',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: { json: { type: 'boolean' }, 'any-agency-id': { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', (e as Error).message), 'run vdxp validate --help');
    }
    if (parsed.positionals.length !== 1) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', 'validate needs exactly one FILE'), 'run vdxp validate --help');
    }
    const file = resolve(io.cwd, parsed.positionals[0]!);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (e) {
      return printError(io, new IoError(file, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e }));
    }
    const result = validateEdxml(bytes, { strictAgencyIds: !parsed.values['any-agency-id'] });
    const unreadable = result.issues.length === 1 && UNREADABLE.has(result.issues[0]!.code);
    if (parsed.values.json) printJson(io, { file, ...result });
    else printHuman(io, file, result, unreadable);
    if (unreadable) return EXIT.error;
    return result.valid ? EXIT.ok : EXIT.invalid;
  },
};

function printHuman(io: CliIo, file: string, result: ValidationResult, unreadable: boolean): void {
  const errors = result.issues.filter((i) => i.severity === 'error');
  const warnings = result.issues.filter((i) => i.severity === 'warning');
  if (unreadable) {
    const e = errors[0]!;
    io.stderr.write(`${e.code}: ${e.message}\n`);
    return;
  }
  const verdict = result.valid ? 'valid' : 'INVALID';
  io.stdout.write(`${file}: ${verdict}${result.kind ? ` ${result.kind}` : ''} (${errors.length} error(s), ${warnings.length} warning(s))\n`);
  for (const i of result.issues) {
    io.stdout.write(`  ${i.severity === 'error' ? 'error  ' : 'warning'} ${i.code} ${i.path ? `${i.path}: ` : ''}${i.message}\n`);
  }
}
