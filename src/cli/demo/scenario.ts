/**
 * The demo story, on one machine with no setup, using only the public API: a LocalAxis on
 * loopback, a ministry and a province with their own system ids, a generated test PKI; a
 * document built, validated, signed, sent, received, verified, acknowledged and answered with
 * status 01, which the sender then reads. Each step is printed in plain language; the first
 * failing step stops the story with a non-zero exit.
 * @internal
 * @module
 */
import { AxisClient, buildEdxml, parseEdxml, signEdxml, statusLabel, TrustStore, validateEdxml, verifyEdxml, vietnamDate } from '../../index.js';
import { createTestPki, LocalAxis, sampleEdoc } from '../../testing/index.js';

/** Where the demo prints. */
export interface DemoOutput {
  step(title: string): void;
  detail(line: string): void;
}

const MINISTRY = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const PROVINCE = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };
const SECRET_MINISTRY = 'demo-secret-bo-noi-vu';
const SECRET_PROVINCE = 'demo-secret-nghe-an';

/** Runs the story; throws at the first step that fails. */
export async function runDemo(out: DemoOutput, signal?: AbortSignal): Promise<void> {
  out.step('Starting a local document axis on loopback (LocalAxis)');
  const axis = await LocalAxis.start({
    port: 0,
    systems: [
      { systemId: MINISTRY.organId, secret: SECRET_MINISTRY, name: MINISTRY.organName },
      { systemId: PROVINCE.organId, secret: SECRET_PROVINCE, name: PROVINCE.organName },
    ],
  });
  try {
    out.detail(`axis listening at ${axis.url}`);
    const ministry = new AxisClient({ endpoint: axis.url, systemId: MINISTRY.organId, secret: SECRET_MINISTRY });
    const province = new AxisClient({ endpoint: axis.url, systemId: PROVINCE.organId, secret: SECRET_PROVINCE });

    out.step('Generating a test PKI with the Government CA profile (root → sub-CA → organisation)');
    const pki = await createTestPki();
    const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
    out.detail(`signer: ${pki.organization.subject}`);

    out.step('Building an edXML document (QCVN 102:2016) from the ministry to the province');
    const message = sampleEdoc({ from: MINISTRY, to: [PROVINCE], promulgationInfo: { place: 'Hà Nội', promulgationDate: vietnamDate(new Date()) } });
    const built = buildEdxml({ ...message, documentId: undefined, traceHeaders: undefined });
    const model = parseEdxml(built);
    if (model.kind !== 'edoc') throw new Error('the built package does not read back as an edoc');
    out.detail(`${model.documentType.typeName} số ${model.code.codeNumber}/${model.code.codeNotation}: ${model.subject}`);
    out.detail(`DocumentId ${model.documentId}; ${built.length} bytes; ${model.attachments.length} attachment(s)`);
    const validation = validateEdxml(built);
    if (!validation.valid) throw new Error(`the package is not valid: ${validation.issues.map((i) => i.message).join('; ')}`);
    out.detail('validated: strict write rules pass');

    out.step("Signing the package with the organisation's key (enveloped XMLDSig, rsa-sha256, exclusive c14n)");
    const signed = await signEdxml(built, { key: pki.organization.privateKey, certificate: pki.organization.certificate, chain: [pki.subCa.certificate] });
    const own = await verifyEdxml(signed, { trust });
    if (own.verdict !== 'valid') throw new Error(`own signature does not verify: ${own.reasons.map((r) => r.code).join(', ')}`);
    out.detail(`signature ${own.verdict}`);

    out.step('Sending it over the axis (signed XroadVnpt headers, HMAC-SHA256)');
    const sent = await ministry.sendEdoc(signed, { messageType: 'edoc', signal });
    out.detail(`axis DocId ${sent.docId}`);

    out.step('The province lists, fetches and verifies what arrived');
    const list = await province.getReceivedEdocList({ messageType: 'edoc', signal });
    const item = list.items.find((i) => i.from === MINISTRY.organId);
    if (!item) throw new Error('the document did not arrive at the province');
    const fetched = await province.getEdoc(item.docId, { signal });
    const received = parseEdxml(fetched.bytes);
    if (received.kind !== 'edoc') throw new Error('the received package is not an edoc');
    out.detail(`received ${received.code.codeNumber}/${received.code.codeNotation} with ${received.traceHeaders.length} trace hops`);
    const report = await verifyEdxml(fetched.bytes, { trust });
    if (report.verdict !== 'valid') throw new Error(`the received package's signature is ${report.verdict}: ${report.reasons.map((r) => r.message).join('; ')}`);
    out.detail(`package signature ${report.verdict}, signed by ${report.signer?.commonName ?? report.signer?.subject}`);
    for (const r of report.reasons) out.detail(`note: ${r.messageVi}`);
    for (const a of received.attachments) out.detail(`attachment ${a.name}: ${a.contentType}, ${a.data.length} bytes`);

    out.step('The province acknowledges the package (transport ack "done") and reports status 01');
    await province.updateStatus(item.docId, 'done', { signal });
    const status = buildEdxml({
      kind: 'status',
      from: PROVINCE,
      responseFor: {
        organId: received.from.organId,
        code: `${received.code.codeNumber}/${received.code.codeNotation}`,
        promulgationDate: received.promulgationInfo.promulgationDate,
        documentId: received.documentId,
      },
      staffInfo: { department: 'Văn thư', staff: 'Lê Thị Hoa' },
      statusCode: '01',
    });
    await province.sendEdoc(status, { messageType: 'status', signal });
    out.detail(`01 — ${statusLabel('01', 'vi')}`);

    out.step('The ministry reads the status back and matches it to its document');
    const statuses = await ministry.getReceivedEdocList({ messageType: 'status', signal });
    const back = statuses.items.find((i) => i.from === PROVINCE.organId);
    if (!back) throw new Error('no status came back to the ministry');
    const parsedStatus = parseEdxml((await ministry.getEdoc(back.docId, { signal })).bytes);
    if (parsedStatus.kind !== 'status' || parsedStatus.responseFor.documentId !== model.documentId) {
      throw new Error('the status does not answer the document sent');
    }
    await ministry.updateStatus(back.docId, 'done', { signal });
    out.detail(`${PROVINCE.organName}: ${parsedStatus.statusCode} (${statusLabel(parsedStatus.statusCode, 'vi')}) at ${parsedStatus.timestamp}`);
  } finally {
    await axis.close();
  }
}
