/**
 * Finds the signature fields of a PDF (AcroForm `/Fields`, through `/Kids` and indirect
 * references, `/FT` inherited) and reads their signature dictionaries: `/ByteRange`,
 * `/Contents` (with where it lies in the file), `/SubFilter`, `/M`, `/Reason`, `/Location`,
 * `/Name`, `/ContactInfo`, and the DocMDP transform of a certification signature.
 * @internal
 * @module
 */
import { PdfDict, PdfRef, PdfString, type PdfValue } from './pdf-object.js';
import type { PdfDocument } from './pdf-document.js';
import { decodePdfText } from './pdf-text.js';

/** A signature field as found. */
export interface SignatureField {
  /** Fully qualified name (`/T` of the field and its ancestors joined with dots). */
  readonly name: string;
  readonly fieldRef?: PdfRef;
  /** The `/V` entry: a reference, a direct dictionary, or absent for an empty field. */
  readonly value?: PdfValue;
}

/** What the walk found: signature fields and problems met on the way. */
export interface FieldSearch {
  readonly fields: readonly SignatureField[];
  /** Problems with the form structure (loops, depth, dangling references), for the report. */
  readonly problems: readonly string[];
}

const MAX_FIELDS = 10_000;
const MAX_DEPTH = 32;

/** Walks the AcroForm fields and returns the signature fields in document order. */
export function findSignatureFields(doc: PdfDocument): FieldSearch {
  const fields: SignatureField[] = [];
  const problems: string[] = [];
  const acroForm = doc.dict(doc.catalog?.get('AcroForm'));
  const roots = doc.resolve(acroForm?.get('Fields'));
  if (!Array.isArray(roots)) return { fields, problems };
  const seen = new Set<number>();
  let visited = 0;
  const walk = (item: PdfValue, parentName: string, inheritedFt: string | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) {
      problems.push(`form fields nested deeper than ${MAX_DEPTH}`);
      return;
    }
    if (++visited > MAX_FIELDS) {
      if (visited === MAX_FIELDS + 1) problems.push(`more than ${MAX_FIELDS} form fields`);
      return;
    }
    if (item instanceof PdfRef) {
      if (seen.has(item.num)) {
        problems.push(`form field ${item.key} is reached twice (a loop)`);
        return;
      }
      seen.add(item.num);
    }
    const field = doc.dict(item);
    if (!field) {
      if (item instanceof PdfRef) problems.push(`form field ${item.key} points nowhere`);
      return;
    }
    const t = field.get('T');
    const partial = t instanceof PdfString ? decodePdfText(t.bytes) : undefined;
    const name = partial === undefined ? parentName : parentName ? `${parentName}.${partial}` : partial;
    const ft = field.name('FT') ?? inheritedFt;
    const kids = doc.resolve(field.get('Kids'));
    const fieldKids = Array.isArray(kids) ? kids.filter((k) => doc.dict(k)?.has('T')) : [];
    if (fieldKids.length > 0) {
      for (const k of fieldKids) walk(k, name, ft, depth + 1);
      return;
    }
    if (ft !== 'Sig') return;
    fields.push({
      name: name || `(unnamed ${item instanceof PdfRef ? item.key : 'field'})`,
      ...(item instanceof PdfRef ? { fieldRef: item } : {}),
      ...(field.has('V') ? { value: field.get('V') as PdfValue } : {}),
    });
  };
  for (const r of roots) walk(r, '', undefined, 0);
  return { fields, problems };
}

/** A signature dictionary as read (nothing checked yet). */
export interface SignatureDictionary {
  readonly dict: PdfDict;
  /** `Sig`, `DocTimeStamp`, or what the dictionary says. */
  readonly type?: string;
  readonly filter?: string;
  readonly subFilter?: string;
  /** The raw `/ByteRange` entries (numbers are checked later). */
  readonly byteRange?: readonly PdfValue[];
  readonly contents?: PdfString;
  /** `/Contents` offsets are file offsets (false when the dictionary sits in an object stream). */
  readonly inFile: boolean;
  readonly signingDate?: string;
  readonly reason?: string;
  readonly location?: string;
  readonly name?: string;
  readonly contactInfo?: string;
  /** The DocMDP permissions of a certification signature (1, 2 or 3). */
  readonly docMdp?: number;
}

/** Reads the signature dictionary of a field; undefined when `/V` points nowhere or is not a dictionary. */
export function readSignatureDictionary(doc: PdfDocument, field: SignatureField): SignatureDictionary | undefined {
  const v = field.value;
  let dict: PdfDict | undefined;
  let inFile: boolean;
  if (v instanceof PdfRef) {
    const obj = doc.object(v.num);
    dict = obj?.value instanceof PdfDict ? obj.value : undefined;
    inFile = obj?.inObjectStream === undefined;
  } else {
    dict = v instanceof PdfDict ? v : undefined;
    inFile = field.fieldRef ? doc.object(field.fieldRef.num)?.inObjectStream === undefined : false;
  }
  if (!dict) return undefined;
  const text = (key: string) => {
    const s = doc.resolve(dict.get(key));
    return s instanceof PdfString ? decodePdfText(s.bytes) : undefined;
  };
  const br = dict.get('ByteRange');
  const contents = dict.get('Contents');
  const docMdp = docMdpOf(doc, dict);
  const out: SignatureDictionary = {
    dict,
    inFile,
    ...(dict.name('Type') ? { type: dict.name('Type') } : {}),
    ...(dict.name('Filter') ? { filter: dict.name('Filter') } : {}),
    ...(dict.name('SubFilter') ? { subFilter: dict.name('SubFilter') } : {}),
    ...(Array.isArray(br) ? { byteRange: br } : {}),
    ...(contents instanceof PdfString ? { contents } : {}),
    ...optional('signingDate', text('M')),
    ...optional('reason', text('Reason')),
    ...optional('location', text('Location')),
    ...optional('name', text('Name')),
    ...optional('contactInfo', text('ContactInfo')),
    ...(docMdp === undefined ? {} : { docMdp }),
  };
  return out;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** The `/P` of a DocMDP signature reference (default 2), or undefined when the signature has none. */
function docMdpOf(doc: PdfDocument, sig: PdfDict): number | undefined {
  const refs = doc.resolve(sig.get('Reference'));
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs.slice(0, 16)) {
    const ref = doc.dict(r);
    if (ref?.name('TransformMethod') !== 'DocMDP') continue;
    const p = doc.dict(ref.get('TransformParams'))?.get('P');
    return typeof p === 'number' && [1, 2, 3].includes(p) ? p : 2;
  }
  return undefined;
}

/** The signature dictionary the catalog's `/Perms /DocMDP` names, as a reference when indirect. */
export function permsDocMdp(doc: PdfDocument): PdfValue | undefined {
  const perms = doc.dict(doc.catalog?.get('Perms'));
  return perms?.get('DocMDP');
}

/** True when two values designate the same indirect object. */
export function sameRef(a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  return a instanceof PdfRef && b instanceof PdfRef && a.num === b.num;
}
