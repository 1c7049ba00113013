// `$context` (§4.3) as plain data, built once per request. Mapping templates,
// parameter mappings, gateway responses and the Lambda proxy event's
// requestContext all read this one object so they always agree.

import { createHash } from 'node:crypto';
import type { ApiDefinition } from '../definition/model.js';
import { headerValue } from './media-types.js';
import type { IncomingRequest } from './types.js';

/** Fixed facts about the deployed API that AWS would assign. */
export interface Deployment {
  readonly apiId: string;
  readonly accountId: string;
  readonly region: string;
  readonly deploymentId: string;
  readonly stage: string;
  /** `$context.resourceId` per resource path, computed once at load. */
  readonly resourceIds: ReadonlyMap<string, string>;
}

/** Stable pseudo ids derived from a seed, shaped like AWS's (lower-case alphanumerics). */
export function pseudoId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[digest[i]! % alphabet.length];
  return id;
}

export function createDeployment(api: ApiDefinition): Deployment {
  const seed = `${api.sourcePath ?? ''}|${api.title}`;
  const lambdaRegion = api.resources
    .flatMap((r) => Object.values(r.methods))
    .map((m) => m?.integration?.lambda?.region)
    .find((r): r is string => typeof r === 'string');
  const apiId = pseudoId(seed, 10);
  return {
    apiId,
    accountId: '123456789012',
    region: lambdaRegion ?? 'us-east-1',
    deploymentId: pseudoId(`${seed}|deployment`, 6),
    stage: api.stage,
    resourceIds: new Map(api.resources.map((r) => [r.path, pseudoId(`${apiId}|${r.path}`, 6)])),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

let clfSecond = -1;
let clfText = '';

/** Common Log Format time, UTC: `20/Feb/2018:22:48:57 +0000` (§4.3). Formatted once per second. */
export function clfTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== clfSecond) {
    clfText = formatClf(epochMs);
    clfSecond = second;
  }
  return clfText;
}

function formatClf(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

export interface ContextInput {
  readonly deployment: Deployment;
  readonly request: IncomingRequest;
  /** Verb used for routing (after X-HTTP-Method-Override). */
  readonly httpMethod: string;
  /** Resource template path, e.g. `/lambda/{id}`; undefined when no route matched. */
  readonly resourcePath: string | undefined;
  /** Decoded path after the stage. */
  readonly path: string;
}

let lastHost = '';
let lastDomain = { domainName: '', domainPrefix: '' };

/** `api.example.com:443` → domain name and its first label; the last one is kept (clients send the same Host). */
function domainOf(host: string): { domainName: string; domainPrefix: string } {
  if (host !== lastHost) {
    const domainName = host.replace(/:\d+$/, '');
    lastDomain = { domainName, domainPrefix: domainName.split('.')[0] ?? domainName };
    lastHost = host;
  }
  return lastDomain;
}

export function buildContext(input: ContextInput): Record<string, unknown> {
  const { deployment, request } = input;
  const { domainName, domainPrefix } = domainOf(headerValue(request.headers, 'host') ?? 'localhost');
  return {
    accountId: deployment.accountId,
    apiId: deployment.apiId,
    awsEndpointRequestId: request.requestId,
    deploymentId: deployment.deploymentId,
    domainName,
    domainPrefix,
    extendedRequestId: request.extendedRequestId,
    httpMethod: input.httpMethod,
    identity: {
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
      sourceIp: request.sourceIp,
      clientCert: null,
      user: null,
      userAgent: headerValue(request.headers, 'user-agent') ?? null,
      userArn: null,
      vpcId: null,
      vpceId: null,
    },
    path: `/${deployment.stage}${input.path === '/' ? '/' : input.path}`,
    protocol: request.protocol,
    requestId: request.requestId,
    requestTime: clfTime(request.startTime),
    requestTimeEpoch: request.startTime,
    resourceId: input.resourcePath === undefined ? null : (deployment.resourceIds.get(input.resourcePath) ?? null),
    resourcePath: input.resourcePath ?? null,
    stage: deployment.stage,
  };
}
