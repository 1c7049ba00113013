// AWS_PROXY with responseTransferMode STREAM (API Gateway Developer Guide,
// response-transfer-mode and response-transfer-mode-lambda): the function is
// called through InvokeWithResponseStream with the usual proxy event, and
// answers a stream of
//
//   metadata JSON {statusCode, headers, multiValueHeaders, cookies} (all optional)
//   8 NUL bytes, within the first 16 KB
//   the body, any bytes, sent on to the client as they come (chunked).
//
// API Gateway sends nothing before the metadata and its delimiter have arrived;
// without them (bad JSON, other keys, no delimiter in 16 KB, the stream ending
// first) the client gets a 500. Once the head is sent, a failure can only cut
// the body short: the connection ends without the final chunk.

import { PassThrough } from 'node:stream';
import { gatewayErrorFor, startInvocation } from '../lambda/gateway.js';
import type { InvokeResult } from '../lambda/types.js';
import { GatewayError, type IntegrationResult, type OutgoingResponse } from '../pipeline/types.js';
import { remapResponseHeaders } from './http.js';
import { customerFunctionError, proxyEventSource, METADATA_DELIMITER, responseHead } from './lambda-proxy.js';
import type { IntegrationHandler } from './types.js';

/** "The delimiter must be within the first 16 KB of stream data." */
export const METADATA_LIMIT_BYTES = 16 * 1024;
const METADATA_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'cookies']);
const EMPTY: Buffer = Buffer.alloc(0);

function badStream(reason: string): GatewayError {
  return new GatewayError('INTEGRATION_FAILURE', 'Internal server error', 500, `Execution failed: malformed Lambda response stream (${reason})`);
}

/** The response head a stream's metadata gives: as a buffered proxy answer's, plus a Set-Cookie per cookie. */
export function streamHead(metadata: Buffer): Pick<OutgoingResponse, 'statusCode' | 'headers'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata.toString('utf8'));
  } catch {
    throw badStream('metadata is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badStream('metadata is not a JSON object');
  const meta = parsed as Record<string, unknown>;
  for (const key in meta) if (!METADATA_KEYS.has(key)) throw badStream(`unexpected key ${key} in metadata`);
  const { statusCode, headers } = responseHead(meta, badStream);
  const cookies = meta['cookies'];
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies) || cookies.some((c) => typeof c !== 'string')) throw badStream('cookies is not a list of strings');
    for (const c of cookies as string[]) headers.push(['Set-Cookie', c]);
  }
  if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
  return { statusCode, headers: remapResponseHeaders(headers, 'AWS_PROXY') };
}

/**
 * Resolves with the proxy response once the metadata has come (its body a stream that ends with the
 * function's), or rejects with the gateway error sent instead. The integration timeout covers the
 * whole stream: before the head it is the usual 504, after it the body is cut. A function error or
 * timeout before the head is the buffered integration's 502; after it, the body is cut.
 */
export const lambdaProxyStream: IntegrationHandler = (request, ctx, deps) => {
  return new Promise<IntegrationResult>((resolve, reject) => {
    let state: 'head' | 'body' | 'failed' = 'head';
    let pending: Buffer = EMPTY;
    let timer: NodeJS.Timeout | undefined;
    const body = new PassThrough();
    body.on('error', () => {}); // destroyed on purpose (cut short), or by a client that went away
    // Settles once the body has taken the bytes on towards the client (the function is paced by it).
    const send = (bytes: Buffer): Promise<void> | undefined => {
      if (body.destroyed || body.writableEnded) return undefined;
      return new Promise<void>((taken) => body.write(bytes, () => taken()));
    };
    const fail = (err: GatewayError): void => {
      state = 'failed';
      clearTimeout(timer);
      reject(err);
    };
    const onChunk = (bytes: Buffer): Promise<void> | undefined => {
      if (state === 'body') return send(bytes);
      if (state === 'failed') return undefined;
      pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
      const at = pending.indexOf(METADATA_DELIMITER);
      if (at === -1 || at > METADATA_LIMIT_BYTES) {
        if (at > METADATA_LIMIT_BYTES || pending.length >= METADATA_LIMIT_BYTES + METADATA_DELIMITER.length) {
          fail(badStream('no metadata delimiter within the first 16 KB'));
        }
        return undefined;
      }
      let head: Pick<OutgoingResponse, 'statusCode' | 'headers'>;
      try {
        head = streamHead(pending.subarray(0, at));
      } catch (err) {
        fail(err as GatewayError);
        return undefined;
      }
      state = 'body';
      const rest = pending.subarray(at + METADATA_DELIMITER.length);
      pending = EMPTY;
      resolve({ kind: 'proxy', response: { ...head, body: EMPTY, stream: body } });
      return rest.length > 0 ? send(rest) : undefined;
    };

    let invocation: Promise<InvokeResult>;
    try {
      invocation = startInvocation(request, deps, proxyEventSource(request, ctx), 'RequestResponse', onChunk);
    } catch (err) {
      reject(gatewayErrorFor(err));
      return;
    }
    timer = setTimeout(() => {
      if (state === 'head') fail(new GatewayError('INTEGRATION_TIMEOUT', 'Endpoint request timed out', 504));
      else if (state === 'body') body.destroy(new Error('integration timeout'));
    }, request.integration.timeoutInMillis);
    invocation.then(
      (result) => {
        clearTimeout(timer);
        if (state === 'body') {
          if (result.functionError) body.destroy(new Error('function error'));
          else body.end();
          return;
        }
        if (state === 'failed') return;
        if (result.functionError) return fail(customerFunctionError(result));
        // A function that does not stream answers in one piece (its JSON): read as the stream's bytes.
        if (result.streamContentType === undefined && result.payload.length > 0) onChunk(result.payload);
        if (state === 'head') fail(badStream('the stream ended before the metadata delimiter'));
        else if (state === 'body') body.end();
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (state === 'head') fail(gatewayErrorFor(err));
        else if (state === 'body') body.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
};
