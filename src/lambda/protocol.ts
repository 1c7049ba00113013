// What a worker instance and the gateway exchange, besides the claim block
// (instance.ts): two rings (ring.ts), one each way, and their bulk ports.
// Self-contained (the instance bootstrap imports it).

import type { MessagePort } from 'node:worker_threads';

/** Record kinds on the rings. */
export const RECORD = {
  /** Gateway → instance: a call. seq; x = timeout (ms); y = its deadline (epoch ms) when fixed already, else 0; meta = `id \0 arn \0 traceId [\0 clientContext]`; data = the event JSON. */
  CALL: 1,
  /** Instance → gateway: a successful answer. seq; x = duration (ms); y = memory (MB); data = the result JSON; meta = a streaming handler's content type (its data is then empty), else ''. */
  RESULT: 2,
  /** Instance → gateway: one console line (meta); seq = the call whose turn it was printed in (0: init). */
  LOG: 3,
  /** Instance → gateway: bytes written straight to stdout (seq = 1) or stderr (seq = 2). */
  OUT: 4,
  /** Instance → gateway: any other frame, as JSON in meta (ready, init-error, a failed call). */
  FRAME: 5,
  /** Gateway → instance: a call whose data is the event as its source in compact form (./proxy-event.ts), which the instance builds the event from; otherwise as CALL. */
  EVENT_CALL: 6,
  /** Instance → gateway: bytes a streaming handler wrote for call seq (data), before its RESULT; meta = the stream's content type. */
  CHUNK: 7,
  /**
   * Gateway → instance: an EVENT_CALL from a buffered Lambda proxy integration, whose successful answer
   * may come back as PROXY_RESULT.
   */
  PROXY_EVENT_CALL: 8,
  /**
   * Instance → gateway: a successful answer of a PROXY_EVENT_CALL that is a valid proxy answer
   * (./proxy-answer.ts), in its parts. seq; x = duration (ms); y = memory (MB);
   * meta = `statusCode \0 isBase64Encoded (0 or 1) \0 bytes of the result's JSON [\0 header name \0 value]...`
   * (a valid header holds no NUL); data = the body text as UTF-8.
   */
  PROXY_RESULT: 9,
} as const;

/** Ring size each way per worker instance. Large data goes through the bulk ports. */
export const RING_BYTES = 256 * 1024;

/**
 * A child process instance's call channel: the file descriptor its calls come on (a pipe the
 * gateway writes, the child reads with blocking reads), one record per call:
 * [u32 LE header length][u32 LE payload length][header: the call as JSON, without payload][payload].
 */
export const CALL_CHANNEL_FD = 4;

/** Size of the claim block (WorkerChannels.claim). */
export const CLAIM_BYTES = 40;
/**
 * A streaming handler's bytes that may be on their way to the gateway and not yet taken by whoever
 * reads them (the client's socket, a collecting call): past it, the response stream stops
 * acknowledging writes (its write() returns false once its own buffer is full), as the runtime's
 * socket to the Runtime API does when it backs up.
 */
export const STREAM_WINDOW_BYTES = 1024 * 1024;

/** A worker instance's workerData. */
export interface WorkerChannels {
  /**
   * [0]: seq of the last call started or taken back; bytes 8..15: start time of the running call;
   * bytes 16..23: when the instance last ran its memory check during a call (its heartbeat);
   * bytes 24..31: how many streamed bytes the gateway has taken from the instance so far (a double);
   * bytes 32..39: the instance's Max Memory Used so far, in MB (a double), for a call it cannot answer (a timeout).
   */
  readonly claim: SharedArrayBuffer;
  /** Gateway → instance ring, and its bulk port (the instance's end). */
  readonly calls: SharedArrayBuffer;
  readonly callsPort: MessagePort;
  /** Instance → gateway ring, and its bulk port (the instance's end). */
  readonly results: SharedArrayBuffer;
  readonly resultsPort: MessagePort;
}
