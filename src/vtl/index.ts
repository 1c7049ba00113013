// Public API of the VTL engine (Velocity 1.7 semantics + API Gateway's $input/$util/$context).
// compileTemplate parses once (at definition load) into closures; renderMapping renders per request.

import { InputObject, RequestOverride, ResponseOverride, UtilObject } from './apigw.js';
import { compileAst, RenderFailure, type Program, type RenderOptions } from './compile.js';
import { parse, ParseError } from './parser.js';
import { fromPlain, JavaException } from './runtime.js';

export { LIMITS } from './compile.js';
export type { RenderOptions } from './compile.js';

/** Largest template API Gateway accepts: 300 KB (§2.4, §14). */
export const MAX_TEMPLATE_BYTES = 300 * 1024;

const PROGRAM: unique symbol = Symbol('vtl-program');

export interface CompiledTemplate {
  readonly source: string;
  /** @internal */
  readonly [PROGRAM]: Program;
}

/** Template text that cannot be parsed (reported at compile time). */
export class VtlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'VtlSyntaxError';
    this.line = line;
    this.column = column;
  }
}

/** Runtime failure: limits, #include/#parse, invalid overrides, budget exhausted, Java exceptions. */
export class VtlRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VtlRenderError';
  }
}

export interface MappingInput {
  /** $input.body */
  body: string;
  params: { path: Record<string, string>; querystring: Record<string, string>; header: Record<string, string> };
  /** $context as plain JS data. */
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

export interface MappingOutput {
  body: string;
  requestOverride: { header: Record<string, string>; path: Record<string, string>; querystring: Record<string, string> };
  responseOverride: { header: Record<string, string>; status: number | undefined };
}

/** Parse a template once. Throws VtlSyntaxError (with line and column). */
export function compileTemplate(source: string): CompiledTemplate {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_TEMPLATE_BYTES) {
    throw new VtlSyntaxError(`mapping template is ${bytes} bytes, larger than the 300 KB API Gateway allows`, 1, 1);
  }
  let program: Program;
  try {
    program = compileAst(parse(source));
  } catch (e) {
    if (e instanceof ParseError) throw new VtlSyntaxError(`VTL syntax error: ${e.reason}`, e.line, e.column);
    if (e instanceof RangeError) throw new VtlSyntaxError('VTL syntax error: template nesting is too deep', 1, 1);
    throw e;
  }
  return { source, [PROGRAM]: program };
}

function run(template: CompiledTemplate, init: (vars: unknown[]) => void, options: RenderOptions): string {
  try {
    return template[PROGRAM].run(init, options);
  } catch (e) {
    if (e instanceof RenderFailure) throw new VtlRenderError(e.message);
    if (e instanceof RangeError) throw new VtlRenderError(`template evaluation failed: ${e.message}`);
    if (e instanceof JavaException) throw new VtlRenderError(`${e.javaClass}: ${e.message}`);
    // never let an unexpected engine failure escape as anything but a render error
    if (e instanceof Error) throw new VtlRenderError(`template evaluation failed: ${e.name}: ${e.message}`);
    throw e;
  }
}

function record(m: Map<string, string>): Record<string, string> {
  const r: Record<string, string> = {};
  for (const [k, v] of m) r[k] = v;
  return r;
}

const UTIL = new UtilObject();
const EMPTY_PARAMS = { path: {}, querystring: {}, header: {} };

/** Render a mapping template with API Gateway's variables. Throws VtlRenderError. */
export function renderMapping(template: CompiledTemplate, input: MappingInput): MappingOutput {
  const program = template[PROGRAM];
  // only the variables the template reads are built (small templates render in about a microsecond)
  const sInput = program.slotOf('input');
  const sUtil = program.slotOf('util');
  const sContext = program.slotOf('context');
  const sStage = program.slotOf('stageVariables');
  let requestOverride: RequestOverride | undefined;
  let responseOverride: ResponseOverride | undefined;
  const body = run(
    template,
    (vars) => {
      if (sInput !== undefined) vars[sInput] = new InputObject(input.body ?? '', input.params ?? EMPTY_PARAMS);
      if (sUtil !== undefined) vars[sUtil] = UTIL;
      if (sStage !== undefined) vars[sStage] = fromPlain(input.stageVariables ?? {});
      if (sContext !== undefined) {
        const ctxPlain = input.context ?? {};
        const context = fromPlain(ctxPlain) as Map<string, unknown>;
        const visibleReq = (ctxPlain.requestOverride ?? {}) as ConstructorParameters<typeof RequestOverride>[0];
        const visibleResp = (ctxPlain.responseOverride ?? {}) as ConstructorParameters<typeof ResponseOverride>[0];
        requestOverride = new RequestOverride(typeof visibleReq === 'object' && visibleReq ? visibleReq : {});
        responseOverride = new ResponseOverride(typeof visibleResp === 'object' && visibleResp ? visibleResp : {});
        context.set('requestOverride', requestOverride);
        context.set('responseOverride', responseOverride);
        vars[sContext] = context;
      }
    },
    {},
  );
  return {
    body,
    requestOverride: requestOverride
      ? {
          header: record(requestOverride.header.values),
          path: record(requestOverride.path.values),
          querystring: record(requestOverride.querystring.values),
        }
      : { header: {}, path: {}, querystring: {} },
    responseOverride: responseOverride
      ? { header: record(responseOverride.header.values), status: responseOverride.status() }
      : { header: {}, status: undefined },
  };
}

/**
 * Render with arbitrary variables (plain JS data or Java values from values.ts).
 * Null references print as '' (API Gateway) unless options.nullAsLiteral (plain Velocity 1.7).
 */
export function renderTemplate(template: CompiledTemplate, variables: Record<string, unknown>, options: RenderOptions = {}): string {
  const program = template[PROGRAM];
  return run(
    template,
    (vars) => {
      for (const [k, v] of Object.entries(variables)) {
        const slot = program.slotOf(k);
        if (slot !== undefined) vars[slot] = fromPlain(v);
      }
    },
    options,
  );
}

export { InputObject, UtilObject, escapeJavaScript, urlEncode, urlDecode } from './apigw.js';
