/**
 * The registry of `vdxp` sub-commands, one module each.
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';
import { buildCommand } from './build.js';
import { validateCommand } from './validate.js';

export const commands: readonly CliCommand[] = [
  validateCommand,
  buildCommand,
];
