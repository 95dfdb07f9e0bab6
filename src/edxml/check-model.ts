/**
 * The last gate of the readers: the model built from a package must satisfy the zod schemas;
 * a failure is refused naming the field.
 * @internal
 * @module
 */
import { z } from 'zod';
import { EdxmlError, issuesFromZod, summarize } from '../errors.js';
import { AttachmentInfoSchema, EdocMessageSchema, StatusMessageSchema } from './model.js';

/** An edoc whose attachments were streamed to sinks: metadata only. */
export const StreamedEdocSchema = EdocMessageSchema.extend({ attachments: z.array(AttachmentInfoSchema).default([]) });

/**
 * Validates a model against a schema.
 * @throws {EdxmlError} VDXP_EDXML_INVALID with the model paths of the problems
 */
export function checkModel<S extends z.ZodType>(schema: S, model: unknown): z.output<S> {
  const parsed = schema.safeParse(model);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error.issues);
  throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: ${summarize(issues)}`, { issues, cause: parsed.error });
}

export { EdocMessageSchema, StatusMessageSchema };
