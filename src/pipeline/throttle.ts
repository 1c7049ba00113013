// Method request, throttling (§11 [D-throttle]): the stage's default method throttling gives every
// method its own token bucket; a method's own settings replace the default for it. An empty bucket →
// 429 Too Many Requests (THROTTLED). Checked first, before authorization (a choice: docs/fidelity.md).
// A usage plan's throttle, per API key, is the API key step's (./api-key.ts).

import type { Method } from '../definition/model.js';
import { TokenBucket, type ThrottleSettings } from './api-key.js';
import { GatewayError } from './types.js';

export class MethodThrottle {
  private readonly buckets = new Map<string, TokenBucket | null>();

  constructor(
    private readonly stageDefault: ThrottleSettings | undefined,
    /** By `METHOD /resource/path`. */
    private readonly perMethod: Readonly<Record<string, ThrottleSettings>>,
  ) {}

  /** Takes a token for a request to `method`; throws THROTTLED when its bucket is empty. */
  take(method: Method, now: number): void {
    const key = `${method.httpMethod} ${method.resourcePath}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      const settings = this.perMethod[key] ?? this.stageDefault;
      bucket = settings ? new TokenBucket(settings, now) : null;
      this.buckets.set(key, bucket);
    }
    if (bucket !== null && !bucket.take(now)) throw new GatewayError('THROTTLED', 'Too Many Requests', undefined, `${key} is over its throttle`);
  }
}
