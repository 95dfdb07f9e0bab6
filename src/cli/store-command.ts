/**
 * What the `vdxp store …` commands share: opening a FileStore folder given on the command
 * line, and reporting a failure with a hint for the codes a store gives.
 * @internal
 * @module
 */
import { stat } from 'node:fs/promises';
import { IoError, isVdxpError } from '../errors.js';
import { FileStore } from '../store/file-store.js';
import type { CliIo } from './command.js';
import { printError, printJson } from './output.js';

/**
 * Opens the FileStore in `dir`, which must exist (a mistyped folder is not made a new store).
 * @throws {IoError} when `dir` is not a folder; what `FileStore.open` throws
 */
export async function openStoreFolder(dir: string, command: string): Promise<FileStore> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new IoError(dir, `store ${command}: no store folder at ${dir}`);
  return FileStore.open({ dir });
}

/**
 * Prints a failure (as JSON too with `--json`) with a hint for `VDXP_STORE_LOCKED`,
 * `VDXP_STORE_CORRUPT` and `VDXP_CLI_USAGE`; returns its code.
 */
export function reportStoreFailure(io: CliIo, e: unknown, json: boolean, command: string, hints: { readonly locked: string; readonly corrupt: string }): string {
  const code = isVdxpError(e) ? e.code : 'VDXP_ERROR';
  const hint =
    code === 'VDXP_STORE_LOCKED' ? hints.locked
      : code === 'VDXP_STORE_CORRUPT' ? hints.corrupt
        : code === 'VDXP_CLI_USAGE' ? `run vdxp store ${command} --help`
          : undefined;
  if (json) printJson(io, { ok: false, code, message: e instanceof Error ? e.message : String(e) });
  printError(io, e, hint);
  return code;
}
