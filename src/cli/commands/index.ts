/**
 * The registry of `vdxp` sub-commands, one module each.
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';
import { inspectCommand } from './inspect.js';

export const commands: readonly CliCommand[] = [
  inspectCommand,
];
