import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildEdxml } from '../../src/edxml/build.js';
import { validateEdxml } from '../../src/edxml/validate.js';
import { sampleEdoc, sampleStatus } from '../../src/testing/index.js';
import { listEdxml, sharedFixtures } from '../helpers/shared-fixtures.js';

const now = () => new Date('2024-06-01T00:00:00Z');
const xmlOf = (m: Parameters<typeof buildEdxml>[0], options: Parameters<typeof buildEdxml>[1] = {}) => new TextDecoder().decode(buildEdxml(m, { now, ...options }));
const summary = (r: ReturnType<typeof validateEdxml>) => r.issues.map((i) => `${i.severity} ${i.code} ${i.path}`);

describe('validateEdxml', () => {
  test('finds a package built by the writer valid, with no issue', () => {
    expect(validateEdxml(buildEdxml(sampleEdoc(), { now }), { now })).toEqual({ valid: true, kind: 'edoc', issues: [] });
    expect(validateEdxml(buildEdxml(sampleStatus(), { now }), { now })).toEqual({ valid: true, kind: 'status', issues: [] });
  });

  test('reports a refusal of the reader as one error carrying its code', () => {
    const r = validateEdxml(new TextEncoder().encode('1212<?xml version="1.0"?><edXML/>'));
    expect(r.valid).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: 'error', code: 'VDXP_EDXML_NOT_XML' });
    expect(validateEdxml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><edXML/>').issues[0]?.code).toBe('VDXP_EDXML_FORBIDDEN');
  });

  test('reports a non-strict agency id once, as an error with the model path', () => {
    const xml = xmlOf(sampleEdoc({ to: [{ ...sampleEdoc().to[0]!, organId: '28.22.H17' }] }), { strictAgencyIds: false });
    const r = validateEdxml(xml, { now });
    expect(r.valid).toBe(false);
    expect(summary(r)).toEqual(['error agency_id_format to.0.organId']);
    expect(validateEdxml(xml, { now, strictAgencyIds: false })).toMatchObject({ valid: true });
  });

  test('reports a PromulgationDate in the future once, judged by the injected clock', () => {
    const xml = xmlOf(sampleEdoc({ promulgationInfo: { promulgationDate: '2024-06-01' } }));
    expect(validateEdxml(xml, { now }).valid).toBe(true);
    const r = validateEdxml(xml, { now: () => new Date('2024-05-30T00:00:00Z') });
    expect(summary(r)).toEqual(['error date_in_future promulgationInfo.promulgationDate']);
  });

  test('keeps reader warnings that are not errors, and stays valid', () => {
    const xml = xmlOf(sampleEdoc()).replace('<edXML:PromulgationDate>2024/05/20</edXML:PromulgationDate>', '<edXML:PromulgationDate>20/05/2024</edXML:PromulgationDate>');
    const r = validateEdxml(xml, { now });
    expect(r.valid).toBe(true);
    expect(summary(r)).toEqual(['warning date_format edXML/edXMLEnvelope/edXMLHeader/MessageHeader/PromulgationInfo/PromulgationDate']);
  });

  test('reports a text past its limit once', () => {
    const xml = xmlOf(sampleEdoc()).replace(/<edXML:Subject>[^<]*<\/edXML:Subject>/, `<edXML:Subject>${'Đ'.repeat(501)}</edXML:Subject>`);
    const r = validateEdxml(xml, { now });
    expect(summary(r)).toEqual(['error too_long subject']);
    expect(r.issues[0]!.message).toBe('Subject has 501 characters; Subject allows at most 500');
  });

  test('reports a recipient listed twice once', () => {
    const xml = xmlOf(sampleEdoc());
    const firstTo = /\s*<edXML:To>[\s\S]*?<\/edXML:To>/.exec(xml)![0];
    const r = validateEdxml(xml.replace(firstTo, firstTo + firstTo), { now });
    expect(summary(r)).toEqual(['error duplicate_recipient to.1.organId']);
  });

  test('reports a refusal (02) without its reason', () => {
    const xml = xmlOf(sampleStatus({ statusCode: '02' })).replace(/\s*<edXML:Description>[^<]*<\/edXML:Description>/, '');
    expect(summary(validateEdxml(xml, { now }))).toEqual(['error reason_required description']);
  });

  test('reports an unknown status code once, as an error', () => {
    const xml = xmlOf(sampleStatus()).replace('<edXML:StatusCode>03</edXML:StatusCode>', '<edXML:StatusCode>09</edXML:StatusCode>');
    expect(summary(validateEdxml(xml, { now }))).toEqual(['error unknown_status_code statusCode']);
  });

  test('reports a revoke without ResponseFor', () => {
    const revoke = sampleEdoc({ business: { businessDocType: 1, staffInfo: [], replacementInfo: [] }, responseFor: [{ organId: '000.00.00.G22', code: '1/VPCP', documentId: 'x' }] });
    const xml = xmlOf(revoke).replace(/\s*<edXML:ResponseFor>[\s\S]*?<\/edXML:ResponseFor>/, '');
    expect(summary(validateEdxml(xml, { now }))).toEqual(['error response_for_required responseFor']);
  });

  test('refuses unknown options', () => {
    expect(() => validateEdxml('<x/>', { strict: true } as never)).toThrow(expect.objectContaining({ code: 'VDXP_CONFIG_INVALID' }));
  });
});

const dir = sharedFixtures('edxml');

describe.skipIf(!dir)('validateEdxml on published samples', () => {
  const judged = (rel: string) => validateEdxml(readFileSync(join(dir!, rel)), { now });

  test.each(listEdxml(dir, { except: ['negative'] }).filter((f) => f.includes('status')))('finds %s valid', (file) => {
    expect(validateEdxml(readFileSync(file), { now }).valid).toBe(true);
  });

  test('finds the Java SDK sample invalid only for its recipient id 28.22.H17', () => {
    const r = judged('vpcp-sdk-example/edoc_new.edxml');
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path}`)).toEqual(['agency_id_format to.0.organId']);
  });

  test('finds the provincial hub sample valid, warning about its dd/MM/yyyy date', () => {
    const r = judged('bkav-edoc/edoc_new.edxml');
    expect(r.valid).toBe(true);
    expect(r.issues.map((i) => i.code)).toContain('date_format');
  });

  test('reports the junk before the declaration as unreadable XML', () => {
    expect(judged('negative/junk-before-declaration.edxml').issues.map((i) => i.code)).toEqual(['VDXP_EDXML_NOT_XML']);
  });
});
