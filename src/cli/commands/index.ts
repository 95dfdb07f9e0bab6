/**
 * The registry of `vdxp` sub-commands, one module each. A module is loaded only when its
 * command runs (or prints its help): `vdxp --help` and a command that needs neither the
 * transport nor signatures start without loading axios, pkijs and the rest (a test checks
 * that each entry's words and summary are the module's own).
 * @internal
 * @module
 */
import type { CliCommand } from '../command.js';

/** A command as `vdxp --help` lists it, and how to load it. */
export interface CommandEntry {
  /** Words that select the command, e.g. `['axis', 'serve']`. */
  readonly path: readonly string[];
  /** One line for `vdxp --help`. */
  readonly summary: string;
  /** Loads the command's module. */
  readonly load: () => Promise<CliCommand>;
}

export const commands: readonly CommandEntry[] = [
  { path: ['demo'], summary: 'run the demo: two axes, three agencies, a signed document sent, processed, tracked and reported', load: async () => (await import('./demo.js')).demoCommand },
  { path: ['inspect'], summary: 'show what an edXML package says (add --json for the model)', load: async () => (await import('./inspect.js')).inspectCommand },
  { path: ['validate'], summary: 'check an edXML package against the strict write rules', load: async () => (await import('./validate.js')).validateCommand },
  { path: ['build'], summary: 'write an edXML package from a JSON model and files', load: async () => (await import('./build.js')).buildCommand },
  { path: ['sign'], summary: 'Sign an edXML package (XML Signature) or a PDF (PDF signature)', load: async () => (await import('./sign.js')).signCommand },
  { path: ['verify'], summary: 'Verify the signatures of an edXML package', load: async () => (await import('./verify.js')).verifyCommand },
  { path: ['send'], summary: 'send an edXML package to the axis', load: async () => (await import('./send.js')).sendCommand },
  { path: ['inbox'], summary: 'list packages waiting for this system', load: async () => (await import('./inbox.js')).inboxCommand },
  { path: ['fetch'], summary: 'save a received package to a file', load: async () => (await import('./fetch.js')).fetchCommand },
  { path: ['ack'], summary: 'ack a received package: done or fail', load: async () => (await import('./ack.js')).ackCommand },
  { path: ['sent'], summary: 'list sent packages with per-recipient status', load: async () => (await import('./sent.js')).sentCommand },
  { path: ['report'], summary: 'the compliance report of a period (JSON, CSV, HTML with charts) from a FileStore', load: async () => (await import('./report.js')).reportCommand },
  { path: ['store', 'check'], summary: 'check a FileStore: its own files, and every package against the SHA-256 its record holds', load: async () => (await import('./store-check.js')).storeCheckCommand },
  { path: ['store', 'prune'], summary: 'remove from a FileStore the package bytes of finished records older than N days (records kept)', load: async () => (await import('./store-prune.js')).storePruneCommand },
  { path: ['agencies'], summary: 'list the agencies connected to the axis', load: async () => (await import('./agencies.js')).agenciesCommand },
  { path: ['axis', 'serve'], summary: 'run a local axis for development and tests', load: async () => (await import('./axis-serve.js')).axisServeCommand },
  { path: ['agent'], summary: 'run the connector as a service: folders, webhook, local HTTP API', load: async () => (await import('./agent.js')).agentCommand },
];
