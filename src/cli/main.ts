/**
 * `vdxp`: the command for clerks and integrators. Thin: parses flags, calls the library, prints.
 * @internal
 * @module
 */
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import type { CliIo } from './command.js';
import { commands, type CommandEntry } from './commands/index.js';
import { EXIT, printError } from './output.js';

function usage(): string {
  const rows = commands.map((c) => `  ${c.path.join(' ').padEnd(16)} ${c.summary}`);
  return [
    'vdxp: connect a document system to the national document axis (edXML, QCVN 102:2016)',
    '',
    'Usage: vdxp <command> [options]        vdxp <command> --help for details',
    '',
    'Commands:',
    ...rows,
    '',
    'Exit codes: 0 ok, 1 invalid/refused, 2 error or unreadable input, 3 indeterminate.',
    '',
  ].join('\n');
}

function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  let best: { entry: CommandEntry; rest: string[] } | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.entry.path.length)) {
      best = { entry: c, rest: argv.slice(c.path.length) };
    }
  }
  return best;
}

/** Runs `vdxp` with these arguments (without `node` and the script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(usage());
    return argv.length === 0 ? EXIT.error : EXIT.ok;
  }
  if (argv[0] === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`VDXP_CLI_USAGE: unknown command ${JSON.stringify(argv.join(' '))}\nhint: run vdxp --help for the list\n`);
    return EXIT.error;
  }
  try {
    const command = await found.entry.load();
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      io.stdout.write(command.help.endsWith('\n') ? command.help : command.help + '\n');
      return EXIT.ok;
    }
    return await command.run(found.rest, io);
  } catch (e) {
    return printError(io, e);
  }
}

declare const __VDXP_VERSION__: string | undefined;
const VERSION = typeof __VDXP_VERSION__ === 'string' ? __VDXP_VERSION__ : '0.0.0-dev';

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stopSignal: controller.signal };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = printError(io, e);
    },
  );
}
