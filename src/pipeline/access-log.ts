// The stage's access log (API Gateway Developer Guide, "Variables for access logging"): a format in
// which `$context.<name>` variables are replaced, once per request, by the request's `$context` values
// and the access-log-only ones (status, responseLength, responseLatency, integrationLatency,
// integrationStatus / integration.status / integration.latency, error.*). A variable without a value
// prints `-`. The format is compiled once.

import type { GatewayError, IncomingRequest, OutgoingResponse } from './types.js';

/** What the pipeline saw of one request, for its access log line. */
export interface AccessTrace {
  context?: Record<string, unknown>;
  integrationLatency?: number;
  integrationStatus?: number;
  error?: GatewayError;
}

export interface AccessRecord extends AccessTrace {
  readonly request: IncomingRequest;
  readonly response: OutgoingResponse;
  /** When the response was ready (ms). */
  readonly end: number;
}

/** `$context.` and a dotted name; a name ends at the first character that cannot be in one (a trailing `.` is text). */
const VARIABLE = /\$context\.([A-Za-z0-9_:]+(?:\.[A-Za-z0-9_:]+)*)/g;

/** A variable as the function giving its value for a request (undefined when it has none), made once per format. */
function variable(name: string): (r: AccessRecord) => unknown {
  switch (name) {
    case 'status':
      return (r) => r.response.statusCode;
    case 'responseLength':
      return (r) => (r.response.stream ? undefined : r.response.body.length);
    case 'responseLatency':
      return (r) => r.end - r.request.startTime;
    case 'integrationLatency':
    case 'integration.latency':
      return (r) => r.integrationLatency;
    case 'integrationStatus':
    case 'integration.status':
      return (r) => r.integrationStatus;
    case 'error.message':
      return (r) => (r.error?.type === 'AUTHORIZER_CONFIGURATION_ERROR' ? undefined : r.error?.message);
    case 'error.messageString':
      return (r) => (r.error === undefined ? undefined : JSON.stringify(r.error.message));
    case 'error.responseType':
      return (r) => r.error?.type;
    case 'error.validationErrorString':
      return (r) => r.error?.detail;
  }
  const path = name.split('.');
  return (r) => {
    let cur: unknown = r.context;
    for (const part of path) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  };
}

function text(v: unknown): string {
  if (v === undefined || v === null || v === '' || typeof v === 'object') return '-';
  return String(v);
}

/** The format as a function of one request's record. */
export function compileAccessLogFormat(format: string): (record: AccessRecord) => string {
  const literals: string[] = [];
  const values: Array<(r: AccessRecord) => unknown> = [];
  let last = 0;
  for (const m of format.matchAll(VARIABLE)) {
    literals.push(format.slice(last, m.index));
    values.push(variable(m[1]!));
    last = m.index + m[0].length;
  }
  literals.push(format.slice(last));
  return (record) => {
    let out = literals[0]!;
    for (let i = 0; i < values.length; i++) out += text(values[i]!(record)) + literals[i + 1]!;
    return out;
  };
}
