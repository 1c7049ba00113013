// `restgate serve <definition>`: serve an API Gateway REST definition.
// `restgate token --pool ID`: a token for a Cognito user pool authorizer, signed with a local key.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { DefinitionError } from './definition/model.js';
import { startServer } from './server/index.js';
import { mintToken, parseClaims } from './user-pool-token.js';

const USAGE = `Usage: restgate serve <definition> [options]
       restgate token --pool POOL_ID [token options]

Serve an API Gateway REST API definition (OpenAPI 3.0 or Swagger 2.0, JSON or YAML)
with API Gateway's semantics.

Options:
  --functions DIR          functions directory (default: ./functions beside the definition)
  --port N                 port to listen on (default: 3000; 0 picks a free one)
  --host H                 address to bind (default: 127.0.0.1)
  --stage NAME             stage name (default: from basePath / servers[0])
  --stage-variable K=V     a stage variable (repeatable)
  --lambda-endpoint URL    invoke functions through this Lambda Invoke API endpoint
  --tls-cert FILE          serve HTTPS with this PEM certificate (chain)...
  --tls-key FILE           ...and its PEM private key
  --watch                  reload a function when its files change, and the definition
                           and restgate.config when they do
  -h, --help               show this help
  -v, --version            print restgate's version

Token options (restgate token): print a JWT a Cognito user pool authorizer takes, signed with
a local key; the first run makes the key and its public key set for restgate.config's
userPools.<POOL_ID>.jwks:
  --pool POOL_ID           the user pool, e.g. us-east-1_AbC123 (its issuer)
  --key FILE               the private key (default: ./restgate.signing-key.json; its public
                           key set: ./restgate.jwks.json)
  --scope S                an access token granting S (repeatable); none: an ID token
  --claim NAME=VALUE       a claim added or replaced (repeatable; JSON values: true, 42, ["a"])
  --expires SECONDS        lifetime (default: 3600)
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

/** --tls-cert and --tls-key, read; both or neither. */
function tlsFiles(cert: string | undefined, key: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new Error('--tls-cert and --tls-key go together');
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${flag}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read('--tls-cert', cert), key: read('--tls-key', key) };
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
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      pool: { type: 'string' },
      key: { type: 'string' },
      scope: { type: 'string', multiple: true },
      claim: { type: 'string', multiple: true },
      expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    // dist/cli.js and src/cli.ts both sit one level below the package root.
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
    process.stdout.write(`restgate ${version}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const [command, definition, ...extra] = positionals;
  if (command === 'token' && positionals.length === 1) return token(values);
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
      tls: tlsFiles(values['tls-cert'], values['tls-key']),
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

async function token(values: { pool?: string | undefined; key?: string | undefined; scope?: string[] | undefined; claim?: string[] | undefined; expires?: string | undefined }): Promise<number> {
  if (values.pool === undefined) {
    process.stderr.write('restgate token: --pool POOL_ID is required\n');
    return 2;
  }
  const expiresIn = values.expires === undefined ? 3600 : Number(values.expires);
  if (!Number.isInteger(expiresIn) || expiresIn <= 0) throw new Error(`--expires expects a number of seconds, got "${values.expires}"`);
  const keyFile = values.key ?? 'restgate.signing-key.json';
  const minted = await mintToken({ pool: values.pool, keyFile, scopes: values.scope ?? [], claims: parseClaims(values.claim ?? []), expiresIn });
  if (minted.madeJwks !== undefined) {
    process.stderr.write(
      `restgate: made a signing key (${keyFile}; keep it private) and its public key set (${minted.madeJwks}): in restgate.config, "userPools": {"${values.pool}": {"jwks": "${minted.madeJwks}"}} (a path relative to the config)\n`,
    );
  }
  process.stdout.write(`${minted.token}\n`);
  return 0;
}
