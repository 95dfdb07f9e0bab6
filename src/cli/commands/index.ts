/**
 * The registry of `vdxp` sub-commands, one module each.
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';
import { signCommand } from './sign.js';
import { verifyCommand } from './verify.js';

export const commands: readonly CliCommand[] = [
  signCommand,
  verifyCommand,
];
