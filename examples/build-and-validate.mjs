// Writing a document strictly: buildEdxml fills the DocumentId, the sender's TraceHeader and
// the "new document" block; invalid input is refused naming the field; validateEdxml checks a
// finished package. Run: node examples/build-and-validate.mjs
import { buildEdxml, isVdxpError, parseDocumentCode, validateEdxml } from 'vdxp-connector';

const pdf = new TextEncoder().encode('%PDF-1.4\n% a real system attaches the signed PDF here\n%%EOF\n');

const bytes = buildEdxml({
  from: { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' },
  to: [
    { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
    { organId: '000.00.00.H26', organName: 'UBND tỉnh Thái Bình' },
  ],
  code: parseDocumentCode('125/BNV-VP'),
  promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026-11-20' },
  documentType: { type: 1, typeName: 'Công văn' },
  subject: 'V/v báo cáo tình hình kết nối liên thông văn bản',
  signerInfo: { competence: 'KT. BỘ TRƯỞNG', position: 'Thứ trưởng', fullName: 'Nguyễn Văn A' },
  otherInfo: { priority: 1, appendixes: [] },
  attachments: [{ contentId: 'cv-125', name: 'CV 125-BNV-VP.pdf', contentType: 'application/pdf', data: pdf }],
});
console.log(`built ${bytes.length} bytes`);

const result = validateEdxml(bytes);
console.log(`valid: ${result.valid}, ${result.issues.length} issue(s)`);

// Invalid input is refused before anything is written, each problem naming its field.
try {
  buildEdxml({
    from: { organId: 'Bo Noi vu', organName: 'Bộ Nội vụ' },
    to: [],
    code: { codeNumber: '125', codeNotation: 'BNV-VP' },
    promulgationInfo: { promulgationDate: '2026-11-20' },
    documentType: { type: 1, typeName: 'Công văn' },
    subject: 'x',
  });
} catch (e) {
  if (!isVdxpError(e)) throw e;
  console.log(`refused (${e.code}):`);
  for (const issue of e.issues) console.log(`  ${issue.path}: ${issue.message}`);
}
