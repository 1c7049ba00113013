// Drives N requests through restgate's pipeline in-process (gateway.handle(), no HTTP), 50 in
// flight, then exits: what bench/instructions.mjs counts under callgrind. The function runs in its
// own worker instances as in `restgate serve` (two of them at most).
//
// Usage: node bench/lib/calls.mjs ROOT ROUTE N   (ROOT: a built checkout; ROUTE: proxy | mock)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, route, count] = process.argv.slice(2);
const PATHS = { proxy: '/bench/proxy/42', mock: '/bench/mock' };
if (!root || !PATHS[route] || !(Number(count) > 0)) {
  console.error('usage: node bench/lib/calls.mjs ROOT proxy|mock N');
  process.exit(2);
}
const load = (rel) => import(pathToFileURL(join(root, 'dist', rel)).href);
const { loadDefinition } = await load('definition/load.js');
const { createGateway } = await load('pipeline/run.js');
const { createLocalInvoker } = await load('lambda/local.js');

const tmp = join(root, 'bench', 'results', 'tmp');
mkdirSync(tmp, { recursive: true });
const definition = join(tmp, `calls-api-${process.pid}.json`);
// The HTTP route is not called: its backend port only has to be a valid one.
writeFileSync(definition, readFileSync(join(root, 'bench', 'api.json'), 'utf8').replaceAll('{{BACKEND_PORT}}', '9'));

// Log lines are dropped (counted): what a sink does with them is not the pipeline's cost.
let logged = 0;
const log = (line) => {
  logged += line.length;
};
const config = { functions: { hello: { timeout: 900 } }, stageVariables: {} };
// Valgrind runs code ~50x slower: the runtime's clocks (the init limit, how long a call may wait
// behind another before it is placed again) are stretched so that they do not fire where they would
// not at full speed.
const invoker = createLocalInvoker({
  functionsDir: join(root, 'bench', 'functions'),
  config,
  log,
  maxConcurrency: 2,
  maxWaitMs: 60_000,
  initLimitMs: 600_000,
});
const api = await loadDefinition(definition, { functionExists: (name) => invoker.has(name) }).finally(() => rmSync(definition, { force: true }));
const gateway = createGateway(api, { lambda: invoker, http: undefined }, { log });

const request = () => ({
  requestId: randomUUID(),
  extendedRequestId: 'ca2IdHHqoAMFo6w=',
  startTime: Date.now(),
  httpMethod: 'GET',
  rawPath: PATHS[route],
  rawQuery: '',
  query: [],
  headers: [
    ['host', '127.0.0.1:3000'],
    ['user-agent', 'autocannon'],
    ['accept', 'application/json'],
  ],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
});

// Both instances started first (a cold start under valgrind can take longer than the integration
// timeout): four rounds of two calls, more while one fails. Every run of a checkout warms up alike,
// so the difference of two runs leaves it out.
for (let warm = 0; warm < 20; warm++) {
  const answers = await Promise.all([gateway.handle(request()), gateway.handle(request())]);
  if (answers.every((a) => a.statusCode === 200) && warm >= 3) break;
}

let left = Number(count);
async function lane() {
  while (left-- > 0) {
    const response = await gateway.handle(request());
    if (response.statusCode !== 200) throw new Error(`${route}: ${response.statusCode} ${response.body.toString('utf8')}`);
  }
}
await Promise.all(Array.from({ length: 50 }, lane));
await invoker.close();
console.log(`calls ${count}, log bytes ${logged}`);
