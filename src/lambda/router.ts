// Picks, per function, where an invocation goes:
//   1. the function's own `lambdaEndpoint` in the config → that endpoint;
//   2. a local function file (or config handler) → the local runtime;
//   3. the global endpoint (--lambda-endpoint or config `lambdaEndpoint`) → there;
//   4. otherwise the local runtime answers ResourceNotFoundException.

import type { RestgateConfig } from '../config.js';
import { functionArn, functionNotFound } from './errors.js';
import { createLocalInvoker, type LocalInvoker } from './local.js';
import { createRemoteInvoker } from './remote.js';
import type { InvokeRequest, InvokeResult, LambdaInvoker } from './types.js';

export interface InvokerOptions {
  /** Directory of local function files; without it only remote endpoints are used. */
  functionsDir?: string;
  config?: RestgateConfig;
  /** Global Invoke API endpoint (CLI --lambda-endpoint); wins over config.lambdaEndpoint. */
  lambdaEndpoint?: string;
  region?: string;
  accountId?: string;
  watch?: boolean;
  log?: (line: string) => void;
  idleTimeoutMs?: number;
  maxConcurrency?: number;
}

export interface RoutingInvoker extends LambdaInvoker {
  /** The local runtime, when a functions directory was given. */
  readonly local: LocalInvoker | undefined;
  /** Where a function's invocations go: 'local', an endpoint URL, or undefined when nowhere. */
  targetOf(functionName: string): string | undefined;
}

export function createInvoker(options: InvokerOptions): RoutingInvoker {
  const config = options.config ?? { functions: {}, stageVariables: {} };
  const region = options.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
  const local =
    options.functionsDir === undefined
      ? undefined
      : createLocalInvoker({
          functionsDir: options.functionsDir,
          config,
          region,
          ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
          ...(options.watch !== undefined ? { watch: options.watch } : {}),
          ...(options.log !== undefined ? { log: options.log } : {}),
          ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
          ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
        });
  const globalEndpoint = options.lambdaEndpoint ?? config.lambdaEndpoint;
  const remotes = new Map<string, LambdaInvoker>();
  const remote = (endpoint: string): LambdaInvoker => {
    let r = remotes.get(endpoint);
    if (!r) {
      r = createRemoteInvoker({ endpoint, region });
      remotes.set(endpoint, r);
    }
    return r;
  };

  const targetOf = (name: string): string | undefined => {
    const own = Object.prototype.hasOwnProperty.call(config.functions, name) ? config.functions[name]!.lambdaEndpoint : undefined;
    if (own) return own;
    if (local?.has(name)) return 'local';
    return globalEndpoint;
  };

  return {
    region,
    local,
    targetOf,
    has: (name) => targetOf(name) !== undefined,
    invoke(request: InvokeRequest): Promise<InvokeResult> {
      const target = targetOf(request.functionName);
      if (target === undefined) {
        if (local) return local.invoke(request);
        return Promise.reject(functionNotFound(functionArn(region, options.accountId ?? '123456789012', request.functionName, request.qualifier)));
      }
      return target === 'local' ? local!.invoke(request) : remote(target).invoke(request);
    },
    async close() {
      await Promise.all([local?.close(), ...[...remotes.values()].map((r) => r.close())]);
    },
  };
}
