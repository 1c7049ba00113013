// One request, socket to socket, as API Gateway's console draws it:
//   method request (route, throttle, authorize (IAM, the resource policy, a Lambda authorizer or a Cognito user pool), API key, validate) → integration request → integration → integration response
//   → method response; any failure → gateway response.
// The HTTP adapter (src/server) only converts bytes on the wire to and from
// IncomingRequest / OutgoingResponse.

import type { ApiDefinition, Integration, IntegrationType } from '../definition/model.js';
import { httpIntegration } from '../integrations/http.js';
import { httpProxyIntegration, httpProxyStream } from '../integrations/http-proxy.js';
import { lambdaIntegration } from '../integrations/lambda.js';
import { lambdaProxyIntegration } from '../integrations/lambda-proxy.js';
import { lambdaProxyStream } from '../integrations/lambda-proxy-stream.js';
import { mockIntegration } from '../integrations/mock.js';
import type { IntegrationDeps, IntegrationHandler } from '../integrations/types.js';
import { compileRouter, type Router } from '../routing/router.js';
import { VtlRenderError } from '../vtl/index.js';
import { compileAccessLogFormat, type AccessTrace } from './access-log.js';
import { compileApiKeys, requireMethodApiKey, type ApiKeySettings, type ThrottleSettings } from './api-key.js';
import { AuthorizerCache, authorize } from './authorize.js';
import { requireSignature, type IamCredential, type IamVerifier } from './iam.js';
import { compileResourcePolicy, requireResourcePolicy } from './resource-policy.js';
import { MethodThrottle } from './throttle.js';
import { authorizeWithUserPool, UserPoolKeys, VerifiedTokens } from './user-pool.js';
import { buildContext, createDeployment, type Deployment } from './context.js';
import { gatewayResponse } from './gateway-response.js';
import { buildIntegrationRequest } from './integration-request.js';
import { applyIntegrationResponse } from './integration-response.js';
import { missingAuthenticationToken, resolveMethodRequest } from './method-request.js';
import { toMethodResponse } from './method-response.js';
import { GatewayError, type IncomingRequest, type OutgoingResponse, type RequestContext } from './types.js';
import { validateRequest } from './validate-request.js';

const INTEGRATIONS: Record<IntegrationType, IntegrationHandler> = {
  AWS: lambdaIntegration,
  AWS_PROXY: lambdaProxyIntegration,
  HTTP: httpIntegration,
  HTTP_PROXY: httpProxyIntegration,
  MOCK: mockIntegration,
};

/** The proxy integrations with responseTransferMode STREAM. */
const STREAMING: Partial<Record<IntegrationType, IntegrationHandler>> = {
  AWS_PROXY: lambdaProxyStream,
  HTTP_PROXY: httpProxyStream,
};

export interface GatewayOptions {
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** Called with a short line for failures worth a developer's attention. */
  readonly log?: (line: string) => void;
  /** The API keys of the usage plans attached to this API and stage (restgate.config's apiKeys). */
  readonly apiKeys?: ReadonlyArray<ApiKeySettings>;
  /** The principals whose SigV4 signatures AWS_IAM methods check (restgate.config's iamCredentials); none: not checked. */
  readonly iamCredentials?: ReadonlyArray<IamCredential>;
  /** The stage's default method throttling, and methods' own by `METHOD /resource/path` (restgate.config's throttle, methodThrottle). */
  readonly throttle?: ThrottleSettings | undefined;
  readonly methodThrottle?: Readonly<Record<string, ThrottleSettings>> | undefined;
  /** The stage's access log format (restgate.config's accessLog.format): a line per request, its `$context` variables filled in. */
  readonly accessLogFormat?: string | undefined;
  /** The VPC endpoint requests are taken to come through (restgate.config's vpcEndpoint). */
  readonly vpcEndpoint?: { readonly vpceId: string; readonly vpcId?: string | undefined } | undefined;
  /** The keys of Cognito user pools (restgate.config's userPools); a pool without is fetched from its issuer. */
  readonly userPoolKeys?: UserPoolKeys;
}

export interface Gateway {
  readonly api: ApiDefinition;
  readonly stageVariables: Readonly<Record<string, string>>;
  readonly router: Router;
  readonly deployment: Deployment;
  handle(request: IncomingRequest): Promise<OutgoingResponse>;
}

function integrationFor(integration: Integration | undefined): Integration {
  if (integration && (integration.type !== 'AWS' || integration.lambda)) return integration;
  const detail = integration ? 'AWS service integrations other than Lambda are not supported' : 'The method has no integration';
  throw new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', undefined, detail);
}

export function createGateway(api: ApiDefinition, deps: IntegrationDeps, options: GatewayOptions = {}): Gateway {
  const router = compileRouter(api.resources);
  const deployment = createDeployment(api);
  const stageVariables = options.stageVariables ?? {};
  const log = options.log ?? (() => {});
  const authorizerCache = new AuthorizerCache();
  const apiKeys = compileApiKeys(options.apiKeys ?? []);
  const userPoolKeys = options.userPoolKeys ?? new UserPoolKeys();
  const verifiedTokens = new VerifiedTokens();
  const throttle = options.throttle || options.methodThrottle ? new MethodThrottle(options.throttle, options.methodThrottle ?? {}) : undefined;
  const resourcePolicy = api.resourcePolicy ? compileResourcePolicy(api.resourcePolicy, deployment) : undefined;
  const iam: IamVerifier = {
    credentials: options.iamCredentials ? new Map(options.iamCredentials.map((c) => [c.accessKeyId, c])) : undefined,
    region: deployment.region,
  };

  /** One request; `trace`, for the access log, gathers what only the pipeline sees. */
  async function serve(request: IncomingRequest, trace: AccessTrace | undefined): Promise<OutgoingResponse> {
    const methodRequest = resolveMethodRequest(api, router, request);
    const context = buildContext({
      deployment,
      request,
      httpMethod: methodRequest.httpMethod,
      resourcePath: methodRequest.route?.resource.path,
      path: methodRequest.path,
    });
    if (options.vpcEndpoint) {
      const identity = context['identity'] as Record<string, unknown>;
      identity['vpceId'] = options.vpcEndpoint.vpceId;
      identity['vpcId'] = options.vpcEndpoint.vpcId ?? null;
    }
    if (trace) trace.context = context;
    const env = { api, request, stageVariables, context, pathParameters: methodRequest.route?.pathParameters };
    try {
      const route = methodRequest.route;
      if (!route) throw missingAuthenticationToken();
      const ctx: RequestContext = { api, request, route, stageVariables, context };
      throttle?.take(route.method, Date.now());
      if (route.method.iam) requireSignature(ctx, iam);
      if (resourcePolicy) requireResourcePolicy(resourcePolicy, ctx, route.method, deployment);
      const authorizer = route.method.authorizer;
      let authorization;
      if (authorizer?.type === 'COGNITO_USER_POOLS') {
        context['authorizer'] = await authorizeWithUserPool(authorizer, route.method.authorizationScopes, ctx, userPoolKeys, verifiedTokens);
      } else if (authorizer) {
        authorization = await authorize(authorizer, ctx, deployment, deps, authorizerCache);
        context['authorizer'] = authorization.authorizer;
      }
      if (route.method.apiKeyRequired) requireMethodApiKey(ctx, authorization?.usageIdentifierKey, apiKeys);
      validateRequest(route.method, request, route.pathParameters, api);
      const integration = integrationFor(route.method.integration);
      const integrationRequest = buildIntegrationRequest(ctx, integration);
      const handler = (integration.responseTransferMode === 'STREAM' && STREAMING[integration.type]) || INTEGRATIONS[integration.type];
      const started = trace ? Date.now() : 0;
      const result = await handler(integrationRequest, ctx, deps);
      if (trace) {
        trace.integrationLatency = Date.now() - started;
        // Lambda's own status for a Lambda integration; the endpoint's for HTTP and MOCK.
        trace.integrationStatus = result.kind === 'endpoint' ? result.statusCode : integration.type === 'AWS_PROXY' ? 200 : result.response.statusCode;
      }
      if (result.kind === 'proxy') return result.response;
      return toMethodResponse(route.method, applyIntegrationResponse(ctx, integrationRequest, result));
    } catch (err) {
      const error = asGatewayError(err);
      if (trace) trace.error = error;
      if (error.type !== 'MISSING_AUTHENTICATION_TOKEN') {
        log(`${request.requestId} ${error.type}: ${error.detail ?? error.message}`);
      }
      return gatewayResponse(error, env);
    }
  }

  const accessLog = options.accessLogFormat === undefined ? undefined : compileAccessLogFormat(options.accessLogFormat);
  const handle = accessLog
    ? async (request: IncomingRequest): Promise<OutgoingResponse> => {
        const trace: AccessTrace = {};
        const response = await serve(request, trace);
        log(accessLog({ ...trace, request, response, end: Date.now() }));
        return response;
      }
    : (request: IncomingRequest): Promise<OutgoingResponse> => serve(request, undefined);

  return { api, stageVariables, router, deployment, handle };
}

function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof VtlRenderError) {
    return new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', undefined, `Mapping template failed: ${err.message}`);
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return new GatewayError('API_CONFIGURATION_ERROR', 'Internal server error', undefined, `Unexpected error: ${detail}`);
}
