/**
 * Turns zod issues about a model into {@link Issue}s whose messages name the field the way an
 * edXML reader knows it (`To[2]/OrganId is required`), with the model path kept in `path`.
 * @internal
 * @module
 */
import { issuesFromZod, type Issue } from '../errors.js';

/** Model key → edXML element (path) where the names differ by more than the first letter. */
const ELEMENT_NAMES: Readonly<Record<string, string>> = {
  business: 'Bussiness',
  businessDocType: 'BussinessDocType',
  businessDocReason: 'BussinessDocReason',
  businessDocumentInfo: 'BussinessDocumentInfo',
  traceHeaders: 'TraceHeader',
  attachments: 'Attachment',
  toPlaces: 'ToPlaces/Place',
  appendixes: 'Appendixes/Appendix',
  receivers: 'ReceiverList/Receiver',
  replacementInfo: 'ReplacementInfoList/ReplacementInfo',
  organIds: 'OrganIdList/OrganId',
  name: 'AttachmentName',
  data: 'data (the file bytes)',
  source: 'source',
  kind: 'kind',
};

/**
 * The edXML name of a model path: `['to', 1, 'organId']` → `To[2]/OrganId` (positions are
 * 1-based as in XPath).
 */
export function fieldName(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(String(segment))) {
      out += `[${Number(String(segment)) + 1}]`;
      continue;
    }
    const key = String(segment);
    const element = ELEMENT_NAMES[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
    out += (out ? '/' : '') + element;
  }
  return out || 'the message';
}

interface ZodIssueLike {
  readonly code: string;
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly expected?: unknown;
  readonly origin?: unknown;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly keys?: readonly string[];
  readonly values?: readonly unknown[];
  readonly errors?: ReadonlyArray<ReadonlyArray<ZodIssueLike>>;
}

/**
 * Translates zod issues into clear messages naming the field, keeping the first problem
 * of each field. `prefix` is prepended to every
 * path (used when a part of a model is checked on its own, e.g. one attachment).
 */
export function describeZodIssues(zodIssues: ReadonlyArray<ZodIssueLike>, prefix: ReadonlyArray<PropertyKey> = []): Issue[] {
  const base = issuesFromZod(zodIssues.map((i) => ({ ...i, path: [...prefix, ...i.path] })));
  const out: Issue[] = [];
  const seen = new Set<string>();
  zodIssues.forEach((issue, n) => {
    const path = base[n]!.path;
    if (seen.has(path)) return; // one problem per field: a failed format also fails later checks
    seen.add(path);
    const { code, text } = wording(issue);
    out.push({ code, path, message: `${fieldName([...prefix, ...issue.path])} ${text}` });
  });
  return out;
}

function wording(issue: ZodIssueLike): { code: string; text: string } {
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return { code: 'required', text: 'is required' };
      return { code: 'invalid_type', text: `must be ${typeWord(issue.expected)}` };
    case 'too_small':
      return { code: issue.origin === 'string' && issue.minimum === 1 ? 'empty' : 'too_small', text: bound('least', issue.origin, issue.minimum) };
    case 'too_big':
      return { code: 'too_big', text: bound('most', issue.origin, issue.maximum) };
    case 'unrecognized_keys':
      return { code: 'unknown_field', text: `has unknown field(s): ${(issue.keys ?? []).join(', ')}` };
    case 'invalid_value':
      return { code: 'invalid_value', text: `must be one of ${(issue.values ?? []).map(show).join(', ')}` };
    case 'invalid_union': {
      const values = (issue.errors ?? []).flat().flatMap((e) => (e.code === 'invalid_value' ? (e.values ?? []) : []));
      if (values.length > 0) return { code: 'invalid_value', text: `must be one of ${values.map(show).join(', ')}` };
      return { code: 'invalid_value', text: 'has an unexpected shape' };
    }
    case 'invalid_format':
    case 'custom':
      return { code: issue.code === 'custom' ? 'invalid_value' : 'invalid_format', text: `is invalid: ${issue.message}` };
    default:
      return { code: issue.code, text: `is invalid: ${issue.message}` };
  }
}

function typeWord(expected: unknown): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'int':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    case 'Uint8Array':
      return 'bytes (a Uint8Array)';
    default:
      return String(expected);
  }
}

function bound(side: 'least' | 'most', origin: unknown, limit: unknown): string {
  if (origin === 'string') return limit === 1 && side === 'least' ? 'must not be empty' : `must have at ${side} ${String(limit)} characters`;
  if (origin === 'array') return `needs at ${side} ${String(limit)} ${limit === 1 ? 'entry' : 'entries'}`;
  return `must be at ${side} ${String(limit)}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
