// AWS_IAM with restgate.config's iamCredentials: signatures checked as API Gateway checks them (§12.5;
// src/pipeline/iam.ts, sigv4.ts). Requests are signed with @smithy/signature-v4, the AWS SDK's own signer.
// Sources: KC-sigv4 (the refusals' messages); the refusal that shows the canonical string and string to sign
// is observed on execute-api (a captured body in a public C# SigV4 sample; the same form from other services);
// INVALID_SIGNATURE for an X-Amz-Date over 5 minutes old is observed [MS-1746].

import { createHash, createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { formatAmzDate, uriEncode } from '../../src/pipeline/sigv4.js';
import { rawRequest, serveForTests, type RawAnswer } from '../support/http.js';

const { url } = serveForTests(fileURLToPath(new URL('./fixtures/iam/openapi.json', import.meta.url)));

/** The SDK's Checksum interface over node:crypto (an HMAC when given a secret). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) =>
  typeof d === 'string' ? Buffer.from(d) : d instanceof ArrayBuffer ? Buffer.from(d) : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
class Sha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {}
}

const ALICE = { accessKeyId: 'AKIDRESTGATEEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEMP = { accessKeyId: 'ASIATEMPORARYEXAMPLE', secretAccessKey: 'temporary-secret', sessionToken: 'session-token-1' };

interface Send {
  method?: string;
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
  service?: string;
  at?: Date;
  /** Changes the signed request before it is sent. */
  tamper?: (headers: Record<string, string>) => void;
}

/** Signs the request as the AWS SDK would and sends it. */
async function signed(o: Send): Promise<RawAnswer> {
  const base = new URL(url());
  const signer = new SignatureV4({ service: o.service ?? 'execute-api', region: o.region ?? 'us-east-1', credentials: o.credentials ?? ALICE, sha256: Sha256 });
  const path = `${base.pathname.replace(/\/$/, '')}${o.path}`;
  const request = await signer.sign(
    {
      method: o.method ?? 'GET',
      protocol: 'http:',
      hostname: base.hostname,
      port: Number(base.port),
      path,
      query: o.query ?? {},
      headers: { host: base.host, ...o.headers },
      body: o.body,
    },
    { signingDate: o.at ?? new Date() },
  );
  const headers = { ...(request.headers as Record<string, string>) };
  o.tamper?.(headers);
  const pairs = Object.entries(o.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${uriEncode(k)}=${uriEncode(x)}`));
  return rawRequest(`${base.origin}${path}${pairs.length ? `?${pairs.join('&')}` : ''}`, o.method ?? 'GET', headers, o.body);
}

const json = (r: RawAnswer) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
const refusal = (r: RawAnswer) => [r.status, json(r)['message'], r.headers['x-amzn-errortype']];

describe('AWS_IAM with iamCredentials: signatures checked', () => {
  it('a request the SDK signed is served; the identity names the access key, the user and its account', async () => {
    const r = await signed({ path: '/signed/alice', query: { b: '2', a: ['1', 'x y'], 'c~d': 'é/+' } });
    expect([r.status, json(r)]).toEqual([200, { accessKey: 'AKIDRESTGATEEXAMPLE', userArn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', body: null }]);
    // A path needing encoding, a body, a header with inner spaces among the signed ones.
    const post = await signed({ method: 'POST', path: '/signed/caf%C3%A9%20ol%C3%A9', body: '{"x":1}', headers: { 'content-type': 'application/json', 'x-custom': '  a   b  ' } });
    expect([post.status, json(post)['body']]).toEqual([200, '{"x":1}']);
    // Temporary credentials carry their session token (signed as X-Amz-Security-Token).
    const temp = await signed({ path: '/signed/t', credentials: TEMP });
    expect([temp.status, json(temp)['accessKey'], json(temp)['userArn']]).toEqual([200, 'ASIATEMPORARYEXAMPLE', null]);
  });

  it('the wrong secret: 403 InvalidSignatureException, the message showing the canonical string and the string to sign', async () => {
    const at = new Date(Date.now() - 1000);
    const amzDate = formatAmzDate(at.getTime());
    const r = await signed({ path: '/signed/bob', query: { q: 'v' }, credentials: { ...ALICE, secretAccessKey: 'wrong' }, at });
    const host = new URL(url()).host;
    const canonical = ['GET', '/test/signed/bob', 'q=v', `host:${host}`, `x-amz-content-sha256:${createHash('sha256').update('').digest('hex')}`, `x-amz-date:${amzDate}`, '', 'host;x-amz-content-sha256;x-amz-date', createHash('sha256').update('').digest('hex')].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', amzDate, `${amzDate.slice(0, 8)}/us-east-1/execute-api/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
    expect(refusal(r)).toEqual([
      403,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
        `\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${toSign}'\n`,
      'InvalidSignatureException',
    ]);
  });

  it('a request changed after signing (path, body, a signed header) is refused', async () => {
    const tampered = [
      await signed({ method: 'POST', path: '/signed/a', body: 'one', tamper: (h) => (h['x-amz-content-sha256'] = createHash('sha256').update('two').digest('hex')) }),
      await signed({ path: '/signed/a', headers: { 'x-custom': 'yes' }, tamper: (h) => (h['x-custom'] = 'no') }),
    ];
    for (const r of tampered) expect([r.status, r.headers['x-amzn-errortype']]).toEqual([403, 'InvalidSignatureException']);
  });

  it('an unknown access key or a missing session token: 403 The security token included in the request is invalid.', async () => {
    const unknown = await signed({ path: '/signed/a', credentials: { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' } });
    expect(refusal(unknown)).toEqual([403, 'The security token included in the request is invalid.', 'InvalidSignatureException']);
    const noToken = await signed({ path: '/signed/a', credentials: { accessKeyId: TEMP.accessKeyId, secretAccessKey: TEMP.secretAccessKey } });
    expect(refusal(noToken)).toEqual([403, 'The security token included in the request is invalid.', 'InvalidSignatureException']);
  });

  it('signed more than 5 minutes ago or ahead, for another service or region: refused with the message AWS gives', async () => {
    const old = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
    const r = await signed({ path: '/signed/a', at: old });
    const [status, message] = refusal(r);
    expect(status).toBe(403);
    expect(message).toMatch(/^Signature expired: 20260101T120000Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    const ahead = await signed({ path: '/signed/a', at: new Date(Date.now() + 10 * 60_000) });
    expect(refusal(ahead)[1]).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
    expect(refusal(await signed({ path: '/signed/a', service: 's3' }))).toEqual([403, "Credential should be scoped to correct service: 'execute-api'.", 'InvalidSignatureException']);
    expect(refusal(await signed({ path: '/signed/a', region: 'eu-west-1' }))).toEqual([403, "Credential should be scoped to a valid region, not 'eu-west-1'.", 'InvalidSignatureException']);
  });

  it("an Authorization header that is not SigV4: 403 naming each part it lacks", async () => {
    const r = await rawRequest(`${url()}/signed/a`, 'GET', { Authorization: 'Bearer abc' });
    expect(refusal(r)).toEqual([
      403,
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
      'InvalidSignatureException',
    ]);
  });

  it('a presigned URL the SDK made is served; after X-Amz-Expires it is refused', async () => {
    const base = new URL(url());
    const signer = new SignatureV4({ service: 'execute-api', region: 'us-east-1', credentials: ALICE, sha256: Sha256 });
    const presign = async (at: Date, expiresIn: number) => {
      const req = await signer.presign(
        { method: 'GET', protocol: 'http:', hostname: base.hostname, port: Number(base.port), path: `${base.pathname}/signed/p`, query: { k: 'v' }, headers: { host: base.host } },
        { signingDate: at, expiresIn },
      );
      const q = Object.entries(req.query as Record<string, string>).map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
      return rawRequest(`${base.origin}${req.path}?${q}`, 'GET');
    };
    const ok = await presign(new Date(), 300);
    expect([ok.status, json(ok)['accessKey']]).toEqual([200, 'AKIDRESTGATEEXAMPLE']);
    const expired = await presign(new Date(Date.now() - 120_000), 60);
    expect(refusal(expired)[0]).toBe(403);
    expect(refusal(expired)[1]).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 60 sec\.\)$/);
  });
});
