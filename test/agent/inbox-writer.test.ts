import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { InboxWriter, attachmentFileNames, documentFolderName } from '../../src/agent/inbox-writer.js';
import type { DocumentEvent } from '../../src/connector/events.js';
import { parseEdxml } from '../../src/edxml/parse.js';
import { NGHE_AN, VPCP, letter, startNetwork, until, type Network } from '../helpers/connector-setup.js';

let net: Network | undefined;
let dir: string | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('documentFolderName', () => {
  test('keeps a safe DocumentId as it is', () => {
    expect(documentFolderName('000.00.00.G09_2025-1')).toBe('000.00.00.G09_2025-1');
  });

  test('replaces unsafe characters and adds a hash so distinct DocumentIds never share a folder', () => {
    const a = documentFolderName('000.00.00.G09,2025/03/10,12/BNV-VP');
    const b = documentFolderName('000.00.00.G09,2025/03/10,12_BNV-VP');
    expect(a).toMatch(/^000\.00\.00\.G09_2025_03_10_12_BNV-VP~[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
    expect(documentFolderName('../../etc')).not.toMatch(/^\./);
    expect(documentFolderName('../../etc')).not.toContain('/');
    expect(Buffer.byteLength(documentFolderName('x'.repeat(500)))).toBeLessThan(140);
  });
});

describe('attachmentFileNames', () => {
  test('sanitises names (no path, no leading dot, no control characters) and keeps them distinct', () => {
    expect(attachmentFileNames(['../../etc/passwd', 'a.pdf', 'A.pdf', 'a.pdf', '', '.hidden', 'x\u202Efdp.exe', 'Quyết định.pdf'])).toEqual([
      'passwd',
      'a.pdf',
      'A (2).pdf',
      'a (3).pdf',
      'attachment-5',
      'hidden',
      'xfdp.exe',
      'Quyết định.pdf',
    ]);
  });
});

describe('InboxWriter', () => {
  async function receiveOne(): Promise<{ event: DocumentEvent; writer: InboxWriter; inbox: string; tmp: string }> {
    net = await startNetwork();
    const [g22, h41] = net.sides as [Network['sides'][0], Network['sides'][0]];
    dir = await mkdtemp(join(tmpdir(), 'vdxp-inbox-writer-'));
    const inbox = join(dir, 'inbox');
    const tmp = join(dir, 'tmp');
    await mkdir(inbox);
    await mkdir(tmp);
    const writer = new InboxWriter(inbox, tmp, h41.store);
    let event: DocumentEvent | undefined;
    h41.connector.on('document', async (e) => {
      event = e;
      await writer.write(e);
    });
    const doc = letter(VPCP, [NGHE_AN]);
    doc.attachments = [
      { contentId: 'a', name: 'Công văn.pdf', contentType: 'application/pdf', data: new TextEncoder().encode('%PDF-1.4 một') },
      { contentId: 'b', name: 'Công văn.pdf', contentType: 'application/pdf', data: new TextEncoder().encode('%PDF-1.4 hai') },
    ];
    await g22.connector.send(doc);
    await until([g22.connector, h41.connector], () => event !== undefined);
    return { event: event!, writer, inbox, tmp };
  }

  test('writes document.edxml, document.json (no bytes), attachments and verification.json', async () => {
    const { event, inbox } = await receiveOne();
    const folders = await readdir(inbox);
    expect(folders).toEqual([documentFolderName(event.documentId)]);
    const folder = join(inbox, folders[0]!);
    expect((await readdir(folder)).sort()).toEqual(['attachments', 'document.edxml', 'document.json', 'verification.json']);
    const edxml = await readFile(join(folder, 'document.edxml'));
    expect(parseEdxml(edxml)).toMatchObject({ kind: 'edoc', documentId: event.documentId });
    const json = JSON.parse(await readFile(join(folder, 'document.json'), 'utf8'));
    expect(json).toMatchObject({ inboxId: event.inboxId, documentId: event.documentId, from: VPCP.organId, to: NGHE_AN.organId, axisDocId: event.entry.axisDocId });
    expect(json.message.subject).toBe(event.message.subject);
    expect(json.message.attachments).toEqual([
      expect.objectContaining({ name: 'Công văn.pdf', file: 'attachments/Công văn.pdf', size: event.message.attachments[0]!.data.length }),
      expect.objectContaining({ name: 'Công văn.pdf', file: 'attachments/Công văn (2).pdf' }),
    ]);
    expect(JSON.stringify(json)).not.toContain('"data"');
    for (const a of json.message.attachments as { file: string; sha256: string }[]) {
      expect(createHash('sha256').update(await readFile(join(folder, a.file))).digest('hex')).toBe(a.sha256);
    }
    expect(JSON.parse(await readFile(join(folder, 'verification.json'), 'utf8'))).toEqual({ verdict: 'not-checked', disposition: 'accepted', checks: [] });
  });

  test('handing the same document over again writes nothing and answers the same folder', async () => {
    const { event, writer, inbox } = await receiveOne();
    const again = await writer.write(event);
    expect(again.created).toBe(false);
    expect(again.folder).toBe(join(inbox, documentFolderName(event.documentId)));
    expect(await readdir(inbox)).toHaveLength(1);
  });

  test('a folder with the same name from another package gets a folder of its own', async () => {
    const { event, writer, inbox } = await receiveOne();
    const other = { ...event, inboxId: 'i_other', entry: { ...event.entry, id: 'i_other' } };
    const r = await writer.write(other);
    expect(r).toEqual({ folder: join(inbox, `${documentFolderName(event.documentId)}~i_other`), created: true });
    expect((await writer.write(other)).created).toBe(false);
  });

  test('cleanup removes folders a crash left half-built', async () => {
    const { writer, tmp } = await receiveOne();
    await mkdir(join(tmp, 'in-i_x-1234'));
    await writeFile(join(tmp, 'in-i_x-1234', 'document.edxml'), 'half');
    await writer.cleanup();
    expect(await readdir(tmp)).toEqual([]);
  });
});
