// OpenAPI 3.0 / Swagger 2.0 definition (JSON or YAML) → ApiDefinition.
// Everything is checked and compiled here, once; a problem is a DefinitionError naming
// the JSON pointer of the culprit in the original document.

import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import {
  type Authorizer,
  type ApiDefinition,
  DefinitionError,
  GATEWAY_RESPONSE_TYPES,
  type GatewayResponseDefinition,
  type GatewayResponseType,
  type HttpMethod,
  type Method,
  type MethodResponse,
  type RequestValidator,
  type Resource,
} from './model.js';
import {
  type BuildContext,
  consume,
  expectObject,
  fail,
  isObject,
  type LoadOptions,
  optionalString,
  stringMap,
  typeName,
  warn,
} from './context.js';
import { buildAuthorizers, methodAuthorizer, methodUsesIam } from './authorizer.js';
import { reportExtensions } from './extensions.js';
import { buildIntegration } from './integration.js';
import { checkGatewaySource, GATEWAY_RESPONSE_KEY } from './mappings.js';
import { parseDefinitionText } from './parse.js';
import { parseResourcePolicy } from './policy.js';
import { parseResourcePath, ResourceTree } from './paths.js';
import { ptr } from './pointer.js';
import { resolveRefs } from './refs.js';
import { deriveStage } from './stage.js';

export type { LoadOptions } from './context.js';
export { DEFAULT_STAGE } from './stage.js';
export { parseDefinitionText } from './parse.js';

const X = 'x-amazon-apigateway-';
const VERBS: ReadonlyArray<[string, HttpMethod]> = [
  ['get', 'GET'],
  ['put', 'PUT'],
  ['post', 'POST'],
  ['delete', 'DELETE'],
  ['patch', 'PATCH'],
  ['head', 'HEAD'],
  ['options', 'OPTIONS'],
  [`${X}any-method`, 'ANY'],
];
const MAX_COMPRESSION_SIZE = 10485760;
const PATH_ITEM_KEYS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'parameters', 'summary', 'description', 'servers', '$ref']);

/** Read and build a definition file (JSON or YAML, decided by content). */
export async function loadDefinition(file: string, options: LoadOptions = {}): Promise<ApiDefinition> {
  const sourcePath = resolvePath(file);
  let text: string;
  try {
    text = await readFile(sourcePath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DefinitionError('', code === 'ENOENT' ? 'definition file not found' : `cannot read the definition: ${(e as Error).message}`, sourcePath);
  }
  const document = parseDefinitionText(text, sourcePath);
  return buildDefinition(document, { ...options, sourcePath });
}

/** Build a definition from an already parsed document (never mutated). */
export async function buildDefinition(
  document: unknown,
  options: LoadOptions & { sourcePath?: string } = {},
): Promise<ApiDefinition> {
  const { sourcePath, ...rest } = options;
  const file = sourcePath === undefined ? undefined : resolvePath(sourcePath);
  const ctx: BuildContext = { file, warnings: [], consumed: new WeakMap(), options: rest };
  if (!isObject(document)) {
    fail(ctx, '', `a definition must be an OpenAPI 3.0 or Swagger 2.0 object, got ${typeName(document)}`);
  }
  const oas3 = checkVersion(ctx, document);
  const resolved = await resolveRefs(document, file);
  const doc = resolved as Record<string, unknown>;
  const built = build(ctx, doc, oas3);
  reportExtensions(ctx, doc);
  return { ...built, sourcePath: file, warnings: ctx.warnings };
}

function checkVersion(ctx: BuildContext, doc: Record<string, unknown>): boolean {
  const { openapi, swagger } = doc;
  if (openapi !== undefined && swagger !== undefined) {
    fail(ctx, '/swagger', "a definition cannot have both 'openapi' and 'swagger' fields");
  }
  if (openapi !== undefined) {
    if (typeof openapi !== 'string') fail(ctx, '/openapi', `openapi must be a version string such as "3.0.1", got ${typeName(openapi)}`);
    if (/^3\.0\.\d+$/.test(openapi)) return true;
    if (/^3\.1(\.|$)/.test(openapi)) {
      fail(ctx, '/openapi', `OpenAPI ${openapi} is not supported (API Gateway REST APIs import OpenAPI 3.0.x and Swagger 2.0)`);
    }
    fail(ctx, '/openapi', `unsupported OpenAPI version '${openapi}' (expected 3.0.x, or swagger: "2.0")`);
  }
  if (swagger !== undefined) {
    // `swagger: 2.0` unquoted in YAML is the number 2.
    if (swagger === '2.0' || swagger === 2) return false;
    fail(ctx, '/swagger', `unsupported Swagger version ${JSON.stringify(swagger)} (expected "2.0")`);
  }
  fail(ctx, '', "not an OpenAPI definition: the 'openapi' (3.0.x) or 'swagger' (\"2.0\") field is missing");
}

type Built = Omit<ApiDefinition, 'sourcePath' | 'warnings'>;

interface RootInfo {
  readonly oas3: boolean;
  readonly securitySchemes: Record<string, unknown>;
  readonly authorizers: ReadonlyMap<string, Authorizer>;
  readonly validators: ReadonlyMap<string, RequestValidator>;
  readonly defaultValidator: RequestValidator | undefined;
  readonly consumes: readonly string[] | undefined;
}

function build(ctx: BuildContext, doc: Record<string, unknown>, oas3: boolean): Built {
  const info = isObject(doc.info) ? doc.info : {};
  let title = '';
  if (typeof info.title === 'string' && info.title !== '') title = info.title;
  else warn(ctx, '/info/title', 'info.title is missing: API Gateway names the API after it');
  const version = typeof info.version === 'string' || typeof info.version === 'number' ? String(info.version) : undefined;

  const stage = deriveStage(ctx, doc, oas3);

  // Root extensions.
  const binaryMediaTypes = parseBinaryMediaTypes(ctx, doc);
  const minimumCompressionSize = parseMinimumCompressionSize(ctx, doc);
  const apiKeySource = parseApiKeySource(ctx, doc);
  const resourcePolicy = parseResourcePolicy(ctx, doc);
  const gatewayResponses = parseGatewayResponses(ctx, doc);
  const { validators, defaultValidator } = parseValidators(ctx, doc);

  const components = isObject(doc.components) ? doc.components : {};
  const securitySchemes = oas3
    ? isObject(components.securitySchemes)
      ? components.securitySchemes
      : {}
    : isObject(doc.securityDefinitions)
      ? doc.securityDefinitions
      : {};
  if (Array.isArray(doc.security) && doc.security.length > 0) {
    warn(ctx, '/security', 'root-level security is ignored by API Gateway (§15.1); declare security on each operation');
  }

  let models: Record<string, unknown> = {};
  const modelsPointer = oas3 ? '/components/schemas' : '/definitions';
  const rawModels = oas3 ? components.schemas : doc.definitions;
  if (rawModels !== undefined && rawModels !== null) models = { ...expectObject(ctx, rawModels, modelsPointer, 'models') };
  reportCircularRefs(ctx, models, modelsPointer);

  let consumes: string[] | undefined;
  if (!oas3 && Array.isArray(doc.consumes)) consumes = doc.consumes.filter((c): c is string => typeof c === 'string');

  const authorizers = buildAuthorizers(ctx, securitySchemes, oas3 ? '/components/securitySchemes' : '/securityDefinitions');
  const root: RootInfo = { oas3, securitySchemes, authorizers, validators, defaultValidator, consumes };

  if (doc.paths === undefined || doc.paths === null) fail(ctx, '/paths', 'paths is required');
  const paths = expectObject(ctx, doc.paths, '/paths', 'paths');
  const tree = new ResourceTree();
  const resources: Resource[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const pointer = ptr('/paths', path);
    if (path.startsWith('x-')) continue; // extensions on the Paths object
    const segments = parseResourcePath(ctx, path, pointer);
    if (path === '/ping' || path === '/sping') {
      warn(ctx, pointer, `API Gateway reserves ${path} at the API root for its health check; this resource does not behave as defined there ([D-notes])`);
    }
    tree.add(ctx, path, segments, pointer);
    const pathItem = expectObject(ctx, item, pointer, 'a path item');
    resources.push(buildResource(ctx, path, segments.filter((s) => s.param !== undefined).map((s) => s.param!), pathItem, pointer, root));
  }

  return {
    title,
    version,
    stage,
    binaryMediaTypes,
    minimumCompressionSize,
    apiKeySource,
    resourcePolicy,
    resources,
    gatewayResponses,
    models,
  };
}

function buildResource(
  ctx: BuildContext,
  path: string,
  pathParams: readonly string[],
  item: Record<string, unknown>,
  pointer: string,
  root: RootInfo,
): Resource {
  const methods: Partial<Record<HttpMethod, Method>> = {};
  for (const [key, verb] of VERBS) {
    if (!(key in item)) continue;
    if (verb === 'ANY') consume(ctx, item, key);
    const opPointer = ptr(pointer, key);
    const op = expectObject(ctx, item[key], opPointer, `the ${verb} operation`);
    methods[verb] = buildMethod(ctx, verb, path, pathParams, item, op, pointer, opPointer, root);
  }
  for (const key of Object.keys(item)) {
    if (key === 'trace') warn(ctx, ptr(pointer, key), 'API Gateway REST APIs do not support TRACE methods; ignored');
    else if (!PATH_ITEM_KEYS.has(key) && !key.startsWith('x-')) {
      warn(ctx, ptr(pointer, key), `unknown path item field '${key}' (methods are lower-case: get, put, post, delete, patch, head, options); ignored`);
    }
  }
  if (Object.keys(methods).length === 0) warn(ctx, pointer, `resource ${path} has no methods`);
  return { path, pointer, methods };
}

interface ParamSite {
  readonly param: Record<string, unknown>;
  readonly pointer: string;
}

function collectParams(ctx: BuildContext, list: unknown, pointer: string, into: Map<string, ParamSite>): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) fail(ctx, pointer, 'parameters must be an array');
  list.forEach((p, i) => {
    const at = ptr(pointer, i);
    const param = expectObject(ctx, p, at, 'a parameter');
    if (typeof param.name !== 'string' || param.name === '') fail(ctx, ptr(at, 'name'), 'a parameter needs a name');
    if (typeof param.in !== 'string') fail(ctx, ptr(at, 'in'), 'a parameter needs an "in" location');
    into.set(`${param.in}\u0000${param.name}`, { param, pointer: at });
  });
}

function buildMethod(
  ctx: BuildContext,
  verb: HttpMethod,
  resourcePath: string,
  pathParams: readonly string[],
  item: Record<string, unknown>,
  op: Record<string, unknown>,
  itemPointer: string,
  pointer: string,
  root: RootInfo,
): Method {
  // Parameters: path-level ones, overridden by the operation's (same name and location).
  const params = new Map<string, ParamSite>();
  collectParams(ctx, item.parameters, ptr(itemPointer, 'parameters'), params);
  collectParams(ctx, op.parameters, ptr(pointer, 'parameters'), params);

  const requestParameters: Record<string, boolean> = {};
  const requestModels: Record<string, unknown> = {};
  for (const { param, pointer: at } of params.values()) {
    const name = param.name as string;
    const required = param.required === true;
    switch (param.in) {
      case 'path':
        if (!pathParams.includes(name)) {
          warn(ctx, ptr(at, 'name'), `path parameter '${name}' is not in the resource path ${resourcePath}`);
        }
        requestParameters[`method.request.path.${name}`] = required;
        break;
      case 'query':
        requestParameters[`method.request.querystring.${name}`] = required;
        break;
      case 'header':
        requestParameters[`method.request.header.${name}`] = required;
        break;
      case 'body': {
        if (root.oas3) fail(ctx, ptr(at, 'in'), "'in: body' is Swagger 2.0; OpenAPI 3.0 uses requestBody");
        if (param.schema === undefined) break;
        const types = Array.isArray(op.consumes)
          ? op.consumes.filter((c): c is string => typeof c === 'string')
          : (root.consumes ?? ['application/json']);
        for (const t of types.length > 0 ? types : ['application/json']) requestModels[t] = param.schema;
        break;
      }
      case 'formData':
        if (root.oas3) fail(ctx, ptr(at, 'in'), `invalid parameter location '${param.in}'`);
        warn(ctx, ptr(at, 'in'), 'formData parameters are not imported by API Gateway; ignored');
        break;
      case 'cookie':
        if (!root.oas3) fail(ctx, ptr(at, 'in'), `invalid parameter location '${param.in}'`);
        warn(ctx, ptr(at, 'in'), 'cookie parameters are not supported by API Gateway REST APIs; ignored');
        break;
      default:
        fail(ctx, ptr(at, 'in'), `invalid parameter location ${JSON.stringify(param.in)}`);
    }
  }

  if (root.oas3 && op.requestBody !== undefined && op.requestBody !== null) {
    const bodyPointer = ptr(pointer, 'requestBody');
    const body = expectObject(ctx, op.requestBody, bodyPointer, 'requestBody');
    if (body.content !== undefined) {
      const content = expectObject(ctx, body.content, ptr(bodyPointer, 'content'), 'requestBody.content');
      for (const [type, media] of Object.entries(content)) {
        if (isObject(media) && media.schema !== undefined) requestModels[type] = media.schema;
      }
    }
  }

  // Method responses.
  const methodResponses: Record<string, MethodResponse> = {};
  if (op.responses !== undefined && op.responses !== null) {
    const responsesPointer = ptr(pointer, 'responses');
    const responses = expectObject(ctx, op.responses, responsesPointer, 'responses');
    for (const [code, response] of Object.entries(responses)) {
      const at = ptr(responsesPointer, code);
      if (code.startsWith('x-')) continue;
      if (!/^[1-5]\d\d$/.test(code)) {
        warn(ctx, at, `response '${code}' is not imported: API Gateway method responses need a status code (100-599)`);
        continue;
      }
      const r = expectObject(ctx, response, at, 'a response');
      const responseParameters: Record<string, boolean> = {};
      if (r.headers !== undefined && r.headers !== null) {
        const headers = expectObject(ctx, r.headers, ptr(at, 'headers'), 'response headers');
        for (const [name, h] of Object.entries(headers)) {
          responseParameters[`method.response.header.${name}`] = isObject(h) && h.required === true;
        }
      }
      methodResponses[code] = { statusCode: code, responseParameters };
    }
  }

  // Request validator.
  let requestValidator = root.defaultValidator;
  const validatorKey = `${X}request-validator`;
  if (op[validatorKey] !== undefined) {
    consume(ctx, op, validatorKey);
    requestValidator = lookupValidator(ctx, op[validatorKey], ptr(pointer, validatorKey), root.validators);
  }

  const apiKeyRequired = requiresApiKey(ctx, op.security, ptr(pointer, 'security'), root);
  const { authorizer, scopes: authorizationScopes } = methodAuthorizer(ctx, op.security, ptr(pointer, 'security'), root.authorizers);
  const iam = methodUsesIam(ctx, op, pointer, root.securitySchemes);

  // Integration.
  const integrationKey = `${X}integration`;
  let integration;
  if (op[integrationKey] !== undefined) {
    consume(ctx, op, integrationKey);
    integration = buildIntegration(ctx, op[integrationKey], ptr(pointer, integrationKey), { requestParameters, methodResponses });
  } else {
    warn(
      ctx,
      pointer,
      `${verb} ${resourcePath} has no x-amazon-apigateway-integration: API Gateway would not deploy it ("No integration defined for method"); requests to it cannot be served`,
    );
  }

  return {
    httpMethod: verb,
    resourcePath,
    pointer,
    operationId: optionalString(ctx, op.operationId, ptr(pointer, 'operationId'), 'operationId'),
    requestParameters,
    requestModels,
    requestValidator,
    methodResponses,
    apiKeyRequired,
    authorizer,
    authorizationScopes,
    iam,
    integration,
  };
}

/** §11 / §15.1: an operation security requirement naming an apiKey scheme sent in the x-api-key header. */
function requiresApiKey(ctx: BuildContext, security: unknown, pointer: string, root: RootInfo): boolean {
  if (security === undefined || security === null) return false;
  if (!Array.isArray(security)) fail(ctx, pointer, 'security must be an array of security requirements');
  let required = false;
  security.forEach((requirement, i) => {
    const at = ptr(pointer, i);
    const req = expectObject(ctx, requirement, at, 'a security requirement');
    for (const name of Object.keys(req)) {
      const scheme = root.securitySchemes[name];
      if (!isObject(scheme)) {
        warn(ctx, ptr(at, name), `security scheme '${name}' is not defined; ignored`);
        continue;
      }
      if (
        scheme.type === 'apiKey' &&
        scheme.in === 'header' &&
        typeof scheme.name === 'string' &&
        scheme.name.toLowerCase() === 'x-api-key'
      ) {
        required = true;
      }
    }
  });
  return required;
}

function parseBinaryMediaTypes(ctx: BuildContext, doc: Record<string, unknown>): string[] {
  const key = `${X}binary-media-types`;
  const v = doc[key];
  if (v === undefined || v === null) return [];
  consume(ctx, doc, key);
  const at = ptr('', key);
  if (!Array.isArray(v)) fail(ctx, at, `${key} must be an array of media types`);
  v.forEach((t, i) => {
    if (typeof t !== 'string' || t === '') fail(ctx, ptr(at, i), `a binary media type must be a non-empty string, got ${typeName(t)}`);
  });
  return v as string[];
}

function parseMinimumCompressionSize(ctx: BuildContext, doc: Record<string, unknown>): number | null {
  const key = `${X}minimum-compression-size`;
  const v = doc[key];
  if (v === undefined || v === null) return null;
  consume(ctx, doc, key);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_COMPRESSION_SIZE) {
    fail(ctx, ptr('', key), `${key} must be an integer between 0 and ${MAX_COMPRESSION_SIZE}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function parseApiKeySource(ctx: BuildContext, doc: Record<string, unknown>): 'HEADER' | 'AUTHORIZER' {
  const key = `${X}api-key-source`;
  const v = doc[key];
  if (v === undefined || v === null) return 'HEADER';
  consume(ctx, doc, key);
  const upper = typeof v === 'string' ? v.toUpperCase() : undefined;
  if (upper !== 'HEADER' && upper !== 'AUTHORIZER') {
    fail(ctx, ptr('', key), `${key} must be HEADER or AUTHORIZER, got ${JSON.stringify(v)}`);
  }
  return upper;
}

function parseValidators(
  ctx: BuildContext,
  doc: Record<string, unknown>,
): { validators: Map<string, RequestValidator>; defaultValidator: RequestValidator | undefined } {
  const validators = new Map<string, RequestValidator>();
  const listKey = `${X}request-validators`;
  if (doc[listKey] !== undefined && doc[listKey] !== null) {
    consume(ctx, doc, listKey);
    const at = ptr('', listKey);
    for (const [name, raw] of Object.entries(expectObject(ctx, doc[listKey], at, listKey))) {
      const vp = ptr(at, name);
      const v = expectObject(ctx, raw, vp, 'a request validator');
      const flag = (k: string): boolean => {
        if (v[k] === undefined || v[k] === null) return false;
        if (typeof v[k] !== 'boolean') fail(ctx, ptr(vp, k), `${k} must be true or false`);
        return v[k];
      };
      validators.set(name, {
        name,
        validateRequestBody: flag('validateRequestBody'),
        validateRequestParameters: flag('validateRequestParameters'),
      });
    }
  }
  const defaultKey = `${X}request-validator`;
  let defaultValidator: RequestValidator | undefined;
  if (doc[defaultKey] !== undefined) {
    consume(ctx, doc, defaultKey);
    defaultValidator = lookupValidator(ctx, doc[defaultKey], ptr('', defaultKey), validators);
  }
  return { validators, defaultValidator };
}

function lookupValidator(
  ctx: BuildContext,
  name: unknown,
  pointer: string,
  validators: ReadonlyMap<string, RequestValidator>,
): RequestValidator | undefined {
  if (name === null) return undefined;
  if (typeof name !== 'string') fail(ctx, pointer, `a request validator name must be a string, got ${typeName(name)}`);
  const v = validators.get(name);
  if (!v) {
    const known = [...validators.keys()];
    fail(
      ctx,
      pointer,
      `request validator '${name}' is not defined in x-amazon-apigateway-request-validators${known.length ? ` (defined: ${known.join(', ')})` : ''}`,
    );
  }
  return v;
}

function parseGatewayResponses(
  ctx: BuildContext,
  doc: Record<string, unknown>,
): Partial<Record<GatewayResponseType, GatewayResponseDefinition>> {
  const key = `${X}gateway-responses`;
  const out: Partial<Record<GatewayResponseType, GatewayResponseDefinition>> = {};
  if (doc[key] === undefined || doc[key] === null) return out;
  consume(ctx, doc, key);
  const at = ptr('', key);
  for (const [type, raw] of Object.entries(expectObject(ctx, doc[key], at, key))) {
    const gp = ptr(at, type);
    if (!(GATEWAY_RESPONSE_TYPES as readonly string[]).includes(type)) {
      fail(ctx, gp, `unknown gateway response type '${type}' (expected one of ${GATEWAY_RESPONSE_TYPES.join(', ')})`);
    }
    const g = expectObject(ctx, raw, gp, 'a gateway response');
    let statusCode: number | undefined;
    if (g.statusCode !== undefined && g.statusCode !== null) {
      const s = g.statusCode;
      const text = typeof s === 'number' ? String(s) : s;
      if (typeof text !== 'string' || !/^[1-5]\d\d$/.test(text)) {
        fail(ctx, ptr(gp, 'statusCode'), `statusCode must be 3 digits (100-599), got ${JSON.stringify(s)}`);
      }
      statusCode = Number(text);
    }
    const responseParameters: Record<string, string> = {};
    const rp = ptr(gp, 'responseParameters');
    for (const [name, value] of stringMap(ctx, g.responseParameters, rp, 'responseParameters')) {
      if (!GATEWAY_RESPONSE_KEY.test(name)) {
        fail(ctx, ptr(rp, name), `invalid gateway response parameter '${name}' (expected gatewayresponse.{header|path|querystring}.<name>)`);
      }
      const problem = checkGatewaySource(value);
      if (problem) fail(ctx, ptr(rp, name), problem);
      responseParameters[name] = value;
    }
    const responseTemplates = stringMap(ctx, g.responseTemplates, ptr(gp, 'responseTemplates'), 'responseTemplates').map(
      ([t, s]) => [t, s] as const,
    );
    out[type as GatewayResponseType] = { statusCode, responseParameters, responseTemplates };
  }
  return out;
}

/**
 * Circular $refs survive dereferencing as `{ $ref }` objects (refs.ts). They cannot be
 * validated against (the draft-04 validator compiles each model on its own), so each is
 * reported once, where it is written.
 */
function reportCircularRefs(ctx: BuildContext, models: Record<string, unknown>, pointer: string): void {
  const seen = new Set<object>();
  const walk = (node: unknown, at: string): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, ptr(at, i)));
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        warn(ctx, ptr(at, k), `circular $ref '${v}' is kept as is: request bodies cannot be validated against a recursive model`);
      } else walk(v, ptr(at, k));
    }
  };
  for (const [name, schema] of Object.entries(models)) walk(schema, ptr(pointer, name));
}
