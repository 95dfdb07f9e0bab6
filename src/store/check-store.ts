/**
 * `checkStore`: reads every package a store's records point to and checks it against the size
 * and SHA-256 the record holds. A store checks what it reads (FileStore refuses to open when
 * its own files are damaged, and checks each blob as it is read), but a package that nobody
 * reads again — last year's archive — is only found damaged when it is needed. Run this on a
 * schedule, or on a backup, to find out before.
 * @module
 */
import { createHash } from 'node:crypto';
import { StoreError } from '../errors.js';
import type { BlobInfo } from './records.js';
import type { Store } from './store.js';

/** A package that could not be read back as its record says. */
export interface StoreCheckProblem {
  /** The blob's ref. */
  readonly ref: string;
  /**
   * `VDXP_STORE_CORRUPT` (damaged: the store refused the bytes, or they differ from the
   * record's size or SHA-256), `VDXP_STORE_NOT_FOUND` (gone) or `VDXP_STORE_IO` (unreadable).
   */
  readonly code: 'VDXP_STORE_CORRUPT' | 'VDXP_STORE_NOT_FOUND' | 'VDXP_STORE_IO';
  /** What was found, for people. */
  readonly message: string;
  /** The records that point to it: `outbox <id>`, `inbox <id>`, `quarantine <id>`. */
  readonly usedBy: readonly string[];
}

/** What {@link checkStore} found. */
export interface StoreCheckReport {
  /** Records per kind. */
  readonly records: { readonly outbox: number; readonly inbox: number; readonly quarantine: number; readonly statuses: number; readonly decisions: number };
  /** Packages read: how many, and their bytes (as the records give them). A package is read once however many records point to it. */
  readonly blobs: { readonly checked: number; readonly bytes: number };
  /** Records whose package `prunePackages` removed on purpose: not read, not a problem. */
  readonly pruned: number;
  /** Every package that did not read back as its record says; empty when all did. */
  readonly problems: readonly StoreCheckProblem[];
  /** No problem found. */
  readonly ok: boolean;
}

/** Progress of {@link checkStore}, after each package. */
export interface StoreCheckProgress {
  readonly checked: number;
  readonly blobs: number;
  readonly bytesChecked: number;
  readonly bytes: number;
}

/** Options of {@link checkStore}. */
export interface CheckStoreOptions {
  /** Called after each package (for a progress line). */
  readonly onProgress?: (progress: StoreCheckProgress) => void;
  /** Stops the check between two reads (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/**
 * Reads every package the store's outbox, inbox and quarantine records point to (except those
 * `prunePackages` removed: counted as `pruned`), each once, and checks its bytes against the
 * size and SHA-256 its records hold (records that disagree about one package are each checked). Problems are collected, not thrown: the report lists
 * each package that is damaged, gone or unreadable, with the records that point to it.
 *
 * Works with any {@link Store}. The store must be open (a FileStore is opened, and so checked,
 * with `FileStore.open`; stop the connector using it first, or check a copy).
 * @throws {StoreError} when the store cannot list its records
 * @example
 * ```ts
 * const store = await FileStore.open({ dir: '/var/lib/vdxp' });
 * const report = await checkStore(store);
 * await store.close();
 * if (!report.ok) for (const p of report.problems) console.error(p.ref, p.code, p.usedBy.join(', '));
 * ```
 */
export async function checkStore(store: Store, options: CheckStoreOptions = {}): Promise<StoreCheckReport> {
  const [outbox, inbox, quarantine, statuses, decisions] = await Promise.all([store.listOutbox(), store.listInbox(), store.listQuarantine(), store.listStatuses(), store.listDecisions()]);
  // per package, what its records say it is (records may disagree: each claim is checked)
  const blobs = new Map<string, Map<string, { info: BlobInfo; usedBy: string[] }>>();
  const use = (info: BlobInfo | undefined, by: string) => {
    if (!info) return;
    let claims = blobs.get(info.ref);
    if (!claims) blobs.set(info.ref, (claims = new Map()));
    const key = `${info.size}:${info.sha256}`;
    const known = claims.get(key);
    if (known) known.usedBy.push(by);
    else claims.set(key, { info, usedBy: [by] });
  };
  let pruned = 0;
  const kept = (r: { readonly blob?: BlobInfo; readonly packagePrunedAt?: string }): BlobInfo | undefined => {
    if (r.packagePrunedAt === undefined) return r.blob;
    pruned++;
    return undefined;
  };
  for (const e of outbox) use(kept(e), `outbox ${e.id}`);
  for (const e of inbox) use(kept(e), `inbox ${e.id}`);
  for (const q of quarantine) use(kept(q), `quarantine ${q.id}`);

  const sizeOf = (claims: Map<string, { info: BlobInfo }>) => Math.max(...[...claims.values()].map((c) => c.info.size));
  let bytes = 0;
  for (const claims of blobs.values()) bytes += sizeOf(claims);
  const problems: StoreCheckProblem[] = [];
  let checked = 0;
  let bytesChecked = 0;
  for (const [ref, claims] of blobs) {
    options.signal?.throwIfAborted();
    const read = await readWhole(store, ref);
    for (const { info, usedBy } of claims.values()) {
      const found = 'problem' in read ? read.problem : mismatch(read, info);
      if (found) problems.push({ ref, ...found, usedBy });
    }
    checked++;
    bytesChecked += sizeOf(claims);
    options.onProgress?.({ checked, blobs: blobs.size, bytesChecked, bytes });
  }
  return {
    records: { outbox: outbox.length, inbox: inbox.length, quarantine: quarantine.length, statuses: statuses.length, decisions: decisions.length },
    blobs: { checked, bytes },
    pruned,
    problems,
    ok: problems.length === 0,
  };
}

type Found = Omit<StoreCheckProblem, 'ref' | 'usedBy'>;

/** How bytes read differ from what a record says; undefined when they do not. */
function mismatch(read: { size: number; sha256: string }, info: BlobInfo): Found | undefined {
  if (read.size !== info.size) return { code: 'VDXP_STORE_CORRUPT', message: `${read.size} bytes where the record says ${info.size}` };
  if (read.sha256 !== info.sha256) return { code: 'VDXP_STORE_CORRUPT', message: 'its bytes do not match the SHA-256 its record holds' };
  return undefined;
}

/** Reads one blob whole: its size and SHA-256, or why it could not be read. */
async function readWhole(store: Store, ref: string): Promise<{ size: number; sha256: string } | { problem: Found }> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of await store.openBlob(ref)) {
      hash.update(chunk as Uint8Array);
      size += (chunk as Uint8Array).byteLength;
    }
  } catch (e) {
    if (e instanceof StoreError && (e.code === 'VDXP_STORE_CORRUPT' || e.code === 'VDXP_STORE_NOT_FOUND')) return { problem: { code: e.code, message: e.message } };
    return { problem: { code: 'VDXP_STORE_IO', message: e instanceof Error ? e.message : String(e) } };
  }
  return { size, sha256: hash.digest('hex') };
}
