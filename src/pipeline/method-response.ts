// Method response (§3.5, §13.3): the last check before the client — the
// selected status must be a declared method response, and a response with no
// Content-Type gets the template's media type or application/json.

import type { Method } from '../definition/model.js';
import type { IntegrationResponseOutput } from './integration-response.js';
import { GatewayError, type OutgoingResponse } from './types.js';

export function toMethodResponse(method: Method, output: IntegrationResponseOutput): OutgoingResponse {
  // A selected status with no method response is a configuration error [D-intresp, D-lambdaerr].
  if (!(output.selectedStatus in method.methodResponses)) {
    throw new GatewayError(
      'API_CONFIGURATION_ERROR',
      'Internal server error',
      undefined,
      `Integration response status ${output.selectedStatus} has no method response`,
    );
  }
  const { response } = output;
  if (response.headers.some(([k]) => k.toLowerCase() === 'content-type')) return response;
  return { ...response, headers: [...response.headers, ['Content-Type', output.templateType ?? 'application/json']] };
}
