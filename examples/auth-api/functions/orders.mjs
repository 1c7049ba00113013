// Answers who is asking: the authorizer's principal and context, or the API key's id.
export const handler = async (event) => {
  const { authorizer, identity } = event.requestContext;
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(authorizer ? { user: authorizer.principalId, plan: authorizer.plan } : { apiKeyId: identity.apiKeyId }),
  };
};
