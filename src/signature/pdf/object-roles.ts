/**
 * What each indirect object of a PDF is for, found by walking the document from the catalog:
 * page tree, page content, annotations and their appearances, form fields, signature fields
 * and values, DSS validation data, metadata. Used to judge what a later revision changed.
 * @internal
 * @module
 */
import { PdfDict, PdfRef, type PdfValue } from './pdf-object.js';
import type { PdfDocument } from './pdf-document.js';

/** The part an object plays in the document. */
export type ObjectRole =
  | 'catalog'
  | 'pages-node'
  | 'page'
  | 'content'
  | 'annots-array'
  | 'acroform'
  | 'fields-array'
  | 'field'
  | 'widget'
  | 'sig-field'
  | 'sig-value'
  | 'annotation'
  | 'appearance'
  | 'dss'
  | 'metadata'
  | 'perms'
  | 'info';

/** When one object plays several parts (a merged field and widget), the most specific counts. */
const PRIORITY: Readonly<Record<ObjectRole, number>> = {
  catalog: 100, 'pages-node': 90, page: 90, 'sig-value': 85, 'sig-field': 80, acroform: 75, 'fields-array': 70, 'annots-array': 70,
  field: 60, widget: 55, annotation: 50, perms: 45, dss: 40, content: 35, appearance: 30, metadata: 20, info: 10,
};

const MAX_VISITS = 200_000;

/** The role of every object reachable through the structures signature checking cares about. */
export function objectRoles(doc: PdfDocument): Map<number, ObjectRole> {
  const roles = new Map<number, ObjectRole>();
  let visits = 0;
  const mark = (v: PdfValue | undefined, role: ObjectRole): boolean => {
    if (!(v instanceof PdfRef) || ++visits > MAX_VISITS) return false;
    const had = roles.get(v.num);
    if (had && PRIORITY[had] >= PRIORITY[role]) return false;
    roles.set(v.num, role);
    return true;
  };
  const list = (v: PdfValue | undefined, arrayRole?: ObjectRole): PdfValue[] => {
    if (arrayRole) mark(v, arrayRole);
    const r = doc.resolve(v);
    return Array.isArray(r) ? r : [];
  };

  const catalog = doc.catalog;
  mark(doc.trailer.get('Root'), 'catalog');
  mark(doc.trailer.get('Info'), 'info');
  if (!catalog) return roles;
  mark(catalog.get('Metadata'), 'metadata');
  mark(catalog.get('Perms'), 'perms');

  // Page tree, page contents, annotations.
  const walkPages = (node: PdfValue | undefined, depth: number): void => {
    const d = doc.dict(node);
    if (!d || depth > 64 || visits > MAX_VISITS) return;
    if (d.name('Type') === 'Pages' || (d.has('Kids') && d.name('Type') !== 'Page')) {
      if (node instanceof PdfRef && roles.get(node.num) === 'pages-node') return;
      mark(node, 'pages-node');
      for (const kid of list(d.get('Kids'), 'pages-node')) walkPages(kid, depth + 1);
      return;
    }
    mark(node, 'page');
    const contents = d.get('Contents');
    mark(contents, 'content');
    for (const c of list(contents)) mark(c, 'content');
    mark(d.get('Resources'), 'content');
    for (const a of list(d.get('Annots'), 'annots-array')) markAnnotation(a);
  };
  const markAnnotation = (a: PdfValue): void => {
    const d = doc.dict(a);
    if (!d) return;
    if (d.name('Subtype') === 'Widget') mark(a, isSignatureWidget(doc, d) ? 'sig-field' : 'widget');
    else mark(a, 'annotation');
    mark(d.get('Popup'), 'annotation');
    const ap = doc.dict(d.get('AP'));
    for (const key of ['N', 'R', 'D']) {
      const face = ap?.get(key);
      if (face instanceof PdfRef) mark(face, 'appearance');
      const states = face instanceof PdfDict ? face : undefined;
      for (const s of states?.entries.values() ?? []) mark(s, 'appearance');
    }
  };
  walkPages(catalog.get('Pages'), 0);

  // Form fields.
  const acroForm = catalog.get('AcroForm');
  mark(acroForm, 'acroform');
  const seenFields = new Set<number>();
  const walkField = (f: PdfValue, inheritedFt: string | undefined, depth: number): void => {
    const d = doc.dict(f);
    if (!d || depth > 32 || visits > MAX_VISITS) return;
    if (f instanceof PdfRef) {
      if (seenFields.has(f.num)) return;
      seenFields.add(f.num);
    }
    const ft = d.name('FT') ?? inheritedFt;
    mark(f, ft === 'Sig' ? 'sig-field' : 'field');
    if (ft === 'Sig') mark(d.get('V'), 'sig-value');
    for (const k of list(d.get('Kids'))) walkField(k, ft, depth + 1);
  };
  for (const f of list(doc.dict(acroForm)?.get('Fields'), 'fields-array')) walkField(f, undefined, 0);

  // Validation data (PAdES DSS).
  const dssRef = catalog.get('DSS');
  mark(dssRef, 'dss');
  const dss = doc.dict(dssRef);
  for (const key of ['Certs', 'CRLs', 'OCSPs']) for (const x of list(dss?.get(key), 'dss')) mark(x, 'dss');
  const vri = doc.dict(dss?.get('VRI'));
  mark(dss?.get('VRI'), 'dss');
  for (const entry of vri?.entries.values() ?? []) {
    mark(entry, 'dss');
    const e = doc.dict(entry);
    for (const key of ['Cert', 'CRL', 'OCSP']) for (const x of list(e?.get(key), 'dss')) mark(x, 'dss');
  }
  return roles;
}

/** A widget of a signature field (its own `/FT /Sig`, or its parent's). */
function isSignatureWidget(doc: PdfDocument, widget: PdfDict): boolean {
  let d: PdfDict | undefined = widget;
  for (let i = 0; d && i < 32; i++) {
    const ft = d.name('FT');
    if (ft) return ft === 'Sig';
    d = doc.dict(d.get('Parent'));
  }
  return false;
}
