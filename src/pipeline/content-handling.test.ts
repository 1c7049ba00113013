import { describe, expect, it } from 'vitest';
import type { ContentHandling } from '../definition/model.js';
import { convertRequestPayload, convertResponsePayload, decodeBase64, requireText } from './content-handling.js';
import { isBinaryMediaType, firstAcceptType } from './media-types.js';
import { GatewayError } from './types.js';

const BYTES = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
const B64 = BYTES.toString('base64'); // 'AP8QgH8='

function show(p: ReturnType<typeof convertRequestPayload>) {
  return p.kind === 'text' ? { text: p.text } : { bytes: [...p.bytes] };
}

describe('request conversion: every row of the §1.3 table [D-encwf]', () => {
  const rows: Array<[string, Buffer, boolean, ContentHandling | undefined, ReturnType<typeof show>]> = [
    ['text, unset → UTF-8 string', Buffer.from('héllo'), false, undefined, { text: 'héllo' }],
    ['text, CONVERT_TO_BINARY → base64-decoded bytes', Buffer.from(B64), false, 'CONVERT_TO_BINARY', { bytes: [...BYTES] }],
    ['text, CONVERT_TO_TEXT → the text unchanged', Buffer.from('héllo'), false, 'CONVERT_TO_TEXT', { text: 'héllo' }],
    ['binary, unset → raw bytes', BYTES, true, undefined, { bytes: [...BYTES] }],
    ['binary, CONVERT_TO_BINARY → raw bytes', BYTES, true, 'CONVERT_TO_BINARY', { bytes: [...BYTES] }],
    ['binary, CONVERT_TO_TEXT → base64 string', BYTES, true, 'CONVERT_TO_TEXT', { text: B64 }],
  ];
  for (const [name, body, isBinary, handling, expected] of rows) {
    it(name, () => expect(show(convertRequestPayload(body, isBinary, handling))).toEqual(expected));
  }

  it('text that is not base64 with CONVERT_TO_BINARY → 500 API configuration error (§1.3 [D-enc])', () => {
    const err = (() => {
      try {
        convertRequestPayload(Buffer.from('abcde'), false, 'CONVERT_TO_BINARY');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).type).toBe('API_CONFIGURATION_ERROR');
    expect((err as GatewayError).message).toBe('Internal server error');
  });
});

describe('response conversion: every row of the §1.4 table [D-encwf, LS-12215]', () => {
  // [payload is binary, Accept is binary, contentHandling, expected]
  const rows: Array<[boolean, boolean, ContentHandling | undefined, 'base64' | 'bytes' | 'text' | 'decoded']> = [
    [false, false, undefined, 'text'],
    [false, false, 'CONVERT_TO_TEXT', 'text'],
    [false, false, 'CONVERT_TO_BINARY', 'decoded'],
    [false, true, undefined, 'decoded'],
    [false, true, 'CONVERT_TO_TEXT', 'text'],
    [false, true, 'CONVERT_TO_BINARY', 'decoded'],
    [true, false, undefined, 'base64'],
    [true, false, 'CONVERT_TO_TEXT', 'base64'],
    [true, false, 'CONVERT_TO_BINARY', 'bytes'],
    [true, true, undefined, 'bytes'],
    [true, true, 'CONVERT_TO_TEXT', 'base64'],
    [true, true, 'CONVERT_TO_BINARY', 'bytes'],
  ];
  for (const [binaryPayload, binaryAccept, handling, expected] of rows) {
    const name = `${binaryPayload ? 'binary' : 'text'} payload, ${binaryAccept ? 'binary' : 'text'} Accept, ${handling ?? 'unset'} → ${expected}`;
    it(name, () => {
      const body = binaryPayload ? BYTES : Buffer.from(B64);
      const out = show(convertResponsePayload(body, binaryPayload, binaryAccept, handling));
      const want = {
        text: { text: B64 },
        base64: { text: B64 },
        bytes: { bytes: [...BYTES] },
        decoded: { bytes: [...BYTES] },
      }[expected];
      expect(out).toEqual(want);
    });
  }

  it('a template cannot render bytes: 500 [LS-ir] (§1.4)', () => {
    expect(() => requireText({ kind: 'binary', bytes: BYTES })).toThrow(GatewayError);
    expect(requireText({ kind: 'text', text: 'x' })).toBe('x');
  });
});

describe('base64 decoding (choice: MIME-style, docs/fidelity.md)', () => {
  it('skips characters outside the alphabet, such as the quotes of a JSON string from Lambda', () => {
    expect([...decodeBase64(`"${B64}"`)]).toEqual([...BYTES]);
    expect([...decodeBase64(`${B64.slice(0, 4)}\r\n${B64.slice(4)}`)]).toEqual([...BYTES]);
  });
  it('rejects a truncated quantum and padding in the middle', () => {
    expect(() => decodeBase64('QUJDR')).toThrow(GatewayError);
    expect(() => decodeBase64('QQ==QUJD')).toThrow(GatewayError);
  });
  it('accepts unpadded input', () => {
    expect(decodeBase64('QUI').toString()).toBe('AB');
  });
});

describe('binaryMediaTypes matching (§1.2)', () => {
  it('exact, type/* and */* entries [D-enc, MS-767, SQ-11]', () => {
    expect(isBinaryMediaType('image/png', ['image/png'])).toBe(true);
    expect(isBinaryMediaType('image/png', ['image/*'])).toBe(true);
    expect(isBinaryMediaType('text/plain', ['*/*'])).toBe(true);
    expect(isBinaryMediaType('image/png', ['image/jpeg'])).toBe(false);
    expect(isBinaryMediaType('image/png', [])).toBe(false);
  });
  it('parameters are ignored; client-side wildcards do not match [SH-34, MT-33, CH-391]', () => {
    expect(isBinaryMediaType('image/png; charset=binary', ['image/png'])).toBe(true);
    expect(isBinaryMediaType('*/*', ['image/png'])).toBe(false);
    expect(isBinaryMediaType('image/*', ['image/png'])).toBe(false);
  });
  it('only the first Accept type counts (§1.1 [D-encwf])', () => {
    expect(firstAcceptType([['Accept', 'image/webp,image/*,*/*;q=0.8']])).toBe('image/webp');
    expect(firstAcceptType([['accept', 'application/octet-stream;q=0.9, application/json']])).toBe('application/octet-stream');
    expect(firstAcceptType([])).toBeUndefined();
  });
});
