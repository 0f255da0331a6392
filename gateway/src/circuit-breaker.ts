import type { Logger } from '@pdn/logging';

/** How the gateway copes with a subgraph that stops answering (SUBGRAPH_RETRIES, SUBGRAPH_BREAKER_*). */
export interface SubgraphResilienceSettings {
  /** Extra attempts of a query whose subgraph refused the connection, reset it or answered 502/503/504. */
  retries: number;
  /** Consecutive failed requests after which the subgraph's breaker opens. */
  breakerFailures: number;
  /** How long an open breaker fails fast before letting one probe request through. */
  breakerOpenMs: number;
}

export const DEFAULT_SUBGRAPH_RESILIENCE: SubgraphResilienceSettings = {
  retries: 1,
  breakerFailures: 5,
  breakerOpenMs: 5000,
};

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** The subgraph, for the logs. */
  name: string;
  failureThreshold: number;
  openMs: number;
  logger: Logger;
  /** Milliseconds; injected by tests. */
  now?: () => number;
}

/**
 * One per subgraph. Closed: every request goes. After `failureThreshold` consecutive failures it opens:
 * requests are refused without touching the network for `openMs`. Then it is half-open: one probe goes,
 * the others are still refused; the probe's success closes the breaker, its failure opens it again.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.openMs) return 'half-open';
    return this.current;
  }

  /**
   * May a request go out now? When true, the caller must report its outcome with `succeeded` or
   * `failed` (a half-open breaker waits for the probe's outcome).
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    if (this.current === 'open') {
      this.current = 'half-open';
      this.options.logger.info({ subgraph: this.options.name }, 'subgraph circuit breaker half-open: probing');
    }
    this.probing = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') {
      this.current = 'closed';
      this.options.logger.info({ subgraph: this.options.name }, 'subgraph circuit breaker closed: the subgraph answers again');
    }
  }

  failed(): void {
    this.failures++;
    const probeFailed = this.current === 'half-open';
    this.probing = false;
    if (probeFailed || (this.current === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.current = 'open';
      this.openedAt = this.now();
      this.options.logger.warn(
        { subgraph: this.options.name, failures: this.failures, openMs: this.options.openMs },
        probeFailed ? 'subgraph circuit breaker open again: the probe failed' : 'subgraph circuit breaker open',
      );
    }
  }
}

/** Before retry number `attempt` (1, 2…): a short delay, jittered so that replicas do not retry in step. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = 25 * 2 ** (attempt - 1);
  return Math.round(base + random() * base);
}
