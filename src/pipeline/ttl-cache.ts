// A map whose entries expire: authorizers' cached answers (Lambda decisions, verified tokens) by
// identity, each kept for its authorizer's TTL.

/** Bounds the memory clients sending ever new tokens can take. */
const MAX_ENTRIES = 10_000;

export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  get(key: string, now: number): T | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expires > now) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps `value` until `expires` (ms); past MAX_ENTRIES the cache starts over. */
  set(key: string, value: T, expires: number): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, expires });
  }
}
