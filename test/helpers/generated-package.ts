import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { crc32, createDeflateRaw } from 'node:zlib';
import { edocXml } from './edxml-text.js';

/** Random bytes, `total` of them in chunks, hashed on the way (the hash is ready when the iteration ends). */
export function randomPayload(total: number, chunk = 1 << 20): { chunks: AsyncGenerator<Buffer>; sha256: () => string } {
  const hash = createHash('sha256');
  let digest = '';
  async function* gen() {
    for (let left = total; left > 0; left -= chunk) {
      const c = randomBytes(Math.min(chunk, left));
      if (left === total) c.write('%PDF-1.7\n', 0, 'latin1');
      hash.update(c);
      yield c;
    }
    digest = hash.digest('hex');
  }
  return { chunks: gen(), sha256: () => digest };
}

/** A one-entry ZIP (sizes in a data descriptor) produced as its content streams by. */
export async function* zipStream(name: string, content: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const nameBytes = Buffer.from(name, 'utf8');
  const flags = 0x0808;
  const lh = Buffer.alloc(30);
  lh.writeUInt32LE(0x04034b50, 0);
  lh.writeUInt16LE(20, 4);
  lh.writeUInt16LE(flags, 6);
  lh.writeUInt16LE(8, 8);
  lh.writeUInt16LE(nameBytes.length, 26);
  yield Buffer.concat([lh, nameBytes]);
  let crc = 0;
  let size = 0;
  let csize = 0;
  const out: Buffer[] = [];
  const deflate = createDeflateRaw({ level: 1 });
  deflate.on('data', (b: Buffer) => out.push(b));
  for await (const c of content) {
    crc = crc32(c, crc);
    size += c.length;
    await new Promise<void>((ok, ko) => deflate.write(c, (e) => (e ? ko(e) : ok())));
    while (out.length > 0) {
      const o = out.shift()!;
      csize += o.length;
      yield o;
    }
  }
  deflate.end();
  await once(deflate, 'end');
  for (const o of out.splice(0)) {
    csize += o.length;
    yield o;
  }
  const dd = Buffer.alloc(16);
  dd.writeUInt32LE(0x08074b50, 0);
  dd.writeUInt32LE(crc, 4);
  dd.writeUInt32LE(csize, 8);
  dd.writeUInt32LE(size, 12);
  yield dd;
  const ch = Buffer.alloc(46);
  ch.writeUInt32LE(0x02014b50, 0);
  ch.writeUInt16LE(20, 4);
  ch.writeUInt16LE(20, 6);
  ch.writeUInt16LE(flags, 8);
  ch.writeUInt16LE(8, 10);
  ch.writeUInt32LE(crc, 16);
  ch.writeUInt32LE(csize, 20);
  ch.writeUInt32LE(size, 24);
  ch.writeUInt16LE(nameBytes.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + nameBytes.length, 12);
  eocd.writeUInt32LE(30 + nameBytes.length + csize + 16, 16);
  yield Buffer.concat([ch, nameBytes, eocd]);
}

/** Base64 text of a byte stream, produced piece by piece (76-column lines when `lines`). */
export async function* base64Stream(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let carry = Buffer.alloc(0);
  for await (const b of bytes) {
    const all = carry.length > 0 ? Buffer.concat([carry, b]) : b;
    const usable = all.length - (all.length % 3);
    carry = Buffer.from(all.subarray(usable));
    if (usable > 0) yield all.subarray(0, usable).toString('base64');
  }
  if (carry.length > 0) yield carry.toString('base64');
}

/** An edoc with one attachment whose content is streamed: the XML text is never whole. */
export async function* streamedEdoc(attachment: { id: string; name: string; type: string; b64: AsyncIterable<string> }): AsyncGenerator<Buffer> {
  const marker = '@@CONTENT@@';
  const text = edocXml({ attachments: [{ id: attachment.id, name: attachment.name, type: attachment.type, b64: marker }] });
  const [head, tail] = text.split(marker) as [string, string];
  yield Buffer.from(head);
  for await (const piece of attachment.b64) yield Buffer.from(piece, 'latin1');
  yield Buffer.from(tail);
}
