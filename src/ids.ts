// Random ids shaped like AWS's, drawn from one pooled buffer of random bytes:
// one system call per 4 KB instead of one (or a UUID parse) per id.

import { randomBytes } from 'node:crypto';

let pool = Buffer.alloc(0);
let offset = 0;

function draw(bytes: number): number {
  if (offset + bytes > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const at = offset;
  offset += bytes;
  return at;
}

export function randomHex(bytes: number): string {
  const at = draw(bytes);
  return pool.toString('hex', at, at + bytes);
}

/** `x-amz-apigw-id` / `$context.extendedRequestId`: 11 random bytes, base64 (`ca2IdHHqoAMFo6w=`). */
export function extendedRequestId(): string {
  const at = draw(11);
  return pool.toString('base64', at, at + 11);
}

/** An X-Ray trace root: `1-<epoch seconds, 8 hex>-<24 hex>`. */
export function traceRoot(epochMs: number = Date.now()): string {
  return `1-${Math.floor(epochMs / 1000).toString(16).padStart(8, '0')}-${randomHex(12)}`;
}
