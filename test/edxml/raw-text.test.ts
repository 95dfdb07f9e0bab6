import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { parseEdxml } from '../../src/edxml/parse.js';
import { parseEdxmlStream, type AttachmentSink } from '../../src/edxml/parse-stream.js';
import { isPlainRun, RAW_TEXT_MIN_BYTES } from '../../src/edxml/raw-text.js';
import { parseXmlTree, RawText, textOf, type XmlElement } from '../../src/edxml/xml-tree.js';
import { edocXml } from '../helpers/edxml-text.js';

const file = randomBytes(200_000);
const b64 = file.toString('base64');

/** Feeds `bytes` to parseEdxmlStream in pieces of `size`, collecting the first attachment. */
async function streamed(bytes: Buffer, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = (): AttachmentSink => ({ write: (c) => void chunks.push(Buffer.from(c)), end: () => undefined });
  async function* pieces() {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  await parseEdxmlStream(pieces(), { attachmentSink: sink });
  return Buffer.concat(chunks);
}

describe('long plain text read as bytes', () => {
  test('a plain run is ASCII without &, > or CR', () => {
    expect(isPlainRun(Buffer.from('QUJD\n  QUJD=='))).toBe(true);
    for (const bad of ['é', '&amp;', '>', '\r']) expect(isPlainRun(Buffer.from(`QUJD${bad}QUJD`))).toBe(false);
  });

  test('the tree holds a long text as a view of the input and reads it as a string on demand', () => {
    const text = 'A'.repeat(3 * RAW_TEXT_MIN_BYTES);
    const input = Buffer.from(`<r><a>short</a><b>${text}</b></r>`);
    const doc = parseXmlTree(input);
    const b = doc.root.children[1] as XmlElement;
    expect(b.children[0]).toBeInstanceOf(RawText);
    expect((b.children[0] as RawText).pieces().every((p) => typeof p === 'string' || p.buffer === input.buffer)).toBe(true);
    expect(textOf(b)).toBe(text);
    expect(textOf(doc.root.children[0] as XmlElement)).toBe('short');
  });

  test('long text with entities, CR or non-ASCII characters is decoded as before', () => {
    const text = `${'x'.repeat(RAW_TEXT_MIN_BYTES)}&amp;é\r\n${'y'.repeat(RAW_TEXT_MIN_BYTES)}`;
    const doc = parseXmlTree(Buffer.from(`<r>${text}</r>`));
    expect(textOf(doc.root)).toBe(`${'x'.repeat(RAW_TEXT_MIN_BYTES)}&é\n${'y'.repeat(RAW_TEXT_MIN_BYTES)}`);
  });

  test('an attribute value holding ">" before a long text is still read right', () => {
    const doc = parseXmlTree(Buffer.from(`<r a="1 > 0">${'z'.repeat(2 * RAW_TEXT_MIN_BYTES)}</r>`));
    expect(doc.root.attributes[0]!.value).toBe('1 > 0');
    expect(textOf(doc.root)).toBe('z'.repeat(2 * RAW_TEXT_MIN_BYTES));
  });

  test('a long comment or CDATA section is not taken for text', () => {
    const long = 'c'.repeat(2 * RAW_TEXT_MIN_BYTES);
    const doc = parseXmlTree(Buffer.from(`<r><!--${long}--><![CDATA[${long}>]]></r>`));
    expect(doc.root.children[0]).toMatchObject({ type: 'comment', value: long });
    expect(textOf(doc.root)).toBe(`${long}>`);
  });

  test.each([
    ['on one line', b64],
    ['in MIME lines with CRLF', b64.replace(/(.{76})/g, '$1\r\n')],
    ['in lines with LF and indentation', b64.replace(/(.{64})/g, '$1\n      ')],
  ])('parseEdxml and parseEdxmlStream read a 200 kB attachment written %s', async (_label, text) => {
    const bytes = Buffer.from(edocXml({ attachments: [{ id: '1', name: 'a.pdf', b64: text }] }));
    const m = parseEdxml(bytes);
    if (m.kind !== 'edoc') throw new Error('not an edoc');
    expect(Buffer.from(m.attachments[0]!.data).equals(file)).toBe(true);
    for (const size of [1000, 65_536, 300_001]) expect((await streamed(bytes, size)).equals(file)).toBe(true);
  });

  test.each([
    ['a character outside base64', `${b64.slice(0, 150_000)}*${b64.slice(150_001)}`],
    ['the URL-safe alphabet', `${b64.slice(0, 150_000)}-${b64.slice(150_001)}`],
    ['padding in the middle', `${b64.slice(0, 150_000)}==${b64.slice(150_000)}`],
  ])('both readers refuse a large attachment with %s deep inside', async (_label, text) => {
    const bytes = Buffer.from(edocXml({ attachments: [{ id: '1', name: 'a.pdf', b64: text }] }));
    expect(() => parseEdxml(bytes)).toThrow(expect.objectContaining({ code: 'VDXP_EDXML_INVALID' }));
    await expect(streamed(bytes, 65_536)).rejects.toMatchObject({ code: 'VDXP_EDXML_INVALID' });
  });
});
