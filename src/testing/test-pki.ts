/**
 * A synthetic PKI with the profile of the Government CA (VGCA): root → sub-CA (pathlen 0,
 * policy 2.16.704.1.1.1.1.1) → personal and organisation certificates with the EKUs real ones
 * carry (and no document-signing EKU), plus the bad cases a verifier must catch.
 * @module
 */
import type { KeyObject } from 'node:crypto';
import { EKU, generateTestKeyPair, issueCertificate, type IssueCertificateOptions, type TestEntity } from './issue-certificate.js';
import { createTestCrl } from './test-crl.js';

/** The VGCA sub-CA's certificate policy. */
export const VGCA_POLICY_OID = '2.16.704.1.1.1.1.1';
/** id-pkix-ocsp-nocheck, carried by the OCSP responder's certificate. */
const OCSP_NOCHECK_OID = '1.3.6.1.5.5.7.48.1.5';

/** URLs written into the certificates; `null` leaves the extension out. Defaults point at a closed loopback port. */
export interface TestPkiUrls {
  /** CRL distribution point of certificates issued by the sub-CA. */
  readonly crl?: string | null;
  /** CRL distribution point of the sub-CA (the root's CRL). */
  readonly rootCrl?: string | null;
  /** OCSP responder of certificates issued by the sub-CA. */
  readonly ocsp?: string | null;
  /** AIA caIssuers of certificates issued by the sub-CA (where the sub-CA certificate is). */
  readonly caIssuers?: string | null;
}

/** Options of {@link createTestPki}. */
export interface TestPkiOptions {
  /** The moment the PKI is built around. @defaultValue new Date() */
  readonly now?: Date;
  /** @defaultValue 'rsa' */
  readonly keyType?: 'rsa' | 'ec';
  /** @defaultValue 2048 */
  readonly rsaBits?: number;
  readonly urls?: TestPkiUrls;
}

/** The generated PKI. */
export interface TestPki {
  readonly now: Date;
  readonly root: TestEntity;
  readonly subCa: TestEntity;
  /** A personal certificate (người có thẩm quyền). */
  readonly person: TestEntity;
  /** An organisation certificate (cơ quan, tổ chức). */
  readonly organization: TestEntity;
  readonly expired: TestEntity;
  readonly notYetValid: TestEntity;
  /** Listed in {@link TestPki.crl} and answered revoked by {@link TestPki.opensslIndex}. */
  readonly revoked: TestEntity;
  /** When {@link revoked} was revoked (ten days before `now`). */
  readonly revokedAt: Date;
  /** An unrelated self-signed root, and a leaf it issued. */
  readonly wrongRoot: TestEntity;
  readonly wrongCa: TestEntity;
  /** An intermediate issued by the root WITHOUT basicConstraints, and a leaf under it. */
  readonly notCaIntermediate: TestEntity;
  readonly notCa: TestEntity;
  /** A self-signed certificate that looks like a personal one. */
  readonly selfSigned: TestEntity;
  /** A time-stamping authority (EKU timeStamping, critical). */
  readonly tsa: TestEntity;
  /** A delegated OCSP responder of the sub-CA (EKU OCSPSigning). */
  readonly ocspResponder: TestEntity;
  /** The URLs written in the certificates (`undefined` when left out). */
  readonly urls: { readonly crl?: string; readonly rootCrl?: string; readonly ocsp?: string; readonly caIssuers?: string };
  /** The sub-CA's CRL (DER) listing {@link revoked}; thisUpdate one hour before `now`, nextUpdate seven days after. */
  crl(options?: { thisUpdate?: Date; nextUpdate?: Date }): Uint8Array;
  /** The root's CRL (DER), listing nothing. */
  rootCrl(options?: { thisUpdate?: Date; nextUpdate?: Date }): Uint8Array;
  /** An `index.txt` for `openssl ocsp -index` describing every certificate the sub-CA issued. */
  opensslIndex(): string;
  /** Issues another certificate; serial from this PKI's counter and key type of this PKI unless given. */
  issueCertificate(options: IssueCertificateOptions): Promise<TestEntity>;
}

const DAY = 86_400_000;
const VN: readonly ['C', string] = ['C', 'VN'];

function opensslTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

/**
 * Generates the test PKI (about a dozen keys; RSA 2048 by default).
 * @example
 * ```ts
 * const pki = await createTestPki({ urls: { crl: `http://127.0.0.1:${port}/sub.crl` } });
 * const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate] });
 * ```
 */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const now = options.now ?? new Date();
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const pick = (v: string | null | undefined, fallback: string) => (v === null ? undefined : (v ?? fallback));
  const urls = {
    crl: pick(options.urls?.crl, 'http://127.0.0.1:9/crl/test-sub-ca.crl'),
    rootCrl: pick(options.urls?.rootCrl, 'http://127.0.0.1:9/crl/test-root.crl'),
    ocsp: pick(options.urls?.ocsp, 'http://127.0.0.1:9/ocsp'),
    caIssuers: pick(options.urls?.caIssuers, 'http://127.0.0.1:9/certs/test-sub-ca.cer'),
  };
  const keyType = options.keyType ?? 'rsa';
  const rsaBits = options.rsaBits ?? 2048;
  const keyNames = ['root', 'subCa', 'person', 'organization', 'expired', 'notYetValid', 'revoked', 'wrongRoot', 'wrongCa', 'notCaIntermediate', 'notCa', 'selfSigned', 'tsa', 'ocspResponder'] as const;
  const pairs = await Promise.all(keyNames.map(() => generateTestKeyPair(keyType, rsaBits)));
  const keys = Object.fromEntries(keyNames.map((n, i) => [n, pairs[i]])) as Record<(typeof keyNames)[number], { privateKey: KeyObject; publicKey: KeyObject }>;
  let serial = 0x5647_4341_0000n + BigInt(Math.floor(now.getTime() / 1000) % 0xffff) * 0x100n;
  const nextSerial = () => ++serial;
  const issue = (o: IssueCertificateOptions) => issueCertificate({ serial: nextSerial(), ...o });

  const root = await issue({
    keyPair: keys.root,
    subject: [VN, ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['CN', 'RootCA chuyên dùng Chính phủ (thử nghiệm)']],
    notBefore: at(-5 * 365), notAfter: at(20 * 365),
    basicConstraints: { ca: true }, keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const subCa = await issue({
    keyPair: keys.subCa, issuer: root,
    subject: [VN, ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['CN', 'CA phục vụ các cơ quan Nhà nước (thử nghiệm)']],
    notBefore: at(-4 * 365), notAfter: at(15 * 365),
    basicConstraints: { ca: true, pathLength: 0 }, keyUsage: ['keyCertSign', 'cRLSign'], policies: [VGCA_POLICY_OID],
    ...(urls.rootCrl ? { crlUrl: urls.rootCrl } : {}),
  });
  const userExtensions = {
    keyUsage: ['digitalSignature', 'nonRepudiation'] as const,
    extKeyUsage: [EKU.clientAuth, EKU.emailProtection, EKU.smartcardLogon],
    policies: [VGCA_POLICY_OID],
    basicConstraints: { ca: false, critical: false },
    ...(urls.crl ? { crlUrl: urls.crl } : {}),
    ...(urls.ocsp ? { ocspUrl: urls.ocsp } : {}),
    ...(urls.caIssuers ? { caIssuersUrl: urls.caIssuers } : {}),
  };
  const org = (cn: string) => [VN, ['ST', 'Hà Nội'], ['L', 'Hà Nội'], ['O', 'Bộ Thử nghiệm'], ['CN', cn]] as const;
  const personSubject = (cn: string) =>
    [VN, ['ST', 'Hà Nội'], ['L', 'Hà Nội'], ['O', 'Bộ Thử nghiệm'], ['OU', 'Văn phòng'], ['title', 'Chánh Văn phòng'], ['UID', 'CMND:012345678901'], ['CN', cn]] as const;
  const leaf = (key: keyof typeof keys, subject: IssueCertificateOptions['subject'], from: number, to: number) =>
    issue({ keyPair: keys[key], issuer: subCa, subject, notBefore: at(from), notAfter: at(to), ...userExtensions, keyUsage: [...userExtensions.keyUsage] });

  const person = await leaf('person', personSubject('Nguyễn Văn An'), -30, 2 * 365);
  const organization = await leaf('organization', [...org('Văn phòng Bộ Thử nghiệm'), ['UID', 'MST:0100000001']], -30, 2 * 365);
  const expired = await leaf('expired', personSubject('Trần Thị Hết Hạn'), -3 * 365, -365);
  const notYetValid = await leaf('notYetValid', personSubject('Lê Văn Chưa Tới'), 30, 2 * 365);
  const revoked = await leaf('revoked', personSubject('Phạm Văn Thu Hồi'), -60, 2 * 365);
  const revokedAt = new Date(Math.floor(at(-10).getTime() / 1000) * 1000);
  const wrongRoot = await issue({
    keyPair: keys.wrongRoot, subject: [VN, ['O', 'Unrelated CA'], ['CN', 'Unrelated Root CA']],
    notBefore: at(-365), notAfter: at(10 * 365), basicConstraints: { ca: true }, keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const wrongCa = await issue({
    keyPair: keys.wrongCa, issuer: wrongRoot, subject: personSubject('Nguyễn Văn Sai CA'),
    notBefore: at(-30), notAfter: at(365), keyUsage: ['digitalSignature', 'nonRepudiation'], extKeyUsage: userExtensions.extKeyUsage,
  });
  const notCaIntermediate = await issue({
    keyPair: keys.notCaIntermediate, issuer: root, subject: [VN, ['O', 'Bộ Thử nghiệm'], ['CN', 'Không phải CA']],
    notBefore: at(-365), notAfter: at(5 * 365), keyUsage: ['digitalSignature', 'keyCertSign'],
  });
  const notCa = await issue({
    keyPair: keys.notCa, issuer: notCaIntermediate, subject: personSubject('Hoàng Văn Dưới'),
    notBefore: at(-30), notAfter: at(365), keyUsage: ['digitalSignature', 'nonRepudiation'],
  });
  const selfSigned = await issue({
    keyPair: keys.selfSigned, subject: personSubject('Nguyễn Văn An'),
    notBefore: at(-30), notAfter: at(365), keyUsage: ['digitalSignature', 'nonRepudiation'], extKeyUsage: userExtensions.extKeyUsage,
  });
  const tsa = await issue({
    keyPair: keys.tsa, issuer: subCa, subject: [VN, ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['CN', 'Dịch vụ cấp dấu thời gian (thử nghiệm)']],
    notBefore: at(-365), notAfter: at(5 * 365), keyUsage: ['digitalSignature', 'nonRepudiation'],
    extKeyUsage: [EKU.timeStamping], extKeyUsageCritical: true, policies: [VGCA_POLICY_OID],
    ...(urls.crl ? { crlUrl: urls.crl } : {}), ...(urls.ocsp ? { ocspUrl: urls.ocsp } : {}),
  });
  const ocspResponder = await issue({
    keyPair: keys.ocspResponder, issuer: subCa, subject: [VN, ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['CN', 'OCSP (thử nghiệm)']],
    notBefore: at(-365), notAfter: at(365), keyUsage: ['digitalSignature'], extKeyUsage: [EKU.ocspSigning],
    extraExtensions: [{ oid: OCSP_NOCHECK_OID, critical: false, value: new Uint8Array([0x05, 0x00]) }],
  });
  const subCaIssued = [person, organization, expired, notYetValid, revoked, tsa, ocspResponder];
  return {
    now, root, subCa, person, organization, expired, notYetValid, revoked, revokedAt,
    wrongRoot, wrongCa, notCaIntermediate, notCa, selfSigned, tsa, ocspResponder,
    urls: Object.fromEntries(Object.entries(urls).filter(([, v]) => v !== undefined)),
    crl: (o = {}) =>
      createTestCrl({
        issuer: subCa, thisUpdate: o.thisUpdate ?? new Date(now.getTime() - 3_600_000), nextUpdate: o.nextUpdate ?? at(7),
        revoked: [{ serialNumber: revoked.serialNumber, date: revokedAt }],
      }),
    rootCrl: (o = {}) =>
      createTestCrl({ issuer: root, thisUpdate: o.thisUpdate ?? new Date(now.getTime() - 3_600_000), nextUpdate: o.nextUpdate ?? at(30) }),
    opensslIndex: () =>
      subCaIssued
        .map((e) => {
          const status = e === revoked ? `R\t${opensslTime(e.notAfter)}\t${opensslTime(revokedAt)}` : `V\t${opensslTime(e.notAfter)}\t`;
          return `${status}\t${e.serialNumber}\tunknown\t/CN=${e.serialNumber}\n`;
        })
        .join(''),
    issueCertificate: (o) => issue({ keyType, rsaBits, ...o }),
  };
}
