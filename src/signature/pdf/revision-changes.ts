/**
 * What the revisions after a signature changed, object by object, compared with the revision
 * the signature covers: new signatures and validation data (allowed), form filling,
 * annotations (which can overlay content: the "hide" shadow attack), and content changes —
 * changed or new page content, pages, fonts, or any object that is not form, annotation,
 * signature or DSS data (the "replace" shadow attacks and plain incremental-update edits).
 * @internal
 * @module
 */
import { dictOf, PdfDict, PdfRef, PdfStream, sameValue, type PdfValue } from './pdf-object.js';
import { PdfDocument } from './pdf-document.js';
import { PdfParser } from './pdf-parser.js';
import { objectRoles, type ObjectRole } from './object-roles.js';
import { objectOffsets } from './xref-reader.js';

/** The kind of a change, from harmless to disqualifying. */
export type PdfChangeKind = 'metadata' | 'validation-data' | 'signature' | 'form-fill' | 'annotation' | 'content';

/** One object a later revision added, changed or removed. */
export interface PdfChange {
  /** Index of the revision that made the change (0 = the original file). */
  readonly revision: number;
  readonly object: number;
  readonly action: 'added' | 'changed' | 'removed';
  readonly kind: PdfChangeKind;
  /** What changed, in English (e.g. `page content changed`). */
  readonly description: string;
  /** The object was appended after the signed bytes without being in any cross-reference. */
  readonly unreferenced?: boolean;
}

const RANK: Readonly<Record<PdfChangeKind, number>> = { metadata: 0, 'validation-data': 1, signature: 2, 'form-fill': 3, annotation: 4, content: 5 };
const worst = (a: PdfChangeKind, b: PdfChangeKind): PdfChangeKind => (RANK[a] >= RANK[b] ? a : b);

type Verdict = { kind: PdfChangeKind; description: string } | undefined;

/**
 * The changes made after the first `signedEnd` bytes of the file (the end of a signature's
 * byte ranges), as objects differing from the revision those bytes hold.
 */
export function changesAfter(doc: PdfDocument, signedEnd: number): PdfChange[] {
  if (signedEnd >= doc.bytes.length) return [];
  let old: PdfDocument | undefined;
  try {
    old = doc.openPrefix(signedEnd);
  } catch {
    old = undefined;
  }
  const revisionOf = (offset: number) => {
    const r = doc.revisions.find((x) => x.end > offset);
    return r ? r.index : doc.revisions.length;
  };
  const touched = new Map<number, { revision: number; value: PdfValue | undefined; unreferenced?: true }>();
  for (const s of doc.sections) {
    if (s.offset < signedEnd) continue;
    for (const [num, e] of s.entries) {
      if (touched.has(num) || num === s.streamObject) continue;
      touched.set(num, { revision: revisionOf(s.offset), value: e.type === 'free' ? undefined : doc.object(num)?.value });
    }
  }
  // Objects appended without a cross-reference entry (found by their markers; only those not
  // already known are read).
  for (const [num, at] of objectOffsets(doc.bytes.subarray(signedEnd), doc.limits)) {
    if (touched.has(num)) continue;
    try {
      const value = new PdfParser(doc.bytes, signedEnd + at.offset, { limits: doc.limits }).indirectObject().value;
      touched.set(num, { revision: revisionOf(signedEnd + at.offset), value, ...(doc.sections.length > 0 ? { unreferenced: true as const } : {}) });
    } catch {
      touched.set(num, { revision: revisionOf(signedEnd + at.offset), value: undefined });
    }
  }
  const oldRoles = old ? objectRoles(old) : new Map<number, ObjectRole>();
  const newRoles = objectRoles(doc);
  const ctx: Context = { doc, old, oldRoles, newRoles };
  const out: PdfChange[] = [];
  for (const [num, t] of [...touched].sort((a, b) => a[0] - b[0])) {
    const before = old?.object(num)?.value;
    const now = t.value;
    if (before !== undefined && now !== undefined && sameValue(before, now)) continue;
    const type = dictOf(now)?.name('Type');
    if (now instanceof PdfStream && (type === 'XRef' || type === 'ObjStm')) continue;
    const action = before === undefined ? 'added' : now === undefined ? 'removed' : 'changed';
    const verdict = action === 'added' ? judgeAdded(ctx, num, now) : action === 'removed' ? judgeRemoved(ctx, num) : judgeChanged(ctx, num, before as PdfValue, now as PdfValue);
    if (!verdict) continue;
    out.push({ revision: t.revision, object: num, action, ...verdict, ...(t.unreferenced ? { unreferenced: true } : {}) });
  }
  if (!old) out.unshift({ revision: revisionOf(signedEnd), object: 0, action: 'changed', kind: 'content', description: 'the signed revision cannot be read as a PDF' });
  return out;
}

interface Context {
  readonly doc: PdfDocument;
  readonly old: PdfDocument | undefined;
  readonly oldRoles: ReadonlyMap<number, ObjectRole>;
  readonly newRoles: ReadonlyMap<number, ObjectRole>;
}

function judgeAdded(ctx: Context, num: number, now: PdfValue | undefined): Verdict {
  const role = ctx.newRoles.get(num);
  switch (role) {
    case 'sig-field':
    case 'sig-value':
      return { kind: 'signature', description: role === 'sig-field' ? 'signature field added' : 'signature added' };
    case 'dss':
      return { kind: 'validation-data', description: 'validation data (DSS) added' };
    case 'field':
    case 'widget':
      return { kind: 'annotation', description: 'form field added' };
    case 'annotation':
      return { kind: 'annotation', description: 'annotation added' };
    case 'page':
    case 'pages-node':
      return { kind: 'content', description: 'page added' };
    case 'content':
      return { kind: 'content', description: 'page content added' };
    case 'acroform':
      return diffAcroForm(ctx, undefined, dictOf(now));
    case 'catalog':
      return diffCatalog(ctx, ctx.old?.catalog, dictOf(now));
    case 'metadata':
    case 'info':
      return { kind: 'metadata', description: 'document information added' };
    case 'perms':
      return { kind: 'content', description: 'permissions (/Perms) added' };
    default:
      return undefined; // a new object nothing changed refers to, or an appearance/font used by a judged object
  }
}

function judgeRemoved(ctx: Context, num: number): Verdict {
  const role = ctx.oldRoles.get(num);
  if (role === 'annotation' || role === 'widget' || role === 'field' || role === 'appearance') return { kind: 'annotation', description: 'annotation or form field removed' };
  return { kind: 'content', description: `${role ?? 'object'} removed` };
}

function judgeChanged(ctx: Context, num: number, before: PdfValue, now: PdfValue): Verdict {
  const role = ctx.oldRoles.get(num);
  const b = dictOf(before);
  const n = dictOf(now);
  switch (role) {
    case 'catalog':
      return diffCatalog(ctx, b, n);
    case 'acroform':
      return diffAcroForm(ctx, b, n);
    case 'fields-array':
      return diffList(ctx, before, now, 'form fields');
    case 'annots-array':
      return diffList(ctx, before, now, 'annotations');
    case 'page': {
      const keys = differingKeys(b, n);
      if (keys.length > 0 && keys.every((k) => k === 'Annots')) return diffList(ctx, b?.get('Annots'), n?.get('Annots'), 'annotations');
      return { kind: 'content', description: `page changed (${keys.map((k) => `/${k}`).join(', ') || 'replaced'})` };
    }
    case 'sig-field': {
      const keys = differingKeys(b, n);
      if (b && n && b.has('V') && keys.includes('V')) return { kind: 'content', description: 'an existing signature was replaced' };
      if (keys.every((k) => ['V', 'AP', 'AS', 'F', 'Lock', 'SV'].includes(k))) return { kind: 'signature', description: 'signature field signed' };
      return { kind: 'annotation', description: `signature field changed (${keys.map((k) => `/${k}`).join(', ')})` };
    }
    case 'sig-value':
      return { kind: 'content', description: 'a signature dictionary was rewritten' };
    case 'field':
    case 'widget': {
      const keys = differingKeys(b, n);
      if (keys.every((k) => ['V', 'AS', 'AP'].includes(k))) return { kind: 'form-fill', description: 'form field filled in' };
      return { kind: 'annotation', description: `form field changed (${keys.map((k) => `/${k}`).join(', ')})` };
    }
    case 'annotation':
      return { kind: 'annotation', description: 'annotation changed' };
    case 'appearance':
      return { kind: 'annotation', description: 'appearance of an annotation or field changed' };
    case 'dss':
      return { kind: 'validation-data', description: 'validation data (DSS) updated' };
    case 'metadata':
    case 'info':
      return { kind: 'metadata', description: 'document information changed' };
    case 'content':
      return { kind: 'content', description: 'page content changed' };
    case 'pages-node':
      return { kind: 'content', description: 'page tree changed' };
    default:
      return { kind: 'content', description: `${role ?? 'object'} ${num} changed` };
  }
}

function differingKeys(a: PdfDict | undefined, b: PdfDict | undefined): string[] {
  const keys = new Set([...(a?.entries.keys() ?? []), ...(b?.entries.keys() ?? [])]);
  return [...keys].filter((k) => !sameValue(a?.get(k), b?.get(k)));
}

/** Catalog: only /AcroForm, /DSS, /Extensions (and /Metadata) may change after signing. */
function diffCatalog(ctx: Context, b: PdfDict | undefined, n: PdfDict | undefined): Verdict {
  const keys = differingKeys(b, n);
  const other = keys.filter((k) => !['AcroForm', 'DSS', 'Extensions', 'Metadata'].includes(k));
  if (other.length > 0) return { kind: 'content', description: `catalog changed (${other.map((k) => `/${k}`).join(', ')})` };
  let kind: PdfChangeKind = keys.includes('Metadata') ? 'metadata' : 'validation-data';
  let description = 'catalog updated';
  if (keys.includes('AcroForm')) {
    const af = diffAcroForm(ctx, ctx.old?.dict(b?.get('AcroForm')), ctx.doc.dict(n?.get('AcroForm')));
    if (af) {
      kind = worst(kind, af.kind);
      description = `catalog updated: ${af.description}`;
    } else kind = worst(kind, 'signature');
  }
  return { kind, description };
}

/** AcroForm: /Fields may grow (judged by what is added), /SigFlags, /DR, /DA, /NeedAppearances may change. */
function diffAcroForm(ctx: Context, b: PdfDict | undefined, n: PdfDict | undefined): Verdict {
  const keys = differingKeys(b, n);
  const other = keys.filter((k) => !['Fields', 'SigFlags', 'DR', 'DA', 'NeedAppearances'].includes(k));
  if (other.length > 0) return { kind: 'content', description: `form changed (${other.map((k) => `/${k}`).join(', ')})` };
  if (keys.includes('Fields')) return diffList(ctx, b?.get('Fields'), n?.get('Fields'), 'form fields');
  return { kind: 'signature', description: 'form settings updated' };
}

/** A list of fields or annotations: removals and non-signature additions are annotation changes. */
function diffList(ctx: Context, before: PdfValue | undefined, now: PdfValue | undefined, what: string): Verdict {
  const oldList = ctx.old ? ctx.old.resolve(before) : before;
  const newList = ctx.doc.resolve(now);
  const nums = (v: PdfValue | undefined) => new Set((Array.isArray(v) ? v : []).filter((x): x is PdfRef => x instanceof PdfRef).map((x) => x.num));
  const was = nums(oldList);
  const is = nums(newList);
  const removed = [...was].filter((x) => !is.has(x));
  const added = [...is].filter((x) => !was.has(x));
  if (removed.length > 0) return { kind: 'annotation', description: `${what} removed` };
  const nonSignature = added.filter((x) => ctx.newRoles.get(x) !== 'sig-field');
  if (nonSignature.length > 0) return { kind: 'annotation', description: `${what} added` };
  if (added.length === 0 && Array.isArray(newList) && newList.some((x) => !(x instanceof PdfRef))) return { kind: 'annotation', description: `${what} changed` };
  return { kind: 'signature', description: `signature ${what === 'annotations' ? 'widget' : 'field'} added` };
}
