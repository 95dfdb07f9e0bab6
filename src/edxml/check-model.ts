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

/** Nesting past which {@link detachStrings} stops (a model is a few levels deep). */
const DETACH_DEPTH = 32;

/**
 * Replaces, in place, every string of a reader's result (objects and arrays of the model and
 * its warnings; byte arrays and dates are left alone) with a copy of its own. V8 keeps a
 * substring as a view of the string it was cut from, and the readers cut every field out of
 * the package's decoded text: an application that kept one field of each package it read (a
 * subject, a DocumentId) kept the whole decoded header with it, 12.7 KB per package for the
 * sample Công văn. The copy is a concatenation, which V8 flattens into a new string, then the
 * slice that drops what was added.
 */
export function detachStrings<T>(value: T): T {
  return detach(value, 0) as T;
}

function detach(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length === 0 ? value : (' ' + value).slice(1);
  if (value === null || typeof value !== 'object' || depth > DETACH_DEPTH || ArrayBuffer.isView(value) || value instanceof Date) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detach(value[i], depth + 1);
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = detach(o[k], depth + 1);
  return o;
}

export { EdocMessageSchema, StatusMessageSchema };
