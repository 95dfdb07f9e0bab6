import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';

/** A CliIo whose stdout and stderr are captured as text. */
export function capturedIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  const sink = () => {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        done();
      },
    });
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const stdout = sink();
  const stderr = sink();
  return {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    cwd,
    stopSignal: new AbortController().signal,
    out: stdout.text,
    err: stderr.text,
  };
}
