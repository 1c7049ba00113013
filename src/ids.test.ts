// Ids shaped like AWS's (src/ids.ts): request ids are version-4 UUIDs (RFC 9562 §5.4), as crypto.randomUUID() makes them.
import { describe, expect, it } from 'vitest';
import { extendedRequestId, uuid } from './ids.js';

describe('uuid', () => {
  it('is a lower-case version-4, variant-10 UUID, never repeated', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const u = uuid();
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(u);
    }
    expect(seen.size).toBe(20_000);
  });

  it('uses every hex digit where the bytes are random (not a fixed pattern)', () => {
    const digits = new Set<string>();
    for (let i = 0; i < 200; i++) for (const c of uuid().replace(/-/g, '').slice(0, 12)) digits.add(c);
    expect(digits.size).toBe(16);
  });
});

describe('extendedRequestId', () => {
  it('is 11 random bytes in base64, like x-amz-apigw-id', () => {
    expect(extendedRequestId()).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  });
});
