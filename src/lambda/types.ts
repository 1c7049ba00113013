// The contract between the gateway and whatever runs functions. It mirrors the
// Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations) so the
// local runtime and a remote Lambda endpoint are interchangeable.

import type { ProxyAnswer } from './proxy-answer.js';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeRequest {
  readonly functionName: string;
  /** Version or alias; the local runtime accepts any and reports `$LATEST`. */
  readonly qualifier?: string;
  /** JSON payload bytes (the event). */
  readonly payload: Buffer;
  /**
   * The same event as its source in the compact form of ./proxy-event.ts, when the
   * gateway gathered it (Lambda proxy) and it has one: a worker instance builds the
   * event from it instead of parsing the JSON. Whoever does not use it reads `payload`.
   */
  readonly compactEvent?: string | undefined;
  readonly invocationType?: InvocationType;
  /** `Tail` returns the last 4 KB of the log, base64, in `logResult`. */
  readonly logType?: 'None' | 'Tail';
  /** Request id to use as the context's awsRequestId (the gateway passes its own). */
  readonly requestId?: string;
  /**
   * The caller's client context, as JSON text (the Invoke API's X-Amz-Client-Context,
   * base64-decoded): a synchronous call's function gets it parsed as context.clientContext.
   */
  readonly clientContext?: string;
  /**
   * Where a streaming handler's bytes go as it writes them, with its stream's content type
   * (InvokeWithResponseStream, a STREAM integration). A promise it returns paces the function: its
   * writes are acknowledged while what is not yet settled stays within a window (protocol.ts
   * STREAM_WINDOW_BYTES). Without it they are collected into the result's payload, as a buffered Invoke of a
   * streaming function answers.
   */
  readonly onChunk?: (bytes: Buffer, contentType: string) => void | Promise<void>;
  /**
   * The caller is a buffered Lambda proxy integration: an instance that can read the function's
   * answer as a proxy answer (./proxy-answer.ts) may send that instead of the JSON, in the
   * result's `proxyAnswer`. Whoever does not sends the JSON.
   */
  readonly acceptsProxyAnswer?: boolean;
}

/**
 * A function's answer as a valid proxy answer (./proxy-answer.ts), read where the function ran: what
 * reading the result's JSON would have given, the body as the text's UTF-8 bytes.
 */
export interface CheckedProxyAnswer extends Omit<ProxyAnswer, 'body'> {
  readonly body: Buffer;
}

export interface InvokeResult {
  /** 200 RequestResponse, 202 Event, 204 DryRun. */
  readonly statusCode: number;
  /** Function result or Lambda's error object `{errorType, errorMessage, trace}`, as JSON bytes. */
  readonly payload: Buffer;
  /** `Unhandled` when the function failed (X-Amz-Function-Error). */
  readonly functionError: string | undefined;
  /** Base64 of the log tail when logType was Tail. */
  readonly logResult: string | undefined;
  readonly executedVersion: string | undefined;
  /**
   * Set when a streaming handler answered: its response's content type. Its bytes are the payload, or
   * went to the request's onChunk (the payload is then empty); a failed one has the error payload.
   */
  readonly streamContentType?: string | undefined;
  /** Only for a request that accepts one (acceptsProxyAnswer): the answer read as a proxy answer; `payload` is then empty. */
  readonly proxyAnswer?: CheckedProxyAnswer | undefined;
}

/** A Lambda service-level failure (not a function error): unknown function, bad payload, throttling. */
export class LambdaServiceError extends Error {
  constructor(
    /** Lambda error type, e.g. `ResourceNotFoundException`, `InvalidRequestContentException`. */
    readonly errorType: string,
    message: string,
    /** HTTP status the Lambda API answers with, e.g. 404, 400, 429. */
    readonly statusCode: number,
  ) {
    super(message);
    this.name = errorType;
  }
}

export interface LambdaInvoker {
  /** The region the invoker's functions are in (the Invoke API's region for unsigned requests); default us-east-1. */
  readonly region?: string;
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Function names this invoker can serve locally (for start-up checks and listings). */
  has(functionName: string): boolean;
  close(): Promise<void>;
}
