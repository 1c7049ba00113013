// A streaming handler (awslambda.streamifyResponse, which the Node.js runtime provides as a global):
// the metadata (status and headers) first, through HttpResponseStream.from, then one server-sent
// event per tick, each reaching the client as it is written.
const tick = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const from = Math.min(Math.max(Number(event.queryStringParameters?.from ?? 3) || 3, 1), 10);
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
  });
  for (let n = from; n > 0; n--) {
    stream.write(`data: ${n}\n\n`);
    await tick(200);
  }
  stream.end('data: liftoff\n\n');
});
