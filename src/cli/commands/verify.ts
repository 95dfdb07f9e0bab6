/**
 * `vdxp verify`: checks the signatures of an edXML package and says whether to act on it.
 * Today the package's XML Signature; each kind of signature is one entry of the result, so
 * the signatures of attached PDFs are added as more entries.
 * @internal
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IoError, TrustAnchorError, VdxpError } from '../../errors.js';
import type { Reason, SignatureReport, Verdict, VerificationPolicy } from '../../signature/report.js';
import { TrustStore } from '../../signature/trust-store.js';
import { verifyEdxml, type EdxmlSignatureReport } from '../../signature/xmldsig/verify.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printError, printJson, table } from '../output.js';

const HELP = `Usage: vdxp verify FILE [--trust DIR] [--anchor CA.pem ...] [--crl FILE ...] [--online] [--json]

Verifies the signatures of an edXML package: the package's XML Signature (whole package
covered, digest, signature value, signer's certificate chain, revocation at the time used).

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
  --json                print the full result (reasons and warnings included) as JSON

Exit codes: 0 valid, 1 invalid, 3 indeterminate (no signature, untrusted CA, no
revocation answer under hard-fail…), 2 unreadable package or bad usage.

Examples:
  vdxp verify cv-7816.edxml --trust ./vgca
  vdxp verify test.edxml --anchor test-root.pem --crl test.crl --json
`;

/** One signature checked in the package. */
export interface VerifyEntry {
  /** `edxml`: the package's XML Signature. */
  readonly kind: 'edxml';
  /** What was checked, for people: `package`, later an attachment name. */
  readonly target: string;
  readonly report: SignatureReport;
}

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

async function readInput(io: CliIo, path: string, what: string): Promise<Buffer> {
  const full = resolve(io.cwd, path);
  try {
    return await readFile(full);
  } catch (cause) {
    throw new IoError(full, `cannot read the ${what} ${path}`, { cause });
  }
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
    const trust = await trustStoreFrom(io, v);
    const bytes = await readInput(io, file, 'package');

    const options = { trust, policy, signal: io.stopSignal, ...(at ? { at } : {}) };
    const entries: VerifyEntry[] = [{ kind: 'edxml', target: 'package', report: await verifyEdxml(bytes, options) }];
    const result: VerifyResult = { file, verdict: worst(entries.map((e) => e.report.verdict)), entries };

    if (v.json) printJson(io, result);
    else io.stdout.write(render(result));
    return result.verdict === 'valid' ? EXIT.ok : result.verdict === 'invalid' ? EXIT.invalid : EXIT.indeterminate;
  },
};

const VERDICT_TEXT: Record<Verdict, string> = {
  valid: 'VALID (hợp lệ)',
  invalid: 'INVALID (không hợp lệ)',
  indeterminate: 'INDETERMINATE (chưa xác định)',
};

function render(result: VerifyResult): string {
  const rows = result.entries.map((e) => {
    const r = e.report as EdxmlSignatureReport;
    const signer = r.signer ? (r.signer.commonName ?? r.signer.subject) : r.present === false ? '(unsigned)' : '-';
    const issuer = r.issuer ? (r.issuer.commonName ?? r.issuer.subject) : '-';
    const alg = r.algorithms ? shortAlgorithm(r.algorithms.signature) : '-';
    return [e.target, e.report.verdict, signer, issuer, alg, r.timeUsed ? `${r.timeUsed} (${r.timeSource})` : '-'];
  });
  const lines = [`${result.file}: ${VERDICT_TEXT[result.verdict]}`, '', table(['signature', 'verdict', 'signer', 'issuer', 'algorithm', 'time used'], rows)];
  for (const e of result.entries) {
    const reasons: readonly Reason[] = e.report.reasons;
    if (reasons.length === 0) continue;
    lines.push(`${e.target}:`);
    for (const r of reasons) lines.push(`  [${r.severity}] ${r.code}: ${r.messageVi}`, `      ${r.message}`);
  }
  return lines.join('\n').replace(/\n*$/, '\n');
}

function shortAlgorithm(uri: string): string {
  const i = uri.lastIndexOf('#');
  return i >= 0 ? uri.slice(i + 1) : uri;
}
