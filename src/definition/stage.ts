// Stage name derivation (§15.2). Order: --stage; Swagger 2.0 `basePath`; OAS 3.0
// `servers[0].variables.basePath.default`, else the path of `servers[0].url`;
// otherwise DEFAULT_STAGE. Only the first segment names the stage; further segments
// are dropped with a warning (API Gateway's default import mode, basepath=ignore,
// drops the base path too).

import { type BuildContext, fail, isObject, warn } from './context.js';
import { ptr } from './pointer.js';

/** Stage used when the definition names none and no --stage is given. */
export const DEFAULT_STAGE = 'dev';
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

function checkName(ctx: BuildContext, name: string, pointer: string, origin: string): string {
  if (!STAGE_NAME.test(name)) {
    fail(ctx, pointer, `invalid stage name '${name}' (${origin}): stage names are 1-128 letters, digits, '-' or '_'`);
  }
  return name;
}

function fromBasePath(ctx: BuildContext, basePath: string, pointer: string, origin: string): string | undefined {
  const segments = basePath.split('/').filter((s) => s !== '');
  if (segments.length === 0) return undefined;
  if (segments.length > 1) {
    warn(ctx, pointer, `base path '${basePath}' has several segments: stage '${segments[0]}' is taken from the first, the rest is ignored`);
  }
  return checkName(ctx, segments[0]!, pointer, origin);
}

export function deriveStage(ctx: BuildContext, doc: Record<string, unknown>, oas3: boolean): string {
  if (ctx.options.stage !== undefined) return checkName(ctx, ctx.options.stage, '', 'from --stage');
  if (!oas3) {
    const basePath = doc.basePath;
    if (basePath === undefined || basePath === null) return DEFAULT_STAGE;
    if (typeof basePath !== 'string') fail(ctx, '/basePath', 'basePath must be a string');
    return fromBasePath(ctx, basePath, '/basePath', 'from basePath') ?? DEFAULT_STAGE;
  }
  const servers = doc.servers;
  if (servers === undefined || servers === null) return DEFAULT_STAGE;
  if (!Array.isArray(servers)) fail(ctx, '/servers', 'servers must be an array');
  if (servers.length === 0) return DEFAULT_STAGE;
  const server = servers[0];
  if (!isObject(server)) fail(ctx, '/servers/0', 'a server must be an object');
  const variables = isObject(server.variables) ? server.variables : {};
  const basePathVar = variables.basePath;
  if (isObject(basePathVar) && basePathVar.default !== undefined) {
    const at = '/servers/0/variables/basePath/default';
    if (typeof basePathVar.default !== 'string') fail(ctx, at, 'the basePath variable default must be a string');
    return fromBasePath(ctx, basePathVar.default, at, 'from servers[0].variables.basePath.default') ?? DEFAULT_STAGE;
  }
  const url = server.url;
  if (typeof url !== 'string') fail(ctx, '/servers/0/url', 'servers[0].url must be a string');
  // Fill {variables} with their defaults, then take the path.
  const filled = url.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const v = variables[name];
    return isObject(v) && typeof v.default === 'string' ? v.default : '';
  });
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(filled)) {
    try {
      path = new URL(filled).pathname;
    } catch {
      fail(ctx, ptr('/servers/0', 'url'), `servers[0].url '${url}' is not a valid URL`);
    }
  } else {
    path = filled.replace(/[?#].*$/s, '');
  }
  return fromBasePath(ctx, path, '/servers/0/url', 'from servers[0].url') ?? DEFAULT_STAGE;
}
