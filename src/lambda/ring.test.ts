// The shared-memory record queue between the gateway and a worker instance
// (ring.ts): records come out whole, in order, across wrap-around, through the
// bulk port when large, and across threads with a writer that outruns the
// reader (it blocks for room rather than lose anything).

import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, Worker } from 'node:worker_threads';
import { BULK_MIN, Ring, type RingRecord } from './ring.js';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function pair(capacity: number, textKinds = 0): { writer: Ring; reader: Ring } {
  const sab = Ring.allocate(capacity);
  const ch = new MessageChannel();
  channels.push(ch);
  return { writer: new Ring(sab, ch.port1), reader: new Ring(sab, ch.port2, textKinds) };
}

const fields = (r: RingRecord | undefined) => r && { kind: r.kind, seq: r.seq, x: r.x, y: r.y, meta: r.meta, data: r.data.toString('utf8') };

describe('one thread', () => {
  it('records come out as written: kind, seq, two numbers, meta text and data bytes', () => {
    const { writer, reader } = pair(4096);
    expect(writer.tryWrite(3, 42, 1.5, -0.25, 'id\u0000arn', 'héllo')).toBe(true);
    expect(writer.tryWrite(1, 4294967295, 0, 1e300, '', new Uint8Array([0, 255, 10]))).toBe(true);
    expect(fields(reader.read())).toEqual({ kind: 3, seq: 42, x: 1.5, y: -0.25, meta: 'id\u0000arn', data: 'héllo' });
    const second = reader.read()!;
    expect([second.kind, second.seq, second.y, second.meta, [...second.data]]).toEqual([1, 4294967295, 1e300, '', [0, 255, 10]]);
    expect(reader.read()).toBeUndefined();
  });

  it('wraps around the end without splitting a record, many times over', () => {
    const { writer, reader } = pair(1000);
    for (let i = 0; i < 500; i++) {
      const text = 'x'.repeat(i % 97);
      expect(writer.tryWrite(2, i, i, 0, `m${i}`, text)).toBe(true);
      expect(fields(reader.read())).toEqual({ kind: 2, seq: i, x: i, y: 0, meta: `m${i}`, data: text });
    }
  });

  it('a full ring refuses a record and accepts it once the reader has made room', () => {
    const { writer, reader } = pair(512);
    const bytes = Buffer.alloc(60, 0x79); // bytes take their size exactly (40 + 60 → 104 with padding)
    let written = 0;
    while (writer.tryWrite(1, written, 0, 0, '', bytes)) written++;
    expect(written).toBe(4);
    expect(writer.tryWrite(1, written, 0, 0, '', bytes)).toBe(false);
    // one byte always stays free (head === tail means empty), so one record's room is not quite enough
    expect([reader.read()?.seq, reader.read()?.seq]).toEqual([0, 1]);
    expect(writer.tryWrite(1, written, 0, 0, '', bytes)).toBe(true);
    const seqs: number[] = [];
    for (let r = reader.read(); r; r = reader.read()) seqs.push(r.seq);
    expect(seqs).toEqual(Array.from({ length: written - 1 }, (_, i) => i + 2));
  });

  it('a string needs room for 3 bytes a UTF-16 unit, written without measuring it first, and then takes only what it used', () => {
    const { writer, reader } = pair(512);
    const text = 'y'.repeat(100); // room 40 + 300; takes 40 + 100 (→ 144)
    expect(writer.tryWrite(1, 1, 0, 0, '', text)).toBe(true);
    expect(writer.tryWrite(1, 2, 0, 0, '', text)).toBe(true); // at 144: 144 + 340 fits
    expect(writer.tryWrite(1, 3, 0, 0, '', text)).toBe(false); // at 288: it might not fit before the end
    expect(writer.tryWrite(1, 3, 0, 0, '', Buffer.from(text))).toBe(true); // its bytes (144) do
    expect([1, 2, 3].map(() => fields(reader.read()))).toEqual([1, 2, 3].map((seq) => ({ kind: 1, seq, x: 0, y: 0, meta: '', data: text })));
    expect(reader.read()).toBeUndefined();
    // Multi-byte text comes out whole: 3-byte and 4-byte (surrogate pair) characters, and a lone surrogate as U+FFFD.
    const wide = '€'.repeat(30) + '😀'.repeat(10) + '\ud800';
    expect(writer.tryWrite(2, 4, 0, 0, '€ meta 😀', wide)).toBe(true);
    expect(fields(reader.read())).toEqual({ kind: 2, seq: 4, x: 0, y: 0, meta: '€ meta 😀', data: '€'.repeat(30) + '😀'.repeat(10) + '\ufffd' });
  });

  it(`meta of ${BULK_MIN} bytes or more travels on the bulk port too: a record always fits (a 300 KB console line once waited for room forever)`, () => {
    const { writer, reader } = pair(4096);
    const line = 'l'.repeat(300_000);
    const data = Buffer.alloc(BULK_MIN, 3);
    expect(writer.tryWrite(3, 1, 0, 0, line, undefined)).toBe(true);
    expect(writer.tryWrite(3, 2, 0, 0, line, data)).toBe(true); // both on the port, meta first
    expect(writer.tryWrite(3, 3, 0, 0, 'short', 'after')).toBe(true);
    const out = [reader.read()!, reader.read()!, reader.read()!];
    expect(out.map((r) => [r.seq, r.meta.length, r.data.length])).toEqual([
      [1, 300_000, 0],
      [2, 300_000, BULK_MIN],
      [3, 5, 5],
    ]);
    expect(out[0]!.meta).toBe(line);
    expect(out[1]!.data.equals(data)).toBe(true);
  });

  it(`data of ${BULK_MIN} bytes or more travels on the bulk port, in order with the small records`, () => {
    const { writer, reader } = pair(4096);
    const big = Buffer.alloc(BULK_MIN * 3, 7);
    writer.tryWrite(1, 1, 0, 0, 'a', 'small');
    writer.tryWrite(1, 2, 0, 0, 'b', big);
    writer.tryWrite(1, 3, 0, 0, 'c', 'x'.repeat(BULK_MIN)); // a string that large too
    writer.tryWrite(1, 4, 0, 0, 'd', 'last');
    const out = [reader.read()!, reader.read()!, reader.read()!, reader.read()!];
    expect(out.map((r) => [r.seq, r.meta, r.data.length])).toEqual([
      [1, 'a', 5],
      [2, 'b', BULK_MIN * 3],
      [3, 'c', BULK_MIN],
      [4, 'd', 4],
    ]);
    expect(out[1]!.data.equals(big)).toBe(true);
  });

  it("a reader's text kinds come as text, the other kinds and a text kind's bulk data as bytes", () => {
    const { writer, reader } = pair(4096, 1 << 6);
    const bigText = '€'.repeat(BULK_MIN); // 3 bytes each in UTF-8: on the bulk port
    writer.tryWrite(6, 1, 0, 0, 'm', '{"a":"héllo \u2028"}');
    writer.tryWrite(1, 2, 0, 0, 'm', new Uint8Array([0xef, 0xbb, 0xbf, 0x7b]));
    writer.tryWrite(6, 3, 0, 0, 'm', bigText);
    writer.tryWrite(6, 4, 0, 0, '', undefined);
    const out = [reader.read()!, reader.read()!, reader.read()!, reader.read()!];
    expect(out.map((r) => [r.kind, r.text, r.data.length])).toEqual([
      [6, '{"a":"héllo \u2028"}', 0],
      [1, undefined, 4],
      [6, undefined, BULK_MIN * 3],
      [6, '', 0],
    ]);
    // Bytes stay bytes: a leading byte-order mark is the caller's, not decoded away.
    expect([...out[1]!.data]).toEqual([0xef, 0xbb, 0xbf, 0x7b]);
    expect(out[2]!.data.toString('utf8')).toBe(bigText);
  });
});

describe('sleeping', () => {
  it('sleep() says "records are there" at once, else waits for the writer to ring; interrupt() releases it', async () => {
    const { writer, reader } = pair(1024);
    writer.tryWrite(1, 1, 0, 0, '', 'x');
    expect(reader.sleep()).toBeUndefined(); // a record is waiting: drain first
    reader.read();
    const rung = reader.sleep();
    expect(rung).toBeInstanceOf(Promise);
    writer.tryWrite(1, 2, 0, 0, '', 'y');
    writer.ring();
    await expect(rung).resolves.toBe('ok');
    reader.read();
    const released = reader.sleep();
    reader.interrupt(); // the writer is gone: nothing would ever ring
    await expect(released).resolves.toBe('ok');
  });
});

describe('two threads', () => {
  it('a worker writing faster than the reader reads: nothing lost, nothing reordered, the writer waits for room', async () => {
    const sab = Ring.allocate(2048);
    const ch = new MessageChannel();
    channels.push(ch);
    const reader = new Ring(sab, ch.port1);
    const COUNT = 20000;
    const worker = new Worker(new URL('../../test/fixtures/workers/ring-writer.mjs', import.meta.url), {
      workerData: { sab, port: ch.port2, count: COUNT },
      transferList: [ch.port2],
    });
    const seen: number[] = [];
    let bad = 0;
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      const listener = reader.listen((r) => {
        const i = r.seq;
        const ok = i % 1000 === 0 ? r.data.length === BULK_MIN && r.data[0] === i % 251 : r.data.toString() === 'r' + i + '-'.repeat(i % 50);
        if (!ok || r.meta !== 'n' + i || r.x !== i * 0.5) bad++;
        seen.push(i);
        if (seen.length === COUNT) {
          listener.stop();
          resolve();
        }
      });
    });
    await worker.terminate();
    expect(bad).toBe(0);
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => i));
  });
});
