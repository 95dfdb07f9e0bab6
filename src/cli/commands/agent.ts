/**
 * `vdxp agent`: runs the connector as a service (folders, webhook, HTTP API) until SIGTERM
 * or SIGINT; `--check` validates the configuration and the connection, then exits.
 * @internal
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VdxpError } from '../../errors.js';
import { Agent, checkAgent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printError, printJson } from '../output.js';

const HELP = `Usage: vdxp agent --config agent.json [--check] [--json]

Runs the connector beside a document system that is not written in Node: documents are
handed over through folders, a webhook and a local HTTP API. Runs until SIGTERM or Ctrl-C,
then finishes the work under way and exits 0. Logs are JSON lines on stdout.

agent.json (relative paths are relative to the file; axis.* may come from VDXP_ENDPOINT,
VDXP_SYSTEM_ID and VDXP_SECRET):
  { "axis": { "endpoint": "http://127.0.0.1:8080", "systemId": "000.00.00.G09", "secret": "…" },
    "agencies": ["000.00.00.G09"],
    "store": { "type": "file", "path": "state" },
    "folders": { "outbox": "outbox", "sent": "sent", "failed": "failed", "inbox": "inbox" },
    "pollIntervalMs": 1000,
    "api": { "port": 8090, "token": "…" },
    "webhook": { "url": "http://127.0.0.1:9000/events", "secret": "…" } }
  optional: "signing": { "key", "cert", "chain" }, "verification": { "trustDir", "anchors",
  "crls", "policy", "onInvalid" }, "deadlines", "retry", "log": { "level" }, "stateDir".

Folders:
  outbox/NAME.json + files   a document to send (the edoc model; attachments as
                             { "name": "x.pdf", "file": "x.pdf" }); write NAME.json last,
                             or add NAME.ready when done (folders.complete "ready-marker")
  sent/NAME/                 the drop, with NAME.result.json (documentId, docId …)
  failed/NAME/               the drop, with NAME.error.json (the reason)
  inbox/<DocumentId>/        document.edxml, document.json, attachments/, verification.json

Options:
  --config FILE   the configuration (required)
  --check         validate the configuration and call getAgenciesList, then exit
  --json          with --check: print the result as JSON

Exit codes: 0 stopped cleanly (or check passed), 2 bad configuration, connection or error.
`;

export const agentCommand: CliCommand = {
  path: ['agent'],
  summary: 'run the connector as a service: folders, webhook, local HTTP API',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values;
    try {
      values = parseArgs({ args: argv, options: { config: { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: false, strict: true }).values;
    } catch (e) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', `agent: ${(e as Error).message}`), 'run vdxp agent --help');
    }
    if (!values.config) return printError(io, new VdxpError('VDXP_CLI_USAGE', 'agent needs --config agent.json'), 'run vdxp agent --help');
    try {
      const config = await loadAgentConfig(resolve(io.cwd, values.config), { env: io.env });
      if (values.check) {
        const result = await checkAgent(config, { env: io.env, signal: io.stopSignal });
        if (values.json) printJson(io, { ok: true, ...result });
        else {
          io.stdout.write(`configuration ok; the axis at ${result.endpoint} answered for ${result.systemId} (${result.axisAgencies} agencies listed)\n`);
          if (result.unknownAgencies.length > 0) io.stdout.write(`warning: the axis does not list ${result.unknownAgencies.join(', ')}\n`);
        }
        return EXIT.ok;
      }
      const agent = await Agent.start(config, { env: io.env, logStream: io.stdout });
      if (!io.stopSignal.aborted) await new Promise<void>((r) => io.stopSignal.addEventListener('abort', () => r(), { once: true }));
      await agent.stop();
      return EXIT.ok;
    } catch (e) {
      if (values.check && values.json) printJson(io, { ok: false, code: e instanceof VdxpError ? e.code : 'VDXP_ERROR', message: e instanceof Error ? e.message : String(e) });
      return printError(io, e);
    }
  },
};
