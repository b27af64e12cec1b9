/** Where core reports progress. The actions pass one backed by @actions/core; the CLI one on stderr. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Runs `fn` inside a named, collapsible group (one per phase). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warning() {},
  error() {},
  group: (_name, fn) => fn(),
};

/** Plain logger on a stream (stderr for the CLI, so stdout stays clean for `--json`). */
export function streamLogger(
  stream: { write(chunk: string): unknown },
  options: { debug?: boolean } = {},
): Logger {
  const line = (prefix: string, message: string) => stream.write(`${prefix}${message}\n`);
  return {
    debug: (m) => {
      if (options.debug) line('debug: ', m);
    },
    info: (m) => line('', m),
    warning: (m) => line('warning: ', m),
    error: (m) => line('error: ', m),
    async group(name, fn) {
      line('', `── ${name}`);
      return fn();
    },
  };
}
