/**
 * Options and input types of the edXML writer (`buildEdxml`, `buildEdxmlStream`,
 * `checkMessageForWrite`), parsed once with zod.
 * @module
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { describeZodIssues } from './input-issues.js';
import type { Attachment, AttachmentSchema, EdocMessage, EdocMessageInput } from './model.js';

const isFunction = (v: unknown): boolean => typeof v === 'function';

/** Options of the strict write-side checks. */
export const WriteCheckOptionsSchema = z.strictObject({
  /**
   * Require agency identifiers in the strict form `LLL.KK.JJ.Xnn`. Turn off for test axes
   * whose systems use other ids (`vxp.saas.03`).
   * @defaultValue true
   */
  strictAgencyIds: z.boolean().default(true),
  /** The clock ("not in the future" is judged against it, in Vietnam time). @defaultValue the real clock */
  now: z.custom<() => Date>(isFunction, 'expected a function returning a Date').optional(),
});
/** What callers give {@link WriteCheckOptionsSchema}. */
export type WriteCheckOptions = z.input<typeof WriteCheckOptionsSchema>;
/** {@link WriteCheckOptions} with defaults applied. */
export type ResolvedWriteCheckOptions = z.output<typeof WriteCheckOptionsSchema>;

/** How attachments travel: as they are, or wrapped in a one-entry ZIP. */
export const WrapModeSchema = z.enum(['none', 'like-java-sdk', 'all']);
/**
 * - `none`: every file as it is (standard MIME types);
 * - `like-java-sdk`: what the official Java library does: pdf, doc, docx and zip as they are,
 *   every other file in a one-entry ZIP named `<uuid>.<ext>` with ContentType `application/zip`;
 * - `all`: every file wrapped, except `.zip` files (a reader could not tell them from a wrapper).
 */
export type WrapMode = z.infer<typeof WrapModeSchema>;

/** Options of `buildEdxml` and `buildEdxmlStream`. */
export const BuildEdxmlOptionsSchema = WriteCheckOptionsSchema.extend({
  /** Attachment wrapping. @defaultValue 'none' */
  wrap: WrapModeSchema.default('none'),
  /** Makes ZIP entry names when wrapping. @defaultValue `crypto.randomUUID` */
  uuid: z.custom<() => string>(isFunction, 'expected a function returning a string').optional(),
});
/** What callers give `buildEdxml`. */
export type BuildEdxmlOptions = z.input<typeof BuildEdxmlOptionsSchema>;
/** {@link BuildEdxmlOptions} with defaults applied. */
export type ResolvedBuildEdxmlOptions = z.output<typeof BuildEdxmlOptionsSchema>;

/**
 * Parses writer options once.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming the option
 */
export function resolveBuildEdxmlOptions(input: unknown, target = 'buildEdxml'): ResolvedBuildEdxmlOptions {
  const parsed = BuildEdxmlOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(target, describeZodIssues(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}

/**
 * Parses the options of the write-side checks once.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming the option
 */
export function resolveWriteCheckOptions(input: unknown): ResolvedWriteCheckOptions {
  const parsed = WriteCheckOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError('checkMessageForWrite', describeZodIssues(parsed.error.issues), { cause: parsed.error });
  return parsed.data;
}

/**
 * An attachment whose bytes come from a source read once while the package is written (a
 * file stream, an HTTP body), so a 100 MB file never sits in memory. For `buildEdxmlStream`.
 *
 * @example
 * ```ts
 * const report: StreamAttachment = {
 *   contentId: 'bao-cao', name: 'Báo cáo.pdf', contentType: 'application/pdf',
 *   source: () => createReadStream('/data/bao-cao.pdf'),
 * };
 * ```
 */
export interface StreamAttachment {
  /** Binds the manifest Reference and the Attachment; `cid:` is added on the wire. */
  contentId: string;
  /** The original file name (never a path). */
  name: string;
  description?: string;
  /** MIME type of the file. */
  contentType: string;
  /** Opens the bytes; called once per build. Must yield at least one byte. */
  source: () => AsyncIterable<Uint8Array>;
}

/** Zod schema of {@link StreamAttachment}. */
export const StreamAttachmentSchema = z.strictObject({
  contentId: z.string().min(1),
  name: z.string().min(1),
  description: z.string().min(1).optional(),
  contentType: z.string().min(1),
  /** Opens the bytes; called once per build. */
  source: z.custom<() => AsyncIterable<Uint8Array>>(isFunction, 'expected a function returning an AsyncIterable<Uint8Array>'),
});

/** An attachment given to the writer: with its bytes. */
export type AttachmentInput = z.input<typeof AttachmentSchema>;

/** An edoc for `buildEdxmlStream`: attachments may be {@link StreamAttachment}s. */
export type StreamingEdocMessageInput = Omit<EdocMessageInput, 'attachments'> & {
  attachments?: (AttachmentInput | StreamAttachment)[];
};

/** A complete edoc ready to write, whose attachments may be streamed. */
export type WritableEdocMessage = Omit<EdocMessage, 'attachments'> & {
  attachments: (Attachment | StreamAttachment)[];
};

/** True for an attachment whose bytes come from a source. */
export function isStreamAttachment(a: Attachment | AttachmentInput | StreamAttachment): a is StreamAttachment {
  return typeof (a as { source?: unknown }).source === 'function';
}
