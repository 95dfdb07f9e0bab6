/**
 * Flags shared by the commands that talk to an axis (`send`, `inbox`, `fetch`, `ack`,
 * `sent`, `agencies`): endpoint and credentials from flags or the environment, `--json`,
 * `--timeout`; and how their errors are printed.
 * @internal
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AxisError, ConfigError, VdxpError } from '../errors.js';
import { AxisClient } from '../transport/axis-client.js';
import type { CliIo } from './command.js';
import { EXIT, printError } from './output.js';

/** Help text lines for the shared flags. */
export const AXIS_FLAGS_HELP = `Connection (flags win over the environment):
  --endpoint URL       the axis, e.g. http://127.0.0.1:8080      (or VDXP_ENDPOINT)
  --system-id ID       your system id                            (or VDXP_SYSTEM_ID)
  --secret SECRET      your secret; prefer the environment, a flag is visible in ps (or VDXP_SECRET)
  --timeout MS         time allowed per attempt (default 30000)
  --json               print JSON instead of text`;

const SHARED = {
  endpoint: { type: 'string' },
  'system-id': { type: 'string' },
  secret: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed flags: the shared ones plus the command's. */
export interface AxisArgs {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
  readonly json: boolean;
}

/**
 * Parses a command's arguments with the shared flags added.
 * @throws {VdxpError} VDXP_CLI_USAGE for an unknown flag or a bad positional count
 */
export function parseAxisArgs(command: string, argv: string[], options: Options, positionals: { min: number; max: number }): AxisArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...SHARED, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new VdxpError('VDXP_CLI_USAGE', `${command}: ${(e as Error).message}`);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) {
    throw new VdxpError('VDXP_CLI_USAGE', `${command}: expected ${positionals.min === positionals.max ? positionals.min : `${positionals.min} to ${positionals.max}`} argument(s), got ${n}`);
  }
  return { values: parsed.values, positionals: parsed.positionals, json: parsed.values.json === true };
}

/**
 * The client for the flags and environment.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming the missing setting (never its value)
 */
export function axisClientFrom(args: AxisArgs, io: CliIo): AxisClient {
  const pick = (flag: string, env: string) => {
    const v = args.values[flag];
    return typeof v === 'string' && v.length > 0 ? v : io.env[env] || undefined;
  };
  const endpoint = pick('endpoint', 'VDXP_ENDPOINT');
  const systemId = pick('system-id', 'VDXP_SYSTEM_ID');
  const secret = pick('secret', 'VDXP_SECRET');
  const missing = [
    !endpoint && { code: 'required', path: 'endpoint', message: 'give --endpoint or set VDXP_ENDPOINT' },
    !systemId && { code: 'required', path: 'systemId', message: 'give --system-id or set VDXP_SYSTEM_ID' },
    !secret && { code: 'required', path: 'secret', message: 'give --secret or set VDXP_SECRET' },
  ].filter((x): x is { code: string; path: string; message: string } => Boolean(x));
  if (missing.length > 0) throw new ConfigError('vdxp', missing);
  const timeout = args.values.timeout;
  const timeoutMs = typeof timeout === 'string' ? Number(timeout) : undefined;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new VdxpError('VDXP_CLI_USAGE', '--timeout must be a positive number of milliseconds');
  }
  return new AxisClient({ endpoint: endpoint!, systemId: systemId!, secret: secret!, ...(timeoutMs ? { timeoutMs } : {}), userAgent: 'vdxp-cli' });
}

/**
 * Prints an error of an axis command: an axis refusal exits 1 with its ErrorCode and
 * ErrorDesc; anything else exits 2.
 */
export function printAxisError(io: CliIo, e: unknown, json: boolean, hint?: string): number {
  if (e instanceof AxisError) {
    if (json) io.stdout.write(JSON.stringify({ ok: false, code: e.code, operation: e.operation, errorCode: e.errorCode, errorDesc: e.errorDesc }, null, 2) + '\n');
    io.stderr.write(`${e.code}: ${e.message}\n`);
    return EXIT.invalid;
  }
  if (e instanceof VdxpError && e.code === 'VDXP_CLI_USAGE') return printError(io, e, hint);
  if (e instanceof ConfigError && e.target === 'vdxp') return printError(io, e, 'see --help for the connection flags');
  return printError(io, e, hint);
}
