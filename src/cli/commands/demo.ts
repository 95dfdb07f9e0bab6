/**
 * `vdxp demo`: the whole story on one machine (see `src/cli/demo/scenario.ts`).
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';
import { runDemo } from '../demo/scenario.js';
import { EXIT, printError } from '../output.js';

export const demoCommand: CliCommand = {
  path: ['demo'],
  summary: 'run the demo: a local axis, two agencies, a signed document sent, received and answered',
  help: [
    'Usage: vdxp demo',
    '',
    'Runs the whole story on this machine with no setup: a LocalAxis on loopback, two agencies,',
    'a generated test PKI, a document built, validated, signed, sent, received, verified,',
    'acknowledged and answered with status 01. Prints each step; exits 0 only when every step',
    'succeeded.',
    '',
    'Example:',
    '  npm run demo',
    '',
    'Exit codes: 0 every step succeeded, 2 a step failed (its error is printed).',
  ].join('\n'),
  async run(argv, io) {
    if (argv.length > 0) {
      io.stderr.write(`VDXP_CLI_USAGE: vdxp demo takes no arguments (got ${argv.join(' ')})\n`);
      return EXIT.error;
    }
    let n = 0;
    try {
      await runDemo(
        {
          step: (title) => io.stdout.write(`\n${++n}. ${title}\n`),
          detail: (line) => io.stdout.write(`   ${line}\n`),
        },
        io.stopSignal,
      );
    } catch (e) {
      io.stderr.write(`\nThe demo failed at step ${n}.\n`);
      return printError(io, e);
    }
    io.stdout.write(`\nDemo complete: ${n} steps succeeded.\n`);
    return EXIT.ok;
  },
};
