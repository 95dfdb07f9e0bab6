/**
 * `validateEdxml`: reads a package leniently and judges it by the strict write rules, so an
 * integrator can see whether what they produce (or receive) is what the axis expects.
 * @module
 */
import { z } from 'zod';
import { ConfigError, isVdxpError, type Issue } from '../errors.js';
import { WriteCheckOptionsSchema } from './build-options.js';
import { describeZodIssues, fieldName } from './input-issues.js';
import type { EdocMessage, StatusMessage } from './model.js';
import { parseEdxml } from './parse.js';
import { checkMessageForWrite } from './write-rules.js';

/** One finding of {@link validateEdxml}. */
export interface ValidationIssue extends Issue {
  /** `error`: the package breaks a rule (or was refused); `warning`: the reader found something unusual but usable. */
  readonly severity: 'error' | 'warning';
}

/** What {@link validateEdxml} found. */
export interface ValidationResult {
  /** True when there is no error (warnings allowed). */
  readonly valid: boolean;
  /** Errors first, then warnings. */
  readonly issues: readonly ValidationIssue[];
  /** The kind of package, when it could be read. */
  readonly kind?: 'edoc' | 'status';
}

/** Options of {@link validateEdxml}. */
export const ValidateEdxmlOptionsSchema = WriteCheckOptionsSchema.extend({
  /** Largest package accepted, in bytes. @defaultValue 512 MiB (the reader's default) */
  maxBytes: z.number().int().positive().optional(),
});
/** What callers give {@link validateEdxml}. */
export type ValidateEdxmlOptions = z.input<typeof ValidateEdxmlOptionsSchema>;

/** The reader's warning codes that a strict rule reports as an error under another name. */
const SAME_FINDING: Readonly<Record<string, string>> = {
  future_date: 'date_in_future',
};

/**
 * True when a reader warning (XML path) says what a strict-rule error (model path) says: the
 * same code about the same element (`to.1.organId` ~ `…/MessageHeader/To/OrganId`, or the
 * element holding it, `…/MessageHeader/To`).
 */
function sameFinding(warning: Issue, error: Issue): boolean {
  if ((SAME_FINDING[warning.code] ?? warning.code) !== error.code) return false;
  const element = fieldName(error.path.split('.')).replace(/\[\d+\]/g, '');
  const parent = element.includes('/') ? element.slice(0, element.lastIndexOf('/')) : undefined;
  const path = `/${warning.path}`;
  return path.endsWith(`/${element}`) || (parent !== undefined && path.endsWith(`/${parent}`));
}

/**
 * Validates an edXML package: reads it leniently with `parseEdxml` (its warnings become
 * `warning` issues; a refusal becomes one `error` issue carrying the error's code, e.g.
 * `VDXP_EDXML_NOT_XML`), then applies every strict write rule of `checkMessageForWrite` to
 * what was read (`error` issues, with model paths). A reader warning about the same element
 * and problem as an error is given once, as the error.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for bad options (never for a bad package)
 * @example
 * ```ts
 * const { valid, issues } = validateEdxml(await readFile('goi-tin.edxml'));
 * for (const i of issues) console.log(i.severity, i.path, i.message);
 * ```
 */
export function validateEdxml(input: Uint8Array | string, options: ValidateEdxmlOptions = {}): ValidationResult {
  const parsedOptions = ValidateEdxmlOptionsSchema.safeParse(options ?? {});
  if (!parsedOptions.success) throw new ConfigError('validateEdxml', describeZodIssues(parsedOptions.error.issues), { cause: parsedOptions.error });
  const { maxBytes, now, strictAgencyIds } = parsedOptions.data;
  const instant = (now ?? (() => new Date()))();

  let read: ReturnType<typeof parseEdxml>;
  try {
    read = parseEdxml(input, { now: instant, ...(maxBytes === undefined ? {} : { maxBytes }) });
  } catch (e) {
    if (!isVdxpError(e) || e.code === 'VDXP_CONFIG_INVALID') throw e;
    const path = (e as { path?: unknown }).path;
    return { valid: false, issues: [{ severity: 'error', code: e.code, path: typeof path === 'string' ? path : '', message: e.message }] };
  }

  const { warnings, ...message } = read;
  const errors = checkMessageForWrite(message as EdocMessage | StatusMessage, { strictAgencyIds, now: () => instant });
  const kept = warnings.filter((w) => !errors.some((e) => sameFinding(w, e)));
  return {
    valid: errors.length === 0,
    kind: message.kind,
    issues: [
      ...errors.map((i): ValidationIssue => ({ severity: 'error', code: i.code, path: i.path, message: i.message })),
      ...kept.map((w): ValidationIssue => ({ severity: 'warning', code: w.code, path: w.path, message: w.message })),
    ],
  };
}
