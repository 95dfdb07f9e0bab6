/**
 * Reads a file named on the command line, relative to the command's working folder.
 * @internal
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { IoError } from '../errors.js';
import type { CliIo } from './command.js';

/**
 * The bytes of `path` (resolved against `io.cwd`); `what` names the file in the error.
 * @throws {IoError} VDXP_IO when it cannot be read
 */
export async function readInput(io: CliIo, path: string, what: string): Promise<Buffer> {
  const full = resolve(io.cwd, path);
  try {
    return await readFile(full);
  } catch (cause) {
    throw new IoError(full, `cannot read the ${what} ${path}`, { cause });
  }
}
