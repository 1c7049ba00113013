// Method request (§8, §10): find the (resource, method) pair for the request
// and check it against the method's requirements. No match is API Gateway's
// famous 403 Missing Authentication Token, never a 404 or 405.

import type { ApiDefinition } from '../definition/model.js';
import type { Router } from '../routing/router.js';
import { headerValue } from './media-types.js';
import { GatewayError, type IncomingRequest, type RouteMatch } from './types.js';

export interface MethodRequest {
  /** The verb used for routing: the client's, or X-HTTP-Method-Override's [D-notes]. */
  readonly httpMethod: string;
  /** Decoded path after the stage (`/` for the stage root). */
  readonly path: string;
  readonly route: RouteMatch | undefined;
}

/** Split `/v1/a/b` into the stage and the rest; undefined when the path does not start with `/stage/`. */
export function stripStage(rawPath: string, stage: string): string | undefined {
  const prefix = `/${stage}`;
  if (!rawPath.startsWith(prefix)) return undefined;
  const rest = rawPath.slice(prefix.length);
  // `/v1` alone is not the root: API Gateway wants `/v1/` (§8).
  return rest.startsWith('/') ? rest : undefined;
}

function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  return path
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join('/');
}

/** Resolve the route; `route` is undefined when nothing matches (the caller answers 403). */
export function resolveMethodRequest(api: ApiDefinition, router: Router, request: IncomingRequest): MethodRequest {
  const override = headerValue(request.headers, 'x-http-method-override');
  const httpMethod = override ? override.trim().toUpperCase() : request.httpMethod;
  const rest = stripStage(request.rawPath, api.stage);
  if (rest === undefined) return { httpMethod, path: decodePath(request.rawPath), route: undefined };
  const path = decodePath(rest);
  const found = router.match(rest, httpMethod);
  if (!found) return { httpMethod, path, route: undefined };
  return {
    httpMethod,
    path,
    route: { resource: found.resource, method: found.method, pathParameters: found.pathParameters, path },
  };
}

export function missingAuthenticationToken(): GatewayError {
  return new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token');
}
