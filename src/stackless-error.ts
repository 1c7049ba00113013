// An Error made without a stack trace, for errors that are control flow or an answer to send and are
// never shown with a stack: capturing one cost ~10 µs each (12 µs at a depth of 20 frames against
// 2.6 µs without, measured 2026-12-03), paid on every error response and every template that reads an
// absent JSON field.
//
// Self-contained (no imports).

export class StacklessError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
