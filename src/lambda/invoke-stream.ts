// InvokeWithResponseStream's answer (Lambda API Reference, API_InvokeWithResponseStream): an
// AWS event stream (application/vnd.amazon.eventstream framing, encoded with @smithy/core's
// codec, the one the AWS SDKs decode it with) of PayloadChunk events, one per piece the function
// wrote, then one InvokeComplete event with ErrorCode, ErrorDetails and LogResult. The HTTP answer
// starts with the first piece (or the end of the call), so that a call Lambda refuses outright
// (unknown function, throttled, invalid JSON) still gets its ordinary error answer.

import { createRequire } from 'node:module';
import { PassThrough, type Readable } from 'node:stream';
import type { EventStreamCodec } from '@smithy/core/event-streams';
import type { InvokeRequest, InvokeResult, LambdaInvoker } from './types.js';

/** The codec, made with the first InvokeWithResponseStream answer (its library is not needed at start-up). */
let codecInstance: EventStreamCodec | undefined;
function codec(): EventStreamCodec {
  if (codecInstance === undefined) {
    const { EventStreamCodec: Codec } = createRequire(import.meta.url)('@smithy/core/event-streams') as typeof import('@smithy/core/event-streams');
    codecInstance = new Codec(
      (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
      (text) => Buffer.from(text, 'utf8'),
    );
  }
  return codecInstance;
}

type Header = { type: 'string'; value: string };
const str = (value: string): Header => ({ type: 'string', value });
const PAYLOAD_CHUNK = { ':event-type': str('PayloadChunk'), ':message-type': str('event'), ':content-type': str('application/octet-stream') };
const INVOKE_COMPLETE = { ':event-type': str('InvokeComplete'), ':message-type': str('event'), ':content-type': str('application/json') };

/** One PayloadChunk event message. */
export function payloadChunk(bytes: Uint8Array): Buffer {
  const m = codec().encode({ headers: PAYLOAD_CHUNK, body: bytes });
  return Buffer.from(m.buffer, m.byteOffset, m.byteLength);
}

/** The InvokeComplete event message: `{}` for a call that succeeded without a log tail. */
export function invokeComplete(fields: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string }): Buffer {
  const m = codec().encode({ headers: INVOKE_COMPLETE, body: Buffer.from(JSON.stringify(fields), 'utf8') });
  return Buffer.from(m.buffer, m.byteOffset, m.byteLength);
}

/**
 * A failed call's ErrorCode and ErrorDetails: the error's type, and the error as the runtime reports
 * it (its JSON, {errorType, errorMessage, trace}); UNCONFIRMED (docs/fidelity.md).
 */
function errorFields(result: InvokeResult): { ErrorCode?: string; ErrorDetails?: string } {
  if (!result.functionError) return {};
  const details = result.payload.toString('utf8');
  let code = result.functionError;
  try {
    const parsed = JSON.parse(details) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string') code = parsed.errorType;
  } catch {
    // not JSON: the function error kind stands for the type
  }
  return { ErrorCode: code, ErrorDetails: details };
}

export interface StartedStream {
  /** The event stream; it ends after InvokeComplete. */
  readonly stream: Readable;
  /** The function's stream content type (the answer's Content-Type): application/json for a function that does not stream. */
  readonly contentType: string;
  readonly executedVersion: string | undefined;
}

/**
 * Runs the call and resolves once its answer can start: at the first piece the function wrote, or
 * when the call ended. Rejects (with what the invoker threw) when the call failed before either.
 * A function that does not stream answers its whole payload as one PayloadChunk.
 */
export function startResponseStream(request: InvokeRequest, invoker: LambdaInvoker): Promise<StartedStream> {
  const stream = new PassThrough();
  stream.on('error', () => {}); // a client that went away
  // Settles once the bytes went on towards the client (the function is paced by it).
  const send = (bytes: Buffer): Promise<void> | undefined => {
    if (stream.destroyed || stream.writableEnded) return undefined;
    return new Promise<void>((taken) => stream.write(bytes, () => taken()));
  };
  return new Promise<StartedStream>((resolve, reject) => {
    let started = false;
    const start = (contentType: string, executedVersion: string | undefined): void => {
      if (started) return;
      started = true;
      resolve({ stream, contentType, executedVersion });
    };
    const onChunk = (bytes: Buffer, contentType: string): Promise<void> | undefined => {
      start(contentType, '$LATEST');
      return send(payloadChunk(bytes));
    };
    invoker.invoke({ ...request, onChunk }).then(
      (result) => {
        start(result.streamContentType ?? 'application/json', result.executedVersion);
        if (result.streamContentType === undefined && result.payload.length > 0 && !result.functionError) void send(payloadChunk(result.payload));
        const complete = invokeComplete({ ...errorFields(result), ...(result.logResult === undefined ? {} : { LogResult: result.logResult }) });
        if (!stream.destroyed && !stream.writableEnded) stream.end(complete);
      },
      (err: unknown) => {
        if (!started) {
          reject(err);
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        if (!stream.destroyed && !stream.writableEnded) stream.end(invokeComplete({ ErrorCode: 'ServiceException', ErrorDetails: message }));
      },
    );
  });
}
