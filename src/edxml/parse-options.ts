/**
 * Options of the edXML readers, checked once with zod.
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';

const MiB = 1024 * 1024;

/** The reader's options (both {@link parseEdxml} and {@link parseEdxmlStream}). */
export const ParseEdxmlOptionsSchema = z.strictObject({
  /** Largest package in bytes; past it: VDXP_EDXML_TOO_LARGE. @defaultValue 512 MiB */
  maxBytes: z.number().int().positive().default(512 * MiB),
  /** Largest attachment after unwrapping, in bytes (zip bombs stop here). @defaultValue 512 MiB */
  maxAttachmentBytes: z.number().int().positive().default(512 * MiB),
  /** Deepest element nesting. @defaultValue 64 */
  maxDepth: z.number().int().positive().default(64),
  /** Most elements in a package. @defaultValue 200000 */
  maxElements: z.number().int().positive().default(200_000),
  /** Most attributes on one element. @defaultValue 64 */
  maxAttributes: z.number().int().positive().default(64),
  /** Unwrap one-entry ZIP attachments (unless named `.zip`). @defaultValue true */
  unwrap: z.boolean().default(true),
  /** The present moment, to flag promulgation dates in the future; no check without it. */
  now: z.date().optional(),
});

/** What callers may give the reader. */
export type ParseEdxmlOptions = z.input<typeof ParseEdxmlOptionsSchema>;
/** The reader's options with defaults filled in. */
export type ResolvedParseEdxmlOptions = z.output<typeof ParseEdxmlOptionsSchema>;

/**
 * Checks and completes reader options.
 * @throws {ConfigError} VDXP_CONFIG_INVALID
 */
export function resolveParseEdxmlOptions(input: unknown, target = 'parseEdxml'): ResolvedParseEdxmlOptions {
  const parsed = ParseEdxmlOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(target, issuesFromZod(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}
