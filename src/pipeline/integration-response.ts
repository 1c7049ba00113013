// Integration response (§1.4, §2.3, §3, §4.5): select the integration response
// for the endpoint's result, convert the payload, apply the response template
// and the header mappings, then response overrides.

import type { Integration, IntegrationResponse, TemplateMap } from '../definition/model.js';
import type { CompiledTemplate } from '../vtl/index.js';
import { renderMapping } from '../vtl/index.js';
import { convertResponsePayload, payloadBytes, requireText } from './content-handling.js';
import { mappingInput } from './integration-request.js';
import { firstAcceptType, isBinaryMediaType } from './media-types.js';
import { remapResponseHeaders } from '../integrations/http.js';
import { mapResponseParameters } from './parameter-mapping.js';
import { GatewayError, type EndpointResult, type IntegrationRequest, type OutgoingResponse, type RequestContext } from './types.js';

/**
 * §3.1–§3.2: patterns are whole-string Java regexes tried in definition order;
 * for status-code selection (HTTP, MOCK) a matching response whose own
 * statusCode equals the endpoint status wins [MS-1756]. No match → default;
 * no default → 500.
 */
export function selectIntegrationResponse(integration: Integration, result: EndpointResult): IntegrationResponse {
  let first: IntegrationResponse | undefined;
  for (const response of integration.responses) {
    if (!response.matcher!.test(result.selectionInput)) continue;
    if (integration.lambda === undefined && response.statusCode === result.selectionInput) return response;
    first ??= response;
  }
  const selected = first ?? integration.defaultResponse;
  if (!selected) {
    throw new GatewayError(
      'API_CONFIGURATION_ERROR',
      'Internal server error',
      undefined,
      'No match for output mapping and no default output mapping configured',
    );
  }
  return selected;
}

/**
 * §2.3: key is the first Accept type (application/json when absent); when no
 * template has that key, application/json, else the first template.
 */
export function selectResponseTemplate(templates: TemplateMap, accept: string | undefined): readonly [string, CompiledTemplate] | undefined {
  if (templates.length === 0) return undefined;
  const find = (type: string) => templates.find(([t]) => t.toLowerCase() === type.toLowerCase());
  return find(accept ?? 'application/json') ?? find('application/json') ?? templates[0];
}

function validOverrideStatus(status: number | undefined): number | undefined {
  return status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** The integration response applied: the method response to check, and what the client gets. */
export interface IntegrationResponseOutput {
  /** statusCode of the selected integration response, before any override. */
  readonly selectedStatus: string;
  /** Media type of the template that rendered the body, if one did. */
  readonly templateType: string | undefined;
  readonly response: OutgoingResponse;
}

export function applyIntegrationResponse(ctx: RequestContext, integrationRequest: IntegrationRequest, result: EndpointResult): IntegrationResponseOutput {
  const { api, request } = ctx;
  const selected = selectIntegrationResponse(integrationRequest.integration, result);

  const accept = firstAcceptType(request.headers);
  const payload = convertResponsePayload(
    result.body,
    isBinaryMediaType(result.contentType, api.binaryMediaTypes),
    isBinaryMediaType(accept, api.binaryMediaTypes),
    selected.contentHandling,
  );

  const headers = [...mapResponseParameters(selected.responseParameters, result, ctx)];
  let statusCode = Number(selected.statusCode);
  let body: Buffer;
  let templateType: string | undefined;
  const template = selectResponseTemplate(selected.responseTemplates, accept);
  if (template) {
    templateType = template[0];
    const context = { ...ctx.context, requestOverride: integrationRequest.requestOverride };
    const rendered = renderMapping(template[1], mappingInput(ctx, requireText(payload), context));
    body = Buffer.from(rendered.body, 'utf8');
    // §4.5: applied after the template; a status outside 100–599 is ignored [LS-ir].
    statusCode = validOverrideStatus(rendered.responseOverride.status) ?? statusCode;
    for (const [name, value] of Object.entries(rendered.responseOverride.header)) {
      const i = headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
      if (i === -1) headers.push([name, value]);
      else headers[i] = [name, value];
    }
  } else {
    body = payloadBytes(payload);
  }
  // §7.5: reserved names among the mapped headers become x-amzn-Remapped-<Name>.
  const type = integrationRequest.integration.type;
  const finalHeaders = type === 'HTTP' || type === 'AWS' ? remapResponseHeaders(headers, type) : headers;
  return { selectedStatus: selected.statusCode, templateType, response: { statusCode, headers: finalHeaders, body } };
}
