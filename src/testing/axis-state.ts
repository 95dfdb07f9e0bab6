/**
 * What a {@link LocalAxis} knows: systems, the agency directory, received queues, sent
 * packages; in memory, saved to `dataDir` when there is one.
 * @module
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { AxisPersistence } from './axis-persistence.js';
import type { ResolvedLocalAxisOptions } from './local-axis-options.js';

/** One unit in the directory (a system's own id is one too). */
export interface AgencyRecord {
  id: number;
  code: string;
  name: string;
  mail: string;
  /** Parent unit's code; undefined for a system's own unit. */
  pcode: string | undefined;
  /** The system that serves it. */
  systemId: string;
  isSystem: boolean;
  deleted: boolean;
  version: number;
  modifiedAt: number;
  oldCode?: string | undefined;
  code102?: string | undefined;
}

/** Transport ack state of a received package. */
export type AckState = 'initial' | 'processing' | 'done' | 'fail';

/** A package waiting for (or taken by) a receiving system. */
export interface ReceivedRecord {
  docId: string;
  /** The receiving system. */
  systemId: string;
  /** The recipient agency code. */
  to: string;
  from: string;
  messageType: 'edoc' | 'status';
  serviceType: string;
  status: AckState;
  createdAt: number;
  updatedAt: number;
  /** The sender-side id (or the parent's id for a package pulled from the parent). */
  senderDocId: string;
  size: number;
}

/** One recipient of a sent package. */
export interface SentRecipient {
  toCode: string;
  via: 'local' | 'parent';
  /** For `local`: the receiver's package id. */
  receiverDocId?: string | undefined;
  /** For `parent`: the parent's sender-side id. */
  parentDocId?: string | undefined;
}

/** A package a system sent. */
export interface SentRecord {
  senderDocId: string;
  systemId: string;
  from: string;
  messageType: 'edoc' | 'status';
  serviceType: string;
  title: string;
  notation: string;
  sentAt: number;
  recipients: SentRecipient[];
}

interface StateFile {
  version: 1;
  nextAgencyId: number;
  agencies: AgencyRecord[];
  received: ReceivedRecord[];
  sent: SentRecord[];
  pulledFromParent: string[];
}

/** A new 24-hex package id, like the 2025 test axis's. */
export function newDocId(): string {
  return randomBytes(12).toString('hex');
}

/** The state of one LocalAxis. */
export class AxisState {
  readonly #secrets = new Map<string, string>();
  readonly #agencies = new Map<string, AgencyRecord>();
  readonly #received = new Map<string, ReceivedRecord>();
  /** Per receiving system, the ids of packages still waiting (`initial`/`processing`): lists never scan the history. */
  readonly #waiting = new Map<string, Set<string>>();
  readonly #sent = new Map<string, SentRecord>();
  readonly #memoryPackages = new Map<string, Uint8Array>();
  readonly #pulled = new Set<string>();
  readonly #persistence: AxisPersistence | undefined;
  #nextAgencyId = 1;

  private constructor(persistence: AxisPersistence | undefined) {
    this.#persistence = persistence;
  }

  /** Loads the saved state (when there is a `dataDir`) and merges the configured systems. */
  static async open(options: ResolvedLocalAxisOptions, persistence: AxisPersistence | undefined, now: number): Promise<AxisState> {
    const state = new AxisState(persistence);
    const saved = persistence ? ((await persistence.loadState()) as StateFile | undefined) : undefined;
    if (saved && saved.version === 1) {
      state.#nextAgencyId = saved.nextAgencyId;
      for (const a of saved.agencies) state.#agencies.set(a.code, a);
      for (const r of saved.received) {
        state.#received.set(r.docId, r);
        state.#trackWaiting(r);
      }
      for (const s of saved.sent) state.#sent.set(s.senderDocId, s);
      for (const p of saved.pulledFromParent) state.#pulled.add(p);
    }
    for (const sys of options.systems) {
      state.#secrets.set(sys.systemId, sys.secret);
      state.#ensureAgency({ code: sys.systemId, name: sys.name ?? sys.systemId, mail: sys.mail, pcode: undefined, systemId: sys.systemId, isSystem: true }, now);
      for (const a of sys.agencies) {
        state.#ensureAgency({ code: a.code, name: a.name, mail: a.mail, pcode: a.pcode ?? sys.systemId, systemId: sys.systemId, isSystem: false, oldCode: a.oldCode, code102: a.code102 }, now);
      }
    }
    return state;
  }

  #ensureAgency(a: Omit<AgencyRecord, 'id' | 'deleted' | 'version' | 'modifiedAt'>, now: number): void {
    const existing = this.#agencies.get(a.code);
    if (existing) {
      // the configuration is authoritative for who serves a configured code
      Object.assign(existing, { systemId: a.systemId, isSystem: a.isSystem, pcode: a.pcode, deleted: a.isSystem ? false : existing.deleted });
      return;
    }
    this.#agencies.set(a.code, { ...a, id: this.#nextAgencyId++, deleted: false, version: 1, modifiedAt: now });
  }

  /** The secret of a configured system. */
  secretFor(systemId: string): string | undefined {
    return this.#secrets.get(systemId);
  }

  /** The system serving an agency code here (not deleted), if any. */
  systemServing(code: string): string | undefined {
    const a = this.#agencies.get(code);
    return a && !a.deleted ? a.systemId : undefined;
  }

  agency(code: string): AgencyRecord | undefined {
    return this.#agencies.get(code);
  }

  /** Every unit, in registration order. */
  agencies(options: { includeDeleted?: boolean } = {}): AgencyRecord[] {
    return [...this.#agencies.values()].filter((a) => options.includeDeleted || !a.deleted).sort((x, y) => x.id - y.id);
  }

  /** Adds or updates a unit registered at runtime. */
  upsertAgency(fields: { code: string; name: string; mail: string; pcode: string; systemId: string }, now: number): AgencyRecord {
    const existing = this.#agencies.get(fields.code);
    if (existing) {
      Object.assign(existing, fields, { deleted: false, version: existing.version + 1, modifiedAt: now });
      return existing;
    }
    const rec: AgencyRecord = { ...fields, id: this.#nextAgencyId++, isSystem: false, deleted: false, version: 1, modifiedAt: now };
    this.#agencies.set(rec.code, rec);
    return rec;
  }

  /** Marks a unit deleted (kept for getSynchronizeUnit). */
  markDeleted(code: string, now: number): void {
    const a = this.#agencies.get(code);
    if (a) Object.assign(a, { deleted: true, version: a.version + 1, modifiedAt: now });
  }

  /** Queues a received package. */
  async addReceived(record: ReceivedRecord, bytes: Uint8Array): Promise<void> {
    if (this.#persistence) await this.#persistence.savePackage(record.docId, bytes);
    else this.#memoryPackages.set(record.docId, bytes);
    this.#received.set(record.docId, record);
    this.#trackWaiting(record);
  }

  /** Sets a received package's acknowledgement state (`updateStatus`). */
  setStatus(record: ReceivedRecord, status: AckState, now: number): void {
    record.status = status;
    record.updatedAt = now;
    this.#trackWaiting(record);
  }

  #trackWaiting(record: ReceivedRecord): void {
    const waiting = record.status === 'initial' || record.status === 'processing';
    let ids = this.#waiting.get(record.systemId);
    if (waiting) {
      if (!ids) this.#waiting.set(record.systemId, (ids = new Set()));
      ids.add(record.docId);
    } else if (ids?.delete(record.docId) && ids.size === 0) {
      this.#waiting.delete(record.systemId);
    }
  }

  received(docId: string): ReceivedRecord | undefined {
    return this.#received.get(docId);
  }

  /** Packages of a system still waiting (not `done`/`fail`), oldest first. */
  pending(systemId: string, messageType?: string): ReceivedRecord[] {
    const out: ReceivedRecord[] = [];
    for (const docId of this.#waiting.get(systemId) ?? []) {
      const r = this.#received.get(docId);
      if (r && (!messageType || r.messageType === messageType)) out.push(r);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The bytes of a received package. */
  async packageBytes(docId: string): Promise<Uint8Array> {
    if (!this.#persistence) {
      const b = this.#memoryPackages.get(docId);
      if (!b) throw new Error('package bytes missing');
      return b;
    }
    return readFile(this.#persistence.packagePath(docId));
  }

  /** The bytes of a received package as a stream. */
  packageStream(docId: string): Readable {
    if (!this.#persistence) {
      const b = this.#memoryPackages.get(docId);
      if (!b) throw new Error('package bytes missing');
      return Readable.from([Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
    }
    return createReadStream(this.#persistence.packagePath(docId));
  }

  addSent(record: SentRecord): void {
    this.#sent.set(record.senderDocId, record);
  }

  /** Packages a system sent, oldest first. */
  sentBy(systemId: string): SentRecord[] {
    return [...this.#sent.values()].filter((s) => s.systemId === systemId).sort((a, b) => a.sentAt - b.sentAt);
  }

  wasPulled(parentDocId: string): boolean {
    return this.#pulled.has(parentDocId);
  }

  markPulled(parentDocId: string): void {
    this.#pulled.add(parentDocId);
  }

  /** Saves the state (no-op without `dataDir`). Secrets are never written. */
  async save(): Promise<void> {
    if (!this.#persistence) return;
    const file: StateFile = {
      version: 1,
      nextAgencyId: this.#nextAgencyId,
      agencies: [...this.#agencies.values()],
      received: [...this.#received.values()],
      sent: [...this.#sent.values()],
      pulledFromParent: [...this.#pulled],
    };
    await this.#persistence.saveState(file);
  }
}
