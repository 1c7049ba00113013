// A proxy event's source, as the gateway gathers it (src/integrations/lambda-proxy.ts), for tests
// that need one without a request.
import { identityValues, type ProxyEventSource } from '../../src/lambda/proxy-event.js';
import { buildContext } from '../../src/pipeline/context.js';

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

/** $context.identity as src/pipeline/context.ts builds it for a curl request from 127.0.0.1, with `over` on top. */
export function defaultIdentity(over: Record<string, unknown> = {}): Record<string, unknown> {
  const deployment = { apiId: 'restgate01', accountId: '123456789012', region: 'us-east-1', deploymentId: 'dep123', stage: 'v1', resourceIds: new Map<string, string>() };
  const request = {
    requestId: 'deef4878-7910-11e6-8f14-25afc3e9ae33',
    extendedRequestId: 'ca2IdHHqoAMFo6w=',
    startTime: 1796158800000,
    httpMethod: 'GET',
    rawPath: '/v1/items/42',
    rawQuery: '',
    query: [],
    headers: [['User-Agent', 'curl/8.5.0']] as const,
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
  };
  const $context = buildContext({ deployment, request, httpMethod: 'GET', resourcePath: '/items/{id}', path: '/items/42' });
  return { ...($context['identity'] as Record<string, unknown>), ...over };
}

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

