// The HTTP_PROXY routes' backend: a bare node:http server in its own process.
//   GET /hello         small JSON
//   PUT /blob/KEY      stores the body in memory (binary benchmark uploads)
//   GET /blob/KEY      returns the stored bytes as application/octet-stream
// Prints "LISTENING <port>" once ready.
import { createServer } from 'node:http';

const hello = Buffer.from(JSON.stringify({ message: 'hello', from: 'backend' }));
const blobs = new Map();

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const blob = /^\/blob\/([^/?]+)/.exec(req.url ?? '');
    if (blob && req.method === 'PUT') {
      const body = Buffer.concat(chunks);
      blobs.set(blob[1], body);
      const out = Buffer.from(JSON.stringify({ key: blob[1], size: body.length }));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': out.length });
      res.end(out);
    } else if (blob && req.method === 'GET') {
      const body = blobs.get(blob[1]);
      if (!body) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"message":"no such blob"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': hello.length });
      res.end(hello);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
