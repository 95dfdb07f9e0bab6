/**
 * File-system steps the agent's hand-off folders rely on: writing a file so that it is either
 * absent or complete after a crash, renames made durable, and the check that the folders
 * share one file system (a rename across file systems is not atomic).
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError, IoError } from '../errors.js';

/** fsyncs a folder so that a rename or a new entry in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // some file systems refuse fsync on a folder: the rename itself is still atomic
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await handle?.close();
  }
}

/** Writes bytes to `file` (created or replaced) durably: temporary name, fsync, rename, fsync of the folder. */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    await syncDir(dirname(file));
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new IoError(file, `cannot write ${basename(file)}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
  }
}

/** Writes a file inside a folder being built (fsync of the file; the folder is synced by the caller). */
export async function writeFileSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames and fsyncs both folders. Errors are the file system's (`ENOENT`, `EEXIST` …). */
export async function moveDurable(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDir(dirname(to));
  if (dirname(from) !== dirname(to)) await syncDir(dirname(from));
}

/** True when the error is "no such file". */
export function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Creates the folders and checks that they are on one file system, so that claiming a drop
 * and publishing a received document are single renames.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming the folder on another file system
 */
export async function prepareFolders(folders: Readonly<Record<string, string>>, target: string): Promise<void> {
  let reference: { name: string; dev: number } | undefined;
  for (const [name, dir] of Object.entries(folders)) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (cause) {
      throw new IoError(dir, `cannot create the folder ${name}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
    }
    const { dev } = await stat(dir);
    if (!reference) reference = { name, dev };
    else if (dev !== reference.dev) {
      throw new ConfigError(target, [{ code: 'other_file_system', path: name, message: `must be on the same file system as ${reference.name} (hand-offs are atomic renames)` }]);
    }
  }
}
