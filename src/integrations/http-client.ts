// The outbound HTTP client used by the HTTP and HTTP_PROXY integrations (§7.3,
// §7.4, §7.6). One pooled keep-alive undici Agent per server: connections to a
// backend are reused across requests, like API Gateway's own connection pool.
// Response header names keep the case the backend sent (raw headers), because
// `integration.response.header.<name>` lookups are case-sensitive (§3.5).

import type { Agent, Dispatcher } from 'undici';
import type { Pairs } from '../pipeline/types.js';

export interface HttpClientRequest {
  readonly method: string;
  /** Absolute http(s) URL including the query string. */
  readonly url: string;
  readonly headers: Pairs;
  /** Undefined = no body at all. */
  readonly body?: Buffer | undefined;
  /** Whole-exchange deadline in ms (connect + headers + body). */
  readonly timeoutMs: number;
  /**
   * Streams the response instead of collecting it (responseTransferMode STREAM): `head` once the
   * status and headers are in, then `data` per piece of the body; the promise resolves at its end,
   * with an empty body.
   */
  readonly stream?: ResponseSink | undefined;
}

export interface ResponseSink {
  head(statusCode: number, headers: Pairs): void;
  /**
   * A piece of the body. False: the reader has enough for now; the backend's response is paused
   * (its connection backs up) until the reader calls `resume`.
   */
  data(chunk: Buffer, resume: () => void): boolean;
}

export interface HttpClientResponse {
  readonly statusCode: number;
  /** Header pairs in wire order with the backend's spelling. */
  readonly headers: Pairs;
  readonly body: Buffer;
}

/**
 * Why an exchange failed:
 * - `invalid-endpoint`: the URL cannot be used (bad syntax, unsupported scheme, unknown host, bad header);
 * - `connect`: the backend refused the connection;
 * - `timeout`: no complete response within `timeoutMs`;
 * - `network`: the connection broke (reset mid-response, TLS failure, ...).
 */
export type HttpClientErrorKind = 'invalid-endpoint' | 'connect' | 'timeout' | 'network';

export class HttpClientError extends Error {
  constructor(
    readonly kind: HttpClientErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpClientError';
  }
}

export interface HttpClient {
  request(request: HttpClientRequest): Promise<HttpClientResponse>;
  /** Closes pooled connections; pending requests are allowed to finish. */
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** Idle keep-alive time of pooled sockets (ms). Default 4000 (undici's default). */
  readonly keepAliveTimeout?: number;
  /** Maximum sockets per origin. Default unlimited. */
  readonly connections?: number;
}

const INVALID_ENDPOINT_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ERR_INVALID_URL',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
]);

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR_ABORTED') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return error && typeof error === 'object' ? ((error as { code?: string }).code ?? undefined) : undefined;
}

function classify(error: unknown): HttpClientError {
  if (error instanceof HttpClientError) return error;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return new HttpClientError('connect', `connection refused: ${message}`, { cause: error });
  if (code !== undefined && INVALID_ENDPOINT_CODES.has(code)) {
    return new HttpClientError('invalid-endpoint', `invalid endpoint: ${message}`, { cause: error });
  }
  return new HttpClientError('network', `network error: ${code ?? ''} ${message}`.replace(/\s+/g, ' '), { cause: error });
}

function toPairs(raw: readonly (Buffer | string)[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    pairs.push([raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')]);
  }
  return pairs;
}

function parsedToPairs(headers: Record<string, string | string[] | undefined>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
    else pairs.push([name, value]);
  }
  return pairs;
}

/** Creates the per-server client. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  // undici is loaded with the first request (~100 ms of start-up most APIs never need).
  let agentPromise: Promise<Agent> | undefined;
  const loadAgent = () =>
    (agentPromise ??= import('undici').then(
      ({ Agent }) =>
        new Agent({
          keepAliveTimeout: options.keepAliveTimeout ?? 4_000,
          ...(options.connections !== undefined ? { connections: options.connections } : {}),
          // Our own deadline (timeoutInMillis, at most 29 s) governs; undici's must never fire first.
          headersTimeout: 0,
          bodyTimeout: 0,
          connect: { timeout: 60_000 },
        }),
    ));
  let agent: Agent | undefined;
  let closed = false;

  async function request(req: HttpClientRequest): Promise<HttpClientResponse> {
    agent ??= await loadAgent();
    return dispatch(agent, req);
  }

  function dispatch(agent: Agent, req: HttpClientRequest): Promise<HttpClientResponse> {
    if (closed) return Promise.reject(new HttpClientError('network', 'HTTP client is closed'));
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (error) {
      return Promise.reject(new HttpClientError('invalid-endpoint', `invalid endpoint URL: ${req.url}`, { cause: error }));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new HttpClientError('invalid-endpoint', `unsupported endpoint scheme: ${url.protocol}`));
    }
    const headers: string[] = [];
    for (const [name, value] of req.headers) headers.push(name, value);

    return new Promise<HttpClientResponse>((resolve, reject) => {
      let settled = false;
      let timedOut = false;
      let controllerRef: Dispatcher.DispatchController | undefined;
      const chunks: Buffer[] = [];
      let statusCode = 0;
      let responseHeaders: Array<[string, string]> = [];

      const finish = (error: HttpClientError | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve({ statusCode, headers: responseHeaders, body: Buffer.concat(chunks) });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        const error = new HttpClientError('timeout', `no response within ${req.timeoutMs} ms`);
        try {
          controllerRef?.abort(error);
        } catch {
          // the request is being torn down anyway
        }
        finish(error);
      }, req.timeoutMs);

      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(controller) {
          controllerRef = controller;
          if (timedOut) controller.abort(new HttpClientError('timeout', 'timed out'));
        },
        onResponseStart(controller, status, parsed) {
          if (status < 200) return; // 1xx informational
          statusCode = status;
          const raw = controller.rawHeaders;
          responseHeaders = Array.isArray(raw)
            ? toPairs(raw as readonly (Buffer | string)[])
            : parsedToPairs((raw ?? parsed) as Record<string, string | string[] | undefined>);
          req.stream?.head(statusCode, responseHeaders);
        },
        onResponseData(controller, chunk) {
          if (!req.stream) chunks.push(chunk);
          else if (!req.stream.data(chunk, () => controller.resume())) controller.pause();
        },
        onResponseEnd() {
          // Settle only after undici has handed the socket back to the pool (it
          // waits one event-loop turn before reusing a keep-alive socket), so a
          // request issued right after this one reuses the connection instead of
          // opening another.
          clearTimeout(timer);
          setImmediate(() => setImmediate(() => finish(undefined)));
        },
        onResponseError(_controller, error) {
          finish(timedOut ? new HttpClientError('timeout', 'timed out') : classify(error));
        },
      };

      try {
        agent.dispatch(
          {
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: req.method,
            headers,
            body: req.body ?? null,
          },
          handler,
        );
      } catch (error) {
        finish(classify(error));
      }
    });
  }

  return {
    request,
    async close() {
      if (closed) return;
      closed = true;
      if (agentPromise) await (await agentPromise).close();
    },
  };
}
