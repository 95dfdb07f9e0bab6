/**
 * The body of `sendEdoc` and its `hash-file`, without buffering large packages.
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, IoError } from '../errors.js';
import { formatHashFile, type HashFileForm } from './xroad-headers.js';

/**
 * A package to send:
 * - bytes (`Uint8Array`/`Buffer`): hashed in memory;
 * - `{ path }`: a file, hashed in one streaming pass and then streamed again as the body
 *   (never held in memory; do not change the file while it is being sent);
 * - a `Readable`: streamed as is; because headers go before the body, its SHA-256 must be
 *   given as `sha256` (64 hex digits), and `size` lets the client send `Content-Length`
 *   instead of chunked encoding.
 */
export type EdocBody = Uint8Array | Readable | { readonly path: string };

/** Hash-related options of a send. */
export interface EdocBodyOptions {
  /** How `hash-file` is written. @defaultValue 'sdk' (unpadded hex per byte, as the Java SDK) */
  hashForm?: HashFileForm;
  /** SHA-256 of the package (64 hex digits); required for a `Readable`, checked against nothing. */
  sha256?: string;
  /** Byte length of a `Readable`, when known. */
  size?: number;
}

/** A body ready to send. */
export interface PreparedEdocBody {
  /** Called once, when the request is made. */
  open(): Uint8Array | Readable;
  readonly hashFile: string;
  /** Known length, for `Content-Length`. */
  readonly length: number | undefined;
}

/**
 * Computes `hash-file` and prepares the body.
 * @throws {InputError} VDXP_INPUT_INVALID for a `Readable` without `sha256`, or a bad `sha256`
 * @throws {IoError} VDXP_IO when the file cannot be read
 */
export async function prepareEdocBody(body: EdocBody, options: EdocBodyOptions = {}, signal?: AbortSignal): Promise<PreparedEdocBody> {
  const form = options.hashForm ?? 'sdk';
  const given = options.sha256;
  if (given !== undefined && !/^[0-9a-fA-F]{64}$/.test(given)) {
    throw new InputError('sendEdoc', [{ code: 'bad_sha256', path: 'sha256', message: 'expected 64 hex digits' }]);
  }
  if (body instanceof Uint8Array) {
    const digest = given ? Buffer.from(given, 'hex') : createHash('sha256').update(body).digest();
    return { open: () => body, hashFile: formatHashFile(digest, form), length: body.byteLength };
  }
  if (body instanceof Readable) {
    if (!given) {
      throw new InputError('sendEdoc', [
        { code: 'sha256_required', path: 'sha256', message: 'a stream is sent as it is read: give its sha256, or pass { path } to let the client hash the file' },
      ]);
    }
    return { open: () => body, hashFile: formatHashFile(Buffer.from(given, 'hex'), form), length: options.size };
  }
  if (typeof body === 'object' && body !== null && typeof (body as { path?: unknown }).path === 'string') {
    const path = body.path;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new IoError(path, `${path} is not a file`);
      let digest: Buffer;
      if (given) digest = Buffer.from(given, 'hex');
      else {
        const hash = createHash('sha256');
        await pipeline(createReadStream(path), hash, signal ? { signal } : {});
        digest = hash.digest();
      }
      return { open: () => createReadStream(path), hashFile: formatHashFile(digest, form), length: info.size };
    } catch (e) {
      if (e instanceof IoError || (e as { name?: string }).name === 'AbortError') throw e;
      throw new IoError(path, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
    }
  }
  throw new InputError('sendEdoc', [{ code: 'bad_body', path: 'body', message: 'expected bytes, a Readable or { path }' }]);
}
