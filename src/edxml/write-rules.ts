/**
 * The strict write-side rules of edXML, as data: shape (the zod model), cardinalities,
 * formats and the length limits one hub enforces. {@link checkMessageForWrite} returns every
 * problem; the writer refuses a message with any, `validateEdxml` reports them as errors.
 * @module
 */
import { z } from 'zod';
import type { Issue } from '../errors.js';
import { isValidAgencyId } from './agency-id.js';
import { sanitizeAttachmentName } from './attachment-name.js';
import {
  isStreamAttachment,
  resolveWriteCheckOptions,
  StreamAttachmentSchema,
  type WritableEdocMessage,
  type WriteCheckOptions,
} from './build-options.js';
import { isKnownStatusCode, STATUS_CODE_ORDER } from './codes.js';
import { parseDocumentCode } from './document-code.js';
import { describeZodIssues, fieldName } from './input-issues.js';
import { AttachmentSchema, EdocMessageSchema, StatusMessageSchema, type EdocMessage, type Organization, type StatusMessage } from './model.js';
import { vietnamDate } from './vietnam-time.js';

/** A message the write rules check: either kind, attachments possibly streamed. */
export type Message = EdocMessage | StatusMessage | WritableEdocMessage;
/** A value found in a message, with its model path. */
export type Found = readonly [path: string, value: string | undefined];

/** Longest text (in characters) one hub accepts, by edXML element; `select` finds the values. */
export const TEXT_LIMITS: ReadonlyArray<{
  element: string;
  max: number;
  /** Finds the values this limit applies to, with their paths. */
  select: (m: Message) => Found[];
}> = [
  { element: 'OrganName', max: 200, select: (m) => organizations(m).map(([p, o]) => [`${p}.organName`, o.organName]) },
  { element: 'OrganizationInCharge', max: 500, select: (m) => organizations(m).map(([p, o]) => [`${p}.organizationInCharge`, o.organizationInCharge]) },
  { element: 'OrganAdd', max: 500, select: (m) => organizations(m).map(([p, o]) => [`${p}.organAdd`, o.organAdd]) },
  { element: 'Email', max: 100, select: (m) => organizations(m).map(([p, o]) => [`${p}.email`, o.email]) },
  { element: 'Telephone', max: 20, select: (m) => organizations(m).map(([p, o]) => [`${p}.telephone`, o.telephone]) },
  { element: 'Fax', max: 20, select: (m) => organizations(m).map(([p, o]) => [`${p}.fax`, o.fax]) },
  { element: 'CodeNumber', max: 11, select: (m) => edoc(m, (e) => [['code.codeNumber', e.code.codeNumber]]) },
  { element: 'CodeNotation', max: 30, select: (m) => edoc(m, (e) => [['code.codeNotation', e.code.codeNotation]]) },
  { element: 'Place', max: 50, select: (m) => edoc(m, (e) => [['promulgationInfo.place', e.promulgationInfo.place]]) },
  { element: 'Subject', max: 500, select: (m) => edoc(m, (e) => [['subject', e.subject]]) },
  { element: 'Content', max: 500, select: (m) => edoc(m, (e) => [['content', e.content]]) },
  { element: 'TypeName', max: 100, select: (m) => edoc(m, (e) => [['documentType.typeName', e.documentType.typeName]]) },
  { element: 'SphereOfPromulgation', max: 100, select: (m) => edoc(m, (e) => [['otherInfo.sphereOfPromulgation', e.otherInfo?.sphereOfPromulgation]]) },
  { element: 'TyperNotation', max: 10, select: (m) => edoc(m, (e) => [['otherInfo.typerNotation', e.otherInfo?.typerNotation]]) },
  { element: 'ToPlaces/Place', max: 150, select: (m) => edoc(m, (e) => e.toPlaces.map((p, i) => [`toPlaces.${i}`, p])) },
  { element: 'AttachmentName', max: 500, select: (m) => edoc(m, (e) => e.attachments.map((a, i) => [`attachments.${i}.name`, a.name])) },
];

/** Integer ranges one hub accepts. */
export const NUMBER_RANGES: ReadonlyArray<{
  element: string;
  min: number;
  max: number;
  /** Finds the value this range applies to, with its path. */
  select: (m: EdocMessage | WritableEdocMessage) => readonly [string, number | undefined];
}> = [
  { element: 'PromulgationAmount', min: 0, max: 65535, select: (e) => ['otherInfo.promulgationAmount', e.otherInfo?.promulgationAmount] },
  { element: 'PageAmount', min: 0, max: 65535, select: (e) => ['otherInfo.pageAmount', e.otherInfo?.pageAmount] },
];

/**
 * Checks a complete message (DocumentId, TraceHeader and business already filled) against
 * the strict write rules and returns every problem found, or an empty list.
 *
 * Rules: the model's shape (translated zod issues); agency ids in the strict form (unless
 * `strictAgencyIds: false`); no duplicate recipient; known status code; a reason for 02;
 * a ResponseFor for a revoke, `business.documentId` for an update, `replacementInfo` for a
 * replacement; the length limits of {@link TEXT_LIMITS} and ranges of {@link NUMBER_RANGES};
 * a PromulgationDate not after today in Vietnam; `Number/Notation` codes in ResponseFor;
 * unique, non-empty attachments with plain file names (what a reader would not need to
 * sanitise); no character XML cannot carry.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for bad options
 * @example
 * ```ts
 * const issues = checkMessageForWrite(message, { now: () => new Date('2024-05-01T00:00:00Z') });
 * for (const i of issues) console.log(i.path, i.message);
 * ```
 */
export function checkMessageForWrite(message: Message, options: WriteCheckOptions = {}): Issue[] {
  return checkForWrite(message, options).issues;
}

/**
 * {@link checkMessageForWrite}, also returning the message as the model schema outputs it
 * (defaults applied) when its shape is right.
 * @internal
 */
export function checkForWrite(
  input: Message,
  options: WriteCheckOptions = {},
): { issues: Issue[]; message: StatusMessage | WritableEdocMessage | undefined } {
  const opts = resolveWriteCheckOptions(options);
  const shape = checkShape(input);
  const message = shape.message;
  if (!message) return { issues: shape.issues, message };
  const issues: Issue[] = [];
  const add = (code: string, path: string, message: string) => issues.push({ code, path, message });

  forEachString(message, [], (value, at) => {
    const bad = firstForbiddenCharacter(value);
    if (bad === undefined) return;
    const path = at.join('.');
    add('invalid_character', path, `${label(path)} contains U+${bad.toString(16).toUpperCase().padStart(4, '0')}, which XML cannot carry`);
  });
  for (const rule of TEXT_LIMITS) {
    for (const [path, value] of rule.select(message)) {
      // UTF-16 units are never fewer than code points: only a long string needs counting
      const length = value === undefined ? 0 : value.length <= rule.max ? value.length : [...value].length;
      if (length > rule.max) add('too_long', path, `${label(path)} has ${length} characters; ${rule.element} allows at most ${rule.max}`);
    }
  }
  if (opts.strictAgencyIds) {
    for (const [path, id] of agencyIds(message)) {
      if (!isValidAgencyId(id)) add('agency_id_format', path, `${label(path)} ${JSON.stringify(id)} is not an agency id of the form 000.00.00.G22 (LLL.KK.JJ.Xnn)`);
    }
  }
  if (message.kind === 'status') checkStatus(message, add);
  else checkEdoc(message, opts.now?.() ?? new Date(), add);
  return { issues, message };
}

function checkShape(message: Message): { issues: Issue[]; message: StatusMessage | WritableEdocMessage | undefined } {
  if ((message as { kind?: unknown } | undefined)?.kind === 'status') {
    const r = StatusMessageSchema.safeParse(message);
    const issues = [...(r.success ? [] : describeZodIssues(r.error.issues)), ...missingOrganNames(message)];
    return r.success && issues.length === 0 ? { issues, message: r.data } : { issues, message: undefined };
  }
  const r = edocShapeSchema().safeParse(message);
  const issues = r.success ? [] : describeZodIssues(r.error.issues);
  issues.push(...missingOrganNames(message));
  const attachments: WritableEdocMessage['attachments'] = [];
  const given: unknown = (message as { attachments?: unknown } | undefined)?.attachments;
  if (Array.isArray(given)) {
    given.forEach((a: unknown, i) => {
      const isStream = a !== null && typeof a === 'object' && 'source' in a;
      const ar = isStream ? StreamAttachmentSchema.safeParse(a) : AttachmentSchema.safeParse(a);
      if (ar.success) attachments.push(ar.data as WritableEdocMessage['attachments'][number]);
      else issues.push(...describeZodIssues(ar.error.issues, ['attachments', i]));
    });
  }
  if (!r.success || issues.length > 0) return { issues, message: undefined };
  return { issues, message: { ...r.data, attachments } };
}

type Add = (code: string, path: string, message: string) => void;

let edocShape: ReturnType<typeof makeEdocShapeSchema> | undefined;
/** The edoc model with attachments checked one by one afterwards; built once (zod compiles each schema it is given). */
function edocShapeSchema(): ReturnType<typeof makeEdocShapeSchema> {
  return (edocShape ??= makeEdocShapeSchema());
}
function makeEdocShapeSchema() {
  return EdocMessageSchema.extend({ attachments: z.array(z.unknown()).default([]) });
}

function checkStatus(m: StatusMessage, add: Add): void {
  if (!isKnownStatusCode(m.statusCode)) {
    add('unknown_status_code', 'statusCode', `StatusCode ${JSON.stringify(m.statusCode)} is not in use; expected one of ${STATUS_CODE_ORDER.join(', ')}`);
  }
  if (m.statusCode === '02' && !m.description) {
    add('reason_required', 'description', 'Description is required for status 02 (refused): give the reason');
  }
  checkResponseForCode(m.responseFor.code, 'responseFor.code', add);
}

function checkEdoc(m: EdocMessage | WritableEdocMessage, now: Date, add: Add): void {
  const seen = new Map<string, number>();
  m.to.forEach((o, i) => {
    const first = seen.get(o.organId);
    if (first === undefined) seen.set(o.organId, i);
    else add('duplicate_recipient', `to.${i}.organId`, `To[${i + 1}] repeats OrganId ${o.organId} of To[${first + 1}]; each recipient once`);
  });
  const today = vietnamDate(now);
  if (m.promulgationInfo.promulgationDate > today) {
    add('date_in_future', 'promulgationInfo.promulgationDate', `PromulgationDate ${m.promulgationInfo.promulgationDate} is after today (${today}, Vietnam time)`);
  }
  for (const rule of NUMBER_RANGES) {
    const [path, value] = rule.select(m);
    if (value !== undefined && (value < rule.min || value > rule.max)) {
      add('out_of_range', path, `${rule.element} ${value} is outside ${rule.min}..${rule.max}`);
    }
  }
  m.responseFor.forEach((r, i) => checkResponseForCode(r.code, `responseFor.${i}.code`, add));
  const type = m.business?.businessDocType;
  if (type === 1 && m.responseFor.length === 0) {
    add('response_for_required', 'responseFor', 'ResponseFor is required for a revoke (BussinessDocType 1): name the revoked document');
  }
  if (type === 2 && !m.business?.documentId) {
    add('document_id_required', 'business.documentId', 'Bussiness/DocumentId is required for an update (BussinessDocType 2): the DocumentId of the updated document');
  }
  if (type === 3 && (m.business?.replacementInfo.length ?? 0) === 0) {
    add('replacement_info_required', 'business.replacementInfo', 'ReplacementInfoList/ReplacementInfo is required for a replacement (BussinessDocType 3): the replaced document and its recipients');
  }
  const ids = new Map<string, number>();
  m.attachments.forEach((a, i) => {
    const id = a.contentId.replace(/^cid:/i, '');
    const first = ids.get(id);
    if (first === undefined) ids.set(id, i);
    else add('duplicate_content_id', `attachments.${i}.contentId`, `Attachment[${i + 1}] repeats ContentId ${id} of Attachment[${first + 1}]`);
    if (id === '') add('empty', `attachments.${i}.contentId`, `Attachment[${i + 1}]/ContentId is empty after cid:`);
    if (!isStreamAttachment(a) && a.data.length === 0) add('empty_attachment', `attachments.${i}.data`, `Attachment[${i + 1}] (${a.name}) has no bytes`);
    const plain = sanitizeAttachmentName(a.name, '');
    if (plain !== a.name) {
      add('attachment_name', `attachments.${i}.name`, `Attachment[${i + 1}]/AttachmentName must be a plain file name (no folders, control characters, <>:"|?*, leading dots or trailing dots and spaces)${plain ? `, e.g. ${JSON.stringify(plain)}` : ''}`);
    }
  });
}

function checkResponseForCode(code: string, path: string, add: Add): void {
  if (!parseDocumentCode(code)) add('code_format', path, `${label(path)} ${JSON.stringify(code)} is not Number/Notation, e.g. 7816/VPCP-TTĐT`);
}

function organizations(m: Message): [string, Organization][] {
  if (m.kind === 'status') return [['from', m.from]];
  return [['from', m.from], ...m.to.map((o, i): [string, Organization] => [`to.${i}`, o])];
}

function edoc(m: Message, pick: (e: EdocMessage | WritableEdocMessage) => Found[]): Found[] {
  return m.kind === 'status' ? [] : pick(m);
}

function agencyIds(m: Message): [string, string][] {
  if (m.kind === 'status') return [['from.organId', m.from.organId], ['responseFor.organId', m.responseFor.organId]];
  const out: [string, string][] = organizations(m).map(([p, o]) => [`${p}.organId`, o.organId]);
  m.responseFor.forEach((r, i) => out.push([`responseFor.${i}.organId`, r.organId]));
  m.business?.businessDocumentInfo?.receivers.forEach((r, i) => out.push([`business.businessDocumentInfo.receivers.${i}.organId`, r.organId]));
  m.business?.replacementInfo.forEach((r, i) => r.organIds.forEach((id, j) => out.push([`business.replacementInfo.${i}.organIds.${j}`, id])));
  return out;
}

/** Calls `visit` with every string in `value` and its path (an array reused between calls). */
function forEachString(value: unknown, path: (string | number)[], visit: (value: string, path: readonly (string | number)[]) => void): void {
  if (typeof value === 'string') {
    visit(value, path);
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      forEachString(value[i], path, visit);
      path.pop();
    }
    return;
  }
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    path.push(k);
    forEachString((value as Record<string, unknown>)[k], path, visit);
    path.pop();
  }
}

/** Characters that may be forbidden: C0 controls but tab/LF/CR, any surrogate, U+FFFE/U+FFFF. */
const MAYBE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** The first code point XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF), or undefined. */
export function firstForbiddenCharacter(s: string): number | undefined {
  if (!MAYBE_FORBIDDEN.test(s)) return undefined; // the usual case, in one native pass
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
    if (c === 0xfffe || c === 0xffff) return c;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return c;
    } else if (c >= 0xdc00 && c <= 0xdfff) return c;
  }
  return undefined;
}

function label(path: string): string {
  return fieldName(path.split('.'));
}

/** The model lets a reader go without OrganName (some deliveries omit it); a writer must give it. */
function missingOrganNames(message: unknown): Issue[] {
  const m = message as { from?: unknown; to?: unknown } | undefined;
  const orgs: [string, unknown][] = [['from', m?.from]];
  if (Array.isArray(m?.to)) m.to.forEach((o: unknown, i) => orgs.push([`to.${i}`, o]));
  const out: Issue[] = [];
  for (const [path, o] of orgs) {
    if (o === null || typeof o !== 'object') continue;
    const name = (o as { organName?: unknown }).organName;
    if (name === undefined || name === '') out.push({ code: 'required', path: `${path}.organName`, message: `${label(`${path}.organName`)} is required` });
  }
  return out;
}
