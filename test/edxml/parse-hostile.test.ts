import { describe, expect, test } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { parseEdxml } from '../../src/edxml/parse.js';
import { attachmentXml, edocXml, PDF_B64, PDF_BYTES, QCVN, referenceXml, statusXml } from '../helpers/edxml-text.js';
import { makeZip } from '../helpers/make-zip.js';

const refusedWith = (code: string, path?: string) =>
  expect.objectContaining(path === undefined ? { code } : { code, path: expect.stringContaining(path) });

describe('parseEdxml refuses hostile input', () => {
  test('a DOCTYPE (XXE)', () => {
    const xml = edocXml().replace('<edXML xmlns', '<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<edXML xmlns');
    expect(() => parseEdxml(xml)).toThrow(refusedWith('VDXP_EDXML_FORBIDDEN'));
  });

  test('an undefined entity reference', () => {
    const xml = edocXml({ subject: '<edXML:Subject>&xxe;</edXML:Subject>' });
    expect(() => parseEdxml(xml)).toThrow(refusedWith('VDXP_EDXML_FORBIDDEN'));
  });

  test('billion laughs', () => {
    const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', '<!ENTITY lol "lol">'];
    for (let i = 1; i < 10; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1 || ''};`.repeat(10)}">`);
    lol.push(']>', '<lolz>&lol9;</lolz>');
    expect(() => parseEdxml(lol.join('\n'))).toThrow(refusedWith('VDXP_EDXML_FORBIDDEN'));
  });

  test('nesting deeper than the limit', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    const xml = edocXml({ extra: `<edXML:Content>${deep}</edXML:Content>` });
    expect(() => parseEdxml(xml)).toThrow(refusedWith('VDXP_EDXML_LIMIT'));
    expect(() => parseEdxml(edocXml({ extra: '<x><x><x></x></x></x>' }), { maxDepth: 6 })).toThrow(refusedWith('VDXP_EDXML_LIMIT'));
  });

  test('more elements than the limit', () => {
    const many = '<edXML:Place>x</edXML:Place>'.repeat(300_000);
    expect(() => parseEdxml(edocXml({ extra: `<edXML:ToPlaces>${many}</edXML:ToPlaces>` }))).toThrow(refusedWith('VDXP_EDXML_LIMIT'));
    expect(() => parseEdxml(edocXml(), { maxElements: 10 })).toThrow(refusedWith('VDXP_EDXML_LIMIT'));
  });

  test('more attributes than the limit', () => {
    const attrs = Array.from({ length: 100 }, (_, i) => `a${i}="1"`).join(' ');
    expect(() => parseEdxml(edocXml({ extra: `<edXML:Content ${attrs}>x</edXML:Content>` }))).toThrow(refusedWith('VDXP_EDXML_LIMIT'));
  });

  test('invalid UTF-8', () => {
    const bytes = Buffer.from(edocXml({ subject: '<edXML:Subject>@@</edXML:Subject>' }));
    const at = bytes.indexOf('@@');
    bytes[at] = 0xc3;
    bytes[at + 1] = 0x28; // 0xC3 must be followed by a continuation byte
    expect(() => parseEdxml(bytes)).toThrow(refusedWith('VDXP_EDXML_ENCODING'));
  });

  test('UTF-16, with or without a byte order mark, and a declared non-UTF-8 encoding', () => {
    const text = statusXml();
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(() => parseEdxml(le)).toThrow(refusedWith('VDXP_EDXML_ENCODING'));
    expect(() => parseEdxml(Buffer.from(text, 'utf16le'))).toThrow(refusedWith('VDXP_EDXML_ENCODING'));
    const latin = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    expect(() => parseEdxml(latin)).toThrow(refusedWith('VDXP_EDXML_ENCODING'));
  });

  test('content before the declaration', () => {
    expect(() => parseEdxml('1212' + statusXml())).toThrow(refusedWith('VDXP_EDXML_NOT_XML'));
    expect(() => parseEdxml('')).toThrow(refusedWith('VDXP_EDXML_NOT_XML'));
    expect(() => parseEdxml('%PDF-1.4 not xml')).toThrow(refusedWith('VDXP_EDXML_NOT_XML'));
  });

  test('a package past maxBytes, before parsing it', () => {
    const xml = edocXml();
    expect(() => parseEdxml(xml, { maxBytes: 100 })).toThrow(refusedWith('VDXP_EDXML_TOO_LARGE'));
    expect(() => parseEdxml(Buffer.from(xml), { maxBytes: 100 })).toThrow(refusedWith('VDXP_EDXML_TOO_LARGE'));
  });

  test('a root that is not edXML, and missing required parts with their path', () => {
    expect(() => parseEdxml('<?xml version="1.0"?><html><body/></html>')).toThrow(refusedWith('VDXP_EDXML_INVALID', 'html'));
    expect(() => parseEdxml(edocXml({ subject: '' }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'MessageHeader/Subject'));
    expect(() => parseEdxml(edocXml({ subject: '<edXML:Subject>  </edXML:Subject>' }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'Subject'));
    expect(() => parseEdxml(edocXml({ to: '' }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'MessageHeader/To'));
    expect(() => parseEdxml(edocXml({ promulgation: '<edXML:PromulgationInfo><edXML:PromulgationDate>hôm qua</edXML:PromulgationDate></edXML:PromulgationInfo>' }))).toThrow(
      refusedWith('VDXP_EDXML_INVALID', 'PromulgationInfo/PromulgationDate'),
    );
    expect(() => parseEdxml(statusXml({ timestamp: '' }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'MessageHeader/Timestamp'));
    expect(() => parseEdxml(`<?xml version="1.0"?><edXML xmlns="${QCVN}"><other/></edXML>`)).toThrow(refusedWith('VDXP_EDXML_INVALID', 'edXML/edXMLEnvelope'));
  });

  test('a model the schema refuses, naming the field', () => {
    const xml = statusXml({ statusCode: 'OK' });
    expect(() => parseEdxml(xml)).toThrow(expect.objectContaining({ code: 'VDXP_EDXML_INVALID', path: 'statusCode' }));
  });

  test('attachment content that is not base64', () => {
    for (const b64 of ['JVBER!!!', 'JVBERi0x=LjQ=', 'J', 'JVBERi0xJ', 'QQ===', 'QQ=A', 'JVBE-_0x']) {
      const xml = edocXml({ attachments: [{ id: '1', name: 'a.pdf', b64 }] });
      expect(() => parseEdxml(xml), b64).toThrow(refusedWith('VDXP_EDXML_INVALID', 'ContentTransferEncoded'));
    }
  });

  test('a zip bomb (by declared size, and by actual size when the header lies)', () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const deflated = deflateRawSync(zeros, { level: 9 });
    const honest = makeZip([{ name: 'bomb.pdf', data: Buffer.alloc(0), compressed: deflated, declaredSize: zeros.length, crc: 0 }]);
    const lying = makeZip([{ name: 'bomb.pdf', data: Buffer.alloc(0), compressed: deflated, declaredSize: 1000, crc: 0 }]);
    for (const zip of [honest, lying]) {
      const xml = edocXml({ attachments: [{ id: 'b', name: 'bomb.pdf', b64: zip.toString('base64') }] });
      expect(() => parseEdxml(xml, { maxAttachmentBytes: 8 * 1024 * 1024 })).toThrow(refusedWith('VDXP_EDXML_ATTACHMENT', 'ContentTransferEncoded'));
    }
  });

  test('a wrapped attachment whose ZIP has two entries', () => {
    const two = makeZip([
      { name: 'a.pdf', data: PDF_BYTES },
      { name: 'b.exe', data: Buffer.from('MZ') },
    ]);
    const xml = edocXml({ attachments: [{ id: '1', name: 'quyet-dinh.pdf', type: 'application/zip', b64: two.toString('base64') }] });
    expect(() => parseEdxml(xml)).toThrow(refusedWith('VDXP_EDXML_ATTACHMENT'));
  });

  test('duplicate ContentIds, in the attachments or in the manifest', () => {
    const a = { id: 'x', name: 'a.pdf', b64: PDF_B64 };
    const one = `<edXML:edXMLManifest>${referenceXml(a)}</edXML:edXMLManifest>`;
    expect(() => parseEdxml(edocXml({ attachments: [a, { ...a, name: 'b.pdf' }], manifest: one }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'Attachment/ContentId'));
    const manifest = `<edXML:edXMLManifest>${referenceXml(a)}${referenceXml(a)}</edXML:edXMLManifest>`;
    expect(() => parseEdxml(edocXml({ attachments: [a], manifest }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'Reference'));
  });

  test('a manifest Reference without its Attachment', () => {
    const manifest = `<edXML:edXMLManifest>${referenceXml({ id: 'gone', name: 'x.pdf', b64: '' })}</edXML:edXMLManifest>`;
    expect(() => parseEdxml(edocXml({ manifest }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'edXMLManifest/Reference'));
  });

  test('markup inside attachment content, and an Attachment without content or id', () => {
    const nested = `<AttachmentEncoded><Attachment><ContentId>1</ContentId><ContentTransferEncoded>QUJD<x>QQ==</x></ContentTransferEncoded></Attachment></AttachmentEncoded>`;
    expect(() => parseEdxml(edocXml({ manifest: '', attachmentEncoded: nested }))).toThrow(refusedWith('VDXP_EDXML_INVALID'));
    const empty = `<AttachmentEncoded><Attachment><ContentId>1</ContentId></Attachment></AttachmentEncoded>`;
    expect(() => parseEdxml(edocXml({ manifest: '', attachmentEncoded: empty }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'ContentTransferEncoded'));
    const noId = `<AttachmentEncoded><Attachment><ContentTransferEncoded>${PDF_B64}</ContentTransferEncoded></Attachment></AttachmentEncoded>`;
    expect(() => parseEdxml(edocXml({ manifest: '', attachmentEncoded: noId }))).toThrow(refusedWith('VDXP_EDXML_INVALID', 'ContentId'));
  });

  test('path-traversal attachment names are cleaned and reported, never refused', () => {
    const names = ['../../etc/passwd', '..\\..\\Windows\\system32\\evil.dll', '/abs/path/x.pdf', '..', 'a\tb\u202Efdp.exe', 'C:\\Users\\ok.pdf', '   '];
    const atts = names.map((name, i) => ({ id: `n${i}`, name, b64: PDF_B64 }));
    const m = parseEdxml(edocXml({ attachments: atts }));
    if (m.kind !== 'edoc') throw new Error('edoc expected');
    const got = m.attachments.map((a) => a.name);
    expect(got).toEqual(['passwd', 'evil.dll', 'x.pdf', 'attachment-4', 'abfdp.exe', 'ok.pdf', 'attachment-7']);
    for (const n of got) {
      expect(n).not.toMatch(/[/\\\u0000-\u001f\u202e]/);
      expect(n.startsWith('.')).toBe(false);
    }
    expect(m.warnings.filter((w) => w.code === 'attachment_name_sanitized').length).toBeGreaterThanOrEqual(5);
  });
});

describe('parseEdxml writes nothing while refusing', () => {
  test('an attachment named like a path is data only: refusing a bad package leaves no file behind', async () => {
    const { mkdtemp, readdir, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'vdxp-hostile-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const xml = edocXml({ attachments: [{ id: '1', name: 'evil.pdf', b64: PDF_B64 }] }) + attachmentXml({ id: 'x', b64: 'QQ==' });
      expect(() => parseEdxml(xml)).toThrow(refusedWith('VDXP_EDXML_NOT_XML'));
      expect(await readdir(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
