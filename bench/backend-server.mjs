// The HTTP_PROXY route's backend: a bare node:http server in its own process.
// Prints "LISTENING <port>" once ready.
import { createServer } from 'node:http';

const payload = Buffer.from(JSON.stringify({ message: 'hello', from: 'backend' }));
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
    res.end(payload);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
