// Lambda proxy (AWS_PROXY) handler used by the benchmark's proxy route, by the
// ceiling server (called in-process there) and by the serverless-offline peer.
export const handler = async (event) => {
  const id = event.pathParameters ? event.pathParameters.id : null;
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'hello', id, method: event.httpMethod }),
  };
};
