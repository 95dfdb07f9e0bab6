/**
 * The objects of the incremental update that adds a signature: the signature dictionary with
 * a `/Contents` placeholder and a fixed-width `/ByteRange`, the field and its widget on page 1
 * (or an existing empty signature field), the appearance stream, the page's `/Annots`, the
 * AcroForm (`/Fields`, `/SigFlags 3`, created when absent) and, for a certification
 * signature, the catalog's `/Perms`.
 * @internal
 * @module
 */
import { PdfError, SignatureError } from '../../errors.js';
import { NAME_OIDS, nameAttribute } from '../distinguished-name.js';
import { certificateFromDer, toCertificateDer } from '../certificate.js';
import { layOutAppearance } from './appearance.js';
import { embeddedFontObjects } from './embedded-font.js';
import { PdfDict, PdfRef, PdfString, type PdfValue } from './pdf-object.js';
import type { PdfDocument } from './pdf-document.js';
import { pdfDict, pdfName, pdfString, serializeName, serializeValue } from './pdf-serializer.js';
import { decodePdfText, encodePdfText, formatPdfDate } from './pdf-text.js';
import type { ObjectToWrite } from './pdf-writer.js';
import type { ResolvedPreparePdfSignatureOptions } from './prepare-options.js';
import { findSignatureFields, type SignatureField } from './signature-fields.js';
import { signerRoleOf } from './signer-role.js';

/** The fixed-width `/ByteRange` written before layout; filled in place afterwards. */
export const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 0000000000 0000000000 0000000000]';

/** The update's objects, signature dictionary first. */
export interface SignatureUpdate {
  readonly objects: ObjectToWrite[];
  readonly field: string;
  readonly nextObject: number;
}

const text = (s: string) => pdfString(encodePdfText(s));

/**
 * Builds the objects of the update.
 * @throws {PdfError} VDXP_PDF_MALFORMED without a page; VDXP_PDF_UNSUPPORTED when the named field is not a signature field
 * @throws {SignatureError} VDXP_SIGNATURE_EXISTS when the named field is signed; VDXP_SIGNATURE_POLICY for a late certification or a P=1 document
 */
export function buildSignatureUpdate(doc: PdfDocument, o: ResolvedPreparePdfSignatureOptions, signingTime: Date): SignatureUpdate {
  const catalog = doc.catalog;
  const rootRef = doc.trailer.get('Root');
  const page = doc.firstPage();
  if (!catalog || !(rootRef instanceof PdfRef) || !page) throw new PdfError('VDXP_PDF_MALFORMED', 'the PDF has no catalog or no page to sign');
  const search = findSignatureFields(doc);
  const signed = search.fields.filter((f) => f.value !== undefined && f.value !== null);
  const certify = o.certify === true ? 2 : o.certify === false ? undefined : o.certify;
  if (certify !== undefined && signed.length > 0) {
    throw new SignatureError('VDXP_SIGNATURE_POLICY', 'a certification signature (DocMDP) must be the first signature of the document');
  }
  if (lockedByDocMdp(doc, signed)) throw new SignatureError('VDXP_SIGNATURE_POLICY', 'the document is certified with DocMDP P=1: no change, not even a signature, is permitted');
  const taken = new Set([...search.fields.map((f) => f.name), ...topLevelNames(doc)]);
  let name = o.field;
  if (!name) for (let n = signed.length + 1; !name || taken.has(name); n++) name = `Signature${n}`;
  const existing = search.fields.find((f) => f.name === name);
  if (existing && existing.value !== undefined && existing.value !== null) throw new SignatureError('VDXP_SIGNATURE_EXISTS', `the signature field ${name} is already signed`);
  if (!existing && taken.has(name)) throw new PdfError('VDXP_PDF_UNSUPPORTED', `a form field named ${name} exists and is not a signature field`);
  if (existing && !existing.fieldRef) throw new PdfError('VDXP_PDF_UNSUPPORTED', `the signature field ${name} is not an indirect object`);

  const cert = o.certificate ? certificateFromDer(toCertificateDer(o.certificate)) : undefined;
  const cn = cert ? nameAttribute(cert.pkijs.subject, NAME_OIDS.CN) : undefined;
  let next = doc.size;
  const sigRef = new PdfRef(next++, 0);
  const objects: ObjectToWrite[] = [{ ref: sigRef, value: { raw: sigDictionary(o, signingTime, cn, certify) } }];

  // Appearance.
  const widgetDict = existing ? doc.dict(existing.fieldRef) : undefined;
  const isWidget = !existing || widgetDict?.name('Subtype') === 'Widget';
  let ap: PdfValue | undefined;
  let rect: PdfValue = [0, 0, 0, 0];
  let tooltip = `Chữ ký số: ${o.name ?? cn ?? name}`;
  if (o.appearance && isWidget) {
    const existingRect = widgetDict?.get('Rect');
    const fixed = Array.isArray(existingRect) && existingRect.length === 4 && existingRect.every((x) => typeof x === 'number') ? (existingRect as [number, number, number, number]) : undefined;
    const laid = layOutAppearance({ ...defaultsFrom(o.appearance, cert), ...(fixed ? { rect: fixed } : {}) }, signingTime, mediaBox(doc, page.dict));
    const apRef = new PdfRef(next++, 0);
    let font: PdfValue = pdfDict({ Type: pdfName('Font'), Subtype: pdfName('Type1'), BaseFont: pdfName('Helvetica'), Encoding: pdfName('WinAnsiEncoding') });
    const fontObjects: ObjectToWrite[] = [];
    if (laid.embedded) {
      const embedded = embeddedFontObjects(laid.embedded, next);
      font = embedded.font;
      fontObjects.push(...embedded.objects);
      next = embedded.next;
    }
    const dict = pdfDict({
      Type: pdfName('XObject'), Subtype: pdfName('Form'), BBox: [0, 0, laid.width, laid.height], Resources: pdfDict({ Font: pdfDict({ F1: font }) }),
    });
    objects.push({ ref: apRef, value: { dict, data: laid.content } }, ...fontObjects);
    ap = pdfDict({ N: apRef });
    rect = [...laid.rect];
    tooltip = laid.lines.join('\n');
  }

  // The field: an existing empty one, or a new field merged with its widget on page 1.
  let fieldRef: PdfRef;
  if (existing) {
    fieldRef = existing.fieldRef as PdfRef;
    const d = doc.dict(fieldRef) as PdfDict;
    objects.push({ ref: fieldRef, value: d.with({ V: sigRef, ...(ap ? { AP: ap } : {}) }) });
  } else {
    fieldRef = new PdfRef(next++, 0);
    objects.push({
      ref: fieldRef,
      value: pdfDict({
        Type: pdfName('Annot'), Subtype: pdfName('Widget'), FT: pdfName('Sig'), T: text(name), V: sigRef, F: 132, P: page.ref, Rect: rect, AP: ap, TU: text(tooltip),
      }),
    });
    const annots = page.dict.get('Annots');
    const list = doc.resolve(annots);
    const withWidget = [...(Array.isArray(list) ? list : []), fieldRef];
    if (annots instanceof PdfRef && Array.isArray(list)) objects.push({ ref: annots, value: withWidget });
    else objects.push({ ref: page.ref, value: page.dict.with({ Annots: withWidget }) });
  }

  // AcroForm and catalog.
  const afValue = catalog.get('AcroForm');
  const withField = (af: PdfDict | undefined): PdfDict => {
    if (existing) return (af ?? new PdfDict()).with({ SigFlags: 3 });
    const fields = doc.resolve(af?.get('Fields'));
    return (af ?? new PdfDict()).with({ Fields: [...(Array.isArray(fields) ? fields : []), fieldRef], SigFlags: 3 });
  };
  const catalogChanges: Record<string, PdfValue> = {};
  if (afValue instanceof PdfRef && doc.dict(afValue)) objects.push({ ref: afValue, value: withField(doc.dict(afValue)) });
  else if (afValue instanceof PdfDict) catalogChanges.AcroForm = withField(afValue);
  else {
    const afRef = new PdfRef(next++, 0);
    objects.push({ ref: afRef, value: withField(undefined) });
    catalogChanges.AcroForm = afRef;
  }
  if (certify !== undefined) catalogChanges.Perms = (doc.dict(catalog.get('Perms')) ?? new PdfDict()).with({ DocMDP: sigRef });
  if (Object.keys(catalogChanges).length > 0) objects.push({ ref: rootRef, value: catalog.with(catalogChanges) });
  return { objects, field: name, nextObject: next };
}

/** The signature dictionary, with the placeholders, as PDF syntax. */
function sigDictionary(o: ResolvedPreparePdfSignatureOptions, signingTime: Date, cn: string | undefined, certify: number | undefined): Uint8Array {
  const parts = [
    '<</Type /Sig /Filter /Adobe.PPKLite',
    `/SubFilter ${serializeName(o.subFilter)}`,
    BYTE_RANGE_PLACEHOLDER,
    `/Contents <${'0'.repeat(o.placeholderSize * 2)}>`,
    `/M ${serializeValue(pdfString(formatPdfDate(signingTime)))}`,
  ];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined) parts.push(`/${key} ${serializeValue(text(value))}`);
  };
  add('Name', o.name ?? cn);
  add('Reason', o.reason);
  add('Location', o.location);
  add('ContactInfo', o.contactInfo);
  parts.push('/Prop_Build <</App <</Name /vdxp-connector>>>>');
  if (certify !== undefined) {
    parts.push(`/Reference [<</Type /SigRef /TransformMethod /DocMDP /TransformParams <</Type /TransformParams /P ${certify} /V /1.2>>>>]`);
  }
  return new Uint8Array(Buffer.from(`${parts.join(' ')}>>`, 'latin1'));
}

/** Appearance texts not given, from the certificate: CN, O (CN of an organisation), title. */
function defaultsFrom(a: NonNullable<ResolvedPreparePdfSignatureOptions['appearance']>, cert: ReturnType<typeof certificateFromDer> | undefined) {
  if (!cert) return a;
  const subject = cert.pkijs.subject;
  const cn = nameAttribute(subject, NAME_OIDS.CN);
  const org = signerRoleOf(subject).role === 'organization' ? (cn ?? nameAttribute(subject, NAME_OIDS.O)) : nameAttribute(subject, NAME_OIDS.O);
  const title = nameAttribute(subject, NAME_OIDS.title);
  return { ...a, signer: a.signer ?? cn, organization: a.organization ?? org, position: a.position ?? title };
}

/** The page's MediaBox (inherited through /Parent), A4 when absent or malformed. */
function mediaBox(doc: PdfDocument, page: PdfDict): [number, number, number, number] {
  let d: PdfDict | undefined = page;
  for (let i = 0; d && i < 32; i++) {
    const box = doc.resolve(d.get('MediaBox'));
    if (Array.isArray(box) && box.length === 4 && box.every((x) => typeof x === 'number')) return box as [number, number, number, number];
    d = doc.dict(d.get('Parent'));
  }
  return [0, 0, 595, 842];
}

/** Names of the top-level form fields (any type). */
function topLevelNames(doc: PdfDocument): string[] {
  const fields = doc.resolve(doc.dict(doc.catalog?.get('AcroForm'))?.get('Fields'));
  if (!Array.isArray(fields)) return [];
  return fields.slice(0, 10_000).flatMap((f) => {
    const t = doc.dict(f)?.get('T');
    return t instanceof PdfString ? [decodePdfText(t.bytes)] : [];
  });
}

/** True when a signed field certifies the document with P=1. */
function lockedByDocMdp(doc: PdfDocument, signed: readonly SignatureField[]): boolean {
  for (const f of signed) {
    const sig = doc.dict(f.value);
    const refs = doc.resolve(sig?.get('Reference'));
    if (!Array.isArray(refs)) continue;
    for (const r of refs) {
      const d = doc.dict(r);
      if (d?.name('TransformMethod') === 'DocMDP' && doc.dict(d.get('TransformParams'))?.get('P') === 1) return true;
    }
  }
  return false;
}
