/**
 * Verifies one signature field of a PDF: the signature dictionary and its byte ranges, the
 * CMS (or a document timestamp), the embedded RFC 3161 timestamp, the time that counts, the
 * signer's chain and revocation through the trust store, the signer's role, and the changes
 * made after it.
 * @internal
 * @module
 */
import * as asn1js from 'asn1js';
import { summarizeCertificate } from '../certificate.js';
import { verdictOf, type Reason, type ResolvedVerificationPolicy } from '../report.js';
import { verifyTimestampToken, type TimestampReport } from '../timestamp.js';
import type { TrustStore } from '../trust-store.js';
import { checkPdfCms, type CmsSubFilter, type PdfCmsCheck } from './pdf-cms.js';
import type { PdfDocument } from './pdf-document.js';
import { pdfReason } from './pdf-reasons.js';
import type { PdfSignatureReport, ResolvedVerifyPdfOptions } from './pdf-report.js';
import { parsePdfDate } from './pdf-text.js';
import type { PdfChange } from './revision-changes.js';
import { readSignatureDictionary, type SignatureDictionary, type SignatureField } from './signature-fields.js';
import { signerRoleOf } from './signer-role.js';

/** What every field's check shares. */
export interface FieldContext {
  readonly doc: PdfDocument;
  readonly options: ResolvedVerifyPdfOptions;
  readonly policy: ResolvedVerificationPolicy;
  /** Changes after a given end of signed bytes (computed once per end). */
  readonly changesAfter: (signedEnd: number) => PdfChange[];
}

const CMS_SUBFILTERS: readonly string[] = ['adbe.pkcs7.detached', 'ETSI.CAdES.detached', 'adbe.pkcs7.sha1'];
const HOUR = 3_600_000;
const SKEW_TOLERANCE_MS = 10 * 60_000;

/** The signature field's report before the document-wide DocMDP judgement. */
export interface FieldOutcome {
  readonly report: PdfSignatureReport;
  /** End of the signed bytes, when the ranges were valid. */
  readonly signedEnd?: number;
  readonly docMdp?: number;
}

/** Checks one field. Problems become reasons; only an abort throws. */
export async function verifySignatureField(ctx: FieldContext, field: SignatureField): Promise<FieldOutcome> {
  const { doc, options } = ctx;
  const bytes = doc.bytes;
  const dict = readSignatureDictionary(doc, field);
  const at = options.at ?? new Date();
  const fallbackTime = { timeUsed: at.toISOString(), timeSource: options.at ? ('given' as const) : ('now' as const) };
  const bare = (reasons: Reason[], extra: Partial<PdfSignatureReport> = {}): PdfSignatureReport => ({
    verdict: verdictOf(reasons), reasons, field: field.name, kind: 'signature', coversWholeFile: false, changesAfter: [], certificates: [], ...fallbackTime, ...extra,
  });
  if (!dict) return { report: bare([pdfReason('SIGNATURE_DICTIONARY_MISSING')]) };
  const info = describe(dict);
  const ranges = checkByteRange(dict, bytes.length, options.maxContentsBytes);
  if ('problem' in ranges) return { report: bare([ranges.problem], info) };
  const [, b, c, d] = ranges.byteRange;
  const signedEnd = c + d;
  const signed = [bytes.subarray(0, b), bytes.subarray(c, signedEnd)];
  const contents = (dict.contents as NonNullable<SignatureDictionary['contents']>).bytes;
  const reasons: Reason[] = [];
  const coverage = coverageOf(doc, signedEnd, reasons);
  const common = { ...info, ...coverage, byteRange: ranges.byteRange };
  const isDocTimestamp = dict.type === 'DocTimeStamp' || dict.subFilter === 'ETSI.RFC3161';
  if (isDocTimestamp) return { report: await documentTimestamp(ctx, field.name, contents, signed, reasons, common), signedEnd };
  if (!CMS_SUBFILTERS.includes(dict.subFilter ?? '')) {
    return { report: bare([...reasons, pdfReason('SUBFILTER_UNSUPPORTED', { detail: dict.subFilter ?? '(none)' })], common), signedEnd };
  }
  if (dict.subFilter === 'adbe.pkcs7.sha1') reasons.push(pdfReason('SUBFILTER_LEGACY'));
  options.signal?.throwIfAborted();

  const cms = checkPdfCms({ der: contents, ranges: signed, subFilter: dict.subFilter as CmsSubFilter, policy: ctx.policy });
  reasons.push(...cms.reasons);
  const certificates = cms.certificates.map((x) => summarizeCertificate(x));
  const cmsFacts = {
    certificates,
    ...(cms.digestValid === undefined ? {} : { digestValid: cms.digestValid }),
    ...(cms.signatureValid === undefined ? {} : { cmsSignatureValid: cms.signatureValid }),
    ...(cms.signingTime ? { claimedSigningTime: cms.signingTime.toISOString() } : {}),
    ...(cms.digest ? { algorithms: { digest: cms.digest, signature: cms.signatureAlgorithm ?? '' } } : {}),
  };

  // The timestamp, then the time that counts.
  let ts: TimestampReport | undefined;
  if (cms.timestampToken && cms.signatureValue) {
    ts = await checkTimestamp(ctx, cms.timestampToken, cms.signatureValue, reasons);
  }
  const time = timeUsed(cms, ts, dict, options, reasons);
  const changes = coverage.coversWholeFile ? [] : ctx.changesAfter(signedEnd);
  const tsFacts = ts
    ? { timestamp: { time: ts.time.toISOString(), verdict: ts.verdict, imprintAlgorithm: ts.imprintAlgorithm, ...(ts.tsa ? { tsa: ts.tsa } : {}) } }
    : {};
  if (!cms.signer) {
    return { report: { ...bare(reasons, { ...common, ...cmsFacts, ...tsFacts, ...time }), changesAfter: changes }, signedEnd, ...mdp(dict) };
  }

  const chain = await options.trust.checkCertificate(cms.signer, {
    at: new Date(time.timeUsed),
    extraCertificates: cms.certificates.filter((x) => x !== cms.signer),
    usage: 'signing',
    policy: ctx.policy,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  reasons.push(...chain.reasons);
  const signer = chain.chain[0] ?? summarizeCertificate(cms.signer);
  const revocation = chain.revocation.find((r) => r.certificate === signer.sha256);
  const override = options.roles?.[signer.sha256] ?? options.roles?.[field.name];
  const decided = override ? { role: override, basis: 'override' as const } : signerRoleOf(cms.signer.pkijs.subject);
  const report: PdfSignatureReport = {
    verdict: verdictOf(reasons),
    reasons,
    field: field.name,
    kind: 'signature',
    ...common,
    ...cmsFacts,
    ...tsFacts,
    ...time,
    signer,
    ...(chain.chain[1] ? { issuer: chain.chain[1] } : {}),
    ...(revocation ? { revocation } : {}),
    chain,
    role: decided.role,
    roleBasis: decided.basis,
    changesAfter: changes,
  };
  return { report, signedEnd, ...mdp(dict) };
}

function mdp(dict: SignatureDictionary): { docMdp?: number } {
  return dict.docMdp === undefined ? {} : { docMdp: dict.docMdp };
}

/** The texts of the signature dictionary for the report. */
function describe(dict: SignatureDictionary): Partial<PdfSignatureReport> {
  const m = dict.signingDate ? parsePdfDate(dict.signingDate) : undefined;
  return {
    ...(dict.subFilter ? { subFilter: dict.subFilter } : {}),
    ...(m ? { signingDate: m.date.toISOString() } : {}),
    ...(dict.reason !== undefined ? { reason: dict.reason } : {}),
    ...(dict.location !== undefined ? { location: dict.location } : {}),
    ...(dict.name !== undefined ? { name: dict.name } : {}),
    ...(dict.contactInfo !== undefined ? { contactInfo: dict.contactInfo } : {}),
    ...(dict.docMdp ? { certification: { permissions: dict.docMdp as 1 | 2 | 3 } } : {}),
  };
}

/** `/ByteRange` must be `[0 a b c]` around exactly the `/Contents` hex string, inside the file. */
function checkByteRange(dict: SignatureDictionary, fileLength: number, maxContents: number): { byteRange: [number, number, number, number] } | { problem: Reason } {
  const bad = (detail: string) => ({ problem: pdfReason('BYTE_RANGE_INVALID', { detail }) });
  const br = dict.byteRange;
  if (!br || br.length !== 4 || !br.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) return bad('/ByteRange is not four non-negative integers');
  const [a, b, c, d] = br as [number, number, number, number];
  if (a !== 0) return bad('the first range does not start at 0');
  if (b <= 0 || c <= b) return bad('the ranges overlap or are empty');
  if (c + d > fileLength) return bad('the ranges reach past the end of the file');
  const contents = dict.contents;
  if (!contents || !contents.hex) return { problem: pdfReason('SIGNATURE_DICTIONARY_MALFORMED', { detail: '/Contents is not a hex string' }) };
  if (contents.bytes.length > maxContents || c - b > 2 * maxContents + 2) return { problem: pdfReason('CONTENTS_TOO_LARGE', { detail: `${contents.bytes.length} bytes, at most ${maxContents}` }) };
  if (!dict.inFile) return bad('the signature dictionary is inside an object stream');
  if (contents.start !== b || contents.end !== c) return bad('the gap between the ranges is not exactly the signature value');
  return { byteRange: [a, b, c, d] };
}

function coverageOf(doc: PdfDocument, signedEnd: number, reasons: Reason[]): { coversWholeFile: boolean; revision?: number } {
  const rest = doc.bytes.subarray(signedEnd);
  const coversWholeFile = rest.length <= 4 && rest.every((x) => x === 0x0a || x === 0x0d || x === 0x20 || x === 0x00);
  const rev = doc.revisions.find((r) => Math.abs(r.end - signedEnd) <= 2);
  if (!rev) reasons.push(pdfReason('BYTE_RANGE_NOT_AT_REVISION_END'));
  if (!coversWholeFile) reasons.push(pdfReason('PARTIAL_COVERAGE'));
  return { coversWholeFile, ...(rev ? { revision: rev.index } : {}) };
}

/** Timestamp reasons: forgery signs stay errors; trust problems of the TSA become warnings (the time then is a claim). */
async function checkTimestamp(ctx: FieldContext, token: Uint8Array, signatureValue: Uint8Array, reasons: Reason[]): Promise<TimestampReport | undefined> {
  let ts: TimestampReport;
  try {
    ts = await verifyTimestampToken(token, {
      trust: ctx.options.trust,
      data: signatureValue,
      ...(ctx.options.policy ? { policy: ctx.options.policy } : {}),
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    });
  } catch {
    ctx.options.signal?.throwIfAborted();
    reasons.push(prefixed({ ...pdfReason('CMS_MALFORMED', { detail: 'the timestamp token cannot be read' }), severity: 'warning' }));
    return undefined;
  }
  const forgery = new Set(['TIMESTAMP_SIGNATURE_INVALID', 'TIMESTAMP_IMPRINT_MISMATCH', 'TIMESTAMP_CERT_MISMATCH']);
  for (const r of ts.reasons) {
    const severity = forgery.has(r.code) || r.severity === 'warning' || r.severity === 'info' ? r.severity : 'warning';
    reasons.push(prefixed({ ...r, severity }));
  }
  return ts;
}

const prefixed = (r: Reason): Reason => ({ ...r, message: `Timestamp: ${r.message}`, messageVi: `Dấu thời gian: ${r.messageVi}` });

/** Timestamp time when it holds; else the claimed signingTime (or /M) flagged as a claim; else `at`. */
function timeUsed(cms: PdfCmsCheck, ts: TimestampReport | undefined, dict: SignatureDictionary, options: ResolvedVerifyPdfOptions, reasons: Reason[]) {
  const m = dict.signingDate ? parsePdfDate(dict.signingDate) : undefined;
  const claimed = cms.signingTime ?? m?.date;
  const hours = (ms: number) => `${(ms / HOUR).toFixed(2)} h`;
  if (ts && ts.verdict === 'valid') {
    if (cms.signingTime) {
      const diff = cms.signingTime.getTime() - ts.time.getTime();
      if (Math.abs(diff - 7 * HOUR) <= SKEW_TOLERANCE_MS) reasons.push(pdfReason('SIGNING_TIME_SKEW_7H', { detail: `signingTime ${cms.signingTime.toISOString()}, timestamp ${ts.time.toISOString()}` }));
      else if (Math.abs(diff) > HOUR) reasons.push(pdfReason('SIGNING_TIME_MISMATCH', { detail: hours(diff) }));
    }
    return { timeUsed: ts.time.toISOString(), timeSource: 'timestamp' as const };
  }
  if (cms.signingTime && m?.explicitZone && Math.abs(cms.signingTime.getTime() - m.date.getTime() - 7 * HOUR) <= SKEW_TOLERANCE_MS) {
    reasons.push(pdfReason('SIGNING_TIME_SKEW_7H', { detail: `signingTime ${cms.signingTime.toISOString()}, /M ${m.date.toISOString()}` }));
  }
  if (claimed) {
    reasons.push(pdfReason('TIME_CLAIMED'));
    return { timeUsed: claimed.toISOString(), timeSource: 'claimed' as const };
  }
  reasons.push(pdfReason('TIME_NOT_GIVEN'));
  const at = options.at ?? new Date();
  return { timeUsed: at.toISOString(), timeSource: options.at ? ('given' as const) : ('now' as const) };
}

/** An `ETSI.RFC3161` document timestamp: the token's imprint covers the byte ranges. */
async function documentTimestamp(ctx: FieldContext, name: string, contents: Uint8Array, signed: Uint8Array[], reasons: Reason[], common: Partial<PdfSignatureReport>): Promise<PdfSignatureReport> {
  const parsed = asn1js.fromBER(contents);
  const token = parsed.offset > 0 ? contents.subarray(0, parsed.offset) : contents;
  const base = { field: name, kind: 'document-timestamp' as const, coversWholeFile: false, changesAfter: [], certificates: [], ...common };
  let ts: TimestampReport;
  try {
    ts = await verifyTimestampToken(token, {
      trust: ctx.options.trust,
      data: new Uint8Array(Buffer.concat(signed)),
      ...(ctx.options.policy ? { policy: ctx.options.policy } : {}),
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    });
  } catch {
    ctx.options.signal?.throwIfAborted();
    const all = [...reasons, pdfReason('CMS_MALFORMED', { detail: 'the document timestamp cannot be read' })];
    return { ...base, verdict: verdictOf(all), reasons: all };
  }
  const all = [...reasons, ...ts.reasons];
  const signedEnd = (common.byteRange?.[2] ?? 0) + (common.byteRange?.[3] ?? 0);
  const changes = common.coversWholeFile ? [] : ctx.changesAfter(signedEnd);
  return {
    ...base,
    verdict: verdictOf(all),
    reasons: all,
    digestValid: !ts.reasons.some((r) => r.code === 'TIMESTAMP_IMPRINT_MISMATCH'),
    timestamp: { time: ts.time.toISOString(), verdict: ts.verdict, imprintAlgorithm: ts.imprintAlgorithm, ...(ts.tsa ? { tsa: ts.tsa } : {}) },
    timeUsed: ts.time.toISOString(),
    timeSource: 'timestamp',
    ...(ts.tsa ? { signer: ts.tsa } : {}),
    ...(ts.chain ? { chain: ts.chain } : {}),
    changesAfter: changes,
  };
}
