// Routing (§8): resources are compiled once into a segment trie; a request is
// matched on the (resource, method) pair, trying literal segments before
// `{param}` before `{proxy+}` at every level, so a greedy `ANY` elsewhere in
// the tree still serves a verb the most specific resource lacks [MS-1423].

import type { HttpMethod, Method, Resource } from '../definition/model.js';

interface Node {
  readonly literal: Map<string, Node>;
  param: { readonly name: string; readonly node: Node } | undefined;
  greedy: { readonly name: string; readonly resource: Resource } | undefined;
  resource: Resource | undefined;
}

export interface RouteResult {
  readonly resource: Resource;
  readonly method: Method;
  readonly pathParameters: Record<string, string>;
}

export interface Router {
  /** Match a decoded path after the stage (`/lambda`, `/` for root) and a verb. */
  match(path: string, httpMethod: string): RouteResult | undefined;
  /** Every (verb, resource path) pair, for the start-up listing. */
  readonly routes: ReadonlyArray<{ readonly httpMethod: HttpMethod; readonly path: string }>;
}

function newNode(): Node {
  return { literal: new Map(), param: undefined, greedy: undefined, resource: undefined };
}

/** Split `/a/b/` into `['a', 'b']`; the root is `[]`. */
function segmentsOf(path: string): string[] {
  return path.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));
}

export function compileRouter(resources: readonly Resource[]): Router {
  const root = newNode();
  const routes: Array<{ httpMethod: HttpMethod; path: string }> = [];
  for (const resource of resources) {
    let node = root;
    for (const segment of segmentsOf(resource.path)) {
      if (segment.startsWith('{') && segment.endsWith('+}')) {
        // The definition loader guarantees a greedy segment is the last one.
        node.greedy = { name: segment.slice(1, -2), resource };
        node = undefined as unknown as Node;
        break;
      }
      if (segment.startsWith('{') && segment.endsWith('}')) {
        node.param ??= { name: segment.slice(1, -1), node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(segment);
        if (!next) node.literal.set(segment, (next = newNode()));
        node = next;
      }
    }
    if (node) node.resource = resource;
    for (const verb of Object.keys(resource.methods) as HttpMethod[]) routes.push({ httpMethod: verb, path: resource.path });
  }

  function methodOf(resource: Resource | undefined, verb: string): Method | undefined {
    if (!resource) return undefined;
    return resource.methods[verb as HttpMethod] ?? resource.methods.ANY;
  }

  function walk(node: Node, segments: string[], i: number, verb: string, params: Record<string, string>): RouteResult | undefined {
    if (i === segments.length) {
      const method = methodOf(node.resource, verb);
      return method ? { resource: node.resource!, method, pathParameters: { ...params } } : undefined;
    }
    const segment = segments[i]!;
    const lit = node.literal.get(segment);
    if (lit) {
      const found = walk(lit, segments, i + 1, verb, params);
      if (found) return found;
    }
    if (node.param && segment !== '') {
      params[node.param.name] = segment;
      const found = walk(node.param.node, segments, i + 1, verb, params);
      delete params[node.param.name];
      if (found) return found;
    }
    if (node.greedy) {
      const method = methodOf(node.greedy.resource, verb);
      if (method) {
        return {
          resource: node.greedy.resource,
          method,
          pathParameters: { ...params, [node.greedy.name]: segments.slice(i).join('/') },
        };
      }
    }
    return undefined;
  }

  return {
    routes,
    match(path, httpMethod) {
      const segments = segmentsOf(path).map(decodeSegment);
      return walk(root, segments, 0, httpMethod, {});
    },
  };
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
