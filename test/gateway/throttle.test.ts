// Stage and method throttling over HTTP (restgate.config throttle and methodThrottle; §11 [D-throttle]):
// 429 {"message":"Too Many Requests"} (THROTTLED, TooManyRequestsException; OBS [MS-1746] with a stage
// throttle of 0/0). rateLimit 0.001 refills one token per 1000 s, so only the burst is served here.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serveForTests, type RawAnswer } from '../support/http.js';

const { call } = serveForTests(fileURLToPath(new URL('./fixtures/throttle/openapi.json', import.meta.url)));
const answer = (r: RawAnswer) => [r.status, r.headers['x-amzn-errortype'], r.body.toString('utf8')];
const THROTTLED = [429, 'TooManyRequestsException', '{"message":"Too Many Requests"}'];

describe('throttling', () => {
  it("the stage's default per method, a method's own over it", async () => {
    expect(answer(await call('GET', '/own'))).toEqual([200, undefined, 'b']);
    expect(answer(await call('GET', '/own'))).toEqual(THROTTLED);
    expect(answer(await call('GET', '/stage-default'))).toEqual([200, undefined, 'a']);
    expect(answer(await call('GET', '/stage-default'))).toEqual([200, undefined, 'a']);
    expect(answer(await call('GET', '/stage-default'))).toEqual(THROTTLED);
  });
});
