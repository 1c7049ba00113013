// Shared state while building one ApiDefinition: warnings, consumed extensions, options.

import { DefinitionError, type LoadWarning } from './model.js';

export interface LoadOptions {
  /** Overrides the stage derived from basePath / servers (--stage). */
  stage?: string;
  /**
   * When given, a Lambda integration whose function does not exist is a load error.
   * Called with the function name taken from the integration uri.
   */
  functionExists?: (functionName: string) => boolean;
  /**
   * Optional text appended to "function NAME not found" when functionExists returns
   * false, e.g. `(looked for fns/NAME.{ts,mts,js,mjs,cjs} or fns/NAME/index.*)`.
   */
  describeFunctionLookup?: (functionName: string) => string;
  /**
   * Stage variables, used to resolve `${stageVariables.x}` inside Lambda integration
   * uris at load time (the rest of the uri forms are left to the integrations).
   */
  stageVariables?: Readonly<Record<string, string>>;
}

export interface BuildContext {
  readonly file: string | undefined;
  readonly warnings: LoadWarning[];
  /** Extension keys read by the builder, by container object (so they are not reported). */
  readonly consumed: WeakMap<object, Set<string>>;
  readonly options: LoadOptions;
}

export function fail(ctx: BuildContext, pointer: string, problem: string): never {
  throw new DefinitionError(pointer, problem, ctx.file);
}

export function warn(ctx: BuildContext, pointer: string, message: string): void {
  ctx.warnings.push({ pointer, message });
}

export function consume(ctx: BuildContext, container: object, key: string): void {
  let keys = ctx.consumed.get(container);
  if (!keys) ctx.consumed.set(container, (keys = new Set()));
  keys.add(key);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON-ish type name for messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

export function expectObject(ctx: BuildContext, v: unknown, pointer: string, what: string): Record<string, unknown> {
  if (!isObject(v)) fail(ctx, pointer, `${what} must be an object, got ${typeName(v)}`);
  return v;
}

export function optionalString(ctx: BuildContext, v: unknown, pointer: string, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(ctx, pointer, `${what} must be a string, got ${typeName(v)}`);
  return v;
}

/** An object of string values (requestParameters, templates...), in definition order. */
export function stringMap(ctx: BuildContext, v: unknown, pointer: string, what: string): Array<[string, string]> {
  if (v === undefined || v === null) return [];
  const obj = expectObject(ctx, v, pointer, what);
  const out: Array<[string, string]> = [];
  for (const [k, val] of Object.entries(obj)) {
    if (typeof val !== 'string') fail(ctx, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, `${what} values must be strings, got ${typeName(val)}`);
    out.push([k, val]);
  }
  return out;
}
