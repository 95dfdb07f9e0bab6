import { describe, expect, test } from 'vitest';
import { attributeAnswers, issuedRequests } from '../../src/connector/request-answers.js';
import type { OutboxEntry, StatusRecord } from '../../src/store/store.js';

const DOC = '000.00.00.G09,2026/11/20,1520/BNV-CQĐP';
const H41 = '000.00.00.H41';
const VN = (hms: string) => `2026-11-20T${hms}+07:00`;
const UTC = (hms: string) => new Date(VN(hms)).toISOString();

function updatePackage(createdAt: string): OutboxEntry {
  return {
    id: 'o_update', version: 1, documentId: DOC, messageType: 'edoc', operation: 'update', from: '000.00.00.G09', recipients: [H41],
    blob: { ref: 'b', size: 1, sha256: '0'.repeat(64) }, summary: { code: '1520/BNV-CQĐP', businessDocType: 2 },
    state: 'sent', attempts: 1, nextAttemptAt: createdAt, createdAt,
  };
}

function status(direction: 'in' | 'out', code: string, at: string, recordedAt: string, outboxId?: string): StatusRecord {
  return { id: `${direction}-${code}-${recordedAt}`, direction, documentId: DOC, counterpart: H41, agency: '000.00.00.G09', code, at, recordedAt, ...(outboxId ? { outboxId } : {}) };
}

describe('attributeAnswers', () => {
  test('gives each answer to its request when an update and a take-back (13) are answered within one second', () => {
    // update made at 10.300; its 15 stamped 10 s and recorded at 10.700; the 13 made at 10.800
    // (stamped 10 s); its 16 stamped 10 s, recorded at 11.200
    const requests = issuedRequests([updatePackage(UTC('09:00:10.300'))], [status('out', '13', VN('09:00:10'), UTC('09:00:10.800'), 'o_13')]);
    const agree = status('in', '15', VN('09:00:10'), UTC('09:00:10.700'));
    const refuse = status('in', '16', VN('09:00:10'), UTC('09:00:11.200'));
    for (const order of [[agree, refuse], [refuse, agree]]) {
      const answered = attributeAnswers(requests, order);
      expect(answered.get(agree.id)).toMatchObject({ kind: 'update', outboxId: 'o_update' });
      expect(answered.get(refuse.id)).toMatchObject({ kind: 'take-back', outboxId: 'o_13' });
    }
  });

  test('still goes by the answer’s own time when the sender recorded both answers late', () => {
    // the sender's connector was down: both answers recorded at 09:05, their stamps seconds apart
    const requests = issuedRequests([updatePackage(UTC('09:00:10.300'))], [status('out', '13', VN('09:00:50'), UTC('09:00:50.000'), 'o_13')]);
    const agree = status('in', '15', VN('09:00:12'), UTC('09:05:00.000'));
    const refuse = status('in', '16', VN('09:00:51'), UTC('09:05:00.100'));
    const answered = attributeAnswers(requests, [agree, refuse]);
    expect(answered.get(agree.id)?.kind).toBe('update');
    expect(answered.get(refuse.id)?.kind).toBe('take-back');
  });
});
