// The agencies and documents of the chaos run: document i (1…N) has a fixed number, so its
// DocumentId is known in advance by the orchestrator, the senders and the final count.

export const AGENCIES = {
  sender: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
  receiver: { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
};

const DATE = '2025-03-10';
const NOTATION = 'VPCP-CHAOS';

/** `Number/Notation` parts of document i. */
export const codeOf = (i) => ({ codeNumber: String(i), codeNotation: NOTATION });

/** The DocumentId of document i (`OrganId,YYYY/MM/DD,Number/Notation`). */
export const documentIdOf = (i) => `${AGENCIES.sender.organId},${DATE.replaceAll('-', '/')},${i}/${NOTATION}`;

/** Every DocumentId the run must deliver. */
export const expectedDocumentIds = (n) => Array.from({ length: n }, (_, k) => documentIdOf(k + 1));

/** The promulgation date of every document. */
export const PROMULGATION_DATE = DATE;
