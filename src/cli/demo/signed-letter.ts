/**
 * The document of the story: a Công văn of the ministry to the province and the commune, its
 * PDF signed first by the competent person and then by the issuing body (Nghị định 30/2020
 * Art. 5 and Appendix I appearances), as the sender's document system would produce it.
 * @internal
 * @module
 */
import { signPdf, verifyPdf, vietnamDate, type PdfVerificationReport, type SendInput, type TrustStore } from '../../index.js';
import { createTestPdf, createTestTimestampToken, type TestPki } from '../../testing/index.js';
import type { DemoAgency } from './cast.js';
import type { DemoCertificates } from './demo-world.js';

/** The document's number and notation (số, ký hiệu). */
export const LETTER_CODE = '1520/BNV-CQĐP';

/** The letter, ready for `connector.send`, and the sender's own check of its PDF. */
export interface SignedLetter {
  readonly input: SendInput;
  readonly pdf: Uint8Array;
  readonly check: PdfVerificationReport;
}

const DAY = 86_400_000;

/** Signs the PDF twice (person, then body with a timestamp) and wraps it in a document to send. */
export async function issueSignedLetter(
  sender: DemoAgency,
  certificates: DemoCertificates,
  recipients: readonly DemoAgency[],
  pki: TestPki,
  trust: TrustStore,
): Promise<SignedLetter> {
  const blank = createTestPdf({ text: `Cong van ${LETTER_CODE}: huong dan bao cao trang thai xu ly van ban` });
  const bySigner = await signPdf(blank, {
    key: certificates.person.privateKey,
    certificate: certificates.person.certificate,
    reason: 'Ký ban hành văn bản',
    location: sender.place,
    certify: true, // DocMDP: later only form filling and signatures
    appearance: { preset: 'person' }, // Người ký, Cơ quan, Chức vụ, Thời gian ký — from the certificate
  });
  const issued = await signPdf(bySigner, {
    key: certificates.organization.privateKey,
    certificate: certificates.organization.certificate,
    subFilter: 'ETSI.CAdES.detached',
    reason: 'Phát hành văn bản',
    appearance: { preset: 'organization', documentCode: LETTER_CODE },
    timestamp: { tsa: async (digest) => createTestTimestampToken({ tsa: pki.tsa, digest }) },
  });
  const check = await verifyPdf(issued, { trust });

  const today = new Date();
  const input: SendInput = {
    to: recipients.map((r) => ({ organId: r.organId, organName: r.organName })),
    code: { codeNumber: LETTER_CODE.split('/')[0]!, codeNotation: LETTER_CODE.split('/')[1]! },
    promulgationInfo: { place: sender.place, promulgationDate: vietnamDate(today) },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: 'V/v báo cáo đầy đủ trạng thái xử lý văn bản điện tử trên Trục liên thông văn bản quốc gia',
    content: 'Đề nghị các cơ quan, đơn vị cập nhật đầy đủ trạng thái xử lý văn bản đến (văn thư, lãnh đạo, chuyên viên) theo quy định.',
    signerInfo: { competence: 'KT. BỘ TRƯỞNG', position: sender.leader.title, fullName: sender.leader.name },
    dueDate: vietnamDate(new Date(today.getTime() + 14 * DAY)),
    toPlaces: ['Như trên', 'Lưu: VT, CQĐP'],
    otherInfo: { priority: 0, appendixes: [] },
    attachments: [{ contentId: 'cv-1520', name: 'CV-1520-BNV-CQDP.pdf', contentType: 'application/pdf', data: issued }],
  };
  return { input, pdf: issued, check };
}
