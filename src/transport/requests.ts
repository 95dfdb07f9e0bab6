/**
 * Typed inputs of {@link AxisClient}'s calls, validated with zod before anything is sent.
 * @module
 */
import { z } from 'zod';
import { InputError, issuesFromZod } from '../errors.js';
import { VIETNAM_UTC_OFFSET_MINUTES } from './xroad-headers.js';

const signal = z.instanceof(AbortSignal).optional();
/** An agency id as the axis knows it (`000.00.00.H41`); any non-empty text without spaces or `;`. */
const code = z.string().trim().min(1).max(100).regex(/^[^\s;"]+$/, 'expected an agency code without spaces');
/** `dd/MM/yyyy HH:mm:ss` or a Date (written in Vietnam time). */
const axisDate = z.union([
  z.date().transform((d) => formatAxisDate(d)),
  z.string().regex(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/, 'expected dd/MM/yyyy HH:mm:ss'),
]);

/** `edoc` (a document) or `status` (a business status package). */
export const MessageTypeSchema = z.enum(['edoc', 'status']);
/** The type of {@link MessageTypeSchema}. */
export type MessageType = z.infer<typeof MessageTypeSchema>;

/** A package id given by the axis. */
export const DocIdSchema = z.string().trim().min(1).max(200).regex(/^[^\s;]+$/, 'expected a package id without spaces');

/** Transport ack values. */
export const AckStatusSchema = z.enum(['done', 'fail', 'processing']);
/** The type of {@link AckStatusSchema}. */
export type AckStatus = z.infer<typeof AckStatusSchema>;

/** Options of `sendEdoc`. */
export const SendEdocOptionsSchema = z.strictObject({
  messageType: MessageTypeSchema,
  /** Sender id: the system's own id or one of its registered agencies. @defaultValue the client's systemId */
  from: code.optional(),
  /** Recipients as a `to` header (the axis normally routes by the package; leave it out). */
  to: z.array(code).min(1).optional(),
  /** @defaultValue 'sdk' */
  hashForm: z.enum(['sdk', 'standard']).optional(),
  /** SHA-256 (64 hex) of the body; required for a Readable. */
  sha256: z.string().optional(),
  /** Length of a Readable body. */
  size: z.number().int().min(0).optional(),
  /** @defaultValue 'eDoc' */
  serviceType: z.string().min(1).default('eDoc'),
  signal,
});
/** What callers give (defaults may be left out): the input of {@link SendEdocOptionsSchema}. */
export type SendEdocOptions = z.input<typeof SendEdocOptionsSchema>;

/** Options of `getReceivedEdocList`. */
export const ReceivedListOptionsSchema = z.strictObject({
  messageType: MessageTypeSchema,
  /** @defaultValue 'eDoc' */
  serviceType: z.string().min(1).default('eDoc'),
  fromDate: axisDate.optional(),
  toDate: axisDate.optional(),
  signal,
});
/** What callers give (defaults may be left out): the input of {@link ReceivedListOptionsSchema}. */
export type ReceivedListOptions = z.input<typeof ReceivedListOptionsSchema>;

/** Options of `getSentEdocList`. */
export const SentListOptionsSchema = z.strictObject({
  messageType: MessageTypeSchema,
  /** @defaultValue 'eDoc' */
  serviceType: z.string().min(1).default('eDoc'),
  /** Only this sent package (its sender-side id). */
  docId: DocIdSchema.optional(),
  signal,
});
/** What callers give (defaults may be left out): the input of {@link SentListOptionsSchema}. */
export type SentListOptions = z.input<typeof SentListOptionsSchema>;

/** An agency to register under one of the caller's units. */
export const RegisterAgencySchema = z.strictObject({
  id: z.union([z.string(), z.number()]).optional(),
  /** Parent: the system's id or one of its agencies. */
  pcode: code,
  code,
  name: z.string().trim().min(1).max(500),
  mail: z.string().max(200).default(''),
  mobile: z.string().max(50).optional(),
  fax: z.string().max(50).optional(),
});
/** What callers give (defaults may be left out): the input of {@link RegisterAgencySchema}. */
export type RegisterAgencyInput = z.input<typeof RegisterAgencySchema>;

/** Options with only a signal. */
export const CallOptionsSchema = z.strictObject({ signal });
/** What callers give (defaults may be left out): the input of {@link CallOptionsSchema}. */
export type CallOptions = z.input<typeof CallOptionsSchema>;

/** Options of `downloadEdoc`. */
export const DownloadOptionsSchema = z.strictObject({
  signal,
  /** Fail the stream past this many bytes. */
  maxBytes: z.number().int().positive().optional(),
});
/** What callers give (defaults may be left out): the input of {@link DownloadOptionsSchema}. */
export type DownloadOptions = z.input<typeof DownloadOptionsSchema>;

/** Options of `getAgenciesListQD20`. */
export const Qd20OptionsSchema = z.strictObject({
  /** Level of the QĐ 20 directory (`1`, `2`, …). */
  level: z.union([z.number().int().min(0), z.string().regex(/^\d+$/)]).transform(String),
  signal,
});
/** What callers give (defaults may be left out): the input of {@link Qd20OptionsSchema}. */
export type Qd20Options = z.input<typeof Qd20OptionsSchema>;

/** Also an agency code, for `deleteAgency`. */
export const AgencyCodeSchema = code;

/**
 * Parses a call's input.
 * @throws {InputError} VDXP_INPUT_INVALID naming the operation and each bad field
 */
export function parseRequest<S extends z.ZodType>(operation: string, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InputError(operation, issuesFromZod(parsed.error.issues));
  return parsed.data;
}

/** `dd/MM/yyyy HH:mm:ss` in Vietnam time (the axis's date parameters). */
export function formatAxisDate(date: Date): string {
  const t = new Date(date.getTime() + VIETNAM_UTC_OFFSET_MINUTES * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.getUTCDate())}/${p(t.getUTCMonth() + 1)}/${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`;
}

/** Reads `dd/MM/yyyy HH:mm:ss` as Vietnam time; undefined when malformed. */
export function parseAxisDate(text: string): Date | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [d, mo, y, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(utc - VIETNAM_UTC_OFFSET_MINUTES * 60_000);
}
