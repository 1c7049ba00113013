import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOG_FLUSH_BYTES, LOG_FLUSH_MS, batchedLog } from './log-sink.js';

describe('batchedLog (the default log sink)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function sink() {
    const writes: string[] = [];
    let atExit: (() => void) | undefined;
    const log = batchedLog(
      (text) => writes.push(text),
      (f) => {
        atExit = f;
      },
    );
    return { log, writes, exit: () => atExit!() };
  }

  it('writes the lines of one window together, in order, LOG_FLUSH_MS after the first', () => {
    const { log, writes } = sink();
    log('START RequestId: a Version: $LATEST');
    vi.advanceTimersByTime(LOG_FLUSH_MS - 1);
    log('END RequestId: a');
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['START RequestId: a Version: $LATEST\nEND RequestId: a\n']);
    log('REPORT RequestId: a');
    vi.advanceTimersByTime(LOG_FLUSH_MS);
    expect(writes).toEqual(['START RequestId: a Version: $LATEST\nEND RequestId: a\n', 'REPORT RequestId: a\n']);
  });

  it('writes at once when LOG_FLUSH_BYTES have gathered, and the timer then writes only what came after', () => {
    const { log, writes } = sink();
    const line = 'x'.repeat(1023); // 1 KiB with its newline
    for (let i = 0; i < LOG_FLUSH_BYTES / 1024 - 1; i++) log(line);
    expect(writes).toEqual([]);
    log(line);
    expect(writes).toEqual([`${line}\n`.repeat(LOG_FLUSH_BYTES / 1024)]);
    log('after');
    vi.advanceTimersByTime(LOG_FLUSH_MS);
    expect(writes.slice(1)).toEqual(['after\n']);
  });

  it('writes what gathered when the process exits, and nothing when nothing did', () => {
    const { log, writes, exit } = sink();
    log('last words');
    exit();
    expect(writes).toEqual(['last words\n']);
    exit();
    vi.advanceTimersByTime(LOG_FLUSH_MS);
    expect(writes).toEqual(['last words\n']);
  });

  it('flush() writes now and cancels the pending timer', () => {
    const { log, writes } = sink();
    log('one');
    log.flush();
    expect(writes).toEqual(['one\n']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not keep the process alive while lines wait', () => {
    vi.useRealTimers();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const { log } = sink();
    log('waiting');
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    clearTimeout(timer);
    spy.mockRestore();
  });
});
