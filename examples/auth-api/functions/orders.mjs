// Answers who is asking: the user pool's claims, the authorizer's principal and context, or the API key's id.
export const handler = async (event) => {
  const { authorizer, identity } = event.requestContext;
  const who = authorizer?.claims
    ? { email: authorizer.claims.email, groups: authorizer.claims['cognito:groups'] }
    : authorizer
      ? { user: authorizer.principalId, plan: authorizer.plan }
      : { apiKeyId: identity.apiKeyId };
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(who) };
};
