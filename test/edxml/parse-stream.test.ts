import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEdxml } from '../../src/edxml/parse.js';
import { parseEdxmlStream, type AttachmentSink, type AttachmentSinkInfo } from '../../src/edxml/parse-stream.js';
import { edocXml, PDF_B64, PDF_BYTES, referenceXml } from '../helpers/edxml-text.js';
import { makeZip } from '../helpers/make-zip.js';
import { listEdxml, sharedFixtures } from '../helpers/shared-fixtures.js';
import { base64Stream, randomPayload, streamedEdoc, zipStream } from '../helpers/generated-package.js';

const dir = sharedFixtures('edxml');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Sinks that keep what they receive, and note what happened to them. */
function collecting() {
  const opened: (AttachmentSinkInfo & { chunks: Buffer[]; ended: boolean; aborted: unknown })[] = [];
  const attachmentSink = (info: AttachmentSinkInfo): AttachmentSink => {
    const s = { ...info, chunks: [] as Buffer[], ended: false, aborted: undefined as unknown };
    opened.push(s);
    return {
      write: (c) => void s.chunks.push(Buffer.from(c)),
      end: () => void (s.ended = true),
      abort: (e) => void (s.aborted = e),
    };
  };
  return { opened, attachmentSink };
}

async function* pieces(text: string | Buffer, size: number): AsyncGenerator<Buffer> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe.skipIf(!dir)('parseEdxmlStream on the published samples', () => {
  test.each(listEdxml(dir, { except: ['negative'] }).map((f) => relative(dir!, f)))('reads %s like parseEdxml does', async (name) => {
    const path = join(dir!, name);
    const whole = parseEdxml(await readFile(path));
    const { opened, attachmentSink } = collecting();
    const streamed = await parseEdxmlStream(createReadStream(path, { highWaterMark: 7001 }), { attachmentSink });
    if (whole.kind === 'status') {
      expect(streamed).toEqual(whole);
      expect(opened).toEqual([]);
      return;
    }
    if (streamed.kind !== 'edoc') throw new Error('edoc expected');
    const { attachments: wa, ...wRest } = whole;
    const { attachments: sa, ...sRest } = streamed;
    expect(sRest).toEqual(wRest);
    expect(sa).toHaveLength(wa.length);
    wa.forEach((a, i) => {
      const sink = opened[i]!;
      expect(sink).toMatchObject({ contentId: a.contentId, name: a.name, contentType: a.contentType, index: i, ended: true, aborted: undefined });
      expect(Buffer.concat(sink.chunks).equals(Buffer.from(a.data))).toBe(true);
      expect(sa[i]).toEqual({
        contentId: a.contentId,
        name: a.name,
        ...(a.description !== undefined && { description: a.description }),
        contentType: a.contentType,
        size: a.data.length,
        sha256: sha256(a.data),
        transfer: a.transfer,
      });
    });
  });

  test('refuses the junk-prefixed sample before opening any sink', async () => {
    const { opened, attachmentSink } = collecting();
    await expect(parseEdxmlStream(createReadStream(join(dir!, 'negative/junk-before-declaration.edxml')), { attachmentSink })).rejects.toMatchObject({
      code: 'VDXP_EDXML_NOT_XML',
    });
    expect(opened).toEqual([]);
  });
});

describe('parseEdxmlStream', () => {
  test('unwraps a zipped attachment to its sink, chunk boundaries anywhere', async () => {
    const zip = makeZip([{ name: 'x.pdf', data: PDF_BYTES, descriptor: true }]);
    const xml = edocXml({ attachments: [{ id: '1', name: 'a.pdf', type: 'application/zip', b64: zip.toString('base64') }, { id: '2', name: 'b.pdf', b64: PDF_B64 }] });
    for (const size of [1, 3, 17, 4096]) {
      const { opened, attachmentSink } = collecting();
      const m = await parseEdxmlStream(pieces(xml, size), { attachmentSink });
      if (m.kind !== 'edoc') throw new Error('edoc expected');
      expect(opened.map((s) => [s.name, s.contentType, s.index, Buffer.concat(s.chunks).equals(PDF_BYTES)])).toEqual([
        ['a.pdf', 'application/pdf', 0, true],
        ['b.pdf', 'application/pdf', 1, true],
      ]);
      expect(m.attachments[0]!.transfer).toEqual({ contentType: 'application/zip', wrapped: true, size: zip.length, sha256: sha256(zip) });
      expect(m.attachments[1]!.transfer.wrapped).toBe(false);
    }
  });

  test('aborts every opened sink when the package is refused after they were written', async () => {
    const a = { id: 'x', name: 'a.pdf', b64: PDF_B64 };
    const manifest = `<edXML:edXMLManifest>${referenceXml(a)}</edXML:edXMLManifest>`;
    const xml = edocXml({ attachments: [a, { ...a, name: 'b.pdf' }], manifest });
    const { opened, attachmentSink } = collecting();
    await expect(parseEdxmlStream(pieces(xml, 100), { attachmentSink })).rejects.toMatchObject({ code: 'VDXP_EDXML_INVALID' });
    expect(opened).toHaveLength(2);
    for (const s of opened) expect(s.aborted).toMatchObject({ code: 'VDXP_EDXML_INVALID' });
  });

  test('aborts the sink of an attachment whose archive is refused midway', async () => {
    const two = makeZip([{ name: 'a.pdf', data: PDF_BYTES }, { name: 'b.pdf', data: PDF_BYTES }]);
    const xml = edocXml({ attachments: [{ id: '1', name: 'a.pdf', type: 'application/zip', b64: two.toString('base64') }] });
    const { opened, attachmentSink } = collecting();
    await expect(parseEdxmlStream(pieces(xml, 50), { attachmentSink })).rejects.toMatchObject({ code: 'VDXP_EDXML_ATTACHMENT' });
    expect(opened[0]!.aborted).toMatchObject({ code: 'VDXP_EDXML_ATTACHMENT' });
  });

  test('refuses a package past maxBytes as it streams, and a ContentId after the content', async () => {
    const { attachmentSink } = collecting();
    await expect(parseEdxmlStream(pieces(edocXml(), 64), { attachmentSink, maxBytes: 500 })).rejects.toMatchObject({ code: 'VDXP_EDXML_TOO_LARGE' });
    const late = edocXml({ manifest: '', attachmentEncoded: `<AttachmentEncoded><Attachment><ContentTransferEncoded>${PDF_B64}</ContentTransferEncoded><ContentId>1</ContentId></Attachment></AttachmentEncoded>` });
    await expect(parseEdxmlStream(pieces(late, 64), { attachmentSink })).rejects.toMatchObject({ code: 'VDXP_EDXML_INVALID', path: expect.stringContaining('ContentId') });
  });

  test('requires an attachmentSink and checks its other options', async () => {
    await expect(parseEdxmlStream(pieces(edocXml(), 64), {} as never)).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
    const { attachmentSink } = collecting();
    await expect(parseEdxmlStream(pieces(edocXml(), 64), { attachmentSink, maxDepth: 0 })).rejects.toMatchObject({ code: 'VDXP_CONFIG_INVALID' });
  });

  test('waits for a slow sink: the source is not read far ahead of what the sink took', async () => {
    const payload = randomPayload(8 * 1024 * 1024, 64 * 1024);
    let pulled = 0;
    async function* counted() {
      for await (const c of streamedEdoc({ id: '1', name: 'big.pdf', type: 'application/pdf', b64: base64Stream(payload.chunks) })) {
        pulled += c.length;
        yield c;
      }
    }
    let written = 0;
    let maxLead = 0;
    const m = await parseEdxmlStream(counted(), {
      attachmentSink: () => ({
        write: async (c) => {
          written += c.length;
          maxLead = Math.max(maxLead, pulled - (written * 4) / 3);
          await new Promise((r) => setTimeout(r, 1));
        },
        end: () => undefined,
      }),
    });
    if (m.kind !== 'edoc') throw new Error('edoc expected');
    expect(m.attachments[0]!.sha256).toBe(payload.sha256());
    expect(maxLead).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('parseEdxmlStream with a 120 MB attachment', () => {
  const MB = 1024 * 1024;

  async function measure(make: () => { source: AsyncIterable<Buffer>; expected: () => string }) {
    const before = process.memoryUsage().rss;
    let peak = before;
    const { source, expected } = make();
    const hash = createHash('sha256');
    let size = 0;
    const m = await parseEdxmlStream(source, {
      attachmentSink: () => ({
        write: (c) => {
          hash.update(c);
          size += c.length;
          peak = Math.max(peak, process.memoryUsage().rss);
        },
        end: () => undefined,
      }),
    });
    if (m.kind !== 'edoc') throw new Error('edoc expected');
    return { m, sinkSha: hash.digest('hex'), size, growth: peak - before, expected: expected() };
  }

  test('plain: the sink gets every byte, the model has size and sha256, memory stays flat', async () => {
    const r = await measure(() => {
      const p = randomPayload(120 * MB);
      return { source: streamedEdoc({ id: 'big', name: 'ho-so.pdf', type: 'application/pdf', b64: base64Stream(p.chunks) }), expected: p.sha256 };
    });
    expect(r.size).toBe(120 * MB);
    expect(r.sinkSha).toBe(r.expected);
    expect(r.m.attachments[0]).toMatchObject({ name: 'ho-so.pdf', contentType: 'application/pdf', size: 120 * MB, sha256: r.expected, transfer: { wrapped: false, size: 120 * MB } });
    expect(r.growth).toBeLessThan(150 * MB);
  });

  test('zipped: unwrapped as it streams, memory stays flat', async () => {
    const r = await measure(() => {
      const p = randomPayload(120 * MB);
      const zip = zipStream('4f2a.pdf', p.chunks);
      return { source: streamedEdoc({ id: 'big', name: 'ho-so.pdf', type: 'application/zip', b64: base64Stream(zip) }), expected: p.sha256 };
    });
    expect(r.size).toBe(120 * MB);
    expect(r.sinkSha).toBe(r.expected);
    expect(r.m.attachments[0]).toMatchObject({ contentType: 'application/pdf', size: 120 * MB, sha256: r.expected, transfer: { wrapped: true, contentType: 'application/zip' } });
    expect(r.m.attachments[0]!.transfer.size).toBeGreaterThan(120 * MB);
    expect(r.growth).toBeLessThan(150 * MB);
  });
});
