/**
 * `vdxp axis serve`: runs a LocalAxis until SIGINT/SIGTERM.
 * @internal
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, IoError, VdxpError } from '../../errors.js';
import { LocalAxis } from '../../testing/local-axis.js';
import { resolveLocalAxisOptions } from '../../testing/local-axis-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printError, printJson } from '../output.js';

const HELP = `Usage: vdxp axis serve --config axis.json [--port N] [--host H] [--data DIR] [--json]

Runs a local axis (LocalAxis) that speaks the axis API: signed XroadVnpt headers, routing by
the packages, queues, directory, counts. For development, tests and demos without the
government network. Runs until Ctrl-C (SIGINT) or SIGTERM.

axis.json:
  { "systems": [ { "systemId": "000.00.00.G09", "secret": "…",
                   "agencies": [ { "code": "000.00.12.G09", "name": "…" } ] } ],
    "parent": { "url": "http://…", "systemId": "…", "secret": "…" },   (optional: forward up)
    "faults": { "seed": 1, "errorRate": 0.1, "latencyMs": [0, 200] } }  (optional)

Options:
  --config FILE        the configuration (required)
  --port N             port (default 0: any free port; the URL is printed)
  --host H             address to listen on (default 127.0.0.1)
  --data DIR           keep queues and packages in DIR across restarts
  --json               print {"url": …} instead of text

Exit codes: 0 stopped cleanly, 2 bad configuration or error.
`;

export const axisServeCommand: CliCommand = {
  path: ['axis', 'serve'],
  summary: 'run a local axis for development and tests',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values;
    try {
      values = parseArgs({
        args: argv,
        options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
        allowPositionals: false,
        strict: true,
      }).values;
    } catch (e) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', `axis serve: ${(e as Error).message}`), 'run vdxp axis serve --help');
    }
    if (!values.config) return printError(io, new VdxpError('VDXP_CLI_USAGE', 'axis serve needs --config axis.json'), 'run vdxp axis serve --help');
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return printError(io, new VdxpError('VDXP_CLI_USAGE', '--port must be 0..65535'));
    try {
      const path = resolve(io.cwd, values.config);
      let config: unknown;
      try {
        config = JSON.parse(await readFile(path, 'utf8'));
      } catch (e) {
        if (e instanceof SyntaxError) throw new ConfigError('axis.json', [{ code: 'not_json', path: '', message: `${path} is not JSON` }]);
        throw new IoError(path, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
      }
      if (typeof config !== 'object' || config === null || Array.isArray(config)) {
        throw new ConfigError('axis.json', [{ code: 'not_object', path: '', message: 'expected a JSON object with "systems"' }]);
      }
      const options = resolveLocalAxisOptions(
        { ...config, port, ...(values.host ? { host: values.host } : {}), ...(values.data ? { dataDir: resolve(io.cwd, values.data) } : {}) },
        'axis.json',
      );
      const axis = await LocalAxis.start(options);
      const systems = options.systems.map((s) => s.systemId);
      if (values.json) printJson(io, { url: axis.url, systems });
      else io.stdout.write(`LocalAxis listening on ${axis.url} (systems: ${systems.join(', ')})${values.data ? `, data in ${resolve(io.cwd, values.data)}` : ''}\n`);
      if (!io.stopSignal.aborted) await new Promise<void>((r) => io.stopSignal.addEventListener('abort', () => r(), { once: true }));
      await axis.close();
      if (!values.json) io.stdout.write('LocalAxis stopped\n');
      return EXIT.ok;
    } catch (e) {
      return printError(io, e);
    }
  },
};
