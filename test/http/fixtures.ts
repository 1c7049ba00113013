// Hand-built pipeline data for HTTP / HTTP_PROXY / MOCK / parameter-mapping tests,
// plus a controllable local backend (node:http on port 0).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ApiDefinition, Integration, IntegrationType, Method, Resource } from '../../src/definition/model.js';
import type { EndpointResult, IncomingRequest, IntegrationRequest, Pairs, RequestContext } from '../../src/pipeline/types.js';

export function makeIntegration(overrides: Partial<Integration> & { type: IntegrationType }): Integration {
  return {
    pointer: '/paths/~1x/get/x-amazon-apigateway-integration',
    uri: undefined,
    httpMethod: undefined,
    credentials: undefined,
    passthroughBehavior: 'WHEN_NO_MATCH',
    contentHandling: undefined,
    requestTemplates: [],
    requestParameters: {},
    timeoutInMillis: 29_000,
    responses: [],
    defaultResponse: undefined,
    lambda: undefined,
    cacheKeyParameters: [],
    responseTransferMode: 'BUFFERED',
    ...overrides,
  };
}

export interface CtxOptions {
  method?: string;
  headers?: Pairs;
  query?: Pairs;
  body?: string | Buffer;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  context?: Record<string, unknown>;
  integration?: Integration;
  sourceIp?: string;
}

export function makeCtx(options: CtxOptions = {}): RequestContext {
  const integration = options.integration ?? makeIntegration({ type: 'HTTP' });
  const method: Method = {
    httpMethod: 'ANY',
    resourcePath: '/x',
    pointer: '/paths/~1x/x-amazon-apigateway-any-method',
    operationId: undefined,
    requestParameters: {},
    requestModels: {},
    requestValidator: undefined,
    methodResponses: {},
    apiKeyRequired: false,
    authorizer: undefined,
    authorizationScopes: [],
    iam: false,
    integration,
  };
  const resource: Resource = { path: '/x', pointer: '/paths/~1x', methods: { ANY: method } };
  const api: ApiDefinition = {
    sourcePath: undefined,
    title: 'test',
    version: undefined,
    stage: 'dev',
    binaryMediaTypes: [],
    minimumCompressionSize: null,
    apiKeySource: 'HEADER',
    resources: [resource],
    gatewayResponses: {},
    models: {},
    warnings: [],
  };
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
  const request: IncomingRequest = {
    requestId: '11111111-2222-3333-4444-555555555555',
    extendedRequestId: 'abcdefghijklmno=',
    startTime: 1_700_000_000_000,
    httpMethod: options.method ?? 'GET',
    rawPath: '/dev/x',
    rawQuery: '',
    query: options.query ?? [],
    headers: options.headers ?? [['Host', '127.0.0.1:3000']],
    body,
    sourceIp: options.sourceIp ?? '10.1.2.3',
    protocol: 'HTTP/1.1',
  };
  return {
    api,
    request,
    route: { resource, method, pathParameters: options.pathParameters ?? {}, path: '/x' },
    stageVariables: options.stageVariables ?? {},
    context: options.context ?? { apiId: 'abc123defg', requestId: request.requestId, identity: { sourceIp: request.sourceIp } },
  };
}

export function makeIntegrationRequest(
  integration: Integration,
  parts: {
    body?: string | Buffer;
    headers?: Pairs;
    querystring?: Pairs;
    uri?: string;
    pathParameters?: Record<string, string>;
    templateApplied?: boolean;
  } = {},
): IntegrationRequest {
  const body = parts.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(parts.body) ? parts.body : Buffer.from(parts.body);
  return {
    integration,
    body,
    headers: parts.headers ?? [],
    querystring: parts.querystring ?? [],
    pathParameters: parts.pathParameters ?? {},
    uri: parts.uri ?? integration.uri,
    templateApplied: parts.templateApplied ?? false,
    requestOverride: { header: {}, path: {}, querystring: {} },
  };
}

export function makeEndpoint(parts: { status?: number; headers?: Pairs; body?: string | Buffer } = {}): EndpointResult {
  const status = parts.status ?? 200;
  return {
    kind: 'endpoint',
    statusCode: status,
    selectionInput: String(status),
    headers: parts.headers ?? [],
    body: parts.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(parts.body) ? parts.body : Buffer.from(parts.body),
    contentType: undefined,
  };
}

/** What the backend saw for one request. */
export interface SeenRequest {
  method: string;
  url: string;
  /** rawHeaders as pairs, names as sent on the wire. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** Id of the TCP connection (1, 2, ... in accept order). */
  connection: number;
}

export interface Backend {
  url: string;
  port: number;
  seen: SeenRequest[];
  connections: number;
  close(): Promise<void>;
}

export type BackendHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A node:http backend on port 0 that records every request and connection. */
export async function startBackend(handler: BackendHandler): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const ids = new WeakMap<Socket, number>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers, body, connection: ids.get(req.socket) ?? 0 });
      handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket: Socket) => {
    connections++;
    ids.set(socket, connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    get connections() {
      return connections;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function header(pairs: Pairs, name: string): string | undefined {
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (const [k, v] of pairs) if (k.toLowerCase() === lower) found = v;
  return found;
}
