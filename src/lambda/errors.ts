// Error payloads and messages the Lambda service itself produces (as opposed
// to errors a function throws, which bootstrap.ts shapes). Sources are listed
// in docs/fidelity.md, "Lambda runtime and integrations".

import { isUtf8 } from 'node:buffer';
import { LambdaServiceError } from './types.js';

/** Synchronous invoke payload limit (6 MB). */
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
/** Asynchronous (Event) invoke payload limit: 1 MB since October 2025 (previously 256 KB). */
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;
/** Largest synchronous response payload before Function.ResponseSizeTooLarge. */
export const MAX_RESPONSE_PAYLOAD = 6291556;

export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

export function functionNotFound(arn: string): LambdaServiceError {
  return new LambdaServiceError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
}

/**
 * The 413 for a payload over the invocation type's limit, worded as Lambda words it
 * now: synchronous "Request must be smaller than 6291456 bytes for the InvokeFunction
 * operation" (seen 2021 and 2024), Event "N byte payload is too large for the Event
 * invocation type (limit 1048576 bytes)" (seen 2025–26).
 */
export function payloadTooLarge(size: number, invocationType: 'RequestResponse' | 'Event'): LambdaServiceError {
  const message =
    invocationType === 'Event'
      ? `${size} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD} bytes)`
      : `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`;
  return new LambdaServiceError('RequestEntityTooLargeException', message, 413);
}

export function throttled(): LambdaServiceError {
  return new LambdaServiceError('TooManyRequestsException', 'Rate Exceeded.', 429);
}

/**
 * What Lambda's JSON reader (Jackson) says about a payload that is not UTF-8, or undefined when it
 * reads it: a byte that cannot start a character is an "Invalid UTF-8 start byte", a lead byte
 * followed by a byte that cannot continue it an "Invalid UTF-8 middle byte" (hex in lower case, as
 * observed: "Invalid UTF-8 start byte 0x97", "… 0xab", "Invalid UTF-8 middle byte 0x28").
 * Sequences Jackson decodes though they are not UTF-8 (overlong forms, surrogates) and a sequence
 * cut short by the end pass: the instance reads those as U+FFFD, and JSON decides the rest.
 */
export function utf8Problem(payload: Buffer): string | undefined {
  if (isUtf8(payload)) return undefined;
  const hex = (b: number) => `0x${b.toString(16)}`;
  for (let i = 0; i < payload.length; ) {
    const c = payload[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const more = (c & 0xe0) === 0xc0 ? 1 : (c & 0xf0) === 0xe0 ? 2 : (c & 0xf8) === 0xf0 ? 3 : -1;
    if (more < 0) return `Invalid UTF-8 start byte ${hex(c)}`;
    for (let k = 1; k <= more && i + k < payload.length; k++) {
      const d = payload[i + k]!;
      if ((d & 0xc0) !== 0x80) return `Invalid UTF-8 middle byte ${hex(d)}`;
    }
    i += more + 1;
  }
  return undefined;
}

/** Lambda parses the payload as JSON before running anything; invalid JSON is a 400. */
export function checkJsonPayload(payload: Buffer): void {
  if (payload.length === 0) return;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new LambdaServiceError(
      'InvalidRequestContentException',
      `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`,
      400,
    );
  }
}

/** `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error: Task timed out after 3.00 seconds"}` */
export function timeoutPayload(requestId: string, timeoutSeconds: number): Record<string, string> {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/**
 * How Lambda's "Runtime exited with error: signal: …" names a signal: the text of Go's syscall package
 * for Linux (Lambda's runtime supervisor is written in Go). Observed [OBS-exit]: "killed", "aborted" and
 * "segmentation fault", without Go's " (core dumped)" suffix in captures since 2023 (older ones had it);
 * the others follow the same table and are UNCONFIRMED on Lambda.
 */
const SIGNAL_TEXT: Record<string, string> = {
  SIGHUP: 'hangup',
  SIGINT: 'interrupt',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGKILL: 'killed',
  SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault',
  SIGUSR2: 'user defined signal 2',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm clock',
  SIGTERM: 'terminated',
  SIGSTKFLT: 'stack fault',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
  SIGVTALRM: 'virtual timer expired',
  SIGPROF: 'profiling timer expired',
  SIGIO: 'I/O possible',
  SIGPWR: 'power failure',
  SIGSYS: 'bad system call',
};

/** What Lambda reports when the runtime process ends without answering. */
export function exitPayload(
  requestId: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  outOfMemory: boolean,
): Record<string, string> {
  if (outOfMemory) {
    return {
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
    };
  }
  let reason: string;
  if (signal) reason = `Runtime exited with error: signal: ${SIGNAL_TEXT[signal] ?? signal}`;
  else if (code !== null && code !== 0) reason = `Runtime exited with error: exit status ${code}`;
  else reason = 'Runtime exited without providing a reason';
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}

export function responseTooLargePayload(): Record<string, string> {
  return {
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD} bytes).`,
    errorType: 'Function.ResponseSizeTooLarge',
  };
}
