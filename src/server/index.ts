// restgate's HTTP server: loads a definition, starts the function runtime and
// serves the API under `/{stage}/...`, plus the Lambda Invoke API under
// `/2015-03-31/functions/...`.

import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { loadConfig, type RestgateConfig } from '../config.js';
import { loadDefinition } from '../definition/load.js';
import { extendedRequestId } from '../ids.js';
import type { ApiDefinition, LoadWarning } from '../definition/model.js';
import { createHttpClient } from '../integrations/http-client.js';
import { handleInvokeApi, invokeApiTooLarge as lambdaTooLarge } from '../lambda/invoke-api.js';
import { createInvoker } from '../lambda/router.js';
import type { LambdaInvoker } from '../lambda/types.js';
import { REQUEST_TOO_LARGE_BODY, REQUEST_TOO_LARGE_CONTENT_TYPE, gatewayResponse } from '../pipeline/gateway-response.js';
import { createGateway, type Gateway } from '../pipeline/run.js';
import { GatewayError, type IncomingRequest } from '../pipeline/types.js';
import { UserPoolKeys } from '../pipeline/user-pool.js';
import { compressResponse, decompressRequestBody } from './compression.js';
import { batchedLog } from './log-sink.js';
import { watchDefinition } from './watch-definition.js';
import {
  MAX_HEADER_BYTES,
  MAX_URL_LENGTH,
  connectionOf,
  headerBytes,
  readBody,
  sourceEnded,
  toIncomingRequest,
  writeResponse,
} from './http-adapter.js';

export interface ServerOptions {
  /** Path of the OpenAPI 3.0 / Swagger 2.0 definition (JSON or YAML). */
  readonly definition: string;
  /** Where functions live; default `functions/` beside the definition. */
  readonly functionsDir?: string;
  /** 0 picks a free port. Default 3000. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Overrides the stage derived from the definition. */
  readonly stage?: string;
  /** Merged over the config file's stage variables. */
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** Invoke every function through this Lambda-compatible endpoint instead of running it locally. */
  readonly lambdaEndpoint?: string;
  /** Reload a function when its files change, and the definition (and restgate.config's gateway settings) when they do. */
  readonly watch?: boolean;
  /** Where log lines go; default stderr. */
  readonly log?: (line: string) => void;
  /** Serve HTTPS with this certificate (chain) and private key, PEM. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

export interface RunningServer {
  /** Base URL of the stage: `http://127.0.0.1:3000/v1`. */
  readonly url: string;
  /** `http://127.0.0.1:3000` */
  readonly origin: string;
  readonly port: number;
  readonly api: ApiDefinition;
  readonly warnings: readonly LoadWarning[];
  readonly gateway: Gateway;
  /** Stop accepting, finish in-flight requests, stop functions. */
  close(): Promise<void>;
}

const INVOKE_API_PREFIX = '/2015-03-31/functions/';
const INVOKE_STREAM_API_PREFIX = '/2021-11-15/functions/';

function plainJsonError(res: ServerResponse, status: number, message: string): void {
  const body = Buffer.from(JSON.stringify({ message }));
  // The reason phrase is given: a writeHead that failed before this one may have set another.
  res.writeHead(status, STATUS_CODES[status], {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'x-amzn-RequestId': crypto.randomUUID(),
    'x-amz-apigw-id': extendedRequestId(),
    Connection: connectionOf(res),
  });
  res.end(body);
}

/** Bytes of an oversized Invoke API body read (and dropped) so that the client gets to read the 413. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * An Invoke API call over the server's body limit gets Lambda's 413 (JSON, x-amzn-ErrorType), not API
 * Gateway's text one; the rest of the body is read and dropped (up to MAX_DRAIN_BYTES) so that an SDK still
 * sending it sees the answer instead of a broken pipe. False when `req` is not an Invoke API call.
 */
function answerInvokeApiTooLarge(req: IncomingMessage, res: ServerResponse): boolean {
  const answer = lambdaTooLarge(req);
  if (!answer) return false;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.destroy();
  });
  req.resume();
  res.writeHead(answer.statusCode, { ...answer.headers, 'Content-Length': String(answer.body.length), Connection: 'close' });
  res.end(answer.body);
  return true;
}

/** §14: over 10 MB → 413 in plain text, not customisable [KG-10]. */
function payloadTooLarge(res: ServerResponse): void {
  const body = Buffer.from(REQUEST_TOO_LARGE_BODY);
  res.writeHead(413, {
    'Content-Type': REQUEST_TOO_LARGE_CONTENT_TYPE,
    'Content-Length': String(body.length),
    Connection: 'close',
  });
  res.end(body);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? batchedLog((text) => process.stderr.write(text));
  const definitionPath = resolve(options.definition);
  const baseDir = dirname(definitionPath);
  const functionsDir = resolve(options.functionsDir ?? join(baseDir, 'functions'));
  const config = await loadConfig(baseDir);
  const lambdaEndpoint = options.lambdaEndpoint ?? config.lambdaEndpoint;
  const invoker: LambdaInvoker = createInvoker({ functionsDir, config, lambdaEndpoint, watch: options.watch ?? false, log });
  const http = createHttpClient();

  /** The definition loaded and its gateway made, with `config`'s gateway settings; the notices of what it cannot serve logged. */
  async function build(config: RestgateConfig): Promise<Gateway> {
    const stageVariables = { ...config.stageVariables, ...options.stageVariables };
    const api = await loadDefinition(definitionPath, {
      stage: options.stage,
      stageVariables,
      functionExists: (name) => invoker.has(name),
      describeFunctionLookup: (name) =>
        `(looked for ${join(functionsDir, name)}.{ts,mts,js,mjs,cjs} or ${join(functionsDir, name, 'index.*')})`,
    });
    const methods = api.resources.flatMap((r) => Object.values(r.methods));
    const userPoolKeys = new UserPoolKeys(
      Object.fromEntries(Object.entries(config.userPools ?? {}).map(([id, pool]) => [id, pool.keys !== undefined ? { jwks: pool.keys } : { url: pool.jwks }])),
    );
    const built = createGateway(api, { lambda: invoker, http }, {
      stageVariables,
      log,
      apiKeys: config.apiKeys,
      userPoolKeys,
      iamCredentials: config.iamCredentials,
      vpcEndpoint: config.vpcEndpoint,
      throttle: config.throttle,
      methodThrottle: config.methodThrottle,
      accessLogFormat: config.accessLog?.format,
    });
    const names = new Set(methods.map((m) => `${m!.httpMethod} ${m!.resourcePath}`));
    for (const name of Object.keys(config.methodThrottle ?? {})) {
      if (!names.has(name)) log(`restgate: restgate.config's methodThrottle names ${name}, which the definition does not have`);
    }
    const unlisted = new Set(
      methods.flatMap((m) => (m?.authorizer?.type === 'COGNITO_USER_POOLS' ? m.authorizer.userPools : [])).filter((p) => config.userPools?.[p.id] === undefined).map((p) => p.id),
    );
    for (const id of unlisted) {
      log(
        `restgate: user pool ${id} is not in restgate.config's userPools: tokens are checked against its public keys, fetched from https://cognito-idp.${id.split('_')[0]}.amazonaws.com/${id}/.well-known/jwks.json on first use (for tests without Cognito: restgate token --pool ${id})`,
      );
    }
    const keyed = methods.filter((m) => m?.apiKeyRequired);
    const signed = methods.filter((m) => m?.iam);
    if (signed.length > 0 && config.iamCredentials === undefined) {
      log(
        `restgate: ${signed.length} AWS_IAM method(s) (${signed.map((m) => `${m!.httpMethod} ${m!.resourcePath}`).join(', ')}) take any SigV4-signed request: list the principals in restgate.config's iamCredentials to have signatures checked`,
      );
    }
    if (keyed.length > 0 && (config.apiKeys ?? []).length === 0) {
      log(
        `restgate: ${keyed.length} method(s) require an API key (${keyed.map((m) => `${m!.httpMethod} ${m!.resourcePath}`).join(', ')}) and restgate.config has no apiKeys: they answer 403 Forbidden, as on API Gateway without a usage plan key`,
      );
    }
    return built;
  }

  let gateway: Gateway;
  try {
    gateway = await build(config);
  } catch (err) {
    await Promise.allSettled([invoker.close(), http.close()]);
    throw err;
  }
  const stopWatching = options.watch ? watchDefinition(definitionPath, config, build, (g) => (gateway = g), log) : undefined;

  // Requests being served; close() waits until none is left.
  let inFlight = 0;
  const drained: Array<() => void> = [];
  const finished = (): void => {
    if (--inFlight === 0) for (const resolveDrained of drained.splice(0)) resolveDrained();
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    serve(req, res).then(finished, (err: unknown) => {
      log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) plainJsonError(res, 500, 'Internal server error');
      else res.destroy();
      finished();
    });
  };
  const serverOptions = { maxHeaderSize: 64 * 1024, keepAliveTimeout: 65_000 };
  // https.Server has http.Server's connection methods (closeIdleConnections, closeAllConnections).
  const server: Server = options.tls ? (createHttpsServer({ ...serverOptions, ...options.tls }, onRequest) as unknown as Server) : createServer(serverOptions, onRequest);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Limits first, before buffering anything (§14; exact AWS answers for these two are UNCONFIRMED, see docs/fidelity.md).
    if ((req.url ?? '').length > MAX_URL_LENGTH) return plainJsonError(res, 414, 'Request-URI Too Long');
    if (headerBytes(req) > MAX_HEADER_BYTES) return plainJsonError(res, 431, 'Request Header Fields Too Large');

    const outcome = await readBody(req);
    if (!outcome.ok) {
      if (outcome.reason !== 'too-large') res.destroy();
      else if (!answerInvokeApiTooLarge(req, res)) payloadTooLarge(res);
      return;
    }

    if (req.url?.startsWith(INVOKE_API_PREFIX) || req.url?.startsWith(INVOKE_STREAM_API_PREFIX)) {
      const answer = await handleInvokeApi(req, outcome.body, invoker);
      if (answer?.stream) {
        // InvokeWithResponseStream: chunked, each event as the function writes; in flight until it ends.
        res.writeHead(answer.statusCode, answer.headers);
        pipeline(answer.stream, res).catch(() => {});
        return sourceEnded(answer.stream);
      }
      if (answer) {
        res.writeHead(answer.statusCode, { ...answer.headers, 'Content-Length': String(answer.body.length) });
        res.end(answer.body);
        return;
      }
    }

    // The gateway this request is served by, start to end (a reload under --watch makes a new one).
    const current = gateway;
    const api = current.api;
    const stageVariables = current.stageVariables;
    let request: IncomingRequest = toIncomingRequest(req, outcome.body);
    const ids = request;
    try {
      const encoding = req.headers['content-encoding'];
      if (encoding !== undefined) request = { ...request, body: decompressRequestBody(request.body, encoding) };
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      writeResponse(res, gatewayResponse(err, { api, request, stageVariables, context: undefined }), ids);
      return;
    }
    const response = await current.handle(request);
    const compressed = compressResponse(response, req.headers['accept-encoding'], api.minimumCompressionSize);
    // A streamed response stays in flight (close() waits for it) until its source has ended.
    const streaming = writeResponse(res, compressed, ids);
    if (streaming) await streaming;
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    closing ??= (async () => {
      const stopped = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolveDrained) => drained.push(resolveDrained));
      server.closeAllConnections();
      await stopped;
      stopWatching?.();
      await Promise.allSettled([invoker.close(), http.close()]);
    })();
    return closing;
  }

  return {
    get url() {
      return `${origin}/${gateway.api.stage}`;
    },
    origin,
    port,
    get api() {
      return gateway.api;
    },
    get warnings() {
      return gateway.api.warnings;
    },
    get gateway() {
      return gateway;
    },
    close,
  };
}
