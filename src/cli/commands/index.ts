/**
 * The registry of `vdxp` sub-commands, one module each.
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';
import { ackCommand } from './ack.js';
import { agenciesCommand } from './agencies.js';
import { agentCommand } from './agent.js';
import { axisServeCommand } from './axis-serve.js';
import { buildCommand } from './build.js';
import { demoCommand } from './demo.js';
import { fetchCommand } from './fetch.js';
import { inboxCommand } from './inbox.js';
import { inspectCommand } from './inspect.js';
import { signCommand } from './sign.js';
import { sendCommand } from './send.js';
import { reportCommand } from './report.js';
import { sentCommand } from './sent.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';

export const commands: readonly CliCommand[] = [
  demoCommand,
  inspectCommand,
  validateCommand,
  buildCommand,
  signCommand,
  verifyCommand,
  sendCommand,
  inboxCommand,
  fetchCommand,
  ackCommand,
  sentCommand,
  reportCommand,
  agenciesCommand,
  axisServeCommand,
  agentCommand,
];
