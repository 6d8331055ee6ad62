/** Streams and environment passed into commands, so tests can run them in-process too. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Quits at once (a second Ctrl-C); only cli/main.ts gives one, so in-process runs never exit. */
  exit?: (code: number) => void;
}

/**
 * The process's own streams. A reader that goes away (`strain runs | head -1`) is not an
 * error: later writes are dropped instead of an unhandled EPIPE killing the process.
 */
export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Resolves on the first SIGINT or SIGTERM: how foreground servers (target, monitor, scheduler) wait. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function line(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
