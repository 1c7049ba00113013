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

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const uuidText = Buffer.alloc(36);

/**
 * A random (version 4) UUID, as `crypto.randomUUID()` makes one, but as a flat string: randomUUID's is
 * built from pieces, which every later use (a header's validation, JSON, a log line) must first copy into
 * one, ~0.5 µs each time on the gateway's thread (measured against the same uses of a flat string).
 */
export function uuid(): string {
  const at = draw(16);
  let o = 0;
  for (let i = 0; i < 16; i++) {
    let b = pool[at + i]!;
    if (i === 6) b = (b & 0x0f) | 0x40;
    else if (i === 8) b = (b & 0x3f) | 0x80;
    uuidText[o++] = HEX[b >> 4]!;
    uuidText[o++] = HEX[b & 15]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) uuidText[o++] = 0x2d;
  }
  return uuidText.toString('latin1', 0, 36);
}
