// A one-way queue of byte records between two threads, in a SharedArrayBuffer:
// one thread writes, the other reads (a worker instance has one each way).
//
// Why not postMessage: a message costs the receiving thread a deserialisation
// and an event dispatch, several microseconds each (measured ~6 µs per small
// message on the gateway's thread, ~1.3 µs batched); and a record in shared
// memory is visible to the reader the moment it is written, so an answer is
// never stuck behind a call that then spins. The reader sleeps with
// Atomics.waitAsync on a doorbell; the writer rings it only when the reader
// has gone to sleep since the last ring, so while the reader is busy (and
// reads the ring when it gets to it) records cost no wake-up at all.
//
// Records are [u32 size][u8 kind][3 unused][u32 seq][u32 meta length]
// [u32 data length][4 unused][f64 x][f64 y][meta UTF-8][data bytes], 8-byte
// aligned (size includes the padding), never split: a
// record that does not fit before the end leaves a wrap mark (-1) and starts
// at 0. Meta or data of BULK_MIN bytes or more travels on a MessagePort
// instead (posted before the record that stands in for it, flagged in its kind
// byte, read with receiveMessageOnPort), so a record takes at most 2 x BULK_MIN
// and its header, and the ring never needs to be larger than a few hundred KB.
//
// Self-contained (node built-ins only): the instance bootstrap imports it.

import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

const HEAD = 0; // next write offset (writer)
const TAIL = 1; // next read offset (reader)
const BELL = 2; // 1: rung since the reader last looked
const WANT_SPACE = 3; // 1: the writer waits for room
const SPACE_SEQ = 4; // bumped by the reader after it freed room
const CONTROL_INTS = 8;
const CONTROL_BYTES = CONTROL_INTS * 4;
const RECORD_HEADER = 40;
const WRAP = -1;
/** Data from this size on goes through the bulk port. */
export const BULK_MIN = 32 * 1024;
/** Set in the kind byte of a record whose data travels on the bulk port. */
const BULK_FLAG = 0x80;
/** Set in the kind byte of a record whose meta travels on the bulk port (posted before its data, if that goes too). */
const META_BULK_FLAG = 0x40;
const KIND_MASK = 0x3f;
const EMPTY = Buffer.alloc(0);

export interface RingRecord {
  readonly kind: number;
  readonly seq: number;
  readonly x: number;
  readonly y: number;
  readonly meta: string;
  /** The data bytes (a copy: the ring's memory is reused); empty when `text` holds them. */
  readonly data: Buffer;
  /** A record of one of the reader's text kinds under BULK_MIN: its data decoded as UTF-8 straight from the ring; else undefined. */
  readonly text: string | undefined;
}

export class Ring {
  readonly sab: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly bytes: Buffer;
  private readonly view: DataView;
  private readonly capacity: number;

  constructor(
    sab: SharedArrayBuffer,
    /** Carries data of BULK_MIN bytes or more, in the same order as the records. */
    private readonly bulk: MessagePort,
    /**
     * Reader: the kinds (a bit mask, 1 << kind) whose data the reader wants as text: a record of such a
     * kind under BULK_MIN comes decoded in one step rather than copied out to be decoded after (the
     * writer must have written UTF-8); a larger one comes as bytes all the same.
     */
    private readonly textKinds = 0,
  ) {
    this.sab = sab;
    this.ctl = new Int32Array(sab, 0, CONTROL_INTS);
    this.bytes = Buffer.from(sab, CONTROL_BYTES);
    this.view = new DataView(sab, CONTROL_BYTES);
    this.capacity = this.bytes.length;
  }

  static allocate(capacity: number): SharedArrayBuffer {
    return new SharedArrayBuffer(CONTROL_BYTES + Math.ceil(capacity / 8) * 8);
  }

  // ---- writer ----------------------------------------------------------------

  /**
   * Appends a record; false when there is no room now (nothing written). Data
   * given as a string is written as UTF-8 straight into the ring.
   */
  tryWrite(kind: number, seq: number, x: number, y: number, meta: string, data: Uint8Array | string | undefined): boolean {
    // Room for a string: at most 3 UTF-8 bytes per UTF-16 unit. That much is reserved and the string
    // written straight in; the record then shrinks to what it took (it is not published yet, so nothing
    // can be behind it): no pass over the string just to measure it. Only a string that might reach
    // BULK_MIN is measured first. Meta or data of BULK_MIN bytes or more goes on the bulk port, so a
    // record always fits a ring of a few hundred KB (a 300 KB console line once waited for room forever).
    let flags = 0;
    let dataRoom = data === undefined ? 0 : typeof data === 'string' ? textRoom(data) : data.length;
    if (dataRoom >= BULK_MIN) {
      flags |= BULK_FLAG;
      dataRoom = 0;
    }
    let metaRoom = meta.length === 0 ? 0 : textRoom(meta);
    if (metaRoom >= BULK_MIN) {
      flags |= META_BULK_FLAG;
      metaRoom = 0;
    }
    const at = this.reserve(align8(RECORD_HEADER + metaRoom + dataRoom));
    if (at === -1) return false;
    // Posted before the record is published: the reader finds them queued when it reads the record.
    if (flags & META_BULK_FLAG) this.bulk.postMessage(Buffer.from(meta, 'utf8'));
    if (flags & BULK_FLAG) this.bulk.postMessage(typeof data === 'string' ? Buffer.from(data) : data!);
    const start = at + RECORD_HEADER;
    const metaLength = metaRoom === 0 ? 0 : this.bytes.write(meta, start, metaRoom, 'utf8');
    let dataLength = 0;
    if (dataRoom > 0) {
      if (typeof data === 'string') dataLength = this.bytes.write(data, start + metaLength, dataRoom, 'utf8');
      else {
        this.bytes.set(data!, start + metaLength);
        dataLength = dataRoom;
      }
    }
    const size = align8(RECORD_HEADER + metaLength + dataLength);
    const v = this.view;
    v.setUint32(at, size, true);
    v.setUint8(at + 4, kind | flags);
    v.setUint32(at + 8, seq, true);
    v.setUint32(at + 12, metaLength, true);
    v.setUint32(at + 16, dataLength, true);
    v.setFloat64(at + 24, x, true);
    v.setFloat64(at + 32, y, true);
    let next = at + size;
    if (next === this.capacity) next = 0;
    Atomics.store(this.ctl, HEAD, next);
    return true;
  }

  /** Offset where `size` bytes fit (a wrap mark written if needed), or -1. One byte stays free: head === tail means empty. */
  private reserve(size: number): number {
    const head = Atomics.load(this.ctl, HEAD);
    const tail = Atomics.load(this.ctl, TAIL);
    if (head >= tail) {
      // free: [head, capacity) and [0, tail)
      if (head + size < this.capacity || (head + size === this.capacity && tail !== 0)) return head;
      if (size < tail) {
        this.view.setInt32(head, WRAP, true);
        Atomics.store(this.ctl, HEAD, 0);
        return 0;
      }
      return -1;
    }
    return head + size < tail ? head : -1;
  }

  /** Wakes the reader if it may be asleep (call after a batch of writes). */
  ring(): void {
    if (Atomics.compareExchange(this.ctl, BELL, 0, 1) === 0) Atomics.notify(this.ctl, BELL);
  }

  /**
   * Blocks until the reader has freed room or `timeoutMs` passed (a writer that
   * can afford to block: a worker whose output outruns the gateway).
   */
  waitForRoom(timeoutMs: number): void {
    const seen = Atomics.load(this.ctl, SPACE_SEQ);
    Atomics.store(this.ctl, WANT_SPACE, 1);
    this.ring();
    Atomics.wait(this.ctl, SPACE_SEQ, seen, timeoutMs);
  }

  // ---- reader ----------------------------------------------------------------

  /** The next record, or undefined when the ring is empty. */
  read(): RingRecord | undefined {
    let tail = Atomics.load(this.ctl, TAIL);
    const head = Atomics.load(this.ctl, HEAD);
    if (tail === head) return undefined;
    const v = this.view;
    if (v.getInt32(tail, true) === WRAP) {
      tail = 0;
      if (tail === head) {
        Atomics.store(this.ctl, TAIL, 0);
        return undefined;
      }
    }
    const size = v.getUint32(tail, true);
    const kindByte = v.getUint8(tail + 4);
    const metaLength = v.getUint32(tail + 12, true);
    const metaStart = tail + RECORD_HEADER;
    let meta = '';
    if (kindByte & META_BULK_FLAG) {
      const m = receiveMessageOnPort(this.bulk)?.message as Uint8Array | undefined;
      if (m !== undefined) meta = Buffer.from(m.buffer, m.byteOffset, m.byteLength).toString('utf8');
    } else if (metaLength > 0) meta = this.bytes.toString('utf8', metaStart, metaStart + metaLength);
    const kind = kindByte & KIND_MASK;
    let data: Buffer = EMPTY;
    let text: string | undefined;
    if (kindByte & BULK_FLAG) {
      const m = receiveMessageOnPort(this.bulk)?.message as Uint8Array | undefined;
      // Bytes even for a text kind: decoding megabytes takes milliseconds, which the reader may
      // want to spend later (a worker decodes an event only once it has claimed the call).
      if (m !== undefined) data = Buffer.from(m.buffer, m.byteOffset, m.byteLength);
    } else {
      const dataStart = metaStart + metaLength;
      const dataEnd = dataStart + v.getUint32(tail + 16, true);
      if ((this.textKinds & (1 << kind)) !== 0) text = this.bytes.toString('utf8', dataStart, dataEnd);
      else data = Buffer.from(this.bytes.subarray(dataStart, dataEnd));
    }
    const record: RingRecord = {
      kind,
      seq: v.getUint32(tail + 8, true),
      x: v.getFloat64(tail + 24, true),
      y: v.getFloat64(tail + 32, true),
      meta,
      data,
      text,
    };
    let next = tail + size;
    if (next === this.capacity) next = 0;
    Atomics.store(this.ctl, TAIL, next);
    if (Atomics.load(this.ctl, WANT_SPACE) === 1) {
      Atomics.store(this.ctl, WANT_SPACE, 0);
      Atomics.add(this.ctl, SPACE_SEQ, 1);
      Atomics.notify(this.ctl, SPACE_SEQ);
    }
    return record;
  }

  /** Hands every record now in the ring to `onRecord`; returns how many. */
  drain(onRecord: (r: RingRecord) => void): number {
    let n = 0;
    for (let r = this.read(); r !== undefined; r = this.read()) {
      n++;
      onRecord(r);
    }
    return n;
  }

  /**
   * The reader is about to sleep: resolves when the writer rings next, or
   * undefined when records are already there (drain them, then try again).
   * The doorbell stays rung until the reader sleeps again, so a writer pays
   * for a wake-up only when the reader really sleeps.
   */
  sleep(): Promise<unknown> | undefined {
    Atomics.store(this.ctl, BELL, 0);
    if (Atomics.load(this.ctl, HEAD) !== Atomics.load(this.ctl, TAIL)) return undefined;
    const w = waitAsync(this.ctl, BELL, 0);
    return w.async ? w.value : undefined;
  }

  /**
   * The reader has nothing to do until the writer rings: blocks its thread, so
   * nothing else on it runs meanwhile (returns at once when records are there).
   * A worker instance between calls: frozen, as Lambda freezes an environment.
   */
  block(): void {
    Atomics.store(this.ctl, BELL, 0);
    if (Atomics.load(this.ctl, HEAD) !== Atomics.load(this.ctl, TAIL)) return;
    Atomics.wait(this.ctl, BELL, 0);
  }

  /**
   * Wakes a reader asleep in sleep() whatever the ring holds (its writer is
   * gone): a waiter that is never notified would keep what it refers to alive.
   */
  interrupt(): void {
    Atomics.store(this.ctl, BELL, 1);
    Atomics.notify(this.ctl, BELL);
  }

  /**
   * Calls `onRecord` for every record now and whenever more arrive, until
   * `stop()` (a reader with nothing else to do; Atomics.waitAsync keeps
   * nothing alive).
   */
  listen(onRecord: (r: RingRecord) => void): { stop(): void } {
    let stopped = false;
    const loop = (): void => {
      while (!stopped) {
        this.drain(onRecord);
        if (stopped) return;
        const wake = this.sleep();
        if (wake) {
          void wake.then(loop);
          return;
        }
      }
    };
    loop();
    return {
      stop: () => {
        stopped = true;
      },
    };
  }
}

/** Atomics.waitAsync (V8 ships it; TypeScript's ES2023 library does not declare it). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<string> };
}).waitAsync;

/** Bytes a string takes as UTF-8: an upper bound (3 per UTF-16 unit) where that stays under BULK_MIN, else exact. */
function textRoom(s: string): number {
  const bound = s.length * 3;
  return bound < BULK_MIN ? bound : Buffer.byteLength(s, 'utf8');
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
