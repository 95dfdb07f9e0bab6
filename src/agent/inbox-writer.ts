/**
 * The folder hand-off of received documents: each one becomes `inbox/<DocumentId-safe-name>/`
 * holding `document.edxml` (the package as received), `document.json` (the model, attachments
 * described but without their bytes), `attachments/<sanitised names>` and `verification.json`.
 * The folder is built under a temporary name and renamed into place, so the system never
 * sees half a document; handing the same document over again finds the folder and writes
 * nothing.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { IoError } from '../errors.js';
import { sanitizeAttachmentName } from '../edxml/attachment-name.js';
import type { DocumentEvent } from '../connector/events.js';
import type { Store } from '../store/store.js';
import { isMissing, moveDurable, syncDir, writeFileSynced } from './durable-fs.js';

/** What {@link InboxWriter.write} did. */
export interface InboxWriteResult {
  /** The document's folder (absolute). */
  readonly folder: string;
  /** False when the folder was there already (a repeated hand-over). */
  readonly created: boolean;
}

const MAX_NAME_BYTES = 120;

/**
 * A folder name for a DocumentId: characters other than letters, digits, `.`, `_` and `-`
 * become `_`; when anything was changed (or it is long) a short hash of the DocumentId is
 * added so two DocumentIds never share a folder.
 * @example
 * ```ts
 * documentFolderName('000.00.00.G09,2025/03/10,12/BNV-VP'); // '000.00.00.G09_2025_03_10_12_BNV-VP~1f0c…'
 * ```
 */
export function documentFolderName(documentId: string): string {
  const safe = documentId.normalize('NFC').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '_');
  const short = Buffer.byteLength(safe) > MAX_NAME_BYTES ? safe.slice(0, MAX_NAME_BYTES) : safe;
  if (short === documentId && short.length > 0) return short;
  return `${short}~${createHash('sha256').update(documentId).digest('hex').slice(0, 12)}`;
}

/** Distinct, safe file names for the attachments, in order (`a.pdf`, `a (2).pdf` …). */
export function attachmentFileNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((raw, i) => {
    let name = sanitizeAttachmentName(raw, `attachment-${i + 1}`);
    if (Buffer.byteLength(name) > 200) name = name.slice(0, 100);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}

/** Writes received documents into the inbox folder. */
export class InboxWriter {
  readonly #inbox: string;
  readonly #tmp: string;
  readonly #store: Store;

  /** `tmpDir` must be on the inbox's file system (checked by the agent at start). */
  constructor(inbox: string, tmpDir: string, store: Store) {
    this.#inbox = inbox;
    this.#tmp = tmpDir;
    this.#store = store;
  }

  /** Removes folders a crash left half-built. */
  async cleanup(): Promise<void> {
    for (const n of await readdir(this.#tmp).catch(() => [])) if (n.startsWith('in-')) await rm(join(this.#tmp, n), { recursive: true, force: true });
  }

  /** Writes one document (idempotent per inbox entry). */
  async write(event: DocumentEvent): Promise<InboxWriteResult> {
    const base = documentFolderName(event.documentId);
    // the same DocumentId from another package (a hub's second agency, a re-send): its own folder
    for (const name of [base, `${base}~${event.inboxId}`]) {
      const folder = join(this.#inbox, name);
      const owner = await this.#ownerOf(folder);
      if (owner === event.inboxId) return { folder, created: false };
      if (owner !== undefined) continue;
      if (await this.#publish(event, folder)) return { folder, created: true };
      if ((await this.#ownerOf(folder)) === event.inboxId) return { folder, created: false };
    }
    throw new IoError(join(this.#inbox, base), `no free folder for inbox entry ${event.inboxId}`);
  }

  /** The inbox id recorded in a folder's `document.json`; undefined when there is no folder. */
  async #ownerOf(folder: string): Promise<string | undefined> {
    try {
      return (JSON.parse(await readFile(join(folder, 'document.json'), 'utf8')) as { inboxId?: string }).inboxId ?? '';
    } catch (e) {
      if (isMissing(e)) return undefined;
      return ''; // something else sits there: not ours
    }
  }

  /** Builds the folder under a temporary name and renames it; false when the name got taken. */
  async #publish(event: DocumentEvent, folder: string): Promise<boolean> {
    const tmp = join(this.#tmp, `in-${event.inboxId}-${randomBytes(4).toString('hex')}`);
    await mkdir(join(tmp, 'attachments'), { recursive: true });
    try {
      const files = attachmentFileNames(event.message.attachments.map((a) => a.name));
      await writeFileSynced(join(tmp, 'document.edxml'), await readAll(await this.#store.openBlob(event.entry.blob.ref)));
      for (const [i, a] of event.message.attachments.entries()) await writeFileSynced(join(tmp, 'attachments', files[i]!), a.data);
      await syncDir(join(tmp, 'attachments'));
      const verification = event.verification ?? { verdict: 'not-checked', disposition: 'accepted', checks: [] };
      await writeFileSynced(join(tmp, 'verification.json'), JSON.stringify(verification, null, 2) + '\n');
      await writeFileSynced(join(tmp, 'document.json'), JSON.stringify(describe(event, files), null, 2) + '\n');
      await syncDir(tmp);
      try {
        await moveDurable(tmp, folder);
        return true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY') return false;
        throw e;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

/** `document.json`: the entry's facts and the model, each attachment described without its bytes. */
function describe(event: DocumentEvent, files: readonly string[]): unknown {
  const { warnings, attachments, ...model } = event.message;
  return {
    inboxId: event.inboxId,
    documentId: event.documentId,
    from: event.from,
    to: event.to,
    axisDocId: event.entry.axisDocId,
    receivedAt: event.entry.receivedAt,
    replaces: event.replaces,
    ...(event.verification ? { disposition: event.verification.disposition } : {}),
    message: {
      ...model,
      attachments: attachments.map((a, i) => ({
        contentId: a.contentId,
        name: a.name,
        ...(a.description ? { description: a.description } : {}),
        contentType: a.contentType,
        size: a.data.length,
        sha256: createHash('sha256').update(a.data).digest('hex'),
        file: `attachments/${files[i]}`,
      })),
    },
    warnings,
  };
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
