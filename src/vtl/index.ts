// Public API of the VTL engine (Velocity 1.7 semantics + API Gateway's $input/$util/$context).
// compileTemplate parses once (at definition load); renderMapping renders per request.

export interface CompiledTemplate {
  readonly source: string;
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

/** Runtime failure: limits, #include/#parse, invalid overrides, budget exhausted. */
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

export function compileTemplate(source: string): CompiledTemplate {
  return { source };
}

export function renderMapping(_template: CompiledTemplate, _input: MappingInput): MappingOutput {
  throw new VtlRenderError('VTL engine not implemented yet');
}

export function renderTemplate(_template: CompiledTemplate, _variables: Record<string, unknown>): string {
  throw new VtlRenderError('VTL engine not implemented yet');
}
