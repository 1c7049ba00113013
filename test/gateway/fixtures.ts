// Small builders for unit tests of gateway responses, validation and compression.

import type { ApiDefinition, GatewayResponseDefinition, GatewayResponseType, Method } from '../../src/definition/model.js';
import type { IncomingRequest } from '../../src/pipeline/types.js';

export function makeApi(overrides: Partial<ApiDefinition> = {}): ApiDefinition {
  return {
    sourcePath: undefined,
    title: 'test',
    version: undefined,
    stage: 'test',
    binaryMediaTypes: [],
    minimumCompressionSize: null,
    apiKeySource: 'HEADER',
    resources: [],
    gatewayResponses: {},
    models: {},
    warnings: [],
    ...overrides,
  };
}

export function gr(
  statusCode: number | undefined,
  responseParameters: Record<string, string> = {},
  responseTemplates: Array<[string, string]> = [],
): GatewayResponseDefinition {
  return { statusCode, responseParameters, responseTemplates };
}

export function withResponses(
  responses: Partial<Record<GatewayResponseType, GatewayResponseDefinition>>,
): ApiDefinition {
  return makeApi({ gatewayResponses: responses });
}

export function makeRequest(overrides: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    requestId: '11111111-2222-3333-4444-555555555555',
    extendedRequestId: 'AbCdEfGhIjKlMnO=',
    startTime: 1_700_000_000_000,
    httpMethod: 'GET',
    rawPath: '/test/pets',
    rawQuery: '',
    query: [],
    headers: [],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    ...overrides,
  };
}

export function makeMethod(overrides: Partial<Method> = {}): Method {
  return {
    httpMethod: 'POST',
    resourcePath: '/pets',
    pointer: '/paths/~1pets/post',
    operationId: undefined,
    requestParameters: {},
    requestModels: {},
    requestValidator: { name: 'all', validateRequestBody: true, validateRequestParameters: true },
    methodResponses: {},
    apiKeyRequired: false,
    authorizer: undefined,
    authorizationScopes: [],
    iam: false,
    integration: undefined,
    ...overrides,
  };
}
