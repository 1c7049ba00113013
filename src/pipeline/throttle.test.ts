// Stage and method throttling (§11 [D-throttle]; src/pipeline/throttle.ts): a bucket per method, the
// method's own settings over the stage's default, 429 Too Many Requests when it is empty.
import { describe, expect, it } from 'vitest';
import type { Method } from '../definition/model.js';
import { makeCtx } from '../../test/http/fixtures.js';
import { MethodThrottle } from './throttle.js';
import { GatewayError } from './types.js';

const base = makeCtx().route.method;
const method = (httpMethod: Method['httpMethod'], resourcePath: string): Method => ({ ...base, httpMethod, resourcePath });
const T0 = 1_800_000_000_000;

function outcomes(t: MethodThrottle, m: Method, times: number[]): string[] {
  return times.map((now) => {
    try {
      t.take(m, now);
      return 'ok';
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      return `${e.type} ${e.message}`;
    }
  });
}

describe('MethodThrottle', () => {
  it("each method has its own bucket of the stage's default; a method's own settings replace it", () => {
    const t = new MethodThrottle({ rateLimit: 1, burstLimit: 2 }, { 'POST /pets': { rateLimit: 10, burstLimit: 1 } });
    const T = 'THROTTLED Too Many Requests';
    expect(outcomes(t, method('GET', '/pets'), [T0, T0, T0, T0 + 1000])).toEqual(['ok', 'ok', T, 'ok']);
    expect(outcomes(t, method('GET', '/pets/{id}'), [T0, T0, T0])).toEqual(['ok', 'ok', T]);
    expect(outcomes(t, method('POST', '/pets'), [T0, T0, T0 + 100])).toEqual(['ok', T, 'ok']);
  });

  it('without a stage default only the methods named are throttled', () => {
    const t = new MethodThrottle(undefined, { 'ANY /{proxy+}': { rateLimit: 0, burstLimit: 0 } });
    expect(outcomes(t, method('GET', '/pets'), [T0, T0, T0])).toEqual(['ok', 'ok', 'ok']);
    expect(outcomes(t, method('ANY', '/{proxy+}'), [T0])).toEqual(['THROTTLED Too Many Requests']);
  });
});
