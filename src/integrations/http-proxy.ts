// HTTP_PROXY integration (§7.4): the client's method, headers (minus Host,
// Content-Encoding and hop-by-hop headers), multi-value query string and body
// are forwarded; requestParameters mappings are still applied and merged; the
// backend's status, headers and body come back as the method response, with
// Transfer-Encoding/Content-Encoding/Via dropped and Connection,
// Content-Length, Date, Server renamed to `x-amzn-Remapped-*`.
//
// Contract with the integration-request step: for HTTP_PROXY,
// `IntegrationRequest.headers` / `.querystring` hold only the mapped
// parameters (mapRequestParameters output), `.body` the client payload and
// `.uri` the rendered uri; the client's own headers and query are taken from
// `ctx.request` here.

import { DROPPED_REQUEST_HEADERS } from '../lambda/proxy-event.js';
import { headerValue } from '../pipeline/media-types.js';
import { PassThrough } from 'node:stream';
import type { IntegrationRequest, Pairs, ProxyResult, RequestContext } from '../pipeline/types.js';
import {
  NO_BODY_METHODS,
  buildBackendUrl,
  decodeContentEncoding,
  exchange,
  finishRequestHeaders,
  integrationMethod,
  remapResponseHeaders,
  requireUri,
  withoutHeaders,
} from './http.js';
import type { IntegrationHandler } from './types.js';

const NOT_FORWARDED: ReadonlySet<string> = new Set([...DROPPED_REQUEST_HEADERS, 'host', 'content-encoding']);

/**
 * Client query merged with mapped query values (§7.4, [LS-iq]): a mapped name
 * that the client also sent gets its values appended to the client's; new
 * names follow. Order: first appearance of each name.
 */
export function mergeProxyQuery(client: Pairs, mapped: Pairs): Array<[string, string]> {
  const groups = new Map<string, string[]>();
  for (const [k, v] of client) {
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  for (const [k, v] of mapped) {
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  const out: Array<[string, string]> = [];
  for (const [k, values] of groups) for (const v of values) out.push([k, v]);
  return out;
}

/**
 * Client headers merged with mapped headers: a mapped header replaces any
 * client header of the same name (case-insensitive), otherwise it is added.
 */
export function mergeProxyHeaders(client: Pairs, mapped: Pairs): Array<[string, string]> {
  const mappedNames = new Set(mapped.map(([k]) => k.toLowerCase()));
  const out = withoutHeaders(client, NOT_FORWARDED).filter(([k]) => !mappedNames.has(k.toLowerCase()));
  for (const [k, v] of mapped) out.push([k, v]);
  return out;
}

/** X-Forwarded-For/-Proto/-Port as API Gateway's front end adds them to the method request (choice, docs/fidelity.md). */
function addForwardingHeaders(headers: Array<[string, string]>, ctx: RequestContext): Array<[string, string]> {
  const out = headers.filter(([k]) => !/^x-forwarded-(for|proto|port)$/i.test(k));
  const existingFor = headerValue(headers, 'x-forwarded-for');
  const ip = ctx.request.sourceIp;
  out.push(['X-Forwarded-For', existingFor ? `${existingFor}, ${ip}` : ip]);
  const host = headerValue(ctx.request.headers, 'host') ?? '';
  const port = /:(\d+)$/.exec(host)?.[1] ?? '80';
  out.push(['X-Forwarded-Port', headerValue(headers, 'x-forwarded-port') ?? port]);
  out.push(['X-Forwarded-Proto', headerValue(headers, 'x-forwarded-proto') ?? 'http']);
  return out;
}

/** The backend request: method, URL with the merged query, forwarded headers, body. */
function backendRequest(request: IntegrationRequest, ctx: RequestContext): { method: string; url: string; headers: Pairs; body: Buffer | undefined } {
  const method = integrationMethod(request, ctx);
  const url = buildBackendUrl(requireUri(request), mergeProxyQuery(ctx.request.query, request.querystring));
  const merged = addForwardingHeaders(mergeProxyHeaders(ctx.request.headers, request.headers), ctx);
  const headers = finishRequestHeaders(merged, ctx);
  const body = NO_BODY_METHODS.has(method) ? undefined : request.body;
  return { method, url, headers, body };
}

export const httpProxyIntegration: IntegrationHandler = async (request, ctx, deps) => {
  const { method, url, headers, body } = backendRequest(request, ctx);
  const response = await exchange(deps, request, method, url, headers, body);
  const result: ProxyResult = {
    kind: 'proxy',
    response: {
      statusCode: response.statusCode,
      headers: remapResponseHeaders(response.headers, 'HTTP_PROXY'),
      body: decodeContentEncoding(response.headers, response.body),
    },
  };
  return result;
};

const EMPTY: Buffer = Buffer.alloc(0);

/**
 * HTTP_PROXY with responseTransferMode STREAM (API Gateway Developer Guide, response-streaming-http):
 * once the backend's status and headers are in they are sent, then its body as it arrives. The
 * body's bytes pass through unchanged, so its Content-Encoding stays (no decoding, no compression:
 * "compress in the integration"). The integration timeout covers the whole exchange: before the head
 * it is the usual 504, after it (or a connection that breaks) the body is cut, without its final chunk.
 * A client that reads slowly slows the backend down (its response is paused), so the body is never
 * held whole here.
 */
export const httpProxyStream: IntegrationHandler = (request, ctx, deps) => {
  const { method, url, headers, body: payload } = backendRequest(request, ctx);
  return new Promise((resolve, reject) => {
    const body = new PassThrough();
    body.on('error', () => {}); // cut on purpose, or by a client that went away
    let headSent = false;
    const sink = {
      head(statusCode: number, backendHeaders: Pairs): void {
        headSent = true;
        const encoding = backendHeaders.filter(([n]) => n.toLowerCase() === 'content-encoding');
        const rest = backendHeaders.filter(([n]) => n.toLowerCase() !== 'content-encoding');
        const response = { statusCode, headers: [...remapResponseHeaders(rest, 'HTTP_PROXY'), ...encoding], body: EMPTY, stream: body };
        resolve({ kind: 'proxy', response });
      },
      // The client's pace reaches the backend: past the body's buffer the backend's response is paused.
      data(chunk: Buffer, resume: () => void): boolean {
        if (body.destroyed) return true;
        if (body.write(chunk)) return true;
        // Resumed once the client took it, or went away (the rest is then read and dropped).
        const go = (): void => {
          body.off('drain', go);
          body.off('close', go);
          resume();
        };
        body.once('drain', go);
        body.once('close', go);
        return false;
      },
    };
    exchange(deps, request, method, url, headers, payload, sink).then(
      () => {
        if (!body.destroyed) body.end();
      },
      (err: unknown) => {
        if (!headSent) reject(err);
        else body.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
};
