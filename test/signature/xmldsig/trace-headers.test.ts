import { beforeAll, describe, expect, test } from 'vitest';
import { TrustStore } from '../../../src/signature/trust-store.js';
import { signEdxml } from '../../../src/signature/xmldsig/sign.js';
import { verifyEdxml } from '../../../src/signature/xmldsig/verify.js';
import { createTestPki, type TestPki } from '../../../src/testing/test-pki.js';
import { LocalAxis } from '../../../src/testing/local-axis.js';
import { AxisClient } from '../../../src/transport/axis-client.js';
import { buildEdxml } from '../../../src/edxml/build.js';
import { sampleEdoc } from '../../../src/testing/sample-messages.js';
import { bytes, text } from '../../helpers/edxml-sample.js';

let pki: TestPki;
let trust: TrustStore;
let signed: Uint8Array;
const codes = (r: { reasons: readonly { code: string }[] }) => r.reasons.map((x) => x.code);
const FROM = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const TO = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };

beforeAll(async () => {
  pki = await createTestPki();
  trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
  const pkg = buildEdxml({ ...sampleEdoc({ from: FROM, to: [TO] }), documentId: undefined, traceHeaders: undefined }, { now: () => pki.now });
  signed = await signEdxml(pkg, { key: pki.organization.privateKey, certificate: pki.organization.certificate, chain: [pki.subCa.certificate] });
});

const hop = (p: string, ts: string, layout = '') => `${layout}<${p}TraceHeader><${p}OrganId>000.00.00.AXS</${p}OrganId><${p}Timestamp>${ts}</${p}Timestamp></${p}TraceHeader>`;
const appendHop = (pkg: Uint8Array, layout = '') => bytes(text(pkg).replace('</edXML:TraceHeaderList>', `${hop('edXML:', '2026/11/21 10:00:00', layout)}</edXML:TraceHeaderList>`));

describe('package signatures after the axis appended trace hops', () => {
  test('a package delivered by a LocalAxis verifies, with the appended hop reported and not covered', async () => {
    const axis = await LocalAxis.start({ systems: [{ systemId: FROM.organId, secret: 's1' }, { systemId: TO.organId, secret: 's2' }] });
    try {
      const sender = new AxisClient({ endpoint: axis.url, systemId: FROM.organId, secret: 's1' });
      const receiver = new AxisClient({ endpoint: axis.url, systemId: TO.organId, secret: 's2' });
      await sender.sendEdoc(signed, { messageType: 'edoc' });
      const [item] = (await receiver.getReceivedEdocList({ messageType: 'edoc' })).items;
      const delivered = (await receiver.getEdoc(item!.docId)).bytes;
      expect(delivered.length).toBeGreaterThan(signed.length);
      const report = await verifyEdxml(delivered, { trust, at: new Date(pki.now.getTime() + 60_000) });
      expect(report.verdict).toBe('valid');
      expect(codes(report)).toContain('TRACE_HEADERS_APPENDED');
      expect(report).toMatchObject({ coversWholeDocument: false, appendedTraceHeaders: 1 });
    } finally {
      await axis.close();
    }
  });

  test('hops appended with pretty-printing white space are tolerated too', async () => {
    const twice = appendHop(appendHop(signed, '\n        '), '\n        ');
    const report = await verifyEdxml(twice, { trust, at: new Date(pki.now.getTime() + 60_000) });
    expect(report).toMatchObject({ verdict: 'valid', appendedTraceHeaders: 2 });
  });

  test('a package signed as it stands reports no appended hop and covers the whole document', async () => {
    const report = await verifyEdxml(signed, { trust, at: new Date(pki.now.getTime() + 60_000) });
    expect(report).toMatchObject({ verdict: 'valid', coversWholeDocument: true, appendedTraceHeaders: 0 });
    expect(codes(report)).not.toContain('TRACE_HEADERS_APPENDED');
  });

  test('any other change next to an appended hop is still a digest mismatch', async () => {
    const tampered = bytes(text(appendHop(signed)).replace('V/v kết nối', 'V/v ngắt kết nối'));
    const report = await verifyEdxml(tampered, { trust, at: new Date(pki.now.getTime() + 60_000) });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('DIGEST_MISMATCH');
  });

  test("removing the sender's own hop is not explained away", async () => {
    const stripped = bytes(text(signed).replace(/<edXML:TraceHeader>.*?<\/edXML:TraceHeader>/s, ''));
    const report = await verifyEdxml(stripped, { trust, at: new Date(pki.now.getTime() + 60_000) });
    expect(report.verdict).toBe('invalid');
    expect(codes(report)).toContain('DIGEST_MISMATCH');
  });
});
