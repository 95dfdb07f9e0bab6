import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { buildEdxml, buildEdxmlStream } from '../../src/edxml/build.js';
import type { EdocMessage } from '../../src/edxml/model.js';
import { childElements, firstChild, parseXmlTree, textOf, type XmlElement } from '../../src/edxml/xml-tree.js';
import { sampleEdoc, sampleStatus } from '../../src/testing/index.js';

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const now = () => new Date('2024-06-01T01:02:03Z'); // 08:02:03 in Vietnam
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A message with every optional field present. */
function fullEdoc(): EdocMessage {
  return sampleEdoc({
    to: [sampleEdoc().to[0]!, { ...sampleEdoc().to[1]!, organizationInCharge: 'Bộ Nội vụ', email: 'bnv@moha.gov.vn', telephone: '024 6282 1015', fax: '024 6282 1016', website: 'moha.gov.vn' }],
    otherInfo: {
      priority: 3,
      sphereOfPromulgation: 'Toàn quốc',
      typerNotation: 'TVC',
      promulgationAmount: 10,
      pageAmount: 2,
      direction: true,
      appendixes: ['Phụ lục I: Danh sách đơn vị', 'Phụ lục II'],
    },
    documentType: { type: 2, typeDetail: 5, typeName: 'Quyết định' },
    responseFor: [{ organId: '000.00.00.H41', code: '12/UBND-VX', promulgationDate: '2024-05-01', documentId: '000.00.00.H41,2024/05/01,12/UBND-VX' }],
    steeringType: 1,
  });
}

const elementNames = (el: XmlElement | undefined) => (el ? childElements(el).map((c) => c.name) : []);

function parse(bytes: Uint8Array) {
  return parseXmlTree(bytes).root;
}

function allElements(el: XmlElement): XmlElement[] {
  return [el, ...childElements(el).flatMap(allElements)];
}

describe('buildEdxml: the strict edoc shape', () => {
  const bytes = buildEdxml(fullEdoc(), { now });
  const root = parse(bytes);
  const envelope = firstChild(root, 'edXMLEnvelope')!;
  const header = firstChild(envelope, 'edXMLHeader')!;
  const messageHeader = firstChild(header, 'MessageHeader')!;

  test('starts with the UTF-8 XML declaration', () => {
    expect(text(bytes.subarray(0, 60))).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<edXML /);
  });

  test('has root edXML with the QCVN namespace as default and nothing else declared', () => {
    expect(root.name).toBe('edXML');
    expect(root.uri).toBe(NS);
    expect([...root.namespaces]).toEqual([['', NS]]);
  });

  test('declares the edXML prefix on the envelope and prefixes every element inside it', () => {
    expect(envelope.name).toBe('edXML:edXMLEnvelope');
    expect([...envelope.namespaces]).toEqual([['edXML', NS]]);
    for (const el of allElements(envelope)) {
      expect(el.prefix, el.name).toBe('edXML');
      expect(el.uri).toBe(NS);
    }
  });

  test('writes header then body, MessageHeader then TraceHeaderList', () => {
    expect(elementNames(root)).toEqual(['edXML:edXMLEnvelope', 'AttachmentEncoded']);
    expect(elementNames(envelope)).toEqual(['edXML:edXMLHeader', 'edXML:edXMLBody']);
    expect(elementNames(header)).toEqual(['edXML:MessageHeader', 'edXML:TraceHeaderList']);
  });

  test('writes MessageHeader in QCVN table order', () => {
    expect(elementNames(messageHeader).map((n) => n.replace('edXML:', ''))).toEqual([
      'From', 'To', 'To', 'Code', 'PromulgationInfo', 'DocumentType', 'Subject', 'Content', 'SignerInfo',
      'DueDate', 'ToPlaces', 'OtherInfo', 'ResponseFor', 'SteeringType', 'DocumentId',
    ]);
    const to2 = childElements(messageHeader, 'To')[1]!;
    expect(elementNames(to2).map((n) => n.replace('edXML:', ''))).toEqual([
      'OrganId', 'OrganName', 'OrganizationInCharge', 'OrganAdd', 'Email', 'Telephone', 'Fax', 'Website',
    ]);
    const other = firstChild(messageHeader, 'OtherInfo')!;
    expect(elementNames(other).map((n) => n.replace('edXML:', ''))).toEqual([
      'Priority', 'SphereOfPromulgation', 'TyperNotation', 'PromulgationAmount', 'PageAmount', 'Direction', 'Appendixes',
    ]);
    expect(elementNames(firstChild(messageHeader, 'ResponseFor')).map((n) => n.replace('edXML:', ''))).toEqual([
      'OrganId', 'Code', 'PromulgationDate', 'DocumentId',
    ]);
  });

  test('writes dates as yyyy/MM/dd and keeps Đ and diacritics', () => {
    expect(textOf(firstChild(firstChild(messageHeader, 'PromulgationInfo'), 'PromulgationDate'))).toBe('2024/05/20');
    expect(textOf(firstChild(messageHeader, 'DueDate'))).toBe('2024/06/30');
    expect(textOf(firstChild(firstChild(messageHeader, 'Code'), 'CodeNotation'))).toBe('VPCP-TTĐT');
    expect(textOf(firstChild(messageHeader, 'DocumentId'))).toBe('000.00.00.G22,2024/05/20,7816/VPCP-TTĐT');
  });

  test('writes the manifest Reference and the Attachment with their children in spec order', () => {
    const manifest = firstChild(firstChild(envelope, 'edXMLBody'), 'edXMLManifest')!;
    expect(manifest.attributes.map((a) => [a.name, a.value])).toEqual([['version', '1.0']]);
    const reference = childElements(manifest, 'Reference');
    expect(reference).toHaveLength(1);
    expect(elementNames(reference[0]).map((n) => n.replace('edXML:', ''))).toEqual(['ContentId', 'ContentType', 'AttachmentName']);
    expect(textOf(firstChild(reference[0], 'ContentId'))).toBe('cid:cong-van-7816');

    const encoded = firstChild(root, 'AttachmentEncoded')!;
    expect([encoded.prefix, encoded.uri]).toEqual(['', NS]);
    const attachment = childElements(encoded, 'Attachment')[0]!;
    expect([attachment.prefix, attachment.uri]).toEqual(['', NS]);
    expect(elementNames(attachment)).toEqual(['ContentId', 'AttachmentName', 'ContentType', 'edXML:ContentTransferEncoded']);
    const transfer = firstChild(attachment, 'ContentTransferEncoded')!;
    expect([...transfer.namespaces]).toEqual([['edXML', NS]]);
  });

  test('writes base64 on one line, padded, decoding to the file', () => {
    const raw = /<edXML:ContentTransferEncoded xmlns:edXML="[^"]+">([^<]*)<\/edXML:ContentTransferEncoded>/.exec(text(bytes))![1]!;
    expect(raw).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(raw.length % 4).toBe(0);
    expect(Buffer.from(raw, 'base64')).toEqual(Buffer.from(sampleEdoc().attachments[0]!.data));
  });

  test('writes the exact base64 of attachments of every size around its encoding steps, views included', () => {
    // the writer encodes 48 KiB steps below 768 KiB and 768 KiB steps (the last one taking the rest) above
    const sizes = [1, 2, 3, 4, 49_151, 49_152, 49_153, 98_305, 786_431, 786_432, 786_433, 1_572_863, 1_572_864, 1_572_865, 2_359_297];
    const backing = new Uint8Array(2_359_297 + 5).map((_, i) => (i * 2654435761) >>> 24);
    const attachments = sizes.map((size, i) => ({
      contentId: `p${i}`,
      name: `phan-${i}.pdf`,
      contentType: 'application/pdf',
      data: backing.subarray(5 - (i % 5), 5 - (i % 5) + size), // views at several offsets into one buffer
    }));
    const xml = text(buildEdxml(sampleEdoc({ attachments }), { now }));
    const written = [...xml.matchAll(/<edXML:ContentTransferEncoded[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(written).toHaveLength(sizes.length);
    attachments.forEach((a, i) => {
      expect(written[i] === Buffer.from(a.data).toString('base64'), `attachment of ${a.data.length} bytes`).toBe(true);
    });
  });

  test('omits empty optionals', () => {
    const minimal = buildEdxml(sampleEdoc({ content: undefined, signerInfo: undefined, dueDate: undefined, toPlaces: [], otherInfo: undefined, attachments: [] }), { now });
    const xml = text(minimal);
    for (const name of ['Content', 'SignerInfo', 'DueDate', 'ToPlaces', 'OtherInfo', 'ResponseFor', 'SteeringType', 'AttachmentEncoded', 'Reference']) {
      expect(xml).not.toContain(`${name}>`);
    }
    expect(xml).toContain('<edXML:edXMLManifest version="1.0"/>');
    expect(xml).not.toMatch(/<([\w:]+)><\/\1>/);
  });

  test('is read the same way by an independent parser (fast-xml-parser)', () => {
    const doc = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false }).parse(text(bytes));
    const mh = doc.edXML.edXMLEnvelope.edXMLHeader.MessageHeader;
    expect(mh.Subject).toBe(fullEdoc().subject);
    expect(mh.To.map((t: { OrganId: string }) => t.OrganId)).toEqual(['000.00.00.H41', '000.00.00.G09']);
    expect(mh.OtherInfo.Appendixes.Appendix).toEqual(['Phụ lục I: Danh sách đơn vị', 'Phụ lục II']);
    const transfer = doc.edXML.AttachmentEncoded.Attachment.ContentTransferEncoded;
    expect(typeof transfer === 'string' ? transfer : transfer['#text']).toMatch(/^JVBER/);
  });
});

describe('buildEdxml: filling what is absent', () => {
  const input = () => {
    const { documentId: _d, traceHeaders: _t, business: _b, ...rest } = sampleEdoc();
    return rest;
  };

  test('fills DocumentId, the sender TraceHeader in Vietnam time and a "new" Bussiness block', () => {
    const xml = text(buildEdxml(input(), { now }));
    expect(xml).toContain('<edXML:DocumentId>000.00.00.G22,2024/05/20,7816/VPCP-TTĐT</edXML:DocumentId>');
    expect(xml).toMatch(
      /<edXML:TraceHeader>\s*<edXML:OrganId>000\.00\.00\.G22<\/edXML:OrganId>\s*<edXML:Timestamp>2024\/06\/01 08:02:03<\/edXML:Timestamp>\s*<\/edXML:TraceHeader>/,
    );
    expect(xml).toMatch(/<edXML:Bussiness>\s*<edXML:BussinessDocType>0<\/edXML:BussinessDocType>\s*<edXML:BussinessDocReason>Văn bản điện tử mới</);
  });

  test('keeps a DocumentId, TraceHeaders and a business block that are given', () => {
    const xml = text(buildEdxml(sampleEdoc({ documentId: 'f3b0c1d2-uuid' }), { now }));
    expect(xml).toContain('<edXML:DocumentId>f3b0c1d2-uuid</edXML:DocumentId>');
    expect(xml).toContain('<edXML:Timestamp>2024/05/20 09:30:00</edXML:Timestamp>');
    expect(xml).toContain('<edXML:Staff>Trần Thị Đào</edXML:Staff>');
  });

  test('stamps a status without a Timestamp with the injected clock', () => {
    const { timestamp: _t, ...status } = sampleStatus();
    expect(text(buildEdxml(status, { now }))).toContain('<edXML:Timestamp>2024/06/01 08:02:03</edXML:Timestamp>');
  });

  test('trims text and composes decomposed Vietnamese (NFC)', () => {
    const xml = text(buildEdxml(sampleEdoc({ subject: '  V/v cập nhật hồ sơ  '.normalize('NFD') }), { now }));
    expect(xml).toContain('<edXML:Subject>V/v cập nhật hồ sơ</edXML:Subject>');
  });
});

describe('buildEdxml: the status shape', () => {
  const bytes = buildEdxml(sampleStatus({ statusCode: '02' }), { now });
  const root = parse(bytes);

  test('has only the envelope, the header and the MessageHeader in spec order', () => {
    expect(elementNames(root)).toEqual(['edXML:edXMLEnvelope']);
    const envelope = firstChild(root, 'edXMLEnvelope')!;
    expect(elementNames(envelope)).toEqual(['edXML:edXMLHeader']);
    const mh = firstChild(firstChild(envelope, 'edXMLHeader'), 'MessageHeader')!;
    expect(elementNames(mh).map((n) => n.replace('edXML:', ''))).toEqual(['From', 'ResponseFor', 'StaffInfo', 'StatusCode', 'Description', 'Timestamp']);
    expect(textOf(firstChild(mh, 'StatusCode'))).toBe('02');
    expect(textOf(firstChild(mh, 'Timestamp'))).toBe('2024/05/20 14:05:00');
    for (const el of allElements(envelope)) expect(el.prefix).toBe('edXML');
  });
});

describe('buildEdxml: escaping', () => {
  test('escapes markup characters and keeps CR as a character reference', () => {
    const xml = text(buildEdxml(sampleEdoc({ subject: 'A & B <C> "D"\r\nE' }), { now }));
    expect(xml).toContain('<edXML:Subject>A &amp; B &lt;C&gt; "D"&#13;\nE</edXML:Subject>');
    const mh = firstChild(firstChild(firstChild(parse(new TextEncoder().encode(xml)), 'edXMLEnvelope'), 'edXMLHeader'), 'MessageHeader');
    expect(textOf(firstChild(mh, 'Subject'))).toBe('A & B <C> "D"\r\nE');
  });

  test('refuses characters XML cannot carry, naming the field', () => {
    expect(() => buildEdxml(sampleEdoc({ subject: 'bell\u0007' }), { now })).toThrow(
      expect.objectContaining({ code: 'VDXP_INPUT_INVALID', message: expect.stringContaining('Subject contains U+0007') }),
    );
    expect(() => buildEdxml(sampleEdoc({ content: 'lone \uD800 surrogate' }), { now })).toThrow(/Content contains U\+D800/);
  });
});

describe('buildEdxml: refusing invalid input', () => {
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as { code: string; message: string; issues: { code: string; path: string; message: string }[] };
    }
    throw new Error('expected a refusal');
  };

  test('names each missing field in edXML terms, with the model path', () => {
    const e = refusal(() => buildEdxml({ ...sampleEdoc(), subject: '', from: { organId: '000.00.00.G22' } } as never, { now }));
    expect(e.code).toBe('VDXP_INPUT_INVALID');
    expect(e.issues).toEqual(
      expect.arrayContaining([
        { code: 'required', path: 'from.organName', message: 'From/OrganName is required' },
        { code: 'required', path: 'subject', message: 'Subject is required' },
      ]),
    );
    expect(e.message).toContain('From/OrganName is required');
  });

  test('names the position of a bad recipient and an unknown field', () => {
    const e = refusal(() => buildEdxml(sampleEdoc({ to: [sampleEdoc().to[0]!, { organId: '000.00.00.G09', organName: 'Bộ Nội vụ', phone: '1' } as never] }), { now }));
    expect(e.issues).toEqual([{ code: 'unknown_field', path: 'to.1', message: 'To[2] has unknown field(s): phone' }]);
  });

  test('does not blame the DocumentId it could not fill when its parts are missing', () => {
    const { documentId: _d, ...rest } = sampleEdoc();
    const e = refusal(() => buildEdxml({ ...rest, code: { codeNumber: '7816' } } as never, { now }));
    expect(e.issues.map((i) => i.path)).toEqual(['code.codeNotation']);
  });

  test('refuses wrong types with a clear wording', () => {
    const e = refusal(() => buildEdxml(sampleEdoc({ otherInfo: { priority: 7, appendixes: [] }, documentType: { type: 1.5, typeName: 'Công văn' } }), { now }));
    expect(e.issues).toEqual(
      expect.arrayContaining([
        { code: 'too_big', path: 'otherInfo.priority', message: 'OtherInfo/Priority must be at most 4' },
        { code: 'invalid_type', path: 'documentType.type', message: 'DocumentType/Type must be a whole number' },
      ]),
    );
  });

  test('refuses a streamed attachment in the in-memory builder', () => {
    const message = { ...sampleEdoc(), attachments: [{ contentId: 'x', name: 'x.pdf', contentType: 'application/pdf', source: async function* () { yield new Uint8Array(1); } }] };
    expect(() => buildEdxml(message as never, { now })).toThrow(/use buildEdxmlStream/);
  });

  test('refuses unknown options', () => {
    expect(() => buildEdxml(sampleEdoc(), { wrap: 'sometimes' } as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
  });
});

describe('buildEdxmlStream', () => {
  async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    return Buffer.concat(parts);
  }

  test('produces the same bytes as buildEdxml for in-memory attachments', async () => {
    const big = new Uint8Array(2_000_003).map((_, i) => (i * 7919) & 0xff);
    const message = sampleEdoc({ attachments: [...sampleEdoc().attachments, { contentId: 'big', name: 'so-lieu.bin', contentType: 'application/octet-stream', data: big }] });
    const streamed = await collect(buildEdxmlStream(message, { now }));
    expect(streamed.equals(buildEdxml(message, { now }))).toBe(true);
  });

  test('streams a source in uneven chunks, carrying leftover bytes between them', async () => {
    const data = new Uint8Array(100_001).map((_, i) => (i * 31) & 0xff);
    const sizes = [1, 2, 4, 3, 5, 7, 1000, 65_536, 1];
    const source = async function* () {
      let at = 0;
      for (let k = 0; at < data.length; k++) {
        const n = sizes[k % sizes.length]!;
        yield data.subarray(at, Math.min(data.length, at + n));
        at += n;
      }
    };
    const message = { ...sampleEdoc(), attachments: [{ contentId: 'so-lieu', name: 'số liệu.csv', contentType: 'text/csv', source }] };
    const xml = (await collect(buildEdxmlStream(message, { now }))).toString('utf8');
    const raw = /<edXML:ContentTransferEncoded[^>]*>([^<]*)</.exec(xml)![1]!;
    expect(raw).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(createHash('sha256').update(Buffer.from(raw, 'base64')).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  test('refuses an invalid message when called, before producing anything', () => {
    expect(() => buildEdxmlStream({ ...sampleEdoc(), to: [] })).toThrow(expect.objectContaining({ code: 'VDXP_INPUT_INVALID', message: expect.stringContaining('To needs at least 1 entry') }));
  });

  test('fails with VDXP_EDXML_ATTACHMENT when a source yields nothing or not bytes', async () => {
    const empty = { ...sampleEdoc(), attachments: [{ contentId: 'e', name: 'e.pdf', contentType: 'application/pdf', source: async function* () {} }] };
    await expect(collect(buildEdxmlStream(empty, { now }))).rejects.toMatchObject({ code: 'VDXP_EDXML_ATTACHMENT', message: expect.stringContaining('no bytes') });
    const strings = { ...sampleEdoc(), attachments: [{ contentId: 's', name: 's.txt', contentType: 'text/plain', source: async function* () { yield 'text' as never; } }] };
    await expect(collect(buildEdxmlStream(strings, { now }))).rejects.toMatchObject({ code: 'VDXP_EDXML_ATTACHMENT' });
  });
});
