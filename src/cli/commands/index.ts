/**
 * The registry of `vdxp` sub-commands, one module each.
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';
import { buildCommand } from './build.js';
import { inspectCommand } from './inspect.js';
import { signCommand } from './sign.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';

export const commands: readonly CliCommand[] = [
  inspectCommand,
  validateCommand,
  buildCommand,
  signCommand,
  verifyCommand,
];
