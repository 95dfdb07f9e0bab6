import { buildEdxml } from '../../src/edxml/build.js';
import type { Organization } from '../../src/edxml/model.js';

export const G22: Organization = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
export const H41: Organization = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };

/** A small edoc from `from` to `to`, built with the real writer. */
export function edocPackage(from: Organization, to: Organization[], options: { number?: string; subject?: string; pdfBytes?: number } = {}): Uint8Array {
  const pdf = Buffer.alloc(options.pdfBytes ?? 64, 0x25);
  return buildEdxml(
    {
      from,
      to,
      code: { codeNumber: options.number ?? '7816', codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026-11-20' },
      documentType: { type: 1, typeName: 'Công văn' },
      subject: options.subject ?? 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      attachments: [{ contentId: '1', name: 'cong-van.pdf', contentType: 'application/pdf', data: new Uint8Array(pdf) }],
    },
    { now: () => new Date('2026-11-21T03:00:00Z') },
  );
}

/** A status package from `from` about a document issued by `issuer`. */
export function statusPackage(from: Organization, issuer: Organization, statusCode = '01', number = '7816'): Uint8Array {
  return buildEdxml(
    {
      kind: 'status',
      from,
      responseFor: {
        organId: issuer.organId,
        code: `${number}/VPCP-TTĐT`,
        promulgationDate: '2026-11-20',
        documentId: `${issuer.organId},2026/11/20,${number}/VPCP-TTĐT`,
      },
      statusCode,
      description: 'Đã đến',
    },
    { now: () => new Date('2026-11-21T03:00:00Z') },
  );
}
