// A usage plan's limits (§11 [D-throttle]; API Reference ThrottleSettings and QuotaSettings): the token
// bucket and the quota's calendar periods, at explicit times.
import { describe, expect, it } from 'vitest';
import { periodStart, Quota, TokenBucket } from './api-key.js';

const T0 = Date.UTC(2026, 11, 3, 17, 0, 0); // Thursday 2026-12-03 17:00 UTC

describe('TokenBucket', () => {
  it('full at start: burstLimit requests at once, then rateLimit per second', () => {
    const b = new TokenBucket({ rateLimit: 2, burstLimit: 3 }, T0);
    expect([b.take(T0), b.take(T0), b.take(T0), b.take(T0)]).toEqual([true, true, true, false]);
    expect([b.take(T0 + 499), b.take(T0 + 500), b.take(T0 + 501)]).toEqual([false, true, false]);
    // Refilled up to the burst, not beyond.
    expect([b.take(T0 + 60_000), b.take(T0 + 60_000), b.take(T0 + 60_000), b.take(T0 + 60_000)]).toEqual([true, true, true, false]);
  });

  it('a burst or rate of 0 refuses every request', () => {
    const noBurst = new TokenBucket({ rateLimit: 100, burstLimit: 0 }, T0);
    expect([noBurst.take(T0), noBurst.take(T0 + 10_000)]).toEqual([false, false]);
    const noRate = new TokenBucket({ rateLimit: 0, burstLimit: 1 }, T0);
    expect([noRate.take(T0), noRate.take(T0 + 10_000)]).toEqual([true, false]);
  });
});

describe('Quota', () => {
  it('limit requests per period, the offset counted in the first one; a new period starts from 0', () => {
    const q = new Quota({ limit: 2, period: 'DAY', offset: 1 }, T0);
    expect([q.take(T0), q.take(T0 + 1)]).toEqual([true, false]);
    const tomorrow = Date.UTC(2026, 11, 4);
    expect([q.take(tomorrow), q.take(tomorrow + 5), q.take(tomorrow + 6)]).toEqual([true, true, false]);
  });

  it('periods are UTC calendar days, weeks from Sunday and months from their first day', () => {
    expect(new Date(periodStart('DAY', T0)).toISOString()).toBe('2026-12-03T00:00:00.000Z');
    expect(new Date(periodStart('WEEK', T0)).toISOString()).toBe('2026-11-29T00:00:00.000Z');
    expect(new Date(periodStart('WEEK', Date.UTC(2026, 10, 29, 0, 0, 0))).toISOString()).toBe('2026-11-29T00:00:00.000Z');
    expect(new Date(periodStart('MONTH', T0)).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
