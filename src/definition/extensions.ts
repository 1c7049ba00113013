// Every x-amazon-apigateway-* extension is either used by the builder (marked
// "consumed" where it is read), deliberately silent (not behaviour-relevant, §15.1), or
// reported as a warning here, with its pointer. Nothing is ignored silently.

import { type BuildContext, isObject, warn } from './context.js';
import { ptr } from './pointer.js';

const PREFIX = 'x-amazon-apigateway-';

/** Implemented extensions and where they belong (reported when found elsewhere). */
const IMPLEMENTED: Record<string, string> = {
  'x-amazon-apigateway-integration': 'an operation',
  'x-amazon-apigateway-any-method': 'a path item',
  'x-amazon-apigateway-binary-media-types': 'the document root',
  'x-amazon-apigateway-minimum-compression-size': 'the document root',
  'x-amazon-apigateway-gateway-responses': 'the document root',
  'x-amazon-apigateway-request-validators': 'the document root',
  'x-amazon-apigateway-request-validator': 'the document root or an operation',
  'x-amazon-apigateway-api-key-source': 'the document root',
  'x-amazon-apigateway-policy': 'the document root',
};

/** Not behaviour-relevant (§15.1): never reported. */
const SILENT = new Set([
  'x-amazon-apigateway-documentation',
  'x-amazon-apigateway-tag-value',
  'x-amazon-apigateway-importexport-version',
  'x-amazon-apigateway-importer-version',
  'x-amazon-apigateway-endpoint-access-mode',
]);

const KNOWN_UNIMPLEMENTED: Record<string, string> = {
  'x-amazon-apigateway-cors': 'x-amazon-apigateway-cors is for HTTP APIs only; REST APIs ignore it (define an OPTIONS method for CORS, §13.1)',
  'x-amazon-apigateway-integrations': 'x-amazon-apigateway-integrations is for HTTP APIs only; ignored',
};

const REST_EXTENSIONS = new Set([
  'x-amazon-apigateway-authorizer',
  'x-amazon-apigateway-authtype',
  'x-amazon-apigateway-auth',
  'x-amazon-apigateway-policy',
  'x-amazon-apigateway-endpoint-configuration',
  'x-amazon-apigateway-api-key-source',
  'x-amazon-apigateway-security-policy',
  'x-amazon-apigateway-stage-variables',
]);

function messageFor(name: string): string {
  if (KNOWN_UNIMPLEMENTED[name]) return KNOWN_UNIMPLEMENTED[name];
  if (IMPLEMENTED[name]) return `${name} is only used on ${IMPLEMENTED[name]}; ignored here`;
  if (REST_EXTENSIONS.has(name)) return `${name} is not implemented yet; ignored`;
  return `${name} is not a known API Gateway REST API extension; ignored`;
}

/** Walk the (dereferenced) document and warn about every unconsumed extension. */
export function reportExtensions(ctx: BuildContext, document: unknown): void {
  const visited = new Set<object>();
  const walk = (node: unknown, pointer: string): void => {
    if (typeof node !== 'object' || node === null || visited.has(node)) return;
    visited.add(node);
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, ptr(pointer, i)));
      return;
    }
    if (!isObject(node)) return;
    const consumed = ctx.consumed.get(node);
    for (const [key, value] of Object.entries(node)) {
      if (key.toLowerCase().startsWith(PREFIX)) {
        if (SILENT.has(key)) continue;
        if (!consumed?.has(key)) warn(ctx, ptr(pointer, key), messageFor(key));
      }
      walk(value, ptr(pointer, key));
    }
  };
  walk(document, '');
}
