// Method request, IAM authorization (§12.5): a method whose authorization is AWS_IAM takes only a
// SigV4-signed request: an Authorization header, or a presigned URL's X-Amz-Signature. An unsigned one
// gets 403 Missing Authentication Token [KC-sigv4]. With restgate.config's iamCredentials the signature
// is checked as API Gateway checks it (./sigv4.ts): the access key must be one of them, the time within
// 5 minutes, the scope this region's execute-api, the signature the one its secret key gives; each
// failure is API Gateway's 403 and message. Without them it is not checked. Either way the access key
// becomes $context.identity.accessKey. IAM policies are not evaluated: a valid signature is allowed.

import { lastHeaderValue } from './media-types.js';
import { missingAuthenticationToken } from './method-request.js';
import {
  ALGORITHM,
  canonicalRequest,
  formatAmzDate,
  parseAmzDate,
  sameSignature,
  signatureOf,
  stringToSign,
  type SignatureClaim,
} from './sigv4.js';
import { GatewayError, type RequestContext } from './types.js';

/** A principal restgate knows the secret of (restgate.config's iamCredentials). */
export interface IamCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials: the X-Amz-Security-Token the request must carry. */
  readonly sessionToken?: string | undefined;
  /** `$context.identity.userArn`; its account is `$context.identity.accountId`. */
  readonly userArn?: string | undefined;
}

/** What the step checks against: the credentials by access key (undefined: signatures not checked) and the API's region. */
export interface IamVerifier {
  readonly credentials: ReadonlyMap<string, IamCredential> | undefined;
  readonly region: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\//;
/** How far a request's time may be from restgate's. */
const SKEW_MS = 5 * 60_000;

const invalid = (message: string, detail?: string) => new GatewayError('INVALID_SIGNATURE', message, undefined, detail);
const INVALID_TOKEN = 'The security token included in the request is invalid.';

export function requireSignature(ctx: RequestContext, verifier: IamVerifier, now = Date.now()): void {
  const authorization = lastHeaderValue(ctx.request.headers, 'authorization');
  const query = ctx.request.query;
  const presigned = (authorization === undefined || authorization === '') && query.some(([k, v]) => k === 'X-Amz-Signature' && v !== '');
  if ((authorization === undefined || authorization === '') && !presigned) throw missingAuthenticationToken();
  const identity = ctx.context['identity'] as Record<string, unknown>;
  if (verifier.credentials === undefined) {
    const credential = presigned ? query.find(([k]) => k === 'X-Amz-Credential')?.[1].split('/')[0] : CREDENTIAL.exec(authorization!)?.[1];
    if (credential !== undefined) identity['accessKey'] = credential;
    return;
  }
  const claim = presigned ? presignedClaim(ctx) : headerClaim(ctx, authorization!);
  const credential = verifier.credentials.get(claim.accessKeyId);
  if (credential === undefined) throw invalid(INVALID_TOKEN, `access key ${claim.accessKeyId} is not one of restgate.config's iamCredentials`);
  const token = presigned ? query.find(([k]) => k === 'X-Amz-Security-Token')?.[1] : lastHeaderValue(ctx.request.headers, 'x-amz-security-token');
  if ((credential.sessionToken ?? undefined) !== (token || undefined)) throw invalid(INVALID_TOKEN, `the security token does not belong to access key ${claim.accessKeyId}`);
  checkTime(claim, now);
  if (claim.service !== 'execute-api') throw invalid("Credential should be scoped to correct service: 'execute-api'.");
  if (claim.region !== verifier.region) throw invalid(`Credential should be scoped to a valid region, not '${claim.region}'.`);
  const canonical = canonicalRequest(ctx.request, claim);
  const toSign = stringToSign(canonical, claim);
  if (!sameSignature(signatureOf(credential.secretAccessKey, claim, toSign), claim.signature)) {
    throw invalid(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
        `\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${toSign}'\n`,
    );
  }
  identity['accessKey'] = claim.accessKeyId;
  if (credential.userArn !== undefined) {
    identity['userArn'] = credential.userArn;
    identity['accountId'] = credential.userArn.split(':')[4] || null;
  }
}

/** The Authorization header's parts; a missing one is the refusal API Gateway gives (all of them named). */
function headerClaim(ctx: RequestContext, authorization: string): SignatureClaim {
  const fields = new Map<string, string>();
  const body = authorization.startsWith(`${ALGORITHM} `) ? authorization.slice(ALGORITHM.length + 1) : '';
  for (const part of body.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const amzDate = requestDate(ctx);
  const missing: string[] = [];
  if (!fields.has('Credential')) missing.push("Authorization header requires 'Credential' parameter.");
  if (!fields.has('Signature')) missing.push("Authorization header requires 'Signature' parameter.");
  if (!fields.has('SignedHeaders')) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (amzDate === undefined) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length > 0) throw invalid(`${missing.join(' ')} Authorization=${authorization}`);
  return claimOf(fields.get('Credential')!, fields.get('SignedHeaders')!, fields.get('Signature')!, amzDate!, undefined, false);
}

/** A presigned URL's X-Amz-* parameters. */
function presignedClaim(ctx: RequestContext): SignatureClaim {
  const get = (k: string) => ctx.request.query.find(([name]) => name === k)?.[1];
  const missing = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders'].filter((k) => !get(k));
  if (missing.length > 0) throw invalid(missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' '));
  if (get('X-Amz-Algorithm') !== ALGORITHM) throw invalid(`Unsupported AWS 'algorithm': '${get('X-Amz-Algorithm')}'`);
  const expires = get('X-Amz-Expires');
  return claimOf(get('X-Amz-Credential')!, get('X-Amz-SignedHeaders')!, get('X-Amz-Signature')!, get('X-Amz-Date')!, expires === undefined ? undefined : Number(expires), true);
}

function claimOf(credential: string, signedHeaders: string, signature: string, amzDate: string, expires: number | undefined, presigned: boolean): SignatureClaim {
  const [accessKeyId = '', date = '', region = '', service = '', terminal] = credential.split('/');
  if (terminal !== 'aws4_request') throw invalid(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminal ?? ''}'.`);
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';').map((h) => h.toLowerCase()), signature, amzDate, expires, presigned };
}

/** X-Amz-Date, else the Date header in SigV4's form; undefined when neither is there. */
function requestDate(ctx: RequestContext): string | undefined {
  const amz = lastHeaderValue(ctx.request.headers, 'x-amz-date');
  if (amz !== undefined && amz !== '') return amz;
  const date = lastHeaderValue(ctx.request.headers, 'date');
  if (date === undefined || date === '') return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? date : formatAmzDate(ms);
}

/** The request's time: within 5 minutes of now (a presigned URL: until it expires). */
function checkTime(claim: SignatureClaim, now: number): void {
  const at = parseAmzDate(claim.amzDate);
  if (Number.isNaN(at)) throw invalid(`Date must be in ISO-8601 'basic format'. Got '${claim.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  const nowText = formatAmzDate(now);
  if (claim.presigned && claim.expires !== undefined) {
    if (at + claim.expires * 1000 < now) throw invalid(`Signature expired: ${claim.amzDate} is now earlier than ${formatAmzDate(now - claim.expires * 1000)} (${nowText} - ${claim.expires} sec.)`);
  } else if (at < now - SKEW_MS) {
    throw invalid(`Signature expired: ${claim.amzDate} is now earlier than ${formatAmzDate(now - SKEW_MS)} (${nowText} - 5 min.)`);
  }
  if (at > now + SKEW_MS) throw invalid(`Signature not yet current: ${claim.amzDate} is still later than ${formatAmzDate(now + SKEW_MS)} (${nowText} + 5 min.)`);
}
