// The API's resource policy, `x-amazon-apigateway-policy` at the document root (§15.1 [D-ext]): an IAM
// policy document whose statements allow or deny execute-api:Invoke on the API's methods, for
// principals, under conditions. Read here into plain statements, each problem a load error or a warning
// at its pointer; ../pipeline/resource-policy.ts compiles them against the deployment and evaluates them.

import { BlockList, isIP } from 'node:net';
import { consume, fail, isObject, typeName, warn, type BuildContext } from './context.js';
import type { PolicyCondition, PolicyStatement, ResourcePolicy } from './model.js';
import { ptr } from './pointer.js';

const KEY = 'x-amazon-apigateway-policy';

/** Condition operators restgate evaluates (IAM's condition operators; `…IfExists` forms too). */
const OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'IpAddress',
  'NotIpAddress',
  'Bool',
  'Null',
]);

export function parseResourcePolicy(ctx: BuildContext, doc: Record<string, unknown>): ResourcePolicy | undefined {
  let raw = doc[KEY];
  if (raw === undefined || raw === null) return undefined;
  consume(ctx, doc, KEY);
  const pointer = ptr('', KEY);
  // API Gateway stores the policy as a string; exports and hand-written definitions hold the object.
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      fail(ctx, pointer, `${KEY} must be a policy document (an object, or its JSON text)`);
    }
  }
  if (!isObject(raw)) fail(ctx, pointer, `${KEY} must be a policy document, got ${typeName(raw)}`);
  const list = raw.Statement;
  const at = ptr(pointer, 'Statement');
  const statements = Array.isArray(list) ? list : isObject(list) ? [list] : fail(ctx, at, `a policy document needs a Statement (an object or a list)${list === undefined ? '' : `, got ${typeName(list)}`}`);
  return { pointer, statements: statements.map((s, i) => statementOf(ctx, s, Array.isArray(list) ? ptr(at, i) : at)) };
}

function statementOf(ctx: BuildContext, s: unknown, at: string): PolicyStatement {
  if (!isObject(s)) fail(ctx, at, `a statement must be an object, got ${typeName(s)}`);
  const effect = s.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') fail(ctx, ptr(at, 'Effect'), `Effect must be Allow or Deny, got ${JSON.stringify(effect)}`);
  const both = (a: string, b: string) => s[a] !== undefined && s[b] !== undefined;
  for (const [a, b] of [['Action', 'NotAction'], ['Resource', 'NotResource'], ['Principal', 'NotPrincipal']] as const) {
    if (both(a, b)) fail(ctx, at, `a statement has ${a} or ${b}, not both`);
  }
  const notAction = s.NotAction !== undefined;
  const actions = strings(ctx, notAction ? s.NotAction : s.Action, ptr(at, notAction ? 'NotAction' : 'Action'), notAction ? 'NotAction' : 'Action');
  const notResource = s.NotResource !== undefined;
  const resources = strings(ctx, notResource ? s.NotResource : s.Resource, ptr(at, notResource ? 'NotResource' : 'Resource'), notResource ? 'NotResource' : 'Resource');
  for (const [i, r] of resources.entries()) {
    if (r !== '*' && !r.startsWith('execute-api:/') && !r.startsWith('arn:')) {
      fail(ctx, ptr(at, notResource ? 'NotResource' : 'Resource', i), `a resource is an execute-api ARN (arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH) or execute-api:/STAGE/METHOD/PATH, got ${JSON.stringify(r)}`);
    }
  }
  const notPrincipal = s.NotPrincipal !== undefined;
  const principals = principalsOf(ctx, notPrincipal ? s.NotPrincipal : s.Principal, ptr(at, notPrincipal ? 'NotPrincipal' : 'Principal'));
  const conditions = conditionsOf(ctx, s.Condition, ptr(at, 'Condition'));
  return { pointer: at, allow: effect === 'Allow', actions, notAction, resources, notResource, principals, notPrincipal, conditions };
}

function strings(ctx: BuildContext, v: unknown, at: string, name: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  fail(ctx, at, `${name} must be a string or a list of strings, got ${typeName(v)}`);
}

/** `"*"`, `{"AWS": "*"}`: everyone ('*'); `{"AWS": [...]}`: those ARNs or account ids. Other principal kinds never match a caller here. */
function principalsOf(ctx: BuildContext, v: unknown, at: string): readonly string[] | '*' {
  if (v === '*') return '*';
  if (!isObject(v)) fail(ctx, at, `a Principal is "*" or an object such as {"AWS": [...]}, got ${typeName(v)}`);
  const out: string[] = [];
  for (const [kind, value] of Object.entries(v)) {
    const list = strings(ctx, value, ptr(at, kind), `Principal.${kind}`);
    if (kind === 'AWS') {
      if (list.includes('*')) return '*';
      out.push(...list);
    } else {
      warn(ctx, ptr(at, kind), `${kind} principals never call an API served by restgate: this part of the statement matches no request`);
    }
  }
  return out;
}

function conditionsOf(ctx: BuildContext, v: unknown, at: string): PolicyCondition[] {
  if (v === undefined) return [];
  if (!isObject(v)) fail(ctx, at, `Condition must be an object, got ${typeName(v)}`);
  const out: PolicyCondition[] = [];
  for (const [op, block] of Object.entries(v)) {
    const opAt = ptr(at, op);
    if (!isObject(block)) fail(ctx, opAt, `a condition operator takes an object of keys and values, got ${typeName(block)}`);
    const ifExists = op.endsWith('IfExists');
    const operator = ifExists ? op.slice(0, -'IfExists'.length) : op;
    const supported = OPERATORS.has(operator) && !op.includes(':');
    if (!supported) warn(ctx, opAt, `the condition operator ${op} is not evaluated by restgate: the statement applies to no request`);
    for (const [key, values] of Object.entries(block)) {
      const list = (Array.isArray(values) ? values : [values]).map((x) => (typeof x === 'boolean' || typeof x === 'number' ? String(x) : x));
      if (!list.every((x) => typeof x === 'string')) fail(ctx, ptr(opAt, key), `condition values are strings (or a list of them), got ${typeName(values)}`);
      if (supported && (operator === 'IpAddress' || operator === 'NotIpAddress')) {
        list.forEach((x, i) => {
          if (cidr(x as string) === undefined) fail(ctx, Array.isArray(values) ? ptr(opAt, key, i) : ptr(opAt, key), `${JSON.stringify(x)} is not an IP address or CIDR block`);
        });
      }
      out.push({ operator: supported ? operator : 'Unsupported', ifExists, key: key.toLowerCase(), values: list as string[] });
    }
  }
  return out;
}

/** An address or CIDR block as a BlockList holding it; undefined when it is neither. */
export function cidr(text: string): BlockList | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = slash === -1 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return undefined;
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list;
}
