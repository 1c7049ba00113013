// A Lambda proxy integration's answer (§5.2) read from the function's result: its status code,
// headers and body, or why API Gateway would call it malformed. The gateway reads the answers
// that come as JSON with it (../integrations/lambda-proxy.ts); a worker instance reads the answer
// where the function ran and sends what it found instead of the JSON, so that the gateway's thread
// parses and checks nothing (bootstrap.ts, RECORD.PROXY_RESULT).
//
// Self-contained (no imports): the instance bootstrap imports it. Only own keys are read (Object.keys),
// so that a function that adds enumerable properties to Object.prototype in its instance does not
// change what the check sees there.

/** A proxy answer as API Gateway takes it: the status code, the headers in order, the body text. */
export interface ProxyAnswer {
  readonly statusCode: number;
  /** `headers` then `multiValueHeaders`, a multi-value name winning over the same name in `headers`. */
  readonly headers: Array<[string, string]>;
  /** The body text ('' when absent or null). */
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

/** Why a header cannot be sent as HTTP (the reason's text), or undefined when it can. */
export type HeaderCheck = (name: string, text: string) => string | undefined;

const RESPONSE_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

// node:http's own rules (lib/_http_common.js checkIsHttpToken and checkInvalidHeaderChar, which
// validateHeaderName and validateHeaderValue apply): a name is a token; a value holds tab, visible
// ASCII and Latin-1 only. proxy-answer.test.ts checks that this agrees with node:http.
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** node:http's header rules without importing node:http; the reason is short (the gateway words its own). */
export const httpHeaderProblem: HeaderCheck = (name, text) => {
  if (!TOKEN.test(name)) return `header ${JSON.stringify(name)}: not a token`;
  if (INVALID_VALUE_CHAR.test(text)) return `header ${JSON.stringify(name)}: invalid character`;
  return undefined;
};

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The status code and headers of a proxy answer (§5.2): statusCode an integer (or digits) in 100-599,
 * default 200; `headers` and `multiValueHeaders` merged, a multi-value name winning over the same
 * name in `headers`. Shared by the buffered answer and a stream's metadata. A string: why it is malformed.
 */
export function readProxyHead(out: Record<string, unknown>, check: HeaderCheck): { statusCode: number; headers: Array<[string, string]> } | string {
  let statusCode = 200;
  const sc = out['statusCode'];
  if (sc !== undefined && sc !== null) {
    if (typeof sc === 'number' && Number.isInteger(sc)) statusCode = sc;
    else if (typeof sc === 'string' && /^\d+$/.test(sc)) statusCode = Number(sc);
    else return 'statusCode is not an integer';
  }
  if (statusCode < 100 || statusCode > 599) return 'statusCode out of range';

  const headers: Array<[string, string]> = [];
  const single = out['headers'];
  const multi = out['multiValueHeaders'];
  if (single !== undefined && single !== null && (typeof single !== 'object' || Array.isArray(single))) return 'headers is not an object';
  if (multi !== undefined && multi !== null && (typeof multi !== 'object' || Array.isArray(multi))) return 'multiValueHeaders is not an object';
  const multiMap = (multi ?? null) as Record<string, unknown> | null;
  // multiValueHeaders win over headers of the same name, in any case (§5.2).
  let multiNames: Set<string> | undefined;
  if (multiMap !== null) {
    multiNames = new Set();
    for (const k of Object.keys(multiMap)) multiNames.add(k.toLowerCase());
  }
  const singleMap = (single ?? null) as Record<string, unknown> | null;
  if (singleMap !== null) {
    for (const name of Object.keys(singleMap)) {
      const value = singleMap[name];
      if (value === null) continue;
      const text = headerText(value);
      if (text === undefined) return `header ${name} is not a string`;
      const problem = check(name, text);
      if (problem !== undefined) return problem;
      if (multiNames === undefined || !multiNames.has(name.toLowerCase())) headers.push([name, text]);
    }
  }
  if (multiMap !== null) {
    for (const name of Object.keys(multiMap)) {
      const values = multiMap[name];
      if (values === null) continue;
      if (!Array.isArray(values)) return `multiValueHeaders.${name} is not a list`;
      for (const v of values) {
        const text = headerText(v);
        if (text === undefined) return `multiValueHeaders.${name} has a non-string value`;
        const problem = check(name, text);
        if (problem !== undefined) return problem;
        headers.push([name, text]);
      }
    }
  }
  return { statusCode, headers };
}

/** The function's parsed result as a proxy answer (§5.2), or why it is malformed. */
export function readProxyAnswer(parsed: unknown, check: HeaderCheck): ProxyAnswer | string {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  const out = parsed as Record<string, unknown>;
  for (const key of Object.keys(out)) if (!RESPONSE_KEYS.has(key)) return `unexpected key ${key}`;
  const head = readProxyHead(out, check);
  if (typeof head === 'string') return head;
  const body = out['body'];
  if (body !== undefined && body !== null && typeof body !== 'string') return 'body is not a string';
  const b64 = out['isBase64Encoded'];
  if (b64 !== undefined && b64 !== null && typeof b64 !== 'boolean') return 'isBase64Encoded is not a boolean';
  return { statusCode: head.statusCode, headers: head.headers, body: (body as string | null | undefined) ?? '', isBase64Encoded: b64 === true };
}
