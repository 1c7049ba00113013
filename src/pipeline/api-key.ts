// Method request, API key (§11): a method with apiKeyRequired takes only a key of the usage plans attached
// to this API and stage (restgate.config's apiKeys), read from the x-api-key header or, with apiKeySource
// AUTHORIZER, from the authorizer's usageIdentifierKey. Missing, unknown or disabled → 403 Forbidden.
// The key's usage plan limits it: its throttle (a token bucket: rateLimit requests per second, bursts of
// burstLimit) → 429 Too Many Requests, then its quota (limit requests per DAY, WEEK or MONTH) → 429
// Limit Exceeded.

import { pseudoId } from './context.js';
import { lastHeaderValue } from './media-types.js';
import { GatewayError, type RequestContext } from './types.js';

/** A usage plan's throttle (API Reference, ThrottleSettings). */
export interface ThrottleSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** A usage plan's quota (API Reference, QuotaSettings); `offset`: requests already counted in the first period. */
export interface QuotaSettings {
  readonly limit: number;
  readonly period: QuotaPeriod;
  readonly offset?: number | undefined;
}

/** A key as restgate.config gives it: its value, id, state and the limits of its usage plan. */
export interface ApiKeySettings {
  readonly value: string;
  readonly id?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly throttle?: ThrottleSettings | undefined;
  readonly quota?: QuotaSettings | undefined;
}

export interface ApiKey {
  readonly value: string;
  readonly id: string;
  readonly enabled: boolean;
  readonly throttle: TokenBucket | undefined;
  readonly quota: Quota | undefined;
}

/** The configured keys by value, each with its id (given, or derived from the value) and its usage plan's limits. */
export function compileApiKeys(keys: ReadonlyArray<ApiKeySettings>, now = Date.now()): ReadonlyMap<string, ApiKey> {
  return new Map(
    keys.map((k) => [
      k.value,
      {
        value: k.value,
        id: k.id ?? pseudoId(`api-key|${k.value}`, 10),
        enabled: k.enabled ?? true,
        throttle: k.throttle ? new TokenBucket(k.throttle, now) : undefined,
        quota: k.quota ? new Quota(k.quota, now) : undefined,
      },
    ]),
  );
}

/**
 * rateLimit requests per second on average, at most burstLimit at once: a bucket of burstLimit tokens,
 * full at start, refilled at rateLimit per second; each request takes one. A limit of 0 refuses all.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly settings: ThrottleSettings,
    now: number,
  ) {
    this.tokens = settings.burstLimit;
    this.last = now;
  }

  take(now: number): boolean {
    const { rateLimit, burstLimit } = this.settings;
    this.tokens = Math.min(burstLimit, this.tokens + (Math.max(0, now - this.last) / 1000) * rateLimit);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** At most `limit` requests per calendar period in UTC: a day, a week from Sunday, a month from its first day. */
export class Quota {
  private periodStart: number;
  private used: number;

  constructor(
    private readonly settings: QuotaSettings,
    now: number,
  ) {
    this.periodStart = periodStart(settings.period, now);
    this.used = settings.offset ?? 0;
  }

  take(now: number): boolean {
    const start = periodStart(this.settings.period, now);
    if (start !== this.periodStart) {
      this.periodStart = start;
      this.used = 0;
    }
    if (this.used >= this.settings.limit) return false;
    this.used++;
    return true;
  }
}

/** When the period holding `now` began (ms, UTC). */
export function periodStart(period: QuotaPeriod, now: number): number {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'DAY') return day;
  if (period === 'WEEK') return day - d.getUTCDay() * 86_400_000;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The key the request presents, checked; throws INVALID_API_KEY 403 {"message":"Forbidden"} (§11 [D-keysrc; MS-1746]). */
function requireApiKey(presented: string | undefined, keys: ReadonlyMap<string, ApiKey>): ApiKey {
  if (presented === undefined || presented === '') throw new GatewayError('INVALID_API_KEY', 'Forbidden', undefined, 'the method requires an API key and the request has none');
  const key = keys.get(presented);
  if (key === undefined) throw new GatewayError('INVALID_API_KEY', 'Forbidden', undefined, 'the API key is not one of restgate.config\'s apiKeys');
  if (!key.enabled) throw new GatewayError('INVALID_API_KEY', 'Forbidden', undefined, 'the API key is disabled');
  return key;
}

/**
 * The step, for a method with apiKeyRequired: the key from the source the API names (§11: the x-api-key
 * header, or with apiKeySource AUTHORIZER the authorizer's usageIdentifierKey, so it runs after the
 * authorizer), checked, its usage plan's throttle and quota applied, then `$context.identity.apiKey` and `apiKeyId`.
 */
// The header by its name in any case (the documentation spells it X-API-Key and x-api-key), the last one when repeated.
export function requireMethodApiKey(ctx: RequestContext, usageIdentifierKey: string | undefined, keys: ReadonlyMap<string, ApiKey>): void {
  const presented = ctx.api.apiKeySource === 'AUTHORIZER' ? usageIdentifierKey : lastHeaderValue(ctx.request.headers, 'x-api-key');
  const key = requireApiKey(presented, keys);
  const now = Date.now();
  if (key.throttle && !key.throttle.take(now)) throw new GatewayError('THROTTLED', 'Too Many Requests', undefined, `the API key ${key.id} is over its usage plan's throttle`);
  if (key.quota && !key.quota.take(now)) throw new GatewayError('QUOTA_EXCEEDED', 'Limit Exceeded', undefined, `the API key ${key.id} has used its usage plan's quota for this period`);
  const identity = ctx.context['identity'] as Record<string, unknown>;
  identity['apiKey'] = key.value;
  identity['apiKeyId'] = key.id;
}
