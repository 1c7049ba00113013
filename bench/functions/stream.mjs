// The benchmark's streaming function (AWS_PROXY with responseTransferMode STREAM, /stream/{key}):
// GET streams bench-<bytes>.bin's size in 64 KB writes, paced by the client (it waits for 'drain');
// PUT answers 200 and {} without reading the body.
const BLOCK = Buffer.alloc(64 * 1024, 0x5a);

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { 'Content-Type': 'application/octet-stream' } });
  if (event.httpMethod !== 'GET') {
    // write() then end(): a body given to end() alone would go out without the metadata (as on Lambda).
    stream.write('{}');
    stream.end();
    return;
  }
  let left = Number(/^bench-(\d+)\.bin$/.exec(event.pathParameters?.key ?? '')?.[1] ?? 0);
  while (left > 0) {
    const piece = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left);
    left -= piece.length;
    if (!stream.write(piece)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
});
