/**
 * `vdxp verify`: checks the signatures of an edXML package (its XML Signature and the legal
 * signatures inside every PDF attachment) or of a bare PDF, and says whether to act on it.
 * Each checked object is one entry of the result.
 * @internal
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IoError, isVdxpError, TrustAnchorError, VdxpError } from '../../errors.js';
import { parseEdxml } from '../../edxml/parse.js';
import { pdfReason } from '../../signature/pdf/pdf-reasons.js';
import type { PdfVerificationReport } from '../../signature/pdf/pdf-report.js';
import { verifyPdf } from '../../signature/pdf/verify-pdf.js';
import type { Verdict, VerificationPolicy } from '../../signature/report.js';
import { TrustStore } from '../../signature/trust-store.js';
import { verifyEdxml, type EdxmlSignatureReport } from '../../signature/xmldsig/verify.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printError, printJson } from '../output.js';
import { renderVerifyResult } from '../verify-output.js';
import { readInput } from '../read-input.js';

const HELP = `Usage: vdxp verify FILE [--trust DIR] [--anchor CA.pem ...] [--crl FILE ...] [--online] [--json]

Verifies the signatures of an edXML package: the package's XML Signature (whole package
covered, digest, signature value, signer's certificate chain, revocation at the time used)
and the signatures inside every PDF attachment (byte ranges, CMS, timestamp, chain and
revocation at the timestamp's time, role person/organisation, changes after signing).
FILE may also be a bare PDF (told by its content).

Options:
  --trust DIR           trust the CA certificates in DIR (*.pem, *.crt, *.cer, *.der);
                        each must match a built-in pin (VGCA roots and sub-CAs)
  --anchor FILE         trust this CA certificate explicitly (test PKI, private CA); repeatable
  --intermediate FILE   make a CA certificate available to chain building; repeatable
  --crl FILE            use this CRL for revocation (DER or PEM); repeatable
  --online              allow fetching CRLs, OCSP answers and CA certificates
  --at TIME             judge validity at this ISO 8601 time (default: now)
  --revocation POLICY   hard-fail, soft-fail (default) or off
  --no-sha1             refuse SHA-1 instead of accepting it as legacy
  --role KEY=ROLE       override a PDF signer's role (person or organization); KEY is a
                        signature field name or the certificate's SHA-256; repeatable
  --json                print the full result (reasons and warnings included) as JSON

The verdict is the worst of all entries. A PDF is valid when every signature in it is;
whether it carries both the person's and the organisation's signature (Nghị định 30/2020
Art. 5) is shown as "legally complete" and in --json, without changing the exit code.

Exit codes: 0 valid, 1 invalid, 3 indeterminate (no signature, untrusted CA, no
revocation answer under hard-fail…), 2 unreadable package or bad usage.

Examples:
  vdxp verify cv-7816.edxml --trust ./vgca
  vdxp verify test.edxml --anchor test-root.pem --crl test.crl --json
  vdxp verify quyet-dinh.pdf --trust ./vgca --role Signature2=organization
`;

/** One object checked: the package's XML Signature, or one PDF (attachment or bare file). */
export type VerifyEntry =
  | {
      readonly kind: 'edxml';
      /** `package`. */
      readonly target: string;
      readonly report: EdxmlSignatureReport;
    }
  | {
      readonly kind: 'pdf';
      /** The attachment's name, or the file's name for a bare PDF. */
      readonly target: string;
      readonly report: PdfVerificationReport;
    };

/** The result `vdxp verify --json` prints. */
export interface VerifyResult {
  readonly file: string;
  readonly verdict: Verdict;
  readonly entries: readonly VerifyEntry[];
}

/** The worst verdict: invalid, then indeterminate, then valid. */
function worst(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('invalid')) return 'invalid';
  if (verdicts.includes('indeterminate')) return 'indeterminate';
  return 'valid';
}

async function trustStoreFrom(io: CliIo, v: Record<string, string | string[] | boolean | undefined>): Promise<TrustStore> {
  const trust = TrustStore.create({ allowNetwork: v.online === true, ocsp: v.online === true });
  if (typeof v.trust === 'string') {
    const dir = resolve(io.cwd, v.trust);
    let names: string[];
    try {
      if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
      names = (await readdir(dir)).filter((n) => /\.(pem|crt|cer|der)$/i.test(n)).sort();
    } catch (cause) {
      throw new IoError(dir, `cannot read the trust folder ${v.trust}`, { cause });
    }
    for (const n of names) {
      try {
        trust.addTrustFile(await readInput(io, join(dir, n), 'CA file'));
      } catch (e) {
        if (e instanceof TrustAnchorError) throw new TrustAnchorError(e.fingerprint, `${join(v.trust, n)}: ${e.message}`, { cause: e });
        throw e;
      }
    }
  }
  for (const f of (v.anchor as string[] | undefined) ?? []) trust.addCustomAnchor(pemOrDer(await readInput(io, f, 'anchor file')));
  for (const f of (v.intermediate as string[] | undefined) ?? []) trust.addIntermediate(pemOrDer(await readInput(io, f, 'certificate file')));
  for (const f of (v.crl as string[] | undefined) ?? []) trust.addCrl(pemOrDer(await readInput(io, f, 'CRL file')));
  return trust;
}

function pemOrDer(b: Buffer): Uint8Array | string {
  return b[0] === 0x30 ? new Uint8Array(b) : b.toString('latin1');
}

export const verifyCommand: CliCommand = {
  path: ['verify'],
  summary: 'Verify the signatures of an edXML package',
  help: HELP,
  async run(argv, io) {
    let args;
    try {
      args = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          trust: { type: 'string' },
          anchor: { type: 'string', multiple: true },
          intermediate: { type: 'string', multiple: true },
          crl: { type: 'string', multiple: true },
          online: { type: 'boolean', default: false },
          at: { type: 'string' },
          revocation: { type: 'string' },
          'no-sha1': { type: 'boolean', default: false },
          role: { type: 'string', multiple: true },
          json: { type: 'boolean', default: false },
        },
      });
    } catch (e) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', (e as Error).message), 'run vdxp verify --help');
    }
    const v = args.values;
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) return printError(io, new VdxpError('VDXP_CLI_USAGE', 'expected one FILE'), 'run vdxp verify --help');
    const at = v.at === undefined ? undefined : new Date(v.at);
    if (at && Number.isNaN(at.getTime())) return printError(io, new VdxpError('VDXP_CLI_USAGE', `--at ${v.at} is not an ISO 8601 time`));
    if (v.revocation !== undefined && !['hard-fail', 'soft-fail', 'off'].includes(v.revocation)) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', '--revocation must be hard-fail, soft-fail or off'));
    }
    const policy: VerificationPolicy = {
      ...(v.revocation ? { revocation: v.revocation as 'hard-fail' | 'soft-fail' | 'off' } : {}),
      ...(v['no-sha1'] ? { allowLegacySha1: false } : {}),
    };
    const roles: Record<string, 'person' | 'organization'> = {};
    for (const r of v.role ?? []) {
      const m = /^(.+)=(person|organization)$/.exec(r);
      if (!m) return printError(io, new VdxpError('VDXP_CLI_USAGE', `--role ${r}: expected KEY=person or KEY=organization`));
      roles[m[1] as string] = m[2] as 'person' | 'organization';
    }
    const trust = await trustStoreFrom(io, v);
    const bytes = await readInput(io, file, 'file');

    const options = { trust, policy, signal: io.stopSignal, ...(at ? { at } : {}) };
    const pdfOptions = { ...options, ...(Object.keys(roles).length > 0 ? { roles } : {}) };
    const entries: VerifyEntry[] = [];
    if (isPdf(bytes)) {
      entries.push({ kind: 'pdf', target: basename(file), report: await verifyPdf(bytes, pdfOptions) });
    } else {
      entries.push({ kind: 'edxml', target: 'package', report: await verifyEdxml(bytes, options) });
      entries.push(...(await verifyAttachments(bytes, pdfOptions)));
    }
    const result: VerifyResult = { file, verdict: worst(entries.map((e) => e.report.verdict)), entries };

    if (v.json) printJson(io, result);
    else io.stdout.write(renderVerifyResult(result));
    return result.verdict === 'valid' ? EXIT.ok : result.verdict === 'invalid' ? EXIT.invalid : EXIT.indeterminate;
  },
};

/** True when the bytes are a PDF (`%PDF-` in the first 1024 bytes). */
function isPdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes('%PDF-', 0, 'latin1');
}

/** Every PDF attachment of a package (by content, or declared PDF), verified; an unreadable one is an invalid entry. */
async function verifyAttachments(bytes: Uint8Array, options: Parameters<typeof verifyPdf>[1]): Promise<VerifyEntry[]> {
  const message = parseEdxml(bytes);
  if (message.kind !== 'edoc') return [];
  const out: VerifyEntry[] = [];
  for (const a of message.attachments) {
    const declared = /pdf/i.test(a.contentType) || /\.pdf$/i.test(a.name);
    if (!isPdf(a.data) && !declared) continue;
    try {
      out.push({ kind: 'pdf', target: a.name, report: await verifyPdf(a.data, options) });
    } catch (e) {
      options.signal?.throwIfAborted();
      if (!isVdxpError(e)) throw e;
      out.push({ kind: 'pdf', target: a.name, report: unreadablePdf(`${e.code}: ${e.message}`) });
    }
  }
  return out;
}

function unreadablePdf(detail: string): PdfVerificationReport {
  return {
    verdict: 'invalid',
    reasons: [pdfReason('PDF_UNREADABLE', { detail })],
    signatures: [],
    emptySignatureFields: [],
    revisions: 0,
    hasValidPersonSignature: false,
    hasValidOrganizationSignature: false,
    legallyComplete: false,
    wholeFileCovered: false,
    changesAfterSigning: [],
    xrefReconstructed: false,
  };
}
