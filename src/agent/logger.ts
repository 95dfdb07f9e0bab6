/**
 * The agent's structured log: one JSON object per line (`time`, `level`, `msg`, then fields),
 * filtered by level, with a redaction step so that secrets never reach the output.
 * @module
 */
import { isVdxpError } from '../errors.js';

/** Log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Field names whose values are never written, whatever they hold. */
const SECRET_KEY = /secret|token|password|passphrase|authorization|api[-_]?key|private[-_]?key|cookie/i;
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

/** A structured logger. */
export interface AgentLogger {
  /** Details for troubleshooting (each API request, each claim). */
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** What happened (a document sent, received, a status). */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** Something failed and will be retried. */
  warn(msg: string, fields?: Record<string, unknown>): void;
  /** Something failed and needs attention. */
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger adding `fields` to every line. */
  child(fields: Record<string, unknown>): AgentLogger;
}

/** Options of {@link createAgentLogger}. */
export interface AgentLoggerOptions {
  /** Lines below this level are dropped. @defaultValue 'info' */
  readonly level?: LogLevel;
  /** Where lines go. @defaultValue process.stdout */
  readonly stream?: NodeJS.WritableStream;
  /** Values replaced by `[redacted]` wherever they appear (secrets, tokens, passwords). */
  readonly secrets?: readonly string[];
  /** @defaultValue `() => new Date()` */
  readonly now?: () => Date;
}

/**
 * Makes a redaction function: values under secret-looking keys are replaced, and every
 * occurrence of a known secret inside any string (messages, error texts, URLs) is masked.
 * Errors become `{ name, code, message }`; byte arrays become their length.
 */
export function createRedactor(secrets: readonly string[]): (value: unknown) => unknown {
  // longest first, so a secret containing another is masked whole
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const mask = (s: string): string => {
    let out = s;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`);
  };
  const walk = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return mask(value);
    if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
    if (value instanceof Uint8Array) return { bytes: value.length };
    if (value instanceof Date) return value.toISOString();
    if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
    seen.add(value);
    if (value instanceof Error) {
      return {
        name: value.name,
        ...(isVdxpError(value) ? { code: value.code } : (value as { code?: unknown }).code !== undefined ? { code: String((value as { code?: unknown }).code) } : {}),
        message: mask(value.message),
      };
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : walk(v, depth + 1, seen);
    return out;
  };
  return (value) => walk(value, 0, new WeakSet());
}

/**
 * A JSON-lines logger.
 * @example
 * ```ts
 * const log = createAgentLogger({ level: 'info', secrets: [config.axis.secret] });
 * log.info('document sent', { documentId, axisDocId });
 * // {"time":"2025-03-10T02:00:00.000Z","level":"info","msg":"document sent","documentId":"…","axisDocId":"…"}
 * ```
 */
export function createAgentLogger(options: AgentLoggerOptions = {}): AgentLogger {
  const min = RANK[options.level ?? 'info'];
  const stream = options.stream ?? process.stdout;
  const now = options.now ?? (() => new Date());
  const redact = createRedactor(options.secrets ?? []);
  const make = (base: Record<string, unknown>): AgentLogger => {
    const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
      if (RANK[level] < min) return;
      const { time: _t, level: _l, msg: _m, ...body } = redact({ ...base, ...fields }) as Record<string, unknown>;
      const line = { time: now().toISOString(), level, msg: redact(msg), ...body };
      try {
        stream.write(JSON.stringify(line) + '\n');
      } catch {
        // a closed stream must not take the agent down
      }
    };
    return {
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}
