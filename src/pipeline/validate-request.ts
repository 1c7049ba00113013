// Request validation (§10): required parameters, then the body against the
// method's draft-04 model. Failures become BAD_REQUEST_PARAMETERS /
// BAD_REQUEST_BODY gateway responses (§9).

import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ApiDefinition, Method } from '../definition/model.js';
import { contentType } from './media-types.js';
import { GatewayError, type IncomingRequest, type Pairs } from './types.js';

// Loaded on the first validation: most APIs never validate, and ajv costs start-up time.
// CommonJS module: the class is both module.exports and .default.
type AjvDraft04 = InstanceType<(typeof import('ajv-draft-04'))['default']>;
let ajvInstance: AjvDraft04 | undefined;
const ajv = (): AjvDraft04 =>
  (ajvInstance ??= new (createRequire(import.meta.url)('ajv-draft-04') as typeof import('ajv-draft-04')).default({
    verbose: true, // errors carry the failing data (used in the messages)
    allErrors: true, // AWS (json-schema-validator) reports every violation
    strict: false, // API Gateway models carry title, $schema, vendor keys …
    validateFormats: false, // no format plug-in installed; recorded in docs/fidelity.md
    addUsedSchema: false, // models may repeat the same `id`
    logger: false,
  }));

type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; problem: string };
const compiled = new WeakMap<object, Compiled>();

function compile(schema: object): Compiled {
  let entry = compiled.get(schema);
  if (entry === undefined) {
    try {
      entry = { ok: true, validate: ajv().compile(schema) };
    } catch (e) {
      entry = { ok: false, problem: e instanceof Error ? e.message : String(e) };
    }
    compiled.set(schema, entry);
  }
  return entry;
}

const PARAM = /^method\.request\.(path|querystring|header)\.(.+)$/;

/**
 * Validate a request as the method's request validator asks (§10). Throws
 * GatewayError BAD_REQUEST_PARAMETERS (`Missing required request parameters: [a, b]`)
 * or BAD_REQUEST_BODY (`Invalid request body`, detail = validationErrorString).
 */
export function validateRequest(
  method: Method,
  request: IncomingRequest,
  pathParameters: Readonly<Record<string, string>>,
  api: ApiDefinition,
): void {
  void api;
  const validator = method.requestValidator;
  if (validator === undefined) return;
  if (validator.validateRequestParameters) {
    const missing = missingParameters(method, request, pathParameters);
    if (missing.length > 0) {
      const message = `Missing required request parameters: [${missing.join(', ')}]`;
      throw new GatewayError('BAD_REQUEST_PARAMETERS', message, undefined, message);
    }
  }
  if (validator.validateRequestBody) {
    const schema = selectModel(method.requestModels, contentType(request.headers));
    if (schema === undefined) return;
    const detail = validateBody(schema, request.body);
    if (detail !== undefined) throw new GatewayError('BAD_REQUEST_BODY', 'Invalid request body', undefined, detail);
  }
}

/**
 * Names of required parameters that are absent or blank, ordered by their full
 * `method.request.<location>.<name>` key (LS-mreq; AWS order UNCONFIRMED).
 */
export function missingParameters(
  method: Method,
  request: IncomingRequest,
  pathParameters: Readonly<Record<string, string>>,
): string[] {
  const keys = Object.keys(method.requestParameters)
    .filter((k) => method.requestParameters[k] === true)
    .sort();
  const missing: string[] = [];
  for (const key of keys) {
    const m = PARAM.exec(key);
    if (m === null) continue;
    const [, location, name] = m as unknown as [string, string, string];
    let value: string | undefined;
    if (location === 'path') value = pathParameters[name];
    else if (location === 'querystring') value = lastValue(request.query, name, false);
    else value = lastValue(request.headers, name, true);
    if (value === undefined || value.trim() === '') missing.push(name);
  }
  return missing;
}

function lastValue(pairs: Pairs, name: string, caseInsensitive: boolean): string | undefined {
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (const [k, v] of pairs) if (caseInsensitive ? k.toLowerCase() === lower : k === name) found = v;
  return found;
}

/**
 * The model for the request's content type (missing Content-Type = application/json,
 * §2.1), else the `$default` model; none → no body validation [D-valid].
 */
export function selectModel(
  requestModels: Readonly<Record<string, unknown>>,
  requestContentType: string | undefined,
): object | undefined {
  const type = (requestContentType ?? 'application/json').toLowerCase();
  let schema: unknown = undefined;
  for (const [k, v] of Object.entries(requestModels)) {
    if (k.toLowerCase() === type) {
      schema = v;
      break;
    }
  }
  if (schema === undefined) schema = requestModels['$default'];
  // Draft-04 has no boolean schemas; anything but an object means "no model".
  return typeof schema === 'object' && schema !== null ? schema : undefined;
}

/** Validate a payload against a draft-04 schema; returns the validationErrorString, or undefined when valid. */
export function validateBody(schema: object, body: Buffer): string | undefined {
  const c = compile(schema);
  if (!c.ok) {
    throw new GatewayError(
      'API_CONFIGURATION_ERROR',
      'Internal server error',
      undefined,
      `request model cannot be compiled as JSON Schema draft-04: ${c.problem}`,
    );
  }
  const text = body.toString('utf8');
  let data: unknown;
  if (text.trim() === '') data = {};
  else {
    try {
      data = JSON.parse(text);
    } catch (e) {
      return `[Invalid JSON: ${e instanceof Error ? e.message : String(e)}]`;
    }
  }
  if (c.validate(data)) return undefined;
  return `[${formatErrors(c.validate.errors ?? [])}]`;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const json = (v: unknown) => JSON.stringify(v);

/**
 * ajv errors rendered like the messages of the Java validator API Gateway uses
 * (`object has missing required properties (["name"])`, …), comma-separated.
 * Approximation: wording follows observed AWS strings; unknown keywords fall
 * back to ajv's message.
 */
export function formatErrors(errors: readonly ErrorObject[]): string {
  const out: string[] = [];
  const required = new Map<string, string[]>();
  for (const e of errors) {
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required': {
        const list = required.get(e.instancePath);
        const name = String(p['missingProperty']);
        if (list) list.push(name);
        else {
          const fresh = [name];
          required.set(e.instancePath, fresh);
          out.push(`\u0000required:${e.instancePath}`);
        }
        break;
      }
      case 'type': {
        const allowed = String(p['type']).split(',');
        out.push(`instance type (${jsonType(e.data)}) does not match any allowed primitive type (allowed: ${json(allowed)})`);
        break;
      }
      case 'enum':
        out.push(`instance value (${json(e.data)}) not found in enum (possible values: ${json(p['allowedValues'])})`);
        break;
      case 'minimum':
        out.push(`numeric instance is lower than the required minimum (minimum: ${String(p['limit'])}, found: ${String(e.data)})`);
        break;
      case 'maximum':
        out.push(`numeric instance is greater than the required maximum (maximum: ${String(p['limit'])}, found: ${String(e.data)})`);
        break;
      case 'minLength':
        out.push(`string ${json(e.data)} is too short (length: ${[...String(e.data)].length}, required minimum: ${String(p['limit'])})`);
        break;
      case 'maxLength':
        out.push(`string ${json(e.data)} is too long (length: ${[...String(e.data)].length}, maximum allowed: ${String(p['limit'])})`);
        break;
      case 'pattern':
        out.push(`ECMA 262 regex ${json(p['pattern'])} does not match input string ${json(e.data)}`);
        break;
      case 'additionalProperties':
        out.push(`object instance has properties which are not allowed by the schema: ${json([p['additionalProperty']])}`);
        break;
      case 'minItems':
        out.push(`array is too short: must have at least ${String(p['limit'])} elements but instance has ${(e.data as unknown[]).length} elements`);
        break;
      case 'maxItems':
        out.push(`array is too long: must have at most ${String(p['limit'])} elements but instance has ${(e.data as unknown[]).length} elements`);
        break;
      default:
        out.push(`${e.instancePath === '' ? 'instance' : e.instancePath} ${e.message ?? 'is invalid'}`);
    }
  }
  return out
    .map((s) => {
      if (!s.startsWith('\u0000required:')) return s;
      const names = [...required.get(s.slice('\u0000required:'.length))!].sort();
      return `object has missing required properties (${json(names)})`;
    })
    .join(', ');
}
