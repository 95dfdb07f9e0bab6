/**
 * `vdxp demo`: the whole story on one machine (see `src/cli/demo/scenario.ts`).
 * @internal
 * @module
 */
import { resolve } from 'node:path';
import type { CliCommand } from '../command.js';
import { runDemo } from '../demo/scenario.js';
import { EXIT, printError } from '../output.js';

export const demoCommand: CliCommand = {
  path: ['demo'],
  summary: 'run the demo: two axes, three agencies, a signed document sent, processed, tracked and reported',
  help: [
    'Usage: vdxp demo [--report FILE]',
    '',
    'Runs the whole story on this machine with no setup: a national LocalAxis and a provincial',
    'one under it; a ministry, a province and a commune, each with its own FileStore (in a',
    'temporary folder, deleted at the end), test certificates and Connector; a Công văn whose',
    'PDF is signed by the competent person and by the ministry, sent to the province and the',
    'commune, received, verified, and taken through 01 → 03 → 04 → 05 → 06; an update answered',
    '15; a take-back (13) answered 16 and 15; the tracking table and the compliance report.',
    'Prints each step; exits 0 only when every step succeeded.',
    '',
    'Options:',
    '  --report FILE   where the HTML compliance report is written (default: vdxp-demo-report.html',
    '                  in the current folder)',
    '',
    'Examples:',
    '  npm run demo',
    '  vdxp demo --report /tmp/report.html',
    '',
    'Exit codes: 0 every step succeeded, 2 a step failed (its error is printed).',
  ].join('\n'),
  async run(argv, io) {
    const reportFlag = argv[0] === '--report' && argv.length === 2 ? argv[1] : undefined;
    if (argv.length > 0 && !reportFlag) {
      io.stderr.write(`VDXP_CLI_USAGE: vdxp demo takes only --report FILE (got ${argv.join(' ')})\n`);
      return EXIT.error;
    }
    const reportPath = resolve(io.cwd, reportFlag ?? 'vdxp-demo-report.html');
    let n = 0;
    const started = Date.now();
    try {
      await runDemo(
        {
          step: (title) => io.stdout.write(`\n${++n}. ${title}\n`),
          detail: (line) => io.stdout.write(`   ${line}\n`),
        },
        { reportPath, signal: io.stopSignal },
      );
    } catch (e) {
      io.stderr.write(`\nThe demo failed at step ${n}.\n`);
      return printError(io, e);
    }
    io.stdout.write(`\nDemo complete: ${n} steps succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    return EXIT.ok;
  },
};
