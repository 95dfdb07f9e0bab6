/**
 * `vdxp sign`: signs an edXML package with an XML Signature (enveloped, exclusive c14n,
 * rsa-sha256 by default), or a PDF (told by its content) with a PDF signature as an
 * incremental update, writing the result to a new file.
 * @internal
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IoError, VdxpError } from '../../errors.js';
import { summarizeCertificate, toCertificateDer } from '../../signature/certificate.js';
import { signPdf } from '../../signature/pdf/sign-pdf.js';
import type { SignPdfOptions } from '../../signature/pdf/sign-pdf-options.js';
import { signEdxml } from '../../signature/xmldsig/sign.js';
import { defaultMethodFor } from '../../signature/xmldsig/signature-methods.js';
import type { SignEdxmlOptions } from '../../signature/xmldsig/sign-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, printError, printJson } from '../output.js';
import { readInput } from '../read-input.js';

const HELP = `Usage: vdxp sign FILE --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] -o OUT [options]

Signs an edXML package: an enveloped XML Signature inside edXMLHeader, right after
TraceHeaderList, covering the whole package (Reference URI="", exclusive c14n, SHA-256),
with the certificate and its chain in KeyInfo. The package is not re-serialized: the
Signature is spliced in and attachments stay byte for byte.

Signs a PDF (FILE starting with %PDF-): a signature field with an adbe.pkcs7.detached
(or, with --cades, ETSI.CAdES.detached) CMS, added as an incremental update so that
earlier signatures stay valid (the person signs first, then the organisation).

Options:
  --key FILE            private key (PEM; PKCS#8 or traditional)
  --passphrase-env VAR  read the key's passphrase from environment variable VAR
  --cert FILE           signer's certificate (PEM or DER)
  --chain FILE          CA certificates to include after the signer's (PEM bundle)
  -o, --output FILE     where to write the signed package (never FILE itself)
  --algorithm NAME      rsa-sha256 (default for RSA), rsa-sha384, rsa-sha512,
                        rsa-pss-sha256|384|512, ecdsa-sha256|384|512 (default by curve)
  --c14n MODE           exclusive (default) or inclusive
  --replace             replace an existing XML signature
  --json                print the result as JSON

PDF options:
  --cades               ETSI.CAdES.detached (PAdES) instead of adbe.pkcs7.detached
  --reason TEXT         /Reason (e.g. "Ký ban hành")
  --location TEXT       /Location
  --field NAME          signature field name (default Signature<n>; an empty field of
                        that name is signed)
  --appearance PRESET   visible block (Nghị định 30/2020): person (Người ký, Cơ quan,
                        Chức vụ, Thời gian ký; bottom right of page 1) or organization
                        (top right of page 1); invisible by default
  --font FILE.ttf       TrueType font to draw the block in Vietnamese (e.g. DejaVuSans.ttf,
                        NotoSans-Regular.ttf), embedded as a subset of the glyphs used;
                        without it the block is drawn in Helvetica, transliterated to ASCII
  --position TEXT       Chức vụ in the block (default: the certificate's title)
  --document-code CODE  number and notation in the organization block (e.g. 12/QĐ-BTN)
  --certify             certification signature (DocMDP P=2); only the first signature

SHA-1 and RSA keys below 2048 bits are refused for new signatures.

Exit codes: 0 signed, 2 error (unreadable package, key or certificate; already signed).

Example:
  vdxp sign cv-7816.edxml --key clerk.key.pem --cert clerk.cert.pem --chain vgca.pem -o cv-7816.signed.edxml
  vdxp sign qd-12.pdf --key director.key.pem --cert director.pem --appearance person \
    --font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf -o qd-12.signed.pdf
  vdxp sign qd-12.signed.pdf --key org.key.pem --cert org.pem --cades --appearance organization -o qd-12.final.pdf
`;

export const signCommand: CliCommand = {
  path: ['sign'],
  summary: 'Sign an edXML package (XML Signature) or a PDF (PDF signature)',
  help: HELP,
  async run(argv, io) {
    let args;
    try {
      args = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          key: { type: 'string' },
          'passphrase-env': { type: 'string' },
          cert: { type: 'string' },
          chain: { type: 'string' },
          output: { type: 'string', short: 'o' },
          algorithm: { type: 'string' },
          c14n: { type: 'string' },
          replace: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
          cades: { type: 'boolean', default: false },
          reason: { type: 'string' },
          location: { type: 'string' },
          field: { type: 'string' },
          appearance: { type: 'string' },
          font: { type: 'string' },
          position: { type: 'string' },
          'document-code': { type: 'string' },
          certify: { type: 'boolean', default: false },
        },
      });
    } catch (e) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', (e as Error).message), 'run vdxp sign --help');
    }
    const v = args.values;
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1 || !v.key || !v.cert || !v.output) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', 'expected FILE, --key, --cert and -o OUT'), 'run vdxp sign --help');
    }
    if (resolve(io.cwd, v.output) === resolve(io.cwd, file)) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', 'the output must be a different file than the input'));
    }
    let passphrase: string | undefined;
    if (v['passphrase-env']) {
      passphrase = io.env[v['passphrase-env']];
      if (passphrase === undefined) return printError(io, new VdxpError('VDXP_CLI_USAGE', `environment variable ${v['passphrase-env']} is not set`));
    }
    if (v.font !== undefined && v.appearance === undefined) {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', '--font draws the visible block: give --appearance too'));
    }
    const [input, key, cert, chain, font] = await Promise.all([
      readInput(io, file, 'package'),
      readInput(io, v.key, 'key file'),
      readInput(io, v.cert, 'certificate file'),
      v.chain ? readInput(io, v.chain, 'chain file') : undefined,
      v.font ? readInput(io, v.font, 'font file') : undefined,
    ]);
    const certificate = toCertificateDer(cert[0] === 0x30 ? new Uint8Array(cert) : cert.toString('latin1'));
    const pdf = input.subarray(0, 1024).includes('%PDF-', 0, 'latin1');
    if (v.appearance !== undefined && v.appearance !== 'person' && v.appearance !== 'organization') {
      return printError(io, new VdxpError('VDXP_CLI_USAGE', '--appearance must be person or organization'));
    }
    const pdfOnly = (['cades', 'reason', 'location', 'field', 'appearance', 'font', 'position', 'document-code', 'certify'] as const).filter((k) => v[k] !== undefined && v[k] !== false);
    const edxmlOnly = (['c14n', 'replace'] as const).filter((k) => v[k] !== undefined && v[k] !== false);
    const misplaced = pdf ? edxmlOnly : pdfOnly;
    if (misplaced.length > 0) {
      const kind = pdf ? 'a PDF' : 'an edXML package';
      return printError(io, new VdxpError('VDXP_CLI_USAGE', `${file} is ${kind}: ${misplaced.map((k) => `--${k}`).join(', ')} ${misplaced.length === 1 ? 'does' : 'do'} not apply to it`));
    }
    let signed: Uint8Array;
    let algorithm: string;
    if (pdf) {
      const options: SignPdfOptions = {
        key: key.toString('utf8'),
        certificate,
        ...(chain ? { chain: chain.toString('latin1') } : {}),
        subFilter: v.cades ? 'ETSI.CAdES.detached' : 'adbe.pkcs7.detached',
        ...(v.algorithm ? { algorithm: v.algorithm as SignPdfOptions['algorithm'] } : {}),
        ...(v.reason !== undefined ? { reason: v.reason } : {}),
        ...(v.location !== undefined ? { location: v.location } : {}),
        ...(v.field !== undefined ? { field: v.field } : {}),
        ...(v.appearance
          ? {
              appearance: {
                preset: v.appearance as 'person' | 'organization',
                ...(v.position !== undefined ? { position: v.position } : {}),
                ...(v['document-code'] !== undefined ? { documentCode: v['document-code'] } : {}),
                ...(font ? { font: new Uint8Array(font) } : {}),
              },
            }
          : {}),
        certify: v.certify,
        ...(passphrase !== undefined ? { passphrase } : {}),
        signal: io.stopSignal,
      };
      signed = await signPdf(input, options);
      algorithm = `${options.subFilter}, ${v.algorithm ?? defaultMethodFor(new X509Certificate(certificate).publicKey)}`;
    } else {
      const options: SignEdxmlOptions = {
        key: key.toString('utf8'),
        certificate,
        ...(chain ? { chain: chain.toString('latin1') } : {}),
        ...(v.algorithm ? { algorithm: v.algorithm as SignEdxmlOptions['algorithm'] } : {}),
        ...(v.c14n ? { c14n: v.c14n as SignEdxmlOptions['c14n'] } : {}),
        replace: v.replace,
        ...(passphrase !== undefined ? { passphrase } : {}),
        signal: io.stopSignal,
      };
      signed = await signEdxml(input, options);
      algorithm = v.algorithm ?? defaultMethodFor(new X509Certificate(certificate).publicKey);
    }

    const out = resolve(io.cwd, v.output);
    const tmp = `${out}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, signed, { flush: true });
      await rename(tmp, out);
    } catch (cause) {
      throw new IoError(out, `cannot write ${v.output}`, { cause });
    }
    const signer = summarizeCertificate(certificate);
    if (v.json) printJson(io, { output: out, bytes: signed.length, format: pdf ? 'pdf' : 'edxml', algorithm, ...(pdf ? {} : { c14n: v.c14n ?? 'exclusive' }), signer });
    else io.stdout.write(`signed ${file} -> ${v.output} (${signed.length} bytes, ${algorithm}, signer ${signer.commonName ?? signer.subject})\n`);
    return EXIT.ok;
  },
};
