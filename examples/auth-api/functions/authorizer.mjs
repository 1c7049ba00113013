// A TOKEN authorizer: "Bearer user-<name>" is allowed as <name>, "Bearer blocked-…" is denied,
// anything else is Unauthorized. (A real one would verify a signed token here.)
export const handler = async (event) => {
  const token = event.authorizationToken.replace(/^Bearer /, '');
  if (token.startsWith('user-')) return policy(token.slice('user-'.length), 'Allow', event.methodArn);
  if (token.startsWith('blocked-')) return policy(token, 'Deny', event.methodArn);
  throw new Error('Unauthorized');
};

const policy = (principalId, effect, resource) => ({
  principalId,
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
  context: { plan: 'free' },
});
