// buildEdxml of an edoc with 1 × 1 MB, 1 × 20 MB and 10 × 2 MB attachments, against Node's
// Buffer.toString('base64') of the same bytes plus a plain string concat of the header (the
// issue's baseline, which stops at a string), and, as a second row without a target, the
// same text turned into bytes the plainest way (what any package writer must return: the
// allocation and copy of the output are most of the difference), and, as a third row without
// a target, the materialisation floor: the same base64 strings written once into one new
// buffer of the exact size (the least any writer returning bytes can do with Node's API).
import { buildEdxml } from '../../dist/index.js';
import { sampleEdoc } from '../../dist/testing/index.js';
import { interleave, repeats, timeRow } from '../harness.mjs';
import { messageWith, NOW, SHAPES, splitAroundBase64 } from './packages.mjs';

/** @returns {Promise<import('../harness.mjs').BenchResult[]>} */
export default async function build({ log }) {
  const results = [];
  for (const shape of SHAPES) {
    const message = messageWith(sampleEdoc, shape);
    const built = buildEdxml(message, { now: NOW });
    const { parts } = splitAroundBase64(Buffer.from(built).toString('utf8'));
    const datas = message.attachments.map((a) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.length));
    const size = built.length;
    let sink;
    const t = await interleave(
      {
        buildEdxml: () => {
          sink = buildEdxml(message, { now: NOW });
        },
        base64: () => {
          let s = parts[0];
          for (let i = 0; i < datas.length; i++) s += datas[i].toString('base64') + parts[i + 1];
          sink = s;
        },
        'base64 as bytes': () => {
          const out = [Buffer.from(parts[0], 'utf8')];
          for (let i = 0; i < datas.length; i++) out.push(Buffer.from(datas[i].toString('base64'), 'latin1'), Buffer.from(parts[i + 1], 'utf8'));
          sink = Buffer.concat(out);
        },
        'base64 into one buffer': () => {
          const out = Buffer.allocUnsafe(size);
          let pos = out.write(parts[0], 0, 'utf8');
          for (let i = 0; i < datas.length; i++) {
            pos += out.write(datas[i].toString('base64'), pos, 'latin1');
            pos += out.write(parts[i + 1], pos, 'utf8');
          }
          if (pos !== size) throw new Error(`floor wrote ${pos} of ${size} bytes`);
          sink = out;
        },
      },
      { repeats: repeats(shape.size > 4 * 1024 * 1024 ? 15 : 41), inner: shape.size * shape.count < 4 * 1024 * 1024 ? 5 : 1, log, label: shape.label },
    );
    if (sink === undefined) throw new Error('nothing built');
    results.push(
      timeRow(`edxml build ${shape.label} vs base64 + concat`, t.buildEdxml, t.base64, { maxRatio: 2 }),
      timeRow(`edxml build ${shape.label} vs base64 + concat as bytes`, t.buildEdxml, t['base64 as bytes']),
      timeRow(`edxml build ${shape.label} vs base64 written into one new buffer (floor)`, t.buildEdxml, t['base64 into one buffer']),
    );
  }
  return results;
}
