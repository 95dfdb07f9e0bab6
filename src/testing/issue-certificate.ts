/**
 * Issues X.509 certificates for tests with pkijs/asn1js and Node's crypto: any subject, any
 * extension of the VGCA profile, RSA or EC keys, SHA-1 or SHA-2 signatures.
 * @module
 */
import { createHash, generateKeyPair, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateFromDer, certificateToPem, type KeyUsageName, KEY_USAGE_BITS } from '../signature/certificate.js';
import { NAME_OIDS } from '../signature/distinguished-name.js';
import { nodeHashName, type DigestName } from '../signature/algorithms.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Extended key usage OIDs used by the test PKI. */
export const EKU = {
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  smartcardLogon: '1.3.6.1.4.1.311.20.2.2',
} as const;

/** A key pair with its certificate, as tests use them. */
export interface TestEntity {
  /** DER. */
  readonly certificate: Uint8Array;
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
  /** Lowercase hex SHA-256 of the certificate. */
  readonly sha256: string;
  /** Uppercase hex serial number. */
  readonly serialNumber: string;
  /** RFC 4514 subject. */
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Subject attribute names accepted by {@link issueCertificate}. */
export type SubjectAttribute = keyof typeof NAME_OIDS;

/** What {@link issueCertificate} makes. */
export interface IssueCertificateOptions {
  /** Attributes in DER order (country first, common name last), e.g. `[['C','VN'],['O','Bộ X'],['CN','Nguyễn Văn An']]`. */
  readonly subject: readonly (readonly [SubjectAttribute, string])[];
  /** The issuing CA; omitted for a self-signed certificate. */
  readonly issuer?: TestEntity;
  /** A key to certify; a new one is generated otherwise. */
  readonly keyPair?: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
  /** @defaultValue 'rsa' */
  readonly keyType?: 'rsa' | 'ec';
  /** @defaultValue 2048 */
  readonly rsaBits?: number;
  /** @defaultValue a random positive 64-bit number */
  readonly serial?: bigint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Omitted: no basicConstraints extension. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number; readonly critical?: boolean };
  /** Omitted: no keyUsage extension. Marked critical. */
  readonly keyUsage?: readonly KeyUsageName[];
  readonly extKeyUsage?: readonly string[];
  /** @defaultValue false */
  readonly extKeyUsageCritical?: boolean;
  readonly policies?: readonly string[];
  readonly crlUrl?: string;
  readonly ocspUrl?: string;
  readonly caIssuersUrl?: string;
  /** Any other extension, DER value given. */
  readonly extraExtensions?: readonly { readonly oid: string; readonly critical: boolean; readonly value: Uint8Array }[];
  /** Digest of the issuer's signature. @defaultValue 'SHA-256' */
  readonly signatureDigest?: DigestName;
}

/** Generates a key pair: RSA (`rsaBits`, default 2048) or EC P-256. */
export async function generateTestKeyPair(keyType: 'rsa' | 'ec' = 'rsa', rsaBits = 2048) {
  return keyType === 'ec'
    ? generateKeyPairAsync('ec', { namedCurve: 'P-256' })
    : generateKeyPairAsync('rsa', { modulusLength: rsaBits });
}

const SIG_OIDS: Readonly<Record<string, Partial<Record<DigestName, string>>>> = {
  rsa: { 'SHA-1': '1.2.840.113549.1.1.5', 'SHA-256': '1.2.840.113549.1.1.11', 'SHA-384': '1.2.840.113549.1.1.12', 'SHA-512': '1.2.840.113549.1.1.13' },
  ec: { 'SHA-1': '1.2.840.10045.4.1', 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3', 'SHA-512': '1.2.840.10045.4.3.4' },
};

/** The AlgorithmIdentifier for signing with `key` and `digest` (PKCS#1 v1.5 or ECDSA). */
export function signatureAlgorithmFor(key: KeyObject, digest: DigestName): pkijs.AlgorithmIdentifier {
  const family = key.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  const oid = SIG_OIDS[family]?.[digest];
  if (!oid) throw new Error(`no signature algorithm for ${family} with ${digest}`);
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid, ...(family === 'rsa' ? { algorithmParams: new asn1js.Null() } : {}) });
}

/** Signs bytes with Node's crypto (DER ECDSA signatures, PKCS#1 v1.5 for RSA). */
export function signBytes(key: KeyObject, digest: DigestName, data: Uint8Array): Uint8Array {
  return new Uint8Array(cryptoSign(nodeHashName(digest), data, key));
}

/** A name as pkijs wants it, from attribute pairs. */
export function buildName(attrs: readonly (readonly [SubjectAttribute, string])[]): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: attrs.map(([k, v]) => {
      const value =
        k === 'C' ? new asn1js.PrintableString({ value: v }) : k === 'emailAddress' ? new asn1js.IA5String({ value: v }) : new asn1js.Utf8String({ value: v });
      return new pkijs.AttributeTypeAndValue({ type: NAME_OIDS[k], value });
    }),
  });
}

/** A pkijs Time, GeneralizedTime from 2050 on (RFC 5280). */
export function timeOf(date: Date): pkijs.Time {
  return new pkijs.Time({ type: date.getUTCFullYear() >= 2050 ? 1 : 0, value: date });
}

function keyId(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

function keyUsageBits(usages: readonly KeyUsageName[]): asn1js.BitString {
  let value = 0;
  for (const u of usages) value |= 0x8000 >> KEY_USAGE_BITS.indexOf(u);
  const bytes = value & 0xff ? [value >> 8, value & 0xff] : [value >> 8];
  const last = bytes[bytes.length - 1] ?? 0;
  let unused = 0;
  while (unused < 7 && last !== 0 && !(last & (1 << unused))) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array(bytes), unusedBits: last === 0 ? 0 : unused });
}

function ext(oid: string, critical: boolean, value: asn1js.BaseBlock | pkijs.PkiObject): pkijs.Extension {
  const schema = value instanceof pkijs.PkiObject ? value.toSchema() : value;
  return new pkijs.Extension({ extnID: oid, critical, extnValue: schema.toBER(false) });
}

function uriName(url: string) {
  return new pkijs.GeneralName({ type: 6, value: url });
}

function randomSerial(): bigint {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  b[0] = (b[0] ?? 0) & 0x7f | 0x01;
  return BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

/** The entity for a DER certificate and its key pair. */
export function testEntityOf(der: Uint8Array, keyPair: { privateKey: KeyObject; publicKey: KeyObject }): TestEntity {
  const parsed = certificateFromDer(der);
  return {
    certificate: der,
    certificatePem: certificateToPem(der),
    privateKey: keyPair.privateKey,
    privateKeyPem: keyPair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: keyPair.publicKey,
    sha256: parsed.sha256,
    serialNumber: parsed.serialNumber,
    subject: parsed.subject,
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
  };
}

/**
 * Issues a certificate (self-signed when `issuer` is omitted).
 * @example
 * ```ts
 * const leaf = await issueCertificate({ issuer: pki.subCa, subject: [['C','VN'],['CN','Trần Thị B']],
 *   notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), keyUsage: ['digitalSignature'] });
 * ```
 */
export async function issueCertificate(options: IssueCertificateOptions): Promise<TestEntity> {
  const keyPair = options.keyPair ?? (await generateTestKeyPair(options.keyType, options.rsaBits));
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = asn1js.Integer.fromBigInt(options.serial ?? randomSerial());
  const subject = buildName(options.subject);
  cert.subject = subject;
  cert.notBefore = timeOf(options.notBefore);
  cert.notAfter = timeOf(options.notAfter);
  const spkiDer = keyPair.publicKey.export({ format: 'der', type: 'spki' });
  cert.subjectPublicKeyInfo = new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(new Uint8Array(spkiDer)).result });
  const issuerCert = options.issuer ? certificateFromDer(options.issuer.certificate).pkijs : undefined;
  cert.issuer = issuerCert ? issuerCert.subject : buildName(options.subject);
  const signingKey = options.issuer?.privateKey ?? keyPair.privateKey;
  const issuerSpki = issuerCert
    ? issuerCert.subjectPublicKeyInfo
    : cert.subjectPublicKeyInfo;

  const exts: pkijs.Extension[] = [];
  const bc = options.basicConstraints;
  if (bc) {
    exts.push(ext('2.5.29.19', bc.critical ?? true, new pkijs.BasicConstraints({ cA: bc.ca, ...(bc.pathLength === undefined ? {} : { pathLenConstraint: bc.pathLength }) })));
  }
  if (options.keyUsage) exts.push(ext('2.5.29.15', true, keyUsageBits(options.keyUsage)));
  if (options.extKeyUsage) {
    exts.push(ext('2.5.29.37', options.extKeyUsageCritical ?? false, new pkijs.ExtKeyUsage({ keyPurposes: [...options.extKeyUsage] })));
  }
  exts.push(ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId(cert.subjectPublicKeyInfo) })));
  exts.push(ext('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: keyId(issuerSpki) }) })));
  if (options.policies?.length) {
    exts.push(ext('2.5.29.32', false, new pkijs.CertificatePolicies({
      certificatePolicies: options.policies.map((p) => new pkijs.PolicyInformation({ policyIdentifier: p })),
    })));
  }
  if (options.crlUrl) {
    exts.push(ext('2.5.29.31', false, new pkijs.CRLDistributionPoints({
      distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [uriName(options.crlUrl)] })],
    })));
  }
  const access: pkijs.AccessDescription[] = [];
  if (options.ocspUrl) access.push(new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: uriName(options.ocspUrl) }));
  if (options.caIssuersUrl) access.push(new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.2', accessLocation: uriName(options.caIssuersUrl) }));
  if (access.length) exts.push(ext('1.3.6.1.5.5.7.1.1', false, new pkijs.InfoAccess({ accessDescriptions: access })));
  for (const e of options.extraExtensions ?? []) {
    exts.push(new pkijs.Extension({ extnID: e.oid, critical: e.critical, extnValue: e.value.slice().buffer }));
  }
  cert.extensions = exts;

  const digest = options.signatureDigest ?? 'SHA-256';
  cert.signature = signatureAlgorithmFor(signingKey, digest);
  cert.signatureAlgorithm = signatureAlgorithmFor(signingKey, digest);
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: signBytes(signingKey, digest, tbs) });
  const der = new Uint8Array(cert.toSchema(false).toBER(false));
  return testEntityOf(der, keyPair);
}
