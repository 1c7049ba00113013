// `restgate serve <definition>`: serve an API Gateway REST definition.

import { parseArgs } from 'node:util';
import { DefinitionError } from './definition/model.js';
import { startServer } from './server/index.js';

const USAGE = `Usage: restgate serve <definition> [options]

Serve an API Gateway REST API definition (OpenAPI 3.0 or Swagger 2.0, JSON or YAML)
with API Gateway's semantics.

Options:
  --functions DIR          functions directory (default: ./functions beside the definition)
  --port N                 port to listen on (default: 3000; 0 picks a free one)
  --host H                 address to bind (default: 127.0.0.1)
  --stage NAME             stage name (default: from basePath / servers[0])
  --stage-variable K=V     a stage variable (repeatable)
  --lambda-endpoint URL    invoke functions through this Lambda Invoke API endpoint
  --watch                  reload a function when its files change
  -h, --help               show this help
`;

function parseStageVariables(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--stage-variable expects NAME=VALUE, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port expects 0-65535, got "${value}"`);
  return port;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      functions: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      stage: { type: 'string' },
      'stage-variable': { type: 'string', multiple: true },
      'lambda-endpoint': { type: 'string' },
      watch: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, definition, ...extra] = positionals;
  // Lambda runs functions in UTC; worker-thread instances share this process's time zone (docs/fidelity.md).
  process.env.TZ = 'UTC';
  if (command !== 'serve' || !definition || extra.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }

  let server;
  try {
    server = await startServer({
      definition,
      functionsDir: values.functions,
      port: parsePort(values.port),
      host: values.host,
      stage: values.stage,
      stageVariables: parseStageVariables(values['stage-variable']),
      lambdaEndpoint: values['lambda-endpoint'],
      watch: values.watch ?? false,
    });
  } catch (err) {
    if (err instanceof DefinitionError) {
      process.stderr.write(`restgate: invalid definition\n  ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  for (const w of server.warnings) process.stderr.write(`warning: ${w.pointer}: ${w.message}\n`);
  const lines = [`restgate: serving "${server.api.title}" at ${server.url}`];
  const width = Math.max(...server.gateway.router.routes.map((r) => r.httpMethod.length), 3);
  for (const route of server.gateway.router.routes) {
    lines.push(`  ${route.httpMethod.padEnd(width)} ${server.url}${route.path === '/' ? '/' : route.path}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolveStop) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stdout.write(`restgate: ${signal}, finishing in-flight requests\n`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolveStop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
