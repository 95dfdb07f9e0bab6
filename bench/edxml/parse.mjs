// parseEdxml (model + decoded attachments) of the build benchmark's packages, against
// fast-xml-parser on the same bytes with no post-processing plus Buffer.from(b64, 'base64')
// of each attachment's text.
import { XMLParser } from 'fast-xml-parser';
import { buildEdxml, parseEdxml } from '../../dist/index.js';
import { sampleEdoc } from '../../dist/testing/index.js';
import { interleave, repeats, timeRow } from '../harness.mjs';
import { messageWith, NOW, SHAPES, splitAroundBase64 } from './packages.mjs';

/** @returns {Promise<import('../harness.mjs').BenchResult[]>} */
export default async function parse({ log }) {
  const results = [];
  for (const shape of SHAPES) {
    const message = messageWith(sampleEdoc, shape);
    const bytes = Buffer.from(buildEdxml(message, { now: NOW }));
    const { b64 } = splitAroundBase64(bytes.toString('utf8'));
    const check = parseEdxml(bytes);
    if (check.attachments.length !== shape.count || !Buffer.from(check.attachments[0].data).equals(message.attachments[0].data)) {
      throw new Error('parseEdxml did not give the attachments back');
    }
    const parser = new XMLParser();
    let sink;
    const t = await interleave(
      {
        parseEdxml: () => {
          sink = parseEdxml(bytes);
        },
        'fast-xml-parser + base64': () => {
          sink = [parser.parse(bytes), b64.map((s) => Buffer.from(s, 'base64'))];
        },
      },
      { repeats: repeats(shape.size > 4 * 1024 * 1024 ? 7 : 21), log, label: shape.label },
    );
    if (sink === undefined) throw new Error('nothing parsed');
    results.push(timeRow(`edxml parse ${shape.label} vs fast-xml-parser + base64`, t.parseEdxml, t['fast-xml-parser + base64'], { maxRatio: 2 }));
  }
  return results;
}
