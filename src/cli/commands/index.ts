/**
 * The registry of `vdxp` sub-commands, one module each.
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';

export const commands: readonly CliCommand[] = [
];
