import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PdfDocument } from '../../src/signature/pdf/pdf-document.js';
import { PdfDict, PdfRef, type PdfValue } from '../../src/signature/pdf/pdf-object.js';
import { writeSection, type ObjectToWrite } from '../../src/signature/pdf/pdf-writer.js';
import { findStartXref } from '../../src/signature/pdf/xref-reader.js';
import { TrustStore } from '../../src/signature/trust-store.js';
import type { TestPki } from '../../src/testing/test-pki.js';

/** A trust store for a test PKI: root anchored, sub-CA known, both CRLs offline. */
export function trustFor(pki: TestPki): TrustStore {
  return TrustStore.create({
    customAnchors: [pki.root.certificate],
    intermediates: [pki.subCa.certificate],
    crls: [pki.crl(), pki.rootCrl()],
  });
}

/**
 * Appends an incremental update (objects as given, in the file's cross-reference form) — the
 * way an editor, or an attacker, changes a signed PDF.
 */
export function appendUpdate(pdf: Uint8Array, build: (doc: PdfDocument, next: () => PdfRef) => ObjectToWrite[]): Uint8Array {
  const doc = PdfDocument.open(pdf);
  let n = doc.size;
  const objects = build(doc, () => new PdfRef(n++, 0));
  const t = doc.trailer;
  const trailer = new PdfDict(new Map<string, PdfValue>([['Root', t.get('Root') as PdfValue], ['Prev', findStartXref(pdf) as number]]));
  const body = writeSection({ baseLength: pdf.length, objects, form: doc.sections[0]!.form, trailer, nextObject: n });
  return new Uint8Array(Buffer.concat([pdf, body]));
}

/** Bytes as Latin-1 text (offsets preserved). */
export const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Throws (never skips) when pdfsig, certutil or pk12util is missing: `.ci/run` installs them. */
export function requirePdfTools(): void {
  for (const cmd of ['pdfsig', 'certutil', 'pk12util', 'openssl']) {
    const r = spawnSync('sh', ['-c', `command -v ${cmd}`]);
    if (r.status !== 0) throw new Error(`${cmd} is required by these tests (poppler-utils, libnss3-tools, openssl: .ci/run installs them)`);
  }
}

/** DejaVu Sans from Debian's fonts-dejavu-core: a TrueType font covering Vietnamese. */
export const DEJAVU_SANS = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** DejaVu Sans's bytes; throws (never skips) when it is missing: `.ci/run` installs it. */
export function dejaVuSans(): Buffer {
  if (!existsSync(DEJAVU_SANS)) throw new Error(`${DEJAVU_SANS} is required by these tests (fonts-dejavu-core: .ci/run installs it)`);
  return readFileSync(DEJAVU_SANS);
}

/** Runs a poppler tool (pdfsig, pdffonts, pdftotext, pdftoppm…): its exit code and output (stdout then stderr). */
export function poppler(cmd: string, args: string[], cwd?: string): { status: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A fresh NSS database with the test root trusted (and the sub-CA known), in a temporary folder. */
export function nssDatabase(pki: TestPki): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vdxp-nss-'));
  const db = `sql:${join(dir, 'nss')}`;
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  mkdirSync(join(dir, 'nss'));
  writeFileSync(join(dir, 'root.pem'), pki.root.certificatePem);
  writeFileSync(join(dir, 'sub.pem'), pki.subCa.certificatePem);
  run('certutil', ['-N', '-d', db, '--empty-password']);
  run('certutil', ['-A', '-d', db, '-n', 'test-root', '-t', 'CT,C,C', '-i', 'root.pem']);
  run('certutil', ['-A', '-d', db, '-n', 'test-sub', '-t', ',,', '-i', 'sub.pem']);
  return { dir, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Imports a key and certificate into an NSS database as PKCS#12 (openssl makes it, pk12util imports it). */
export function importSigner(nss: { dir: string; db: string }, nick: string, keyPem: string, certPem: string): void {
  writeFileSync(join(nss.dir, `${nick}.key`), keyPem);
  writeFileSync(join(nss.dir, `${nick}.pem`), certPem);
  const p12 = spawnSync('openssl', ['pkcs12', '-export', '-inkey', `${nick}.key`, '-in', `${nick}.pem`, '-name', nick, '-passout', 'pass:', '-out', `${nick}.p12`], { cwd: nss.dir, encoding: 'utf8' });
  if (p12.status !== 0) throw new Error(`openssl pkcs12 failed: ${p12.stderr}`);
  const imp = spawnSync('pk12util', ['-i', `${nick}.p12`, '-d', nss.db, '-W', ''], { cwd: nss.dir, encoding: 'utf8' });
  if (imp.status !== 0) throw new Error(`pk12util failed: ${imp.stderr}`);
}

/** Runs pdfsig; returns its exit status and output (never throws on a non-zero exit). */
export function pdfsig(args: string[], cwd?: string): { status: number; out: string } {
  return poppler('pdfsig', args, cwd);
}
