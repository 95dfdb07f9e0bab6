// Reading a package: in memory with parseEdxml, and streamed with parseEdxmlStream so that a
// large attachment goes straight to a file. Run: node examples/read-package.mjs [FILE.edxml]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEdxml, isVdxpError, parseEdxml, parseEdxmlStream, statusLabel } from 'vdxp-connector';
import { sampleEdoc } from 'vdxp-connector/testing';

const dir = await mkdtemp(join(tmpdir(), 'vdxp-example-'));
try {
  // A package to read: the file given, or a sample written for the occasion.
  const file = process.argv[2] ?? join(dir, 'sample.edxml');
  if (!process.argv[2]) await writeFile(file, buildEdxml(sampleEdoc()));

  // 1. In memory: the model, attachments with their bytes, and the reader's warnings.
  const message = parseEdxml(await readFile(file));
  if (message.kind === 'edoc') {
    console.log(`${message.documentType.typeName} ${message.code.codeNumber}/${message.code.codeNotation} of ${message.from.organName ?? message.from.organId}`);
    console.log(`  subject: ${message.subject}`);
    console.log(`  to: ${message.to.map((o) => o.organId).join(', ')}`);
    for (const a of message.attachments) console.log(`  attachment ${a.name} (${a.contentType}, ${a.data.length} bytes)`);
  } else {
    console.log(`status ${message.statusCode} (${statusLabel(message.statusCode, 'en')}) about ${message.responseFor.documentId}`);
  }
  for (const w of message.warnings) console.log(`  warning ${w.code} at ${w.path}: ${w.message}`);

  // 2. Streamed: each attachment goes to a file as it is decoded; memory stays flat.
  const streamed = await parseEdxmlStream(createReadStream(file), {
    attachmentSink: ({ index, name }) => {
      const out = createWriteStream(join(dir, `${index}-${name}`));
      return {
        write: (chunk) => new Promise((ok, ko) => out.write(chunk, (e) => (e ? ko(e) : ok()))),
        end: () => new Promise((ok) => out.end(ok)),
        abort: () => out.destroy(),
      };
    },
  });
  if (streamed.kind === 'edoc') {
    for (const a of streamed.attachments) console.log(`  streamed ${a.name}: ${a.size} bytes, sha256 ${a.sha256.slice(0, 16)}…`);
  }
} catch (e) {
  if (isVdxpError(e)) {
    console.error(`refused: ${e.code}: ${e.message}`);
    process.exitCode = 2;
  } else throw e;
} finally {
  await rm(dir, { recursive: true, force: true });
}
