/**
 * Identical requests in flight at the same time share one: the first starts it, those that arrive
 * before it settles wait for the same result. Nothing is kept once it settles (no caching).
 */
export class InflightRequests<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  /** `shared`: this caller joined a request another had started. */
  run(key: string, start: () => Promise<T>): { result: Promise<T>; shared: boolean } {
    const pending = this.inflight.get(key);
    if (pending) return { result: pending, shared: true };
    const result = start();
    this.inflight.set(key, result);
    const forget = () => {
      if (this.inflight.get(key) === result) this.inflight.delete(key);
    };
    result.then(forget, forget);
    return { result, shared: false };
  }

  get size(): number {
    return this.inflight.size;
  }
}
