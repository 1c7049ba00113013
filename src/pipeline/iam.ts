// Method request, IAM authorization (§12.5): a method whose authorization is AWS_IAM takes only a
// SigV4-signed request: an Authorization header, or a presigned URL's X-Amz-Signature. An unsigned one
// gets 403 Missing Authentication Token [KC-sigv4]. The signature is not verified (restgate has no IAM):
// the access key it names becomes $context.identity.accessKey.

import { lastHeaderValue } from './media-types.js';
import { missingAuthenticationToken } from './method-request.js';
import type { RequestContext } from './types.js';

const CREDENTIAL = /Credential=([^/,\s]+)\//;

export function requireSignature(ctx: RequestContext): void {
  const authorization = lastHeaderValue(ctx.request.headers, 'authorization');
  let credential: string | undefined;
  if (authorization !== undefined && authorization !== '') credential = CREDENTIAL.exec(authorization)?.[1];
  else {
    const query = ctx.request.query;
    const signed = query.some(([k, v]) => k === 'X-Amz-Signature' && v !== '');
    if (!signed) throw missingAuthenticationToken();
    credential = query.find(([k]) => k === 'X-Amz-Credential')?.[1].split('/')[0];
  }
  if (credential !== undefined) (ctx.context['identity'] as Record<string, unknown>)['accessKey'] = credential;
}
