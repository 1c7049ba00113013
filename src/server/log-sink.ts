// Where the server's log lines go by default (stderr), gathered into few writes.
//
// Function logs arrive three or more lines per request (START, END, REPORT and
// the function's own). process.stderr writes to a pipe or a terminal
// synchronously, one system call per write, and whoever reads the other end
// wakes up for each. Writing what gathered every LOG_FLUSH_MS instead of every
// turn of the event loop cut the proxy route's CPU per request by ~5 % under
// load (bench/ab.mjs, 2026-12-02), and a reader sees the lines at most that late.

/** How long a line may wait for the next write. */
export const LOG_FLUSH_MS = 10;
/** Gathered text that is written at once, whatever the time (bounds the memory held). */
export const LOG_FLUSH_BYTES = 64 * 1024;

export interface LogSink {
  (line: string): void;
  /** Writes what is gathered now. */
  flush(): void;
}

/**
 * A sink that gathers lines and hands them to `write` in order, joined with a newline after each,
 * LOG_FLUSH_MS after the first of a batch or once LOG_FLUSH_BYTES have gathered. The timer does
 * not keep the process alive; what is gathered when the process exits is written then.
 */
export function batchedLog(write: (text: string) => void, onExit: (flush: () => void) => void = (f) => process.once('exit', f)): LogSink {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending === '') return;
    const out = pending;
    pending = '';
    write(out);
  };
  onExit(flush);
  const sink = (line: string): void => {
    pending += `${line}\n`;
    if (pending.length >= LOG_FLUSH_BYTES) flush();
    else if (timer === undefined) timer = setTimeout(flush, LOG_FLUSH_MS).unref();
  };
  sink.flush = flush;
  return sink;
}
