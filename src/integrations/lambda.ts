// AWS integration with a Lambda uri (non-proxy, §6): the integration request
// body is the event; the function's answer is always a 200 endpoint response
// whose selection input is the error's errorMessage ('' on success, §3.1).

import { headerValue } from '../pipeline/media-types.js';
import type { EndpointResult } from '../pipeline/types.js';
import { invokeForIntegration } from '../lambda/gateway.js';
import type { IntegrationHandler } from './types.js';

/** The errorMessage of a Lambda error payload, as the selection patterns see it. */
export function errorMessageOf(payload: Buffer): string {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const message = (parsed as Record<string, unknown>)['errorMessage'];
      if (typeof message === 'string') return message;
      if (message === undefined || message === null) return '';
      return JSON.stringify(message);
    }
  } catch {
    // not JSON: nothing to select on
  }
  return '';
}

export const lambdaIntegration: IntegrationHandler = async (request, _ctx, deps) => {
  // `integration.request.header.X-Amz-Invocation-Type: 'Event'` makes the call asynchronous.
  const type = headerValue(request.headers, 'x-amz-invocation-type');
  const invocationType = type === 'Event' || type === 'DryRun' ? type : 'RequestResponse';
  const result = await invokeForIntegration(request, deps, request.body, invocationType);
  return endpointResult(result.statusCode, result.payload, result.functionError);
};

function endpointResult(statusCode: number, payload: Buffer, functionError: string | undefined): EndpointResult {
  return {
    kind: 'endpoint',
    statusCode,
    selectionInput: functionError ? errorMessageOf(payload) : '',
    body: payload,
    contentType: 'application/json',
    headers: [],
  };
}
