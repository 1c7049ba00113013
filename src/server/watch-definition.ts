// --watch, for the definition: when the definition file or restgate.config changes, the definition is
// loaded again and a new gateway replaces the old one; requests already in flight finish on the old
// one. A definition or config that does not load is reported (with its pointer) and the previous one
// keeps serving. restgate.config's function settings belong to the running functions: a change to
// them is reported, and applies after a restart (the functions' own files reload as they change).

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { CONFIG_FILE_NAMES, loadConfig, type RestgateConfig } from '../config.js';
import type { Gateway } from '../pipeline/run.js';

/** Saves come as bursts of events (editors write, rename, touch): one reload after they settle. */
const SETTLE_MS = 100;

/** The settings the function runtime took at start. */
function functionSettings(c: RestgateConfig): string {
  return JSON.stringify([c.functions, c.lambdaEndpoint, c.isolation, c.runtime]);
}

/** Watches the definition's directory; returns the function that stops watching. */
export function watchDefinition(
  definitionPath: string,
  started: RestgateConfig,
  build: (config: RestgateConfig) => Promise<Gateway>,
  swap: (gateway: Gateway) => void,
  log: (line: string) => void,
): () => void {
  const names = new Set<string>([basename(definitionPath), ...CONFIG_FILE_NAMES]);
  const dir = dirname(definitionPath);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const reload = async (): Promise<void> => {
    try {
      const config = await loadConfig(dir);
      if (functionSettings(config) !== functionSettings(started)) {
        log("restgate: restgate.config's function settings changed: restart restgate to apply them (the other settings apply now)");
      }
      const gateway = await build(config);
      if (stopped) return;
      swap(gateway);
      log(`restgate: reloaded ${definitionPath} (${gateway.router.routes.length} routes)`);
      for (const w of gateway.api.warnings) log(`warning: ${w.pointer}: ${w.message}`);
    } catch (err) {
      log(`restgate: not reloaded, still serving the previous definition: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = reload().finally(() => {
      running = undefined;
      if (again && !stopped) {
        again = false;
        run();
      }
    });
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, (_event, filename) => {
      if (filename !== null && !names.has(filename.toString())) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, SETTLE_MS);
      timer.unref();
    });
    watcher.on('error', (e) => log(`restgate: watching ${dir} failed: ${e.message}`));
  } catch (e) {
    log(`restgate: cannot watch ${dir}: ${(e as Error).message}`);
  }
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    watcher?.close();
  };
}
