// Resource path rules (§8): literal segments of letters, digits, '-', '.', ',', '_';
// `{param}` only as a whole segment; greedy `{name+}` only last; one variable child
// per resource (API Gateway: "A sibling ({x}) of this resource already has a variable
// path part -- only one is allowed", seen in amazon-archives/aws-apigateway-importer#202).

import { type BuildContext, fail } from './context.js';

const LITERAL = /^[A-Za-z0-9._,-]+$/;
const VARIABLE = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

export interface PathSegment {
  readonly literal: string | undefined;
  readonly param: string | undefined;
  readonly greedy: boolean;
}

export function parseResourcePath(ctx: BuildContext, path: string, pointer: string): PathSegment[] {
  if (!path.startsWith('/')) fail(ctx, pointer, `invalid resource path '${path}': it must start with '/'`);
  if (path === '/') return [];
  const parts = path.slice(1).split('/');
  const seen = new Set<string>();
  return parts.map((part, i) => {
    if (part === '') {
      fail(ctx, pointer, `invalid resource path '${path}': empty segment (no '//' and no trailing '/')`);
    }
    const v = VARIABLE.exec(part);
    if (v) {
      const name = v[1]!;
      const greedy = v[2] === '+';
      if (greedy && i !== parts.length - 1) {
        fail(ctx, pointer, `invalid resource path '${path}': the greedy variable {${name}+} must be the last segment`);
      }
      if (seen.has(name)) fail(ctx, pointer, `invalid resource path '${path}': path parameter '${name}' appears more than once`);
      seen.add(name);
      return { literal: undefined, param: name, greedy };
    }
    if (part.includes('{') || part.includes('}')) {
      fail(ctx, pointer, `invalid resource path '${path}': segment '${part}' must be a whole {param} (a path variable cannot share a segment with text)`);
    }
    if (!LITERAL.test(part)) {
      fail(ctx, pointer, `invalid resource path '${path}': segment '${part}' may only contain letters, digits, '-', '.', ',' and '_'`);
    }
    return { literal: part, param: undefined, greedy: false };
  });
}

/** Checks that no resource has two different variable children, across all paths. */
export class ResourceTree {
  private readonly variableChild = new Map<string, string>();

  add(ctx: BuildContext, path: string, segments: readonly PathSegment[], pointer: string): void {
    let parent = '';
    for (const s of segments) {
      const text = s.literal ?? `{${s.param}${s.greedy ? '+' : ''}}`;
      if (s.param !== undefined) {
        const existing = this.variableChild.get(parent);
        if (existing !== undefined && existing !== text) {
          fail(
            ctx,
            pointer,
            `invalid resource path '${path}': A sibling (${existing}) of this resource already has a variable path part -- only one is allowed`,
          );
        }
        this.variableChild.set(parent, text);
      }
      parent += `/${text}`;
    }
  }
}
