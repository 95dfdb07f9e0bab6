import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when the command is on PATH (tests that need it skip otherwise). */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** A temporary folder, removed by the returned `cleanup`. */
export function tempDir(prefix = 'vdxp-xmldsig-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `xmllint --c14n` / `--exc-c14n` (both keep comments) of a document. */
export function xmllintC14n(xml: string | Uint8Array, mode: '--c14n' | '--exc-c14n'): string {
  const { dir, cleanup } = tempDir('vdxp-xmllint-');
  try {
    const file = join(dir, 'in.xml');
    writeFileSync(file, xml);
    return execFileSync('xmllint', [mode, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } finally {
    cleanup();
  }
}

/** Runs xmlsec1 with arguments; returns status and outputs (never throws on a non-zero exit). */
export function xmlsec1(args: string[], cwd?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('xmlsec1', args, { encoding: 'utf8', cwd, maxBuffer: 1 << 28 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Signs a template with xmlsec1 and returns what it canonicalized: each Reference's data just
 * before digesting, and the SignedInfo just before signing (libxml2's c14n as ground truth).
 */
export function xmlsecCanonicalForms(
  template: string,
  keyFile: string,
  idAttr?: string,
): { references: string[]; signedInfo: string[] } {
  const { dir, cleanup } = tempDir('vdxp-xmlsec-');
  try {
    const file = join(dir, 'tpl.xml');
    writeFileSync(file, template);
    const args = ['--sign', '--privkey-pem', keyFile, '--store-references', '--store-signatures', '--output', join(dir, 'out.xml')];
    if (idAttr) args.push('--id-attr:ID', idAttr);
    const r = xmlsec1([...args, file]);
    if (r.status !== 0) throw new Error(`xmlsec1 failed: ${r.stderr}`);
    return {
      references: buffers(r.stdout, 'PreDigest data'),
      signedInfo: buffers(r.stdout, 'PreSigned data'),
    };
  } finally {
    cleanup();
  }
}

function buffers(out: string, label: string): string[] {
  const res: string[] = [];
  const start = `== ${label} - start buffer:\n`;
  const end = `\n== ${label} - end buffer`;
  let i = out.indexOf(start);
  while (i >= 0) {
    const j = out.indexOf(end, i + start.length);
    res.push(out.slice(i + start.length, j));
    i = out.indexOf(start, j);
  }
  return res;
}

/** A throwaway RSA key and self-signed certificate made by openssl in `dir`. */
export function opensslSelfSigned(dir: string, name = 'self', keyAlg: string[] = ['-newkey', 'rsa:2048']): { key: string; cert: string } {
  const key = join(dir, `${name}.key.pem`);
  const cert = join(dir, `${name}.cert.pem`);
  execFileSync('openssl', ['req', '-x509', ...keyAlg, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return { key, cert };
}

/** Signs a template with `xmlsec1 --sign` in `dir` and returns the signed bytes; throws with xmlsec1's message on failure. */
export function xmlsecSign(dir: string, template: string, keyArg: string, extraArgs: string[] = []): Uint8Array {
  const input = join(dir, 'xmlsec-template.xml');
  const output = join(dir, 'xmlsec-signed.xml');
  writeFileSync(input, template);
  const r = xmlsec1(['--sign', '--privkey-pem', keyArg, ...extraArgs, '--output', output, input]);
  if (r.status !== 0) throw new Error(`xmlsec1 --sign failed: ${r.stderr}`);
  return new Uint8Array(readFileSync(output));
}
