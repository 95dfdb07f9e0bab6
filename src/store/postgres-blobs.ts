/**
 * Package bytes in PostgreSQL: a `blobs` row per package and its content as `blob_chunks`
 * rows of a fixed size, written in one transaction while the source streams (never one
 * giant buffer) and read back chunk by chunk, checked against the recorded size and SHA-256.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { StoreError } from '../errors.js';
import type { BlobInfo, PutBlobOptions } from './store.js';
import type { PostgresClient, PostgresPool } from './postgres-pool.js';

/** Where blobs live and how they are cut. */
export interface PostgresBlobTarget {
  /** The quoted schema, `"vdxp"`. */
  readonly schema: string;
  /** Bytes per chunk row. */
  readonly chunkBytes: number;
}

/** A new blob reference (matches `STORE_ID_PATTERN`). */
export const newBlobRef = (): string => `b${randomBytes(16).toString('hex')}`;

/**
 * Writes `source` as chunk rows inside the caller's open transaction (rolled back by the
 * caller on failure, so nothing is kept).
 * @throws {StoreError} VDXP_STORE_IO past `maxBytes`; the signal's reason when it aborts
 */
export async function writeBlob(
  client: PostgresClient,
  target: PostgresBlobTarget,
  source: Uint8Array | AsyncIterable<Uint8Array>,
  options: PutBlobOptions,
): Promise<BlobInfo> {
  const { schema, chunkBytes } = target;
  const ref = newBlobRef();
  const hash = createHash('sha256');
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (all: boolean) => {
    while (pendingBytes >= chunkBytes || (all && pendingBytes > 0)) {
      const joined = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      const row = joined.subarray(0, Math.min(chunkBytes, joined.byteLength));
      const rest = joined.subarray(row.byteLength);
      options.signal?.throwIfAborted();
      await client.query(`INSERT INTO ${schema}.blob_chunks (ref, seq, data) VALUES ($1, $2, $3)`, [ref, seq++, row]);
      pending = rest.byteLength > 0 ? [rest] : [];
      pendingBytes = rest.byteLength;
    }
  };

  options.signal?.throwIfAborted();
  await client.query(`INSERT INTO ${schema}.blobs (ref) VALUES ($1)`, [ref]);
  const whole = source instanceof Uint8Array;
  const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = whole ? [source] : source;
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    if (!(chunk instanceof Uint8Array)) throw new TypeError('a blob source must yield Uint8Array chunks');
    size += chunk.byteLength;
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      throw new StoreError('VDXP_STORE_IO', `the blob is larger than maxBytes (${options.maxBytes})`);
    }
    hash.update(chunk);
    // a streamed chunk is copied (its producer may reuse the buffer once the iterator moves
    // on); a whole Uint8Array is only viewed, cut into rows in place
    pending.push(whole ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.from(chunk));
    pendingBytes += chunk.byteLength;
    await flush(false);
  }
  await flush(true);
  options.signal?.throwIfAborted();
  const sha256 = hash.digest('hex');
  await client.query(`UPDATE ${schema}.blobs SET size = $2, sha256 = $3 WHERE ref = $1`, [ref, size, sha256]);
  return { ref, size, sha256 };
}

/**
 * Opens a stored blob as a byte stream, reading one chunk row at a time. The stream fails
 * with `VDXP_STORE_CORRUPT` when the rows do not add up to the recorded size and SHA-256.
 * @throws {StoreError} VDXP_STORE_NOT_FOUND for an unknown ref
 */
export async function readBlob(pool: PostgresPool, target: PostgresBlobTarget, ref: string): Promise<Readable> {
  const { schema } = target;
  const head = await pool.query<{ size: string; sha256: string | null }>(`SELECT size, sha256 FROM ${schema}.blobs WHERE ref = $1`, [ref]);
  const blob = head.rows[0];
  if (!blob || blob.sha256 === null) throw new StoreError('VDXP_STORE_NOT_FOUND', `no blob ${ref}`, { location: ref });
  const expectedSize = Number(blob.size);
  const expectedSha = blob.sha256;

  async function* chunks(): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    let size = 0;
    for (let seq = 0; ; seq++) {
      let res;
      try {
        res = await pool.query<{ data: Buffer }>(`SELECT data FROM ${schema}.blob_chunks WHERE ref = $1 AND seq = $2`, [ref, seq]);
      } catch (error) {
        throw new StoreError('VDXP_STORE_IO', `cannot read blob ${ref}`, { cause: error, location: ref });
      }
      const row = res.rows[0];
      if (!row) break;
      size += row.data.byteLength;
      if (size > expectedSize) break;
      hash.update(row.data);
      yield row.data;
    }
    if (size !== expectedSize || hash.digest('hex') !== expectedSha) {
      throw new StoreError('VDXP_STORE_CORRUPT', `blob ${ref} does not match its recorded size and SHA-256`, { location: ref });
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
