// Integration request (§1.3, §2.1, §2.2, §4.5, §7.1, §7.2): turn the method
// request into what the integration receives — parameter mapping, content
// handling, request template and passthrough behaviour, request overrides.

import type { Integration, TemplateMap } from '../definition/model.js';
import { renderMapping, type MappingInput } from '../vtl/index.js';
import { convertRequestPayload, payloadBytes, requireText } from './content-handling.js';
import { contentType, isBinaryMediaType } from './media-types.js';
import { mapRequestParameters, renderIntegrationUri } from './parameter-mapping.js';
import { GatewayError, type IntegrationRequest, type OverrideMaps, type Pairs, type RequestContext } from './types.js';

const NO_OVERRIDES: OverrideMaps = { header: {}, path: {}, querystring: {} };

/** Last value per name: the single-value view of repeated headers and query keys. */
export function lastValues(pairs: Pairs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = v;
  return out;
}

/** `$input.params()` per request: built once, shared by the request and response templates. */
const paramsOf = new WeakMap<RequestContext, MappingInput['params']>();

/** The `$input` data a template sees for this request (§4.1). */
export function mappingInput(ctx: RequestContext, body: string, context: Record<string, unknown> = ctx.context as Record<string, unknown>): MappingInput {
  let params = paramsOf.get(ctx);
  if (!params) {
    params = {
      path: { ...ctx.route.pathParameters },
      querystring: lastValues(ctx.request.query),
      header: lastValues(ctx.request.headers),
    };
    paramsOf.set(ctx, params);
  }
  return { body, params, context, stageVariables: ctx.stageVariables as Record<string, string> };
}

/** §2.1: template key is the request Content-Type (MIME type only), application/json when absent. */
export function selectRequestTemplate(templates: TemplateMap, mediaType: string) {
  const lower = mediaType.toLowerCase();
  return templates.find(([type]) => type.toLowerCase() === lower)?.[1];
}

function unsupportedMediaType(): GatewayError {
  return new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type');
}

function merge(pairs: Pairs, overrides: Readonly<Record<string, string>>): Pairs {
  const names = new Set(Object.keys(overrides));
  if (names.size === 0) return pairs;
  return [...pairs.filter(([k]) => !names.has(k)), ...Object.entries(overrides)];
}

export function buildIntegrationRequest(ctx: RequestContext, integration: Integration): IntegrationRequest {
  const { request, api } = ctx;
  const isProxy = integration.type === 'AWS_PROXY' || integration.type === 'HTTP_PROXY';
  // Mapped parameters apply to every type except AWS_PROXY (§7.4: still merged for HTTP_PROXY).
  const mapped =
    integration.type === 'AWS_PROXY'
      ? { headers: [] as Pairs, querystring: [] as Pairs, path: {} as Record<string, string> }
      : mapRequestParameters(integration.requestParameters, ctx);

  let body: Buffer;
  let requestOverride = NO_OVERRIDES;
  let templateApplied = false;
  if (isProxy) {
    body = request.body; // proxy integrations always pass the payload through (§2.2)
  } else {
    const mediaType = contentType(request.headers) ?? 'application/json';
    const template = selectRequestTemplate(integration.requestTemplates, mediaType);
    const hasTemplates = integration.requestTemplates.length > 0;
    if (!template) {
      // §2.2 passthroughBehavior table.
      if (integration.passthroughBehavior === 'NEVER') throw unsupportedMediaType();
      if (integration.passthroughBehavior === 'WHEN_NO_TEMPLATES' && hasTemplates) throw unsupportedMediaType();
    }
    const isBinary = isBinaryMediaType(contentType(request.headers), api.binaryMediaTypes);
    const payload = convertRequestPayload(request.body, isBinary, integration.contentHandling);
    if (template) {
      const rendered = renderMapping(template, mappingInput(ctx, requireText(payload)));
      body = Buffer.from(rendered.body, 'utf8');
      requestOverride = rendered.requestOverride;
      templateApplied = true;
    } else {
      body = payloadBytes(payload);
    }
  }

  // §4.5: overrides are applied after the template and win over mappings.
  const path = { ...mapped.path, ...requestOverride.path };
  return {
    integration,
    body,
    headers: merge(mapped.headers, requestOverride.header),
    querystring: merge(mapped.querystring, requestOverride.querystring),
    pathParameters: path,
    templateApplied,
    uri:
      integration.type === 'AWS_PROXY' || integration.uri === undefined
        ? integration.uri
        : renderIntegrationUri(integration.uri, path, ctx.stageVariables),
    requestOverride,
  };
}
