/**
 * The registry of `vdxp` sub-commands, one module each.
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';
import { ackCommand } from './ack.js';
import { agenciesCommand } from './agencies.js';
import { axisServeCommand } from './axis-serve.js';
import { fetchCommand } from './fetch.js';
import { inboxCommand } from './inbox.js';
import { sendCommand } from './send.js';
import { sentCommand } from './sent.js';

export const commands: readonly CliCommand[] = [
  sendCommand,
  inboxCommand,
  fetchCommand,
  ackCommand,
  sentCommand,
  agenciesCommand,
  axisServeCommand,
];
