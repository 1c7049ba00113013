// Template rendering: restgate's VTL engine (dist/vtl/index.js:
// compileTemplate once + renderMapping per request) against velocityjs
// (parse + Compile once, render per request) on the same mapping templates and
// the same request data. velocityjs gets an equivalent $input/$util built per
// render (as a gateway built on it has to). Run by bench/run.mjs in its own
// process; prints one JSON line. Flags: --ms N (measuring time per template and engine).
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import velocity from 'velocityjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const msArg = process.argv.indexOf('--ms');
const measureMs = msArg > 0 ? Number(process.argv[msArg + 1]) : 1000;

// ---- request data shared by both engines ---------------------------------
const orderBody = JSON.stringify({
  name: 'Bench "order" \\ with quotes',
  items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: i + 1 })),
});
const listBody = JSON.stringify(
  Array.from({ length: 20 }, (_, i) => ({ id: i + 1, type: i % 2 ? 'dog' : 'cat', price: 10.5 + i })),
);
const lambdaResult = JSON.stringify({
  id: '42',
  name: 'Bench "order"',
  total: 165,
  lines: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${1000 + i}`, amount: (i + 1) * 3 })),
});
const context = {
  accountId: '123456789012',
  apiId: 'abcdef1234',
  httpMethod: 'POST',
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  resourcePath: '/custom/{id}',
  stage: 'bench',
  identity: { sourceIp: '127.0.0.1', userAgent: 'autocannon' },
};
const params = {
  path: { id: '42' },
  querystring: { key: 'image.jpg', verbose: 'true' },
  header: { Accept: 'application/json', 'Content-Type': 'application/json', Host: '127.0.0.1', 'User-Agent': 'autocannon' },
};
const stageVariables = { backend: 'local', version: '1' };

const api = JSON.parse(readFileSync(new URL('./api.json', import.meta.url), 'utf8'));
const customIntegration = api.paths['/custom/{id}'].post['x-amazon-apigateway-integration'];

// The templates: the seed example's (binary-files-in-lambda), the bench API's,
// and two common shapes (array-to-array reshaping; "everything" passthrough).
const cases = [
  { name: 'seed GET request', template: '{\n "imageKey": "$input.params(\'key\')"\n}', body: '' },
  { name: 'seed PUT request', template: '{\n "imageKey": "$input.params(\'key\')", "image": "$input.body"\n}', body: 'W3JhdyBieXRlc10='.repeat(64) },
  { name: 'seed GET response', template: '{\n "image": "$input.body"\n}', body: '"W3JhdyBieXRlc10="' },
  { name: 'bench custom request', template: customIntegration.requestTemplates['application/json'], body: orderBody },
  { name: 'bench custom response', template: customIntegration.responses.default.responseTemplates['application/json'], body: lambdaResult },
  {
    name: 'array reshape (foreach)',
    template: [
      '#set($inputRoot = $input.path(\'$\'))',
      '[',
      '#foreach($elem in $inputRoot)',
      '  {',
      '    "description" : "Item $elem.id is a $elem.type.",',
      '    "askingPrice" : $elem.price',
      '  }#if($foreach.hasNext),#end',
      '',
      '#end',
      ']',
    ].join('\n'),
    body: listBody,
  },
  {
    name: 'full passthrough',
    template: [
      '#set($all = $input.params())',
      '{',
      '"body" : $input.json(\'$\'),',
      '"params" : {',
      '#foreach($kind in $all.keySet())',
      '#set($group = $all.get($kind))',
      '"$kind" : {',
      '#foreach($n in $group.keySet())',
      '"$n" : "$util.escapeJavaScript($group.get($n))"#if($foreach.hasNext),#end',
      '',
      '#end',
      '}#if($foreach.hasNext),#end',
      '',
      '#end',
      '},',
      '"stage-variables" : {',
      '#foreach($k in $stageVariables.keySet())',
      '"$k" : "$util.escapeJavaScript($stageVariables.get($k))"#if($foreach.hasNext),#end',
      '',
      '#end',
      '},',
      '"context" : {',
      '  "http-method" : "$context.httpMethod",',
      '  "stage" : "$context.stage",',
      '  "request-id" : "$context.requestId",',
      '  "resource-path" : "$context.resourcePath",',
      '  "source-ip" : "$context.identity.sourceIp"',
      '}',
      '}',
    ].join('\n'),
    body: orderBody,
  },
];

// ---- velocityjs side: $input / $util in plain JS ---------------------------
// A small JSONPath subset ($, .name, ['name'], [index]) is enough for these templates.
function readPath(doc, path) {
  let cur = doc;
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]/g;
  const rest = path.slice(1);
  let m;
  let consumed = 0;
  while ((m = re.exec(rest))) {
    if (m.index !== consumed) throw new Error(`unsupported path ${path}`);
    consumed = re.lastIndex;
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = m[1] !== undefined ? cur[m[1]] : m[2] !== undefined ? cur[Number(m[2])] : cur[m[3]];
  }
  if (consumed !== rest.length) throw new Error(`unsupported path ${path}`);
  return cur;
}
function velocityContext(body) {
  let parsed;
  const doc = () => (parsed === undefined ? (parsed = body ? JSON.parse(body) : {}) : parsed);
  return {
    input: {
      body,
      json: (p) => JSON.stringify(readPath(doc(), p) ?? null),
      path: (p) => readPath(doc(), p),
      params: (name) =>
        name === undefined ? params : (params.path[name] ?? params.querystring[name] ?? params.header[name] ?? ''),
    },
    util: {
      // commons-lang escapeJavaScript also escapes ' and /.
      escapeJavaScript: (s) => JSON.stringify(String(s)).slice(1, -1).replace(/'/g, "\\'").replace(/\//g, '\\/'),
      parseJson: (s) => JSON.parse(s),
      urlEncode: (s) => encodeURIComponent(s),
      urlDecode: (s) => decodeURIComponent(s),
      base64Encode: (s) => Buffer.from(String(s)).toString('base64'),
      base64Decode: (s) => Buffer.from(String(s), 'base64').toString('utf8'),
    },
    context,
    stageVariables,
  };
}

function timeLoop(fn, ms) {
  // Warm-up, then count whole batches until the time is up.
  const warmEnd = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < warmEnd) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 64; i++) fn();
    n += 64;
    t = performance.now();
  }
  return { renders: n, ms: t - t0, perSec: (n * 1000) / (t - t0) };
}

let vtl;
let vtlError;
try {
  vtl = await import(pathToFileURL(`${root}dist/vtl/index.js`).href);
  if (typeof vtl.compileTemplate !== 'function' || (typeof vtl.renderMapping !== 'function' && typeof vtl.renderTemplate !== 'function')) {
    throw new Error('dist/vtl/index.js does not export compileTemplate + renderMapping/renderTemplate yet');
  }
} catch (err) {
  vtl = undefined;
  vtlError = err.code === 'ERR_MODULE_NOT_FOUND' ? 'dist/vtl/index.js not found (npm run build)' : err.message.split('\n')[0];
}

const results = [];
for (const c of cases) {
  const row = { name: c.name, templateBytes: c.template.length, bodyBytes: c.body.length };
  // velocityjs
  try {
    const compiled = new velocity.Compile(velocity.parse(c.template));
    const render = () => compiled.render(velocityContext(c.body));
    row.velocityjsOutput = render();
    row.velocityjs = timeLoop(render, measureMs);
  } catch (err) {
    row.velocityjsError = err.message.split('\n')[0];
  }
  // restgate
  if (vtl) {
    try {
      const compiled = vtl.compileTemplate(c.template);
      const input = { body: c.body, params, context, stageVariables };
      const render = vtl.renderMapping
        ? () => vtl.renderMapping(compiled, input).body
        : () => vtl.renderTemplate(compiled, { input, context, stageVariables });
      row.restgateOutput = render();
      row.restgate = timeLoop(render, measureMs);
    } catch (err) {
      row.restgateError = err.message.split('\n')[0];
    }
  }
  if (row.restgate && row.velocityjs) row.ratio = row.restgate.perSec / row.velocityjs.perSec;
  if (row.restgateOutput !== undefined && row.velocityjsOutput !== undefined) {
    row.sameOutput = row.restgateOutput === row.velocityjsOutput;
    if (!row.sameOutput) {
      const a = row.restgateOutput;
      const b = row.velocityjsOutput;
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      row.firstDifference = { index: i, restgate: a.slice(Math.max(0, i - 40), i + 60), velocityjs: b.slice(Math.max(0, i - 40), i + 60) };
    }
  }
  results.push(row);
}
const ratios = results.map((r) => r.ratio).filter((r) => r > 0);
const geomean = ratios.length === results.length && ratios.length ? Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length) : undefined;
process.stdout.write(`${JSON.stringify({ measureMs, restgateAvailable: !!vtl, restgateError: vtlError, cases: results, geomeanRatio: geomean })}\n`);
