import type { LambdaInvoker } from '../lambda/types.js';
import type { HttpClient } from './http-client.js';
import type { IntegrationRequest, IntegrationResult, RequestContext } from '../pipeline/types.js';

/** Services an integration may use; created once per server. */
export interface IntegrationDeps {
  readonly lambda: LambdaInvoker;
  /** Pooled keep-alive client for HTTP / HTTP_PROXY (createHttpClient() in ./http-client.ts); close() it on shutdown. */
  readonly http?: HttpClient;
}

/** One integration type: turns an integration request into an endpoint or proxy result. */
export type IntegrationHandler = (
  request: IntegrationRequest,
  ctx: RequestContext,
  deps: IntegrationDeps,
) => Promise<IntegrationResult>;
