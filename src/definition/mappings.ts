// Parameter-mapping keys and source expressions, checked at load (§7.1, §3.5, §9.3).

const NAME = String.raw`[^\s]+`;
const STATIC = /^'[^]*'$/;
const STAGE_VARIABLE = /^stageVariables\.[A-Za-z0-9_]+$/;
const CONTEXT = /^context\.[A-Za-z0-9_.-]+$/;

/** `integration.request.{path|querystring|header|multivalue...}.<name>` */
export const INTEGRATION_REQUEST_KEY = new RegExp(
  String.raw`^integration\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(${NAME})$`,
);
/** `method.request.{path|querystring|header|multivalue...}.<name>` as a mapping source. */
export const METHOD_REQUEST_SOURCE = new RegExp(
  String.raw`^method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(${NAME})$`,
);
const METHOD_REQUEST_BODY = /^method\.request\.body(\.[^\s].*)?$/;
/** `method.response.header.<name>` */
export const METHOD_RESPONSE_KEY = new RegExp(String.raw`^method\.response\.header\.(${NAME})$`);
const INTEGRATION_RESPONSE_SOURCE = new RegExp(String.raw`^integration\.response\.(header|multivalueheader)\.(${NAME})$`);
const INTEGRATION_RESPONSE_BODY = /^integration\.response\.body(\.[^\s].*)?$/;
/** `gatewayresponse.{header|path|querystring}.<name>` */
export const GATEWAY_RESPONSE_KEY = new RegExp(String.raw`^gatewayresponse\.(header|path|querystring)\.(${NAME})$`);

const REQUEST_SOURCES =
  "method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.<name>, method.request.body, method.request.body.<JSONPath>, stageVariables.<name>, context.<name> or a 'static' value";
const RESPONSE_SOURCES =
  "integration.response.{header|multivalueheader}.<name>, integration.response.body, integration.response.body.<JSONPath>, stageVariables.<name>, context.<name> or a 'static' value";
const GATEWAY_SOURCES =
  "method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.<name>, stageVariables.<name>, context.<name> or a 'static' value";

/** Returns a problem description, or undefined when the source is well-formed. */
export function checkRequestSource(value: string): string | undefined {
  if (STATIC.test(value) || STAGE_VARIABLE.test(value) || CONTEXT.test(value)) return undefined;
  if (METHOD_REQUEST_SOURCE.test(value) || METHOD_REQUEST_BODY.test(value)) return undefined;
  return `invalid mapping expression '${value}' (expected ${REQUEST_SOURCES})`;
}

export function checkResponseSource(value: string): string | undefined {
  if (STATIC.test(value) || STAGE_VARIABLE.test(value) || CONTEXT.test(value)) return undefined;
  if (INTEGRATION_RESPONSE_SOURCE.test(value) || INTEGRATION_RESPONSE_BODY.test(value)) return undefined;
  return `invalid mapping expression '${value}' (expected ${RESPONSE_SOURCES})`;
}

export function checkGatewaySource(value: string): string | undefined {
  if (STATIC.test(value) || STAGE_VARIABLE.test(value) || CONTEXT.test(value)) return undefined;
  if (METHOD_REQUEST_SOURCE.test(value)) return undefined;
  return `invalid mapping expression '${value}' (expected ${GATEWAY_SOURCES})`;
}

/**
 * The method request parameter a `method.request.<loc>.<name>` source needs declared:
 * multivalue forms read the same declaration as their single-value forms.
 */
export function declaredParameterFor(source: string): string | undefined {
  const m = METHOD_REQUEST_SOURCE.exec(source);
  if (!m) return undefined;
  const loc = m[1] === 'multivaluequerystring' ? 'querystring' : m[1] === 'multivalueheader' ? 'header' : m[1];
  return `method.request.${loc}.${m[2]}`;
}
