// A proxy event's source, as the gateway gathers it (src/integrations/lambda-proxy.ts), for tests
// that need one without a request.
import { identityValues, type ProxyEventSource } from '../../src/lambda/proxy-event.js';

export const sampleContext = [
  'abc123',
  '/items/{id}',
  'GET',
  'ca2IdHHqoAMFo6w=',
  '01/Dec/2026:21:00:00 +0000',
  '/v1/items/42',
  '123456789012',
  'HTTP/1.1',
  'v1',
  'localhost',
  1796158800000,
  'deef4878-7910-11e6-8f14-25afc3e9ae33',
  'dep123',
  'localhost',
  'restgate01',
];

/** $context.identity as src/pipeline/context.ts builds it. */
export const defaultIdentity = (over: Record<string, unknown> = {}) => ({
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  accessKey: null,
  caller: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  sourceIp: '127.0.0.1',
  clientCert: null,
  user: null,
  userAgent: 'curl/8.5.0',
  userArn: null,
  vpcId: null,
  vpceId: null,
  ...over,
});

export function proxySource(over: Partial<ProxyEventSource> = {}): ProxyEventSource {
  return {
    resource: '/items/{id}',
    path: '/items/42',
    httpMethod: 'GET',
    headers: ['Host', 'localhost:3000', 'X-Tag', 'a', 'x-tag', 'b', 'Connection', 'keep-alive', 'User-Agent', 'curl/8.5.0'],
    sourceIp: '127.0.0.1',
    query: ['q', '1', 'q', '2', '10', 'ten'],
    pathParameters: ['id', '42'],
    stageVariables: [],
    context: sampleContext,
    authorizer: undefined,
    identity: identityValues(defaultIdentity()),
    body: null,
    isBase64Encoded: false,
    ...over,
  };
}

