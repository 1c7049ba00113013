// Method request, API key (§11): a method with apiKeyRequired takes only a key of the usage plans attached
// to this API and stage (restgate.config's apiKeys), read from the x-api-key header or, with apiKeySource
// AUTHORIZER, from the authorizer's usageIdentifierKey. Missing, unknown or disabled → 403 Forbidden.

import { pseudoId } from './context.js';
import { lastHeaderValue } from './media-types.js';
import { GatewayError, type RequestContext } from './types.js';

export interface ApiKey {
  readonly value: string;
  readonly id: string;
  readonly enabled: boolean;
}

/** The configured keys by value, each with its id (given, or derived from the value). */
export function compileApiKeys(keys: ReadonlyArray<{ value: string; id?: string | undefined; enabled?: boolean | undefined }>): ReadonlyMap<string, ApiKey> {
  return new Map(keys.map((k) => [k.value, { value: k.value, id: k.id ?? pseudoId(`api-key|${k.value}`, 10), enabled: k.enabled ?? true }]));
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
 * authorizer), checked, then `$context.identity.apiKey` and `apiKeyId`.
 */
// The header by its name in any case (the documentation spells it X-API-Key and x-api-key), the last one when repeated.
export function requireMethodApiKey(ctx: RequestContext, usageIdentifierKey: string | undefined, keys: ReadonlyMap<string, ApiKey>): void {
  const presented = ctx.api.apiKeySource === 'AUTHORIZER' ? usageIdentifierKey : lastHeaderValue(ctx.request.headers, 'x-api-key');
  const key = requireApiKey(presented, keys);
  const identity = ctx.context['identity'] as Record<string, unknown>;
  identity['apiKey'] = key.value;
  identity['apiKeyId'] = key.id;
}
