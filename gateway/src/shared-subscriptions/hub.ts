import { randomUUID } from 'node:crypto';
import { type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult, print, subscribe } from 'graphql';
import type { Caller } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import { audienceOf, type PerViewerDetector, stableJson } from './audience.js';

/** The upstream side of a hub: the context its one execution runs with, and how to close what it opened. */
export interface Upstream {
  contextValue: unknown;
  dispose(): void | Promise<void>;
}

export interface SharedSubscriptionsOptions {
  detector: PerViewerDetector;
  /** false: every client subscription gets a hub of its own (nothing shared). */
  share?: boolean;
  /**
   * Opens what the first subscriber's execution needs (its subgraph connections, signed with that
   * subscriber's caller): the hub runs on it for every subscriber of its group.
   */
  openUpstream(args: ExecutionArgs, caller: Caller): Upstream;
  /** A result as clients get it (errors formatted: codes, no internals), as graphql-ws's onNext would. */
  formatResult(result: ExecutionResult): FormattedExecutionResult;
  logger: Logger;
}

/**
 * What a client subscription's context may carry (subscriptions.ts): sends one `next` message with
 * an already serialised payload on the client's socket, graphql-ws's own message but for the payload
 * it would have stringified again for every subscriber.
 */
export interface DirectDelivery {
  sendNext?: (payloadJson: string) => void;
}

type Step = IteratorResult<ExecutionResult, undefined>;

/** One event of a hub: the result, and its formatted payload serialised once for every subscriber. */
interface HubEvent {
  result: ExecutionResult;
  json: string;
}

/**
 * One client subscription's view of a hub: graphql-ws iterates it as it would the result of
 * `subscribe` (an error message when it throws, complete when done), and calls `return()` when the
 * client completes or disconnects, which leaves the hub at once. With `sendNext`, results do not go
 * through graphql-ws's loop: once graphql-ws iterates (it has registered the operation), each event is
 * written straight to the socket, serialised once per hub, and `next()` only settles at the end; the
 * complete or error message graphql-ws then sends comes after them, in order. Without, they are yielded.
 */
class Subscriber implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: HubEvent[] = [];
  private waiting?: { resolve: (step: Step) => void; reject: (error: unknown) => void };
  private ended = false;
  private failure?: { error: unknown };
  /** graphql-ws iterates: events go straight to the socket. */
  private direct = false;

  constructor(
    private readonly hub: Hub,
    private readonly sendNext: ((payloadJson: string) => void) | undefined,
  ) {}

  [Symbol.asyncIterator]() {
    return this;
  }

  push(event: HubEvent): void {
    if (this.ended) return;
    if (this.direct) {
      this.sendNext!(event.json);
      return;
    }
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve({ done: false, value: event.result });
    } else this.queue.push(event);
  }

  end(): void {
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ done: true, value: undefined });
  }

  fail(error: unknown): void {
    this.failure = { error };
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  next(): Promise<Step> {
    if (this.sendNext && !this.direct) {
      // graphql-ws has registered the operation and iterates: what came meanwhile goes out first.
      this.direct = true;
      for (const event of this.queue.splice(0)) this.sendNext(event.json);
    }
    if (this.queue.length > 0) return Promise.resolve({ done: false, value: this.queue.shift()!.result });
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise<Step>((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<Step> {
    this.queue.length = 0;
    this.end();
    this.hub.leave(this);
    return Promise.resolve({ done: true, value: undefined });
  }
}

/**
 * One upstream subscription (one execution on the stitched schema, so one subgraph stream and one
 * `_entities` fetch per event) and the client subscriptions it feeds. It starts with its first
 * subscriber and stops when its last one leaves; when the upstream ends (an error result such as
 * SERVICE_UNAVAILABLE or SUBSCRIPTION_INTERRUPTED, then done), every subscriber gets that result and ends.
 */
class Hub {
  readonly subscribers = new Set<Subscriber>();
  /** A stream, or the single result (errors) the execution answered instead. */
  started!: Promise<'stream' | ExecutionResult>;
  private source?: AsyncIterator<ExecutionResult>;
  private stopped = false;

  constructor(
    readonly key: string,
    private readonly upstream: Upstream,
    private readonly forget: (hub: Hub) => void,
    private readonly formatResult: (result: ExecutionResult) => FormattedExecutionResult,
    private readonly logger: Logger,
  ) {}

  join(sendNext?: (payloadJson: string) => void): Subscriber {
    const subscriber = new Subscriber(this, sendNext);
    this.subscribers.add(subscriber);
    return subscriber;
  }

  leave(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber) || this.subscribers.size > 0) return;
    // The last one left: nobody else may join this hub; the next subscriber starts a new one.
    this.stop();
  }

  start(args: ExecutionArgs): void {
    this.started = (async () => {
      const result = await subscribe({ ...args, contextValue: this.upstream.contextValue });
      if (!(Symbol.asyncIterator in result)) {
        this.stop();
        return result;
      }
      this.source = result[Symbol.asyncIterator]();
      if (this.stopped) {
        // Every subscriber left while the subgraph was accepting the subscription.
        void this.source.return?.();
        return 'stream';
      }
      void this.pump(this.source);
      return 'stream';
    })();
    this.started.catch((error: unknown) => {
      this.logger.warn({ err: error }, 'shared subscription failed to start');
      this.stop();
    });
  }

  private async pump(source: AsyncIterator<ExecutionResult>): Promise<void> {
    try {
      for (;;) {
        const step = await source.next();
        if (step.done || this.stopped) break;
        const event = { result: step.value, json: JSON.stringify(this.formatResult(step.value)) };
        for (const subscriber of this.subscribers) subscriber.push(event);
      }
      for (const subscriber of this.subscribers) subscriber.end();
    } catch (error) {
      for (const subscriber of this.subscribers) subscriber.fail(error);
    } finally {
      this.stop();
    }
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.forget(this);
    // Completes the subgraph operation at once (guardedStream), then closes the hub's subgraph sockets.
    void Promise.resolve(this.source?.return?.())
      .catch(() => undefined)
      .then(() => this.upstream.dispose())
      .catch((error: unknown) => this.logger.debug({ err: error }, 'closing a shared subscription'));
  }
}

/** The hubs of one subscription server, by (operation, variables, audience). */
export class SharedSubscriptions {
  private readonly hubs = new Map<string, Hub>();

  constructor(private readonly options: SharedSubscriptionsOptions) {}

  /** Upstream subscriptions running now. */
  get upstreams(): number {
    return this.hubs.size;
  }

  /** Client subscriptions fed by a hub now. */
  get subscribers(): number {
    let count = 0;
    for (const hub of this.hubs.values()) count += hub.subscribers.size;
    return count;
  }

  /**
   * graphql-ws's `subscribe`: `args.contextValue` is the client subscription's own context (its caller,
   * request id and span); the answer is an iterator on the hub of its group, created if needed.
   */
  async subscribe(args: ExecutionArgs, caller: Caller): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    if (this.options.share === false) return this.join(randomUUID(), args, caller);
    const document = print(args.document);
    const perViewer = this.options.detector.selectsPerViewerField(args.document, document);
    const key = [document, args.operationName ?? '', stableJson(args.variableValues), audienceOf(caller, perViewer)].join('\u0000');
    return this.join(key, args, caller);
  }

  private async join(key: string, args: ExecutionArgs, caller: Caller): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    let hub = this.hubs.get(key);
    if (!hub) {
      // Sound to run on this caller's identity for the whole group: everyone in it has the same
      // audience, i.e. everything the subgraphs read of a caller for the fields selected (kind, role,
      // status, départements; the memberId too as soon as a per-viewer field is selected).
      hub = new Hub(key, this.options.openUpstream(args, caller), (stopped) => this.forget(stopped), this.options.formatResult, this.options.logger);
      this.hubs.set(key, hub);
      hub.start(args);
    }
    const subscriber = hub.join((args.contextValue as DirectDelivery | undefined)?.sendNext);
    const outcome = await hub.started.catch((error: unknown) => {
      void subscriber.return();
      throw error;
    });
    if (outcome !== 'stream') {
      void subscriber.return();
      return outcome;
    }
    return subscriber;
  }

  private forget(hub: Hub): void {
    if (this.hubs.get(hub.key) === hub) this.hubs.delete(hub.key);
  }
}
