// AWS_IAM authorization (§12.5 [D-ext; KC-sigv4]; docs/fidelity.md "Authorizers"): a method whose
// authorization is AWS_IAM (x-amazon-apigateway-auth, or an awsSigv4 security scheme) refuses an unsigned
// request with 403 Missing Authentication Token; without restgate.config's iamCredentials a signed one goes on
// unchecked, the access key it names in $context.identity.accessKey (checked signatures: iam-signed.test.ts).

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build, oas3 } from '../definition/helpers.js';
import { serveForTests, type RawAnswer } from '../support/http.js';

const { call } = serveForTests(fileURLToPath(new URL('./fixtures/authorizers/openapi-iam.json', import.meta.url)));
const refusal = (r: RawAnswer) => [r.status, r.body.toString('utf8'), r.headers['x-amzn-errortype']];
const SIGNED =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef';

describe('AWS_IAM', () => {
  it('unsigned: 403 Missing Authentication Token, on both ways of declaring it', async () => {
    const missing = [403, '{"message":"Missing Authentication Token"}', 'MissingAuthenticationTokenException'];
    expect(refusal(await call('GET', '/auth'))).toEqual(missing);
    expect(refusal(await call('GET', '/scheme'))).toEqual(missing);
    expect(refusal(await call('GET', '/auth?X-Amz-Signature='))).toEqual(missing);
  });

  it('signed (an Authorization header, or a presigned URL): served, with the access key it names', async () => {
    const header = await call('GET', '/auth', { authorization: SIGNED, 'X-Amz-Date': '20261203T120000Z' });
    expect([header.status, header.body.toString('utf8')]).toEqual([200, '{"accessKey":"AKIDEXAMPLE"}']);
    const scheme = await call('GET', '/scheme', { Authorization: SIGNED });
    expect([scheme.status, scheme.body.toString('utf8')]).toEqual([200, '{"accessKey":"AKIDEXAMPLE"}']);
    const presigned = await call('GET', '/auth?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDPRESIGNED%2F20261203%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Signature=abc');
    expect([presigned.status, presigned.body.toString('utf8')]).toEqual([200, '{"accessKey":"AKIDPRESIGNED"}']);
  });

  it('x-amazon-apigateway-auth NONE needs nothing', async () => {
    const r = await call('GET', '/none');
    expect([r.status, r.body.toString('utf8')]).toEqual([200, '{"accessKey":null}']);
  });

  it('at load: a warning at each IAM method saying where signatures are checked; another type is an error at its pointer', async () => {
    const doc = oas3();
    const get = (doc['paths'] as Record<string, Record<string, Record<string, unknown>>>)['/']!['get']!;
    get['x-amazon-apigateway-auth'] = { type: 'aws_iam' };
    const def = await build(doc);
    expect(def.resources.find((r) => r.path === '/')!.methods.GET!.iam).toBe(true);
    expect(def.warnings).toEqual([
      {
        pointer: '/paths/~1/get',
        message: "AWS_IAM: requests need a SigV4 signature (unsigned ones get 403 Missing Authentication Token); it is checked against restgate.config's iamCredentials, and IAM policies are not evaluated",
      },
    ]);
    get['x-amazon-apigateway-auth'] = { type: 'COGNITO' };
    await expect(build(doc)).rejects.toMatchObject({ pointer: '/paths/~1/get/x-amazon-apigateway-auth/type', problem: 'x-amazon-apigateway-auth type must be AWS_IAM or NONE, got "COGNITO"' });
  });
});
