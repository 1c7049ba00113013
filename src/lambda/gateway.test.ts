// Which function an integration uri names (§5.1: `arn:aws:apigateway:{region}:lambda:path/2015-03-31/
// functions/{function ARN}/invocations`; the streaming form uses 2021-11-15 and
// response-streaming-invocations). The target takes the Invoke API's FunctionName forms.
import { describe, expect, it } from 'vitest';
import type { IntegrationRequest } from '../pipeline/types.js';
import { lambdaRefFor } from './gateway.js';

const request = (uri: string, lambda?: { functionName: string; qualifier?: string }) =>
  ({ uri, integration: { uri, lambda } }) as unknown as IntegrationRequest;
const path = (target: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${target}/invocations`;

describe('lambdaRefFor', () => {
  it('reads a function ARN, with or without a qualifier, plain or URL-encoded, buffered or streaming', () => {
    expect(lambdaRefFor(request(path('arn:aws:lambda:us-east-1:123456789012:function:image')))).toEqual({ functionName: 'image', qualifier: undefined });
    expect(lambdaRefFor(request(path('arn:aws:lambda:us-east-1:123456789012:function:image:live')))).toEqual({ functionName: 'image', qualifier: 'live' });
    expect(lambdaRefFor(request(path('arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aimage%3A7')))).toEqual({ functionName: 'image', qualifier: '7' });
    const streaming = 'arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/arn:aws:lambda:us-east-1:123456789012:function:stream/response-streaming-invocations';
    expect(lambdaRefFor(request(streaming))).toEqual({ functionName: 'stream', qualifier: undefined });
  });

  it('reads the shorter forms: account:function:name, name:qualifier, name', () => {
    expect(lambdaRefFor(request(path('123456789012:function:image:2')))).toEqual({ functionName: 'image', qualifier: '2' });
    expect(lambdaRefFor(request(path('image:live')))).toEqual({ functionName: 'image', qualifier: 'live' });
    expect(lambdaRefFor(request(path('image')))).toEqual({ functionName: 'image', qualifier: undefined });
  });

  it('falls back to the parsed target of the definition when the uri names no function', () => {
    const fallback = { functionName: 'fromModel', qualifier: undefined };
    for (const target of ['a:b:c', ':a', 'a:', 'arn:aws:lambda:us-east-1:123456789012:function:a:b:c']) {
      expect([target, lambdaRefFor(request(path(target), fallback))]).toEqual([target, fallback]);
      expect([target, lambdaRefFor(request(path(target)))]).toEqual([target, undefined]);
    }
    expect(lambdaRefFor(request('http://example.com/not-lambda', fallback))).toEqual(fallback);
  });
});
