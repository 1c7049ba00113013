// The ceiling: a bare node:http server that calls the proxy route's handler
// in-process with a minimal proxy event. Whatever restgate adds (routing,
// event building, isolation, response mapping) is measured against this.
// Prints "LISTENING <port>" once ready.
import { createServer } from 'node:http';
import { handler } from './functions/hello.mjs';

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const segments = url.pathname.split('/');
    const event = {
      httpMethod: req.method,
      path: url.pathname,
      headers: req.headers,
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : null,
      pathParameters: { id: segments.at(-1) },
      body: chunks.length ? Buffer.concat(chunks).toString('utf8') : null,
      isBase64Encoded: false,
    };
    try {
      const out = await handler(event, {});
      const body = Buffer.from(out.body ?? '');
      res.writeHead(out.statusCode, { ...out.headers, 'Content-Length': body.length });
      res.end(body);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: String(err) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
