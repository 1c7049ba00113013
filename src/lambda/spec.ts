// A local function's resolved settings: where its code is and how it runs.

import type { ApplicationLogLevel, Isolation, SystemLogLevel } from '../config.js';

export interface FunctionSpec {
  readonly name: string;
  /** Lambda's /var/task: the directory the handler path is relative to. */
  readonly codeRoot: string;
  /** Lambda-style `path/module.export`. */
  readonly handler: string;
  readonly timeoutS: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
  /** Most instances at once (reservedConcurrency, else the runtime's default). */
  readonly concurrency: number;
  readonly isolation: Isolation;
  /**
   * The Lambda runtime played (AWS_EXECUTION_ENV = AWS_Lambda_<runtime>; nodejs24.x and later: the
   * rewritten runtime client): one of LAMBDA_RUNTIMES, or `nodejs<major>.x` of the Node running restgate.
   */
  readonly runtime: string;
  /** The runtime followed the Node major restgate runs on (nothing chose it). */
  readonly runtimeFromNode?: boolean;
  /**
   * loggingConfig.logFormat JSON, with Lambda's default levels filled in (INFO and INFO:
   * monitoring-cloudwatchlogs-log-level); undefined for the Text format.
   */
  readonly jsonLogs: { readonly applicationLogLevel: ApplicationLogLevel; readonly systemLogLevel: SystemLogLevel } | undefined;
}
