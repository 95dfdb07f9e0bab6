/**
 * Everything the demo runs on, built step by step and torn down in one call: the test PKI and
 * each agency's certificates, the national and provincial LocalAxis, and per agency a
 * FileStore in a temporary folder and a Connector. Only the public API is used.
 * @internal
 * @module
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Connector,
  FileStore,
  TrustStore,
  VdxpError,
  type DocumentEvent,
  type ErrorEvent,
  type RequestEvent,
  type StatusEvent,
  type WithdrawnEvent,
} from '../../index.js';
import { createTestPki, EKU, LocalAxis, VGCA_POLICY_OID, type SubjectAttribute, type TestEntity, type TestPki } from '../../testing/index.js';
import { CAST, PROVINCIAL_LINK, type DemoAgency } from './cast.js';

/** An agency's certificates: the competent person's and the body's. */
export interface DemoCertificates {
  readonly person: TestEntity;
  readonly organization: TestEntity;
}

/** What one agency's connector has told the application so far. */
export interface DemoInbox {
  readonly documents: DocumentEvent[];
  readonly statuses: StatusEvent[];
  readonly requests: RequestEvent[];
  readonly withdrawn: WithdrawnEvent[];
  readonly errors: ErrorEvent[];
}

/** One agency, connected. */
export interface DemoParty {
  readonly agency: DemoAgency;
  readonly certificates: DemoCertificates;
  readonly dir: string;
  readonly store: FileStore;
  readonly connector: Connector;
  readonly seen: DemoInbox;
}

type Key = DemoAgency['key'];
const DAY = 86_400_000;

/** Throws the demo's failure when `condition` does not hold. */
export function expectStep(condition: unknown, message: string): asserts condition {
  if (!condition) throw new VdxpError('VDXP_CLI_DEMO_FAILED', message);
}

/** The demo's machinery. Create with {@link DemoWorld.create}; always `close()` it. */
export class DemoWorld {
  readonly root: string;
  pki: TestPki | undefined;
  trust: TrustStore | undefined;
  national: LocalAxis | undefined;
  provincial: LocalAxis | undefined;
  readonly certificates = new Map<Key, DemoCertificates>();
  readonly parties = new Map<Key, DemoParty>();
  readonly #signal: AbortSignal | undefined;

  private constructor(root: string, signal: AbortSignal | undefined) {
    this.root = root;
    this.#signal = signal;
  }

  /** Makes the temporary folder everything is kept in. */
  static async create(signal?: AbortSignal): Promise<DemoWorld> {
    return new DemoWorld(await mkdtemp(join(tmpdir(), 'vdxp-demo-')), signal);
  }

  /** Generates the test PKI (root → sub-CA) and, per agency, a person's and a body's certificate. */
  async issueCertificates(): Promise<TestPki> {
    const pki = await createTestPki();
    const now = pki.now.getTime();
    const leaf = (agency: DemoAgency, subject: (readonly [SubjectAttribute, string])[]) =>
      pki.issueCertificate({
        issuer: pki.subCa,
        subject: [['C', 'VN'], ['ST', agency.place], ['O', agency.organName], ...subject],
        notBefore: new Date(now - 30 * DAY),
        notAfter: new Date(now + 2 * 365 * DAY),
        basicConstraints: { ca: false },
        keyUsage: ['digitalSignature', 'nonRepudiation'],
        extKeyUsage: [EKU.clientAuth, EKU.emailProtection],
        policies: [VGCA_POLICY_OID],
        ...(pki.urls.crl ? { crlUrl: pki.urls.crl } : {}),
      });
    const issued = await Promise.all(
      CAST.map(async (a) => {
        const [person, organization] = await Promise.all([
          leaf(a, [['title', a.leader.title], ['UID', a.leader.idNumber], ['CN', a.leader.name]]),
          leaf(a, [['UID', a.taxCode], ['CN', a.organName]]),
        ]);
        return [a.key, { person, organization }] as const;
      }),
    );
    for (const [key, certs] of issued) this.certificates.set(key, certs);
    this.pki = pki;
    // The receivers trust the test root explicitly: it is no Government CA.
    this.trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
    return pki;
  }

  /** Starts the national axis (the ministry, the provincial link) and the provincial axis under it (the province, the commune). */
  async startAxes(): Promise<void> {
    const on = (axis: DemoAgency['axis']) => CAST.filter((a) => a.axis === axis).map((a) => ({ systemId: a.organId, secret: a.secret, name: a.organName }));
    this.national = await LocalAxis.start({ port: 0, systems: [...on('national'), { ...PROVINCIAL_LINK }] });
    this.provincial = await LocalAxis.start({
      port: 0,
      systems: on('provincial'),
      parent: { url: this.national.url, systemId: PROVINCIAL_LINK.systemId, secret: PROVINCIAL_LINK.secret, pollIntervalMs: 50 },
    });
    // One pull registers the provincial units at the national axis, under the link system.
    await this.provincial.pullFromParent();
  }

  /** Opens each agency's FileStore and Connector (signing with its body's key, verifying what arrives). */
  async connect(): Promise<void> {
    const pki = this.pki;
    const trust = this.trust;
    expectStep(pki && trust && this.national && this.provincial, 'internal: certificates and axes come before the connectors');
    for (const agency of CAST) {
      const certificates = this.certificates.get(agency.key)!;
      const dir = join(this.root, agency.key);
      await mkdir(dir);
      const store = await FileStore.open({ dir });
      const axis = agency.axis === 'national' ? this.national : this.provincial;
      const connector = new Connector({
        axis: { endpoint: axis.url, systemId: agency.organId, secret: agency.secret, timeoutMs: 10_000, retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 200 } },
        store,
        agency: { organId: agency.organId, organName: agency.organName },
        signing: { key: certificates.organization.privateKey, certificate: certificates.organization.certificate, chain: [pki.subCa.certificate] },
        verification: { trust, onInvalid: 'refuse', onIndeterminate: 'hold', packageSignature: 'required', pdfSignatures: 'required' },
        pollIntervalMs: 50,
        retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 500 },
        ...(this.#signal ? { signal: this.#signal } : {}),
      });
      const seen: DemoInbox = { documents: [], statuses: [], requests: [], withdrawn: [], errors: [] };
      connector
        .on('document', (e) => void seen.documents.push(e))
        .on('status', (e) => void seen.statuses.push(e))
        .on('request', (e) => void seen.requests.push(e))
        .on('withdrawn', (e) => void seen.withdrawn.push(e))
        .on('error', (e) => void seen.errors.push(e));
      this.parties.set(agency.key, { agency, certificates, dir, store, connector, seen });
    }
  }

  /** The party of an agency. */
  party(key: Key): DemoParty {
    const p = this.parties.get(key);
    expectStep(p, `internal: ${key} is not connected`);
    return p;
  }

  /**
   * Runs passes of every connector until `check` holds; the provincial axis pulls from the
   * national one by itself meanwhile.
   * @throws {VdxpError} VDXP_CLI_DEMO_FAILED naming `what` after `timeoutMs`
   */
  async until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.#signal?.throwIfAborted();
      if (await check()) return;
      if (Date.now() > deadline) {
        const errors = [...this.parties.values()].flatMap((p) => p.seen.errors.map((e) => `${p.agency.key} ${e.phase}: ${e.error instanceof Error ? e.error.message : String(e.error)}`));
        throw new VdxpError('VDXP_CLI_DEMO_FAILED', `${what}: not reached in ${timeoutMs / 1000} s${errors.length ? ` (${errors.slice(-3).join('; ')})` : ''}`);
      }
      for (const p of this.parties.values()) await p.connector.runOnce();
      await sleep(20);
    }
  }

  /** Stops the connectors, closes the stores and axes, deletes the temporary folder. Never throws. */
  async close(): Promise<void> {
    for (const p of this.parties.values()) await p.connector.stop().catch(() => undefined);
    for (const p of this.parties.values()) await p.store.close().catch(() => undefined);
    await this.provincial?.close().catch(() => undefined);
    await this.national?.close().catch(() => undefined);
    await rm(this.root, { recursive: true, force: true }).catch(() => undefined);
  }
}
