import { buildEdxml } from '../../src/edxml/build.js';

/**
 * A real edoc package made by the writer: two attachments, Vietnamese text, fixed time. The
 * first attachment is `pdf` when given, else PDF-looking filler bytes (not a readable PDF).
 */
export function samplePackage(options: { attachmentBytes?: number; pdf?: Uint8Array } = {}): Uint8Array {
  let pdf = options.pdf;
  if (!pdf) {
    pdf = new Uint8Array(options.attachmentBytes ?? 3000);
    for (let i = 0; i < pdf.length; i++) pdf[i] = (i * 31 + 7) & 0xff;
    pdf.set(new TextEncoder().encode('%PDF-1.7\n'), 0);
  }
  return buildEdxml(
    {
      from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
      to: [{ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' }],
      code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2015-09-30' },
      documentType: { type: 1, typeName: 'Công văn' },
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản & "trục" <quốc gia>',
      attachments: [
        { contentId: '1', name: 'cong-van.pdf', contentType: 'application/pdf', data: pdf },
        { contentId: '2', name: 'phu-luc.txt', contentType: 'text/plain', data: new TextEncoder().encode('Phụ lục\r\n') },
      ],
    },
    { now: () => new Date('2024-05-02T03:04:05Z') },
  );
}

/** Decodes bytes as UTF-8 text. */
export const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
/** Encodes text as UTF-8 bytes. */
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
