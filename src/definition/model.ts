// The typed model of an API Gateway REST API, produced once at load from an
// OpenAPI 3.0 / Swagger 2.0 definition (see ./load.ts). Everything a request
// needs is compiled here: routes, selection regexes, mapping templates.
// Per-request code only reads this model; it never parses.

import type { CompiledTemplate } from '../vtl/index.js';

export type IntegrationType = 'AWS' | 'AWS_PROXY' | 'HTTP' | 'HTTP_PROXY' | 'MOCK';
export type ContentHandling = 'CONVERT_TO_TEXT' | 'CONVERT_TO_BINARY';
export type PassthroughBehavior = 'WHEN_NO_MATCH' | 'WHEN_NO_TEMPLATES' | 'NEVER';

/** Methods API Gateway accepts on a resource; `ANY` is x-amazon-apigateway-any-method. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'ANY';

/** Mapping templates keyed by media type, in definition order (order matters: §2.3 "first template"). */
export type TemplateMap = ReadonlyArray<readonly [contentType: string, template: CompiledTemplate]>;

export interface ApiDefinition {
  /** Absolute path of the definition file it was loaded from (undefined when loaded from an object). */
  readonly sourcePath: string | undefined;
  readonly title: string;
  readonly version: string | undefined;
  /** Stage name, from Swagger basePath / OAS3 servers[0] (`{basePath}` default), or --stage. */
  readonly stage: string;
  /** x-amazon-apigateway-binary-media-types, as written. */
  readonly binaryMediaTypes: readonly string[];
  /** x-amazon-apigateway-minimum-compression-size; null = compression disabled. */
  readonly minimumCompressionSize: number | null;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  /** x-amazon-apigateway-policy, the API's resource policy; undefined when it has none. */
  readonly resourcePolicy?: ResourcePolicy | undefined;
  readonly resources: readonly Resource[];
  readonly gatewayResponses: Readonly<Partial<Record<GatewayResponseType, GatewayResponseDefinition>>>;
  /** Named JSON Schema (draft-04) models: `definitions` (2.0) / `components.schemas` (3.0), $refs resolved. */
  readonly models: Readonly<Record<string, unknown>>;
  readonly warnings: readonly LoadWarning[];
}

/** A resource policy: its statements as written (compiled against the deployment by the pipeline). */
export interface ResourcePolicy {
  readonly pointer: string;
  readonly statements: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly pointer: string;
  readonly allow: boolean;
  /** Action patterns, or NotAction's when `notAction`. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** Resource patterns (`*`, `execute-api:/…`, or ARNs), or NotResource's when `notResource`. */
  readonly resources: readonly string[];
  readonly notResource: boolean;
  /** `*` (anyone, anonymous callers too), or IAM principals: ARNs or account ids; NotPrincipal's when `notPrincipal`. */
  readonly principals: readonly string[] | '*';
  readonly notPrincipal: boolean;
  /** All must hold. */
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyCondition {
  /** An IAM condition operator without IfExists; 'Unsupported' never holds. */
  readonly operator: string;
  readonly ifExists: boolean;
  /** The condition key, lower case (keys compare in any case). */
  readonly key: string;
  readonly values: readonly string[];
}

export interface Resource {
  /** Resource path as in the definition, e.g. `/pets/{petId}` or `/{proxy+}`. Root is `/`. */
  readonly path: string;
  /** JSON pointer of the path item, e.g. `/paths/~1pets~1{petId}`. */
  readonly pointer: string;
  /** Methods by verb; `ANY` catches verbs not declared explicitly. */
  readonly methods: Readonly<Partial<Record<HttpMethod, Method>>>;
}

export interface Method {
  readonly httpMethod: HttpMethod;
  readonly resourcePath: string;
  /** JSON pointer of the operation object, e.g. `/paths/~1lambda/get`. */
  readonly pointer: string;
  readonly operationId: string | undefined;
  /** `method.request.{path|querystring|header}.<name>` → required. */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** Request body models by content type (schema objects with $refs resolved). */
  readonly requestModels: Readonly<Record<string, unknown>>;
  /** The validator in force for this method (operation's, else the API default), if any. */
  readonly requestValidator: RequestValidator | undefined;
  /** Declared method responses by status code. */
  readonly methodResponses: Readonly<Record<string, MethodResponse>>;
  readonly apiKeyRequired: boolean;
  /** The authorizer the operation's security names (§12), if any. */
  readonly authorizer: Authorizer | undefined;
  /**
   * A Cognito user pool authorizer's OAuth scopes for this method (the security requirement's list,
   * API Gateway's authorizationScopes): none → an ID token is expected, else an access token with one of them.
   */
  readonly authorizationScopes: readonly string[];
  /** Authorization AWS_IAM (§12.5): an awsSigv4 security scheme, or x-amazon-apigateway-auth AWS_IAM. */
  readonly iam: boolean;
  /** Undefined when the operation has no x-amazon-apigateway-integration. */
  readonly integration: Integration | undefined;
}

/** The authorizer a security scheme's x-amazon-apigateway-authorizer declares (§12). */
export type Authorizer = LambdaAuthorizer | UserPoolAuthorizer;

/** What every authorizer has: its scheme, its cache and its identity sources. */
interface AuthorizerBase {
  /** The security scheme's name. */
  readonly name: string;
  /** JSON pointer of its x-amazon-apigateway-authorizer object. */
  readonly pointer: string;
  /** authorizerResultTtlInSeconds: 0 (no caching) to 3600, default 300. */
  readonly ttlSeconds: number;
  /** identitySource, in order: what must be present and not empty, and the cache key. TOKEN and Cognito: one header. */
  readonly identitySources: readonly IdentitySource[];
  /**
   * identityValidationExpression, matched whole: against the token (TOKEN), against the token's `aud`
   * claim (COGNITO_USER_POOLS); undefined for REQUEST.
   */
  readonly validation: RegExp | undefined;
}

/** A Lambda authorizer (§12.1-12.3): type token or request. */
export interface LambdaAuthorizer extends AuthorizerBase {
  readonly type: 'TOKEN' | 'REQUEST';
  /** The function (authorizerUri); undefined while the uri names a stage variable that is not set. */
  readonly lambda: LambdaTarget | undefined;
}

/** A Cognito user pool authorizer (§12.4): type cognito_user_pools, its pools from providerARNs. */
export interface UserPoolAuthorizer extends AuthorizerBase {
  readonly type: 'COGNITO_USER_POOLS';
  readonly userPools: readonly UserPool[];
}

/** A user pool named by an ARN `arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID`. */
export interface UserPool {
  readonly id: string;
  readonly region: string;
  /** The `iss` of the tokens it issues: `https://cognito-idp.REGION.amazonaws.com/POOL_ID`. */
  readonly issuer: string;
}

/** One identitySource expression: `method.request.header.X`, `method.request.querystring.X`, `stageVariables.X` or `context.X`. */
export interface IdentitySource {
  readonly expression: string;
}

export interface MethodResponse {
  readonly statusCode: string;
  /** `method.response.header.<Name>` → required. */
  readonly responseParameters: Readonly<Record<string, boolean>>;
}

export interface RequestValidator {
  readonly name: string;
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
}

export interface LambdaTarget {
  /** Function name taken from the function ARN in the integration uri. */
  readonly functionName: string;
  /** Version or alias after the name (`function:image:live`), if any. */
  readonly qualifier: string | undefined;
  readonly functionArn: string;
  readonly region: string;
  /** The uri calls InvokeWithResponseStream (…/response-streaming-invocations), not Invoke. */
  readonly streaming: boolean;
}

export interface Integration {
  readonly type: IntegrationType;
  readonly pointer: string;
  readonly uri: string | undefined;
  readonly httpMethod: string | undefined;
  readonly credentials: string | undefined;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly contentHandling: ContentHandling | undefined;
  readonly requestTemplates: TemplateMap;
  /** `integration.request.{path|querystring|header}.<name>` → source expression. */
  readonly requestParameters: Readonly<Record<string, string>>;
  /** 50..29000, default 29000. */
  readonly timeoutInMillis: number;
  /** Responses with a selection pattern, in definition order. */
  readonly responses: readonly IntegrationResponse[];
  /** The `default` response (no selection pattern), if defined. */
  readonly defaultResponse: IntegrationResponse | undefined;
  /** Set for AWS / AWS_PROXY integrations whose uri invokes a Lambda function. */
  readonly lambda: LambdaTarget | undefined;
  readonly cacheKeyParameters: readonly string[];
  /** STREAM: the response goes to the client as the integration sends it (proxy integrations only). */
  readonly responseTransferMode: ResponseTransferMode;
}

export type ResponseTransferMode = 'BUFFERED' | 'STREAM';

export interface IntegrationResponse {
  /** The key under `responses` (a Java regex), undefined for `default`. */
  readonly selectionPattern: string | undefined;
  /** selectionPattern compiled as a whole-string match (§3.2). */
  readonly matcher: RegExp | undefined;
  readonly statusCode: string;
  /** `method.response.header.<Name>` → source expression. */
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: TemplateMap;
  readonly contentHandling: ContentHandling | undefined;
  readonly pointer: string;
}

export const GATEWAY_RESPONSE_TYPES = [
  'ACCESS_DENIED',
  'API_CONFIGURATION_ERROR',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'AUTHORIZER_FAILURE',
  'BAD_REQUEST_PARAMETERS',
  'BAD_REQUEST_BODY',
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'EXPIRED_TOKEN',
  'INTEGRATION_FAILURE',
  'INTEGRATION_TIMEOUT',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN',
  'QUOTA_EXCEEDED',
  'REQUEST_TOO_LARGE',
  'RESOURCE_NOT_FOUND',
  'THROTTLED',
  'UNAUTHORIZED',
  'UNSUPPORTED_MEDIA_TYPE',
  'WAF_FILTERED',
] as const;
export type GatewayResponseType = (typeof GATEWAY_RESPONSE_TYPES)[number];

/** x-amazon-apigateway-gateway-responses entry (§9.3). Templates are not VTL. */
export interface GatewayResponseDefinition {
  readonly statusCode: number | undefined;
  /** `gatewayresponse.{header|path|querystring}.<name>` → source expression. */
  readonly responseParameters: Readonly<Record<string, string>>;
  /** Raw template text by content type, in definition order. */
  readonly responseTemplates: ReadonlyArray<readonly [contentType: string, template: string]>;
}

export interface LoadWarning {
  /** JSON pointer of the culprit. */
  readonly pointer: string;
  readonly message: string;
}

/** A definition that cannot be served. `pointer` names the culprit (RFC 6901). */
export class DefinitionError extends Error {
  constructor(
    readonly pointer: string,
    readonly problem: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${pointer || '/'}: ${problem}`);
    this.name = 'DefinitionError';
  }
}
