// A local function's resolved settings: where its code is and how it runs.

import type { Isolation } from '../config.js';

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
}
