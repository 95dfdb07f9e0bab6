/**
 * The shape of a `vdxp` sub-command. Commands only parse flags, call the library and print.
 * @internal
 * @module
 */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); for long-running commands. */
  readonly stopSignal: AbortSignal;
}

export interface CliCommand {
  /** Words that select the command, e.g. `['axis', 'serve']`. */
  readonly path: readonly string[];
  /** One line for `vdxp --help`. */
  readonly summary: string;
  /** Full help text for `vdxp <command> --help`: usage, options, examples, exit codes. */
  readonly help: string;
  /** Runs the command; returns the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}
