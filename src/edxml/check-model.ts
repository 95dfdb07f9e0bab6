/**
 * The last gate of the readers: the model built from a package must satisfy the zod schemas;
 * a failure is refused naming the field.
 * @internal
 * @module
 */
import { z } from 'zod';
import { EdxmlError, issuesFromZod, summarize } from '../errors.js';
import { detachStrings } from '../own-strings.js';
import { AttachmentInfoSchema, EdocMessageSchema, StatusMessageSchema, type EdxmlWarning } from './model.js';

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

/**
 * A reader's result: the checked model (a new object, which the warnings go onto) with every
 * string a copy of its own (see `own-strings.ts`).
 * @throws {EdxmlError} VDXP_EDXML_INVALID as {@link checkModel}
 */
export function readerResult<S extends z.ZodType>(schema: S, model: object, warnings: EdxmlWarning[]): z.output<S> & { warnings: EdxmlWarning[] } {
  // Object.assign, not a literal that starts with a spread: Node 20 gives such a literal a new hidden class on every call
  const checked = checkModel(schema, model) as z.output<S> & object;
  return detachStrings(Object.assign(checked, { warnings }));
}

export { EdocMessageSchema, StatusMessageSchema };
