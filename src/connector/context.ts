/**
 * What the connector's parts share: resolved options, the store, the axis client, the
 * events, and small helpers.
 * @internal
 * @module
 */
import { Readable } from 'node:stream';
import { ConnectorError } from '../errors.js';
import type { Organization } from '../edxml/model.js';
import type { BlobInfo, Store } from '../store/store.js';
import type { ConnectorEvents } from './events.js';
import type { ResolvedConnectorOptions } from './options.js';
import type { RecentPackages } from './recent-packages.js';

/** Shared by the connector's parts. */
export interface ConnectorContext {
  readonly options: ResolvedConnectorOptions;
  readonly store: Store;
  readonly events: ConnectorEvents;
  /** The caller's signal: aborting it cancels calls under way. */
  readonly signal: AbortSignal;
  /** True once `stop()` was asked (or the signal aborted): finish the item under way, start no other. */
  halted(): boolean;
  now(): Date;
  /** Packages the receive loop just parsed, for their hand-over. */
  readonly recent: RecentPackages;
  /**
   * Inbox entries whose arrival steps (01, decision, status record) are under way in this
   * process: the hand-over, running beside the receive loop, leaves them for its next pass.
   */
  readonly arriving: Set<string>;
}

/**
 * Reads the whole package a record holds.
 * @throws {ConnectorError} VDXP_CONNECTOR_PACKAGE_PRUNED when `prunePackages` removed it
 */
export async function readPackage(store: Store, record: { readonly blob: BlobInfo; readonly packagePrunedAt?: string }, what: { readonly en: string; readonly vi: string }): Promise<Uint8Array> {
  if (record.packagePrunedAt !== undefined) {
    const day = record.packagePrunedAt.slice(0, 10);
    throw new ConnectorError('VDXP_CONNECTOR_PACKAGE_PRUNED', `the package of ${what.en} was removed from the store on ${day} (prunePackages)`, {
      messageVi: `Gói tin của ${what.vi} đã được xoá khỏi kho lưu ngày ${day}`,
    });
  }
  return readBlob(store, record.blob.ref);
}

/** Reads a whole blob. */
export async function readBlob(store: Store, ref: string): Promise<Uint8Array> {
  const stream: Readable = await store.openBlob(ref);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}

/**
 * One of the connector's agencies.
 * @throws {ConnectorError} VDXP_CONNECTOR_NOT_FOUND when the id is not one of them
 */
export function agencyById(ctx: ConnectorContext, organId: string | undefined): Organization & { organName: string } {
  const agencies = ctx.options.agencies;
  if (organId === undefined) return agencies[0]!;
  const found = agencies.find((a) => a.organId === organId);
  if (!found) {
    throw new ConnectorError('VDXP_CONNECTOR_NOT_FOUND', `${organId} is not one of this connector's agencies (${agencies.map((a) => a.organId).join(', ')})`, {
      messageVi: `${organId} không phải đơn vị của hệ thống này`,
    });
  }
  return found;
}

/** A time-ordered unique id with a prefix: `<prefix><time base36><random>`. */
export function newId(prefix: string, now: Date): string {
  const rand = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
  return `${prefix}${now.getTime().toString(36)}${rand}`;
}
