import { describe, expect, test } from 'vitest';
import {
  BUSINESS_TYPES,
  DOCUMENT_TYPES,
  PRIORITIES,
  SECRECY_LEVELS,
  STATUS_CODES,
  STATUS_CODE_ORDER,
  businessTypeLabel,
  documentTypeByAbbreviation,
  documentTypeByName,
  isKnownStatusCode,
  priorityLabel,
  statusLabel,
} from '../../src/edxml/codes.js';

const hasBothLabels = (entry: { vi: string; en: string }) => entry.vi.length > 0 && entry.en.length > 0;

describe('STATUS_CODES', () => {
  test('lists exactly the codes in use, each with both labels', () => {
    expect(Object.keys(STATUS_CODES).sort()).toEqual(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
    for (const entry of Object.values(STATUS_CODES)) expect(hasBothLabels(entry)).toBe(true);
  });

  test('STATUS_CODE_ORDER lists every code once, in natural order', () => {
    expect([...STATUS_CODE_ORDER]).toEqual(Object.keys(STATUS_CODES).sort());
  });

  test('says that only 13 is sent by the original sender', () => {
    const bySender = Object.entries(STATUS_CODES).filter(([, e]) => e.sentBy === 'sender').map(([c]) => c);
    expect(bySender).toEqual(['13']);
  });

  test('marks 02, 06, 15 and 16 as final', () => {
    const finals = STATUS_CODE_ORDER.filter((c) => STATUS_CODES[c].final);
    expect(finals).toEqual(['02', '06', '15', '16']);
  });

  test('labels a code in Vietnamese by default and in English on request', () => {
    expect(statusLabel('01')).toBe('Đã đến');
    expect(statusLabel('02')).toBe('Từ chối tiếp nhận');
    expect(statusLabel('06', 'en')).toBe('Completed');
    expect(statusLabel('99')).toBeUndefined();
  });

  test('recognises known codes only, including inherited property names', () => {
    expect(isKnownStatusCode('13')).toBe(true);
    expect(isKnownStatusCode('1')).toBe(false);
    expect(isKnownStatusCode('07')).toBe(false);
    expect(isKnownStatusCode('toString')).toBe(false);
  });
});

describe('BUSINESS_TYPES and PRIORITIES', () => {
  test('cover business types 0 to 3 with their Vietnamese names', () => {
    expect(Object.keys(BUSINESS_TYPES)).toEqual(['0', '1', '2', '3']);
    expect([0, 1, 2, 3].map((t) => businessTypeLabel(t))).toEqual(['Văn bản mới', 'Thu hồi', 'Cập nhật', 'Thay thế']);
    expect([0, 1, 2, 3].map((t) => BUSINESS_TYPES[t as 0 | 1 | 2 | 3].name)).toEqual(['new', 'revoke', 'update', 'replace']);
    expect(businessTypeLabel(4)).toBeUndefined();
  });

  test('cover priorities 0 to 4 in both languages', () => {
    expect(Object.keys(PRIORITIES)).toEqual(['0', '1', '2', '3', '4']);
    for (const entry of Object.values(PRIORITIES)) expect(hasBothLabels(entry)).toBe(true);
    expect(priorityLabel(3)).toBe('Hỏa tốc');
    expect(priorityLabel(4)).toBe('Hỏa tốc hẹn giờ');
    expect(priorityLabel(1, 'en')).toBe('Urgent');
    expect(priorityLabel(5)).toBeUndefined();
  });
});

describe('SECRECY_LEVELS', () => {
  test('rank Mật < Tối mật < Tuyệt mật with English names', () => {
    const levels = Object.values(SECRECY_LEVELS).sort((a, b) => a.rank - b.rank);
    expect(levels.map((l) => [l.vi, l.en])).toEqual([
      ['Mật', 'Confidential'],
      ['Tối mật', 'Secret'],
      ['Tuyệt mật', 'Top secret'],
    ]);
  });
});

describe('DOCUMENT_TYPES', () => {
  const expected: [string, string | undefined][] = [
    ['Nghị quyết', 'NQ'], ['Quyết định', 'QĐ'], ['Chỉ thị', 'CT'], ['Quy chế', 'QC'], ['Quy định', 'QyĐ'],
    ['Thông cáo', 'TC'], ['Thông báo', 'TB'], ['Hướng dẫn', 'HD'], ['Chương trình', 'CTr'], ['Kế hoạch', 'KH'],
    ['Phương án', 'PA'], ['Đề án', 'ĐA'], ['Dự án', 'DA'], ['Báo cáo', 'BC'], ['Biên bản', 'BB'],
    ['Tờ trình', 'TTr'], ['Hợp đồng', 'HĐ'], ['Công văn', undefined], ['Công điện', 'CĐ'], ['Bản ghi nhớ', 'GN'],
    ['Bản thỏa thuận', 'TTh'], ['Giấy ủy quyền', 'GUQ'], ['Giấy mời', 'GM'], ['Giấy giới thiệu', 'GGT'],
    ['Giấy nghỉ phép', 'GNP'], ['Phiếu gửi', 'PG'], ['Phiếu chuyển', 'PC'], ['Phiếu báo', 'PB'], ['Thư công', undefined],
  ];

  test('lists the 29 kinds of Nghị định 30/2020 in order with their abbreviations', () => {
    const actual = Object.values(DOCUMENT_TYPES).map((t) => [t.vi, 'abbreviation' in t ? t.abbreviation : undefined]);
    expect(actual).toEqual(expected);
    for (const entry of Object.values(DOCUMENT_TYPES)) expect(hasBothLabels(entry)).toBe(true);
  });

  test('abbreviations are unique', () => {
    const abbreviations = expected.map(([, a]) => a).filter((a) => a !== undefined);
    expect(new Set(abbreviations).size).toBe(abbreviations.length);
  });

  test('finds a type by its abbreviation, telling QC from QyĐ and keeping Đ', () => {
    expect(documentTypeByAbbreviation('QĐ')).toMatchObject({ key: 'decision', vi: 'Quyết định' });
    expect(documentTypeByAbbreviation('QyĐ')?.key).toBe('regulation');
    expect(documentTypeByAbbreviation('QC')?.key).toBe('statute');
    expect(documentTypeByAbbreviation('ĐA')?.key).toBe('proposal');
    expect(documentTypeByAbbreviation('QD')).toBeUndefined();
    expect(documentTypeByAbbreviation('CV')).toBeUndefined();
  });

  test('finds a type by its Vietnamese name whatever the case or Unicode form', () => {
    expect(documentTypeByName('Công văn')?.key).toBe('officialLetter');
    expect(documentTypeByName('  QUYẾT ĐỊNH ')?.key).toBe('decision');
    expect(documentTypeByName('Kế hoạch'.normalize('NFD'))?.key).toBe('plan');
    expect(documentTypeByName('Thông tư')).toBeUndefined();
  });
});
