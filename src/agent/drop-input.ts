/**
 * A folder drop's `NAME.json`: the edoc model where each attachment names a file next to it
 * (`{ "name": "x.pdf", "file": "x.pdf" }`), turned into what `Connector.send` takes.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { z } from 'zod';
import { InputError, issuesFromZod } from '../errors.js';
import { contentTypeFromName } from '../edxml/content-type.js';
import type { SendInput } from '../connector/send.js';

/** A relative path inside the drop's folder: no absolute path, no `..`, no backslash, no hidden file. */
const RelativeFileSchema = z
  .string()
  .min(1)
  .max(400)
  .refine((p) => !p.includes('\\') && !p.includes('\0') && !posix.isAbsolute(p), 'expected a relative path with / separators')
  .transform((p) => posix.normalize(p))
  .refine((p) => p !== '.' && !p.split('/').some((s) => s === '..' || s.startsWith('.')), 'must stay inside the outbox folder (no "..", no hidden files)');

/** One attachment of a drop. */
export const DropAttachmentSchema = z.strictObject({
  /** The file name the recipient sees. */
  name: z.string().min(1),
  /** The file, relative to the outbox folder. */
  file: RelativeFileSchema,
  /** @defaultValue from the name's extension, else `application/octet-stream` */
  contentType: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
  /** @defaultValue `att1`, `att2` … */
  contentId: z.string().min(1).optional(),
});

/** A drop's JSON: the edoc model (`from` optional) with file attachments; checked in full by `Connector.send`. */
export const DropDocumentSchema = z.looseObject({
  attachments: z.array(DropAttachmentSchema).default([]),
});

/** `NAME.json` as the system writes it. */
export type DropDocument = z.input<typeof DropDocumentSchema>;

/** The drop read: the files it needs and a way to make the send input from them. */
export interface DropPlan {
  /** Relative paths of the attachment files (each once). */
  readonly files: readonly string[];
  /** Reads the files from `dir` and makes the input of `Connector.send`. */
  toSendInput(dir: string): Promise<SendInput>;
}

/**
 * Parses the JSON text of a drop.
 * @throws {InputError} VDXP_INPUT_INVALID when it is not JSON or an attachment entry is bad
 */
export function planDrop(text: string): DropPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError('drop', [{ code: 'not_json', path: '', message: 'the drop is not valid JSON' }]);
  }
  const parsed = DropDocumentSchema.safeParse(json);
  if (!parsed.success) throw new InputError('drop', issuesFromZod(parsed.error.issues));
  const { attachments, ...model } = parsed.data;
  return {
    files: [...new Set(attachments.map((a) => a.file))],
    async toSendInput(dir) {
      const files = await Promise.all(
        attachments.map(async (a, i) => {
          try {
            return new Uint8Array(await readFile(join(dir, a.file)));
          } catch {
            throw new InputError('drop', [{ code: 'missing_file', path: `attachments.${i}.file`, message: `cannot read ${a.file}` }]);
          }
        }),
      );
      return {
        ...(model as Omit<SendInput, 'attachments'>),
        attachments: attachments.map((a, i) => ({
          contentId: a.contentId ?? `att${i + 1}`,
          name: a.name,
          contentType: a.contentType ?? contentTypeFromName(a.name) ?? 'application/octet-stream',
          ...(a.description ? { description: a.description } : {}),
          data: files[i]!,
        })),
      };
    },
  };
}
