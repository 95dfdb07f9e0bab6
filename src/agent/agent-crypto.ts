/**
 * Signing and verification settings of `agent.json` turned into the connector's options:
 * key, certificate and chain files for `signEdxml`; a `TrustStore` from a trust folder,
 * anchors, intermediates and CRLs.
 * @internal
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, IoError } from '../errors.js';
import type { ConnectorOptions } from '../connector/options.js';
import { TrustStore } from '../signature/trust-store.js';
import type { ResolvedAgentConfig } from './config.js';

type SigningOptions = NonNullable<ConnectorOptions['signing']>;
type VerificationOptions = NonNullable<ConnectorOptions['verification']>;

async function readSetting(path: string, field: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new IoError(path, `${field}: cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
  }
}

/** PEM text stays text; DER (a SEQUENCE byte first) stays bytes. */
function pemOrDer(b: Buffer): Uint8Array | string {
  return b[0] === 0x30 ? new Uint8Array(b) : b.toString('latin1');
}

/**
 * The connector's `signing` option from the files named in `signing`.
 * @throws {IoError} VDXP_IO naming the unreadable file
 * @throws {ConfigError} VDXP_CONFIG_INVALID when the passphrase variable is not set
 */
export async function loadSigning(signing: NonNullable<ResolvedAgentConfig['signing']>, env: NodeJS.ProcessEnv): Promise<SigningOptions> {
  const [key, cert, chain] = await Promise.all([
    readSetting(signing.key, 'signing.key'),
    readSetting(signing.cert, 'signing.cert'),
    signing.chain ? readSetting(signing.chain, 'signing.chain') : undefined,
  ]);
  let passphrase: string | undefined;
  if (signing.passphraseEnv) {
    passphrase = env[signing.passphraseEnv];
    if (passphrase === undefined) throw new ConfigError('agent.json', [{ code: 'required', path: 'signing.passphraseEnv', message: `environment variable ${signing.passphraseEnv} is not set` }]);
  }
  return {
    key: key.toString('utf8'),
    certificate: pemOrDer(cert),
    ...(chain ? { chain: chain.toString('latin1') } : {}),
    ...(signing.algorithm ? { algorithm: signing.algorithm } : {}),
    ...(signing.c14n ? { c14n: signing.c14n } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  };
}

/**
 * The connector's `verification` option: a trust store built from the files named in
 * `verification`, with its policy and dispositions.
 * @throws {IoError} VDXP_IO naming the unreadable file or folder
 * @throws {TrustAnchorError} VDXP_TRUST_ANCHOR_REFUSED for a trust-folder certificate matching no built-in pin
 */
export async function loadVerification(v: NonNullable<ResolvedAgentConfig['verification']>): Promise<VerificationOptions> {
  const pinned: (Uint8Array | string)[] = [];
  if (v.trustDir) {
    let names: string[];
    try {
      names = (await readdir(v.trustDir)).filter((n) => /\.(pem|crt|cer|der)$/i.test(n)).sort();
    } catch (cause) {
      throw new IoError(v.trustDir, `verification.trustDir: cannot read ${v.trustDir}`, { cause });
    }
    for (const n of names) pinned.push(pemOrDer(await readSetting(join(v.trustDir, n), 'verification.trustDir')));
  }
  const read = async (files: readonly string[], field: string) => Promise.all(files.map(async (f) => pemOrDer(await readSetting(f, field))));
  const trust = TrustStore.create({
    nationalRoot: v.nationalRoot,
    allowNetwork: v.online,
    ocsp: v.online,
    pinnedAnchors: pinned,
    customAnchors: await read(v.anchors, 'verification.anchors'),
    intermediates: await read(v.intermediates, 'verification.intermediates'),
    crls: await read(v.crls, 'verification.crls'),
    ...(v.policy ? { policy: v.policy } : {}),
  });
  return {
    trust,
    ...(v.policy ? { policy: v.policy } : {}),
    onInvalid: v.onInvalid,
    onIndeterminate: v.onIndeterminate,
    packageSignature: v.packageSignature,
    pdfSignatures: v.pdfSignatures,
  };
}
