// Developing without the government network: a LocalAxis on loopback and two AxisClients.
// The ministry sends a document; the province lists, fetches, acknowledges and reports 01.
// Run: node examples/local-axis-round-trip.mjs
import { AxisClient, buildEdxml, parseEdxml } from 'vdxp-connector';
import { LocalAxis, sampleEdoc } from 'vdxp-connector/testing';

const ministry = { organId: '000.00.00.G09', organName: 'Bộ Nội vụ' };
const province = { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' };

const axis = await LocalAxis.start({
  systems: [
    { systemId: ministry.organId, secret: 'secret-G09' },
    { systemId: province.organId, secret: 'secret-H41' },
  ],
});
try {
  const sender = new AxisClient({ endpoint: axis.url, systemId: ministry.organId, secret: 'secret-G09' });
  const receiver = new AxisClient({ endpoint: axis.url, systemId: province.organId, secret: 'secret-H41' });

  const { docId } = await sender.sendEdoc(buildEdxml(sampleEdoc({ from: ministry, to: [province] })), { messageType: 'edoc' });
  console.log(`sent, axis DocId ${docId}`);

  for (const item of (await receiver.getReceivedEdocList({ messageType: 'edoc' })).items) {
    const message = parseEdxml((await receiver.getEdoc(item.docId)).bytes);
    if (message.kind !== 'edoc') continue;
    console.log(`received ${message.code.codeNumber}/${message.code.codeNotation}: ${message.subject}`);
    await receiver.updateStatus(item.docId, 'done'); // transport ack: stored
    const status = buildEdxml({
      kind: 'status',
      from: province,
      responseFor: { organId: message.from.organId, code: `${message.code.codeNumber}/${message.code.codeNotation}`, documentId: message.documentId },
      statusCode: '01',
    });
    await receiver.sendEdoc(status, { messageType: 'status' });
    console.log('status 01 (arrived) sent back');
  }

  const back = await sender.getReceivedEdocList({ messageType: 'status' });
  console.log(`the ministry has ${back.items.length} status package(s) waiting`);
  if (back.items.length !== 1) process.exitCode = 1;
} finally {
  await axis.close();
}
