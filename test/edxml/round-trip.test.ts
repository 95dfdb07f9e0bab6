import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildEdxml } from '../../src/edxml/build.js';
import { checkMessageForWrite } from '../../src/edxml/write-rules.js';
import type { EdocMessage, ParsedEdxml, StatusMessage } from '../../src/edxml/model.js';
import { parseEdxml } from '../../src/edxml/parse.js';
import { sampleEdoc, sampleStatus } from '../../src/testing/index.js';
import { edocMessage, FILE_TYPES, statusMessage } from './arbitraries.js';

const now = () => new Date('2025-01-01T00:00:00Z');
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** The model without the reader-only parts (warnings, transfer), bytes as hex for a fast comparison. */
function comparable(m: EdocMessage | StatusMessage | ParsedEdxml): unknown {
  const { warnings: _w, ...rest } = m as ParsedEdxml;
  if (rest.kind === 'status') return rest;
  return { ...rest, attachments: rest.attachments.map(({ transfer: _t, data, ...a }) => ({ ...a, data: hex(data) })) };
}

describe('parseEdxml(buildEdxml(m)) equals m', () => {
  test('the generators make messages the strict rules accept', () => {
    fc.assert(
      fc.property(fc.oneof(edocMessage, statusMessage), (m) => {
        expect(checkMessageForWrite(m, { now })).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  test('for generated edocs: Vietnamese text, 1-30 recipients, 0-5 attachments, every business operation', () => {
    fc.assert(
      fc.property(edocMessage, (m) => {
        const read = parseEdxml(buildEdxml(m, { now }));
        expect(read.warnings).toEqual([]);
        expect(comparable(read)).toEqual(comparable(m));
      }),
      { numRuns: 150 },
    );
  });

  test('for generated status reports of every code', () => {
    fc.assert(
      fc.property(statusMessage, (m) => {
        const read = parseEdxml(buildEdxml(m, { now }));
        expect(read.warnings).toEqual([]);
        expect(comparable(read)).toEqual(comparable(m));
      }),
      { numRuns: 150 },
    );
  });

  test('for the samples of vdxp-connector/testing', () => {
    for (const m of [sampleEdoc(), sampleStatus(), sampleStatus({ statusCode: '13' })]) {
      const read = parseEdxml(buildEdxml(m, { now }));
      expect(read.warnings).toEqual([]);
      expect(comparable(read)).toEqual(comparable(m));
    }
  });

  test('a parsed message can be written again as it is (warnings, transfer ignored)', () => {
    const first = parseEdxml(buildEdxml(sampleEdoc(), { now, wrap: 'all', uuid: () => 'u' }));
    const again = parseEdxml(buildEdxml(first, { now }));
    expect(comparable(again)).toEqual(comparable(first));
  });

  test('with the defaults the writer fills in', () => {
    const { documentId: _d, traceHeaders: _t, business: _b, ...input } = sampleEdoc();
    const read = parseEdxml(buildEdxml(input, { now }));
    expect(read.kind === 'edoc' && [read.documentId, read.traceHeaders, read.business]).toEqual([
      '000.00.00.G22,2024/05/20,7816/VPCP-TTĐT',
      [{ organId: '000.00.00.G22', timestamp: '2025-01-01T07:00:00+07:00' }],
      { businessDocType: 0, businessDocReason: 'Văn bản điện tử mới', paper: 0, staffInfo: [], replacementInfo: [] },
    ]);
  });
});

describe('wrapping attachments in one-entry ZIPs', () => {
  let n = 0;
  const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

  test('wrap "all": every file comes back unwrapped, as sent, with transfer.wrapped', () => {
    fc.assert(
      fc.property(edocMessage.filter((m) => m.attachments.length > 0), (m) => {
        const read = parseEdxml(buildEdxml(m, { now, wrap: 'all', uuid }));
        expect(read.warnings).toEqual([]);
        expect(comparable(read)).toEqual(comparable(m));
        if (read.kind !== 'edoc') throw new Error('expected an edoc');
        for (const a of read.attachments) expect(a.transfer).toMatchObject({ wrapped: true, contentType: 'application/zip' });
      }),
      { numRuns: 40 },
    );
  });

  test('wrap "like-java-sdk": pdf, doc and docx travel as they are, other files wrapped', () => {
    const m = sampleEdoc({
      attachments: FILE_TYPES.map(([ext, contentType], i) => ({
        contentId: `tep-${i}`,
        name: `Tệp đính kèm ${i}.${ext}`,
        contentType,
        data: new TextEncoder().encode(`nội dung ${ext} `.repeat(50 + i)),
      })),
    });
    const read = parseEdxml(buildEdxml(m, { now, wrap: 'like-java-sdk', uuid }));
    expect(read.warnings).toEqual([]);
    expect(comparable(read)).toEqual(comparable(m));
    if (read.kind !== 'edoc') throw new Error('expected an edoc');
    expect(read.attachments.map((a) => [a.name.split('.').pop(), a.transfer?.wrapped])).toEqual([
      ['pdf', false],
      ['doc', false],
      ['docx', false],
      ['xlsx', true],
      ['odt', true],
      ['txt', true],
      ['png', true],
    ]);
  });

  test('a .zip file is never wrapped again', () => {
    const zipFile = buildZipLike();
    const m = sampleEdoc({ attachments: [{ contentId: 'ho-so', name: 'Hồ sơ.zip', contentType: 'application/zip', data: zipFile }] });
    const read = parseEdxml(buildEdxml(m, { now, wrap: 'all', uuid }));
    expect(read.kind === 'edoc' && read.attachments[0]!.transfer?.wrapped).toBe(false);
    expect(read.kind === 'edoc' && hex(read.attachments[0]!.data)).toBe(hex(zipFile));
  });
});

/** A two-entry ZIP made by the writer's own ZIP (nested): bytes that start with PK. */
function buildZipLike(): Uint8Array<ArrayBuffer> {
  const inner = buildEdxml(sampleEdoc({ attachments: [{ contentId: 'a', name: 'a.txt', contentType: 'text/plain', data: new Uint8Array([1, 2, 3]) }] }), {
    now,
    wrap: 'all',
    uuid: () => 'inner',
  });
  const b64 = /<edXML:ContentTransferEncoded[^>]*>([^<]*)</.exec(new TextDecoder().decode(inner))![1]!;
  return new Uint8Array(Buffer.from(b64, 'base64'));
}
