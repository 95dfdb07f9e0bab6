// One streaming measurement in its own process, so that its peak RSS is its own. The library
// is imported only by the modes that use it, so the fs copy baseline carries no library.
// usage: node stream-worker.mjs build ATTACHMENT OUT.edxml | parse IN.edxml OUTDIR | copy IN OUT
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

const [mode, input, output] = process.argv.slice(2);
const started = process.hrtime.bigint();
let bytes = 0;
let imported = started; // when the library was loaded (its import is part of the measured time)

if (mode === 'build') {
  const { buildEdxmlStream } = await import('../../dist/index.js');
  const { sampleEdoc } = await import('../../dist/testing/index.js');
  imported = process.hrtime.bigint();
  const base = sampleEdoc();
  const message = {
    ...base,
    attachments: [{ contentId: 'scan', name: 'ban-scan.pdf', contentType: 'application/pdf', source: () => createReadStream(input, { highWaterMark: 1 << 16 }) }],
  };
  await pipeline(Readable.from(buildEdxmlStream(message, { now: () => new Date('2026-11-20T03:00:00Z') })), createWriteStream(output));
  bytes = (await stat(output)).size;
} else if (mode === 'parse') {
  const { parseEdxmlStream } = await import('../../dist/index.js');
  imported = process.hrtime.bigint();
  await mkdir(output, { recursive: true });
  const parsed = await parseEdxmlStream(createReadStream(input, { highWaterMark: 1 << 16 }), {
    maxBytes: 4 * 1024 ** 3,
    maxAttachmentBytes: 4 * 1024 ** 3,
    attachmentSink: ({ index }) => {
      const out = createWriteStream(join(output, `attachment-${index}`));
      return {
        write: (chunk) => new Promise((ok, ko) => out.write(chunk, (e) => (e ? ko(e) : ok()))),
        end: () => new Promise((ok) => out.end(ok)),
      };
    },
  });
  bytes = (await stat(input)).size;
  if (parsed.kind !== 'edoc' || parsed.attachments.length !== 1) throw new Error('unexpected parse result');
} else if (mode === 'copy') {
  await pipeline(createReadStream(input, { highWaterMark: 1 << 16 }), createWriteStream(output));
  bytes = (await stat(input)).size;
} else {
  throw new Error(`unknown mode ${mode}`);
}

const ms = Number(process.hrtime.bigint() - started) / 1e6;
const importMs = Number(imported - started) / 1e6;
process.stdout.write(JSON.stringify({ mode, ms, importMs, bytes, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
