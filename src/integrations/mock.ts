// MOCK integration (§3.4, §7.7): the integration status comes from the
// `statusCode` of the integration request body (normally the rendered request
// template, e.g. `{"statusCode": 200}`). API Gateway does not JSON-parse it but
// tokenises leniently, so the CDK CORS template `{statusCode: 200}` works
// (OBS [LS-11967]). Any integer, negative included, is accepted (OBS
// [LS-11148]); no integer → 500 "Internal server error". The endpoint body is
// empty: content comes only from response templates [LS-mock].
//
// Choice (docs/fidelity.md): when no request template applies and the body is
// empty, the status is 200 (DOC [D-mock]: a MOCK method can return the default
// integration response without a template).

import { GatewayError } from '../pipeline/types.js';
import type { EndpointResult } from '../pipeline/types.js';
import type { IntegrationHandler } from './types.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Lenient reader over a single top-level object. */
class Reader {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(): string | undefined {
    return this.s[this.i];
  }
  /** Quoted string with " or ', backslash escapes kept simple. */
  quoted(): string | undefined {
    const q = this.s[this.i];
    if (q !== '"' && q !== "'") return undefined;
    let out = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '\\') {
        out += this.s[this.i + 1] ?? '';
        this.i += 2;
        continue;
      }
      this.i++;
      if (c === q) return out;
      out += c;
    }
    return undefined;
  }
  key(): string | undefined {
    const q = this.quoted();
    if (q !== undefined) return q;
    const m = /^[A-Za-z_$][\w$-]*/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }
  /** Raw text of a value, skipping nested structures and strings. */
  value(): string | undefined {
    const start = this.i;
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '"' || c === "'") {
        if (this.quoted() === undefined) return undefined;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      this.i++;
    }
    if (depth !== 0) return undefined;
    return this.s.slice(start, this.i).trim();
  }
}

/**
 * Extracts the integer `statusCode` from a MOCK request body; undefined when
 * there is none (not an object, missing, not an integer, out of Java int range).
 */
export function parseMockStatusCode(text: string): number | undefined {
  const r = new Reader(text.trim());
  r.ws();
  if (r.peek() !== '{') return undefined;
  r.i++;
  let status: number | undefined;
  for (;;) {
    r.ws();
    if (r.peek() === '}') break;
    const key = r.key();
    if (key === undefined) return undefined;
    r.ws();
    if (r.peek() !== ':') return undefined;
    r.i++;
    r.ws();
    const raw = r.value();
    if (raw === undefined || raw === '') return undefined;
    if (key === 'statusCode') {
      if (!/^-?\d+$/.test(raw)) return undefined;
      const n = Number(raw);
      status = n >= INT_MIN && n <= INT_MAX ? n : undefined;
    }
    r.ws();
    if (r.peek() === ',') {
      r.i++;
      continue;
    }
    if (r.peek() === '}') break;
    return undefined;
  }
  r.i++;
  r.ws();
  if (r.i < r.s.length) return undefined;
  return status;
}

export const mockIntegration: IntegrationHandler = async (request) => {
  const text = request.body.toString('utf8');
  let status: number | undefined;
  if (text.trim() === '' && !request.templateApplied) status = 200;
  else status = parseMockStatusCode(text);
  if (status === undefined) {
    throw new GatewayError(
      'API_CONFIGURATION_ERROR',
      'Internal server error',
      undefined,
      'Execution failed due to configuration error: Unable to parse statusCode. It should be an integer that is defined in the request template.',
    );
  }
  const result: EndpointResult = {
    kind: 'endpoint',
    statusCode: status,
    selectionInput: String(status),
    headers: [],
    body: Buffer.alloc(0),
    contentType: undefined,
  };
  return result;
};
