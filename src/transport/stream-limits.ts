/**
 * Bounded reading of answer streams.
 * @module
 */
import { Transform, type Readable } from 'node:stream';
import { AxisProtocolError } from '../errors.js';
import type { AnswerContext } from './responses.js';

/** Reads a whole stream, keeping at most `maxBytes` (the rest is discarded, the stream is drained). */
export async function readLimited(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    if (size < maxBytes) chunks.push(b.subarray(0, maxBytes - size));
    size += b.length;
  }
  return Buffer.concat(chunks);
}

/** Passes a stream through, failing it with VDXP_TRANSPORT_BAD_RESPONSE past `maxBytes`. */
export function limitStream(stream: Readable, maxBytes: number, ctx: AnswerContext): Readable {
  let size = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        done(new AxisProtocolError(ctx.operation, ctx.attempt, ctx.httpStatus, ctx.contentType, `the package is larger than maxBytes (${maxBytes})`, { reason: 'too_large' }));
        return;
      }
      done(null, chunk);
    },
  });
  stream.on('error', (e) => limiter.destroy(e));
  return stream.pipe(limiter);
}
